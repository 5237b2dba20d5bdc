//! The `cluster-atlas` binary: parse the command line, start logging, run the subcommand.

use anyhow::Context;
use cluster_atlas::cli::{Cli, Command};
use cluster_atlas::{app, config, generate, graphql, telemetry};

/// mimalloc: glibc's malloc was a sixth of a rebuild's CPU (rows read on the driver's
/// thread and freed on ours, token buffers), and merges and requests allocate just as much.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An error ends the process with its chain of causes on one line, and without the stack
/// backtrace `RUST_BACKTRACE` would add to `main`'s own report: an operator's mistake (a
/// bad page, a port in use) is not a crash.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let loaded = match config::load() {
        Ok(loaded) => loaded,
        // Help, version and usage errors, as clap prints them.
        Err(config::Error::Cli(e)) => e.exit(),
        Err(e) => return Err(e.into()),
    };
    let config::Loaded { mut cli, layers } = loaded;
    telemetry::init_logs(cli.log_format);
    let command = cli.command.take();
    match command.unwrap_or_else(|| Command::Serve(cli.serve.clone())) {
        Command::Serve(settings) => serve(&cli, &settings).await,
        Command::Migrate => {
            app::open_store(&cli.database_url).await?;
            println!("migrated");
            Ok(())
        }
        Command::Import { paths, manifest } => {
            let db = app::open_store(&cli.database_url).await?;
            app::import_files(&db, &paths, manifest.as_deref()).await
        }
        Command::Generate {
            clusters,
            news,
            seed,
            out,
        } => {
            let plan = generate::Plan {
                clusters,
                news,
                seed,
            };
            app::generate(&cli.database_url, &plan, out.as_deref()).await
        }
        Command::Reindex => {
            let db = app::open_store(&cli.database_url).await?;
            app::reindex(&db, &cli.index_dir).await
        }
        Command::Export { out } => {
            let db = app::open_store(&cli.database_url).await?;
            app::export(&db, &out).await
        }
        Command::Restore { file } => {
            let db = app::open_store(&cli.database_url).await?;
            app::restore(&db, &file, &cli.index_dir).await
        }
        Command::Token(command) => {
            let db = app::open_store(&cli.database_url).await?;
            app::token(&db, command).await
        }
        Command::Config(_) => {
            println!("{}", config::describe(&layers));
            Ok(())
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "cluster-atlas", &mut std::io::stdout());
            Ok(())
        }
        Command::ExportSchema { out } => export_schema(out.as_deref()),
    }
}

/// Binds the address, says where GraphiQL is, and serves until told to stop.
async fn serve(cli: &Cli, settings: &cluster_atlas::http::Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("binding {}", cli.addr))?;
    let front = if settings.no_graphiql {
        "GraphQL"
    } else {
        "GraphiQL"
    };
    // For the person at the terminal; a log pipeline gets the log's own line.
    if cli.log_format == telemetry::LogFormat::Text {
        println!("{front}: http://{}/graphql", listener.local_addr()?);
    }
    let shutdown = app::shutdown_signal();
    app::start_and_serve(
        listener,
        &cli.database_url,
        &cli.index_dir,
        settings,
        shutdown,
    )
    .await
}

/// The SDL to a file, or to standard output.
fn export_schema(out: Option<&std::path::Path>) -> anyhow::Result<()> {
    let sdl = graphql::sdl();
    match out {
        Some(path) => {
            std::fs::write(path, sdl).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            print!("{sdl}");
            Ok(())
        }
    }
}
