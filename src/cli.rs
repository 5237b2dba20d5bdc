//! Command line: subcommands and settings, each by flag or environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "cluster-atlas",
    version,
    args_conflicts_with_subcommands = true,
    about = "The directory of European industry clusters as a GraphQL API"
)]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://...
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/atlas.db",
        global = true
    )]
    pub database_url: String,
    /// Folder of the search index.
    #[arg(long, env = "ATLAS_INDEX_DIR", default_value = "index", global = true)]
    pub index_dir: PathBuf,
    /// Address to serve on.
    #[arg(
        long,
        env = "ATLAS_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub addr: SocketAddr,
    /// How log lines are written: text (coloured only on a terminal) or JSON, one object a
    /// line, for a log pipeline.
    #[arg(
        long,
        env = "ATLAS_LOG_FORMAT",
        value_enum,
        default_value_t,
        global = true
    )]
    pub log_format: crate::telemetry::LogFormat,
    /// A TOML file of settings, beneath the flags and the environment and above the
    /// defaults (see docs/cluster-atlas.example.toml).
    #[arg(long, env = "ATLAS_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The settings of `serve`, the command run when none is named.
    #[command(flatten)]
    pub serve: crate::http::Settings,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate, load the bundled sample pages into an empty store, and serve GraphQL (default).
    Serve(crate::http::Settings),
    /// Apply pending database migrations.
    Migrate,
    /// Import pages (files or folders of *.txt) in the seeds' text layout.
    Import {
        /// Page files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Manifest to use instead of the manifest.toml beside the pages.
        #[arg(long)]
        manifest: Option<PathBuf>,
    },
    /// Generate synthetic pages (profiles and news) for scale tests and load them into the
    /// store, or write them as page files with their manifest.
    Generate {
        /// Cluster profiles to generate (the platform holds about 1,400).
        #[arg(long, default_value_t = 1_400)]
        clusters: usize,
        /// News items to generate, a hundred to a page.
        #[arg(long, default_value_t = 2_800)]
        news: usize,
        /// Seed of the random streams: the same seed gives the same pages.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write page files and manifest.toml into this folder instead of loading the store.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rebuild the search index from the store into a fresh folder and swap it in; searches
    /// (also of a running server) keep working meanwhile.
    Reindex,
    /// Write the whole store (every entity and link, versions, token digests; not the
    /// outbox) to a file of JSON Lines, for `restore`: how a store moves from SQLite to
    /// PostgreSQL, and a backup.
    Export {
        /// The file to write.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Load a file written by `export` into an empty store of either kind, after checking
    /// all of it, then build the search index. A file cut short or edited is refused with
    /// its line, and nothing is written.
    Restore {
        /// The file `export` wrote.
        file: PathBuf,
    },
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write the GraphQL schema (SDL) to a file, or to standard output.
    ExportSchema {
        /// Output file; standard output when omitted.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Print the settings `serve` would run with (flags, environment, config file,
    /// defaults), each with where it came from; secrets hidden.
    Config(crate::http::Settings),
    /// Print the completions of this command line for a shell, to be sourced by it.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print its secret (shown this once; only a digest is kept).
    Create {
        /// Who or what the token is for.
        #[arg(long)]
        name: String,
        /// read, write or admin (admin includes write, write includes read); repeatable.
        #[arg(long = "scope", required = true, value_delimiter = ',')]
        scopes: Vec<String>,
    },
    /// List tokens: id, name, scopes, when created, whether revoked.
    List,
    /// Revoke a token by its id: requests with it fail from then on.
    Revoke { id: i32 },
}
