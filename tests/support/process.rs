//! The real binary as an operator runs it: `cluster-atlas serve` in a process of its own on
//! a free port, its standard output and error in a log file the test can read.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

/// How long a server may take to answer its first probe.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Process {
    child: Child,
    pub url: String,
    log: PathBuf,
}

impl Process {
    /// Starts `serve ARGS...` on `database_url` with its index in `index_dir`, and waits
    /// until `/healthz` answers.
    pub async fn serve(database_url: &str, index_dir: &Path, args: &[&str], log: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let out = std::fs::File::create(log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_cluster-atlas"))
            .arg("serve")
            .args(args)
            .env("DATABASE_URL", database_url)
            .env("ATLAS_INDEX_DIR", index_dir)
            .env("ATLAS_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info")
            .env_remove("NO_COLOR")
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("the server starts");
        let process = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log: log.to_owned(),
        };
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while reqwest::get(format!("{}/healthz", process.url))
            .await
            .is_err()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the server never answered: {}",
                process.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        process
    }

    /// Waits until `/readyz` says 200.
    pub async fn ready(&self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let status = reqwest::get(format!("{}/readyz", self.url))
                .await
                .map(|r| r.status().as_u16());
            if status.is_ok_and(|s| s == 200) {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "never ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Everything it wrote so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, as an orchestrator stops it, then waits for it to exit.
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        self.child.wait().expect("reaped")
    }

    /// SIGKILL: no shutdown, no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}
