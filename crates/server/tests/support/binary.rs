//! The server binary itself, started on a free loopback port with its
//! output kept in memory: for what only a process shows (its memory, its
//! log, its exit on a signal).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A running server binary; killed when dropped.
pub struct Binary {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    /// The data directory.
    pub data: TempDir,
    _dist: TempDir,
}

/// Keeps every line of `stream` in `into`.
fn keep(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut into = into.lock().unwrap();
            into.push_str(&line);
            into.push('\n');
        }
    });
}

impl Binary {
    /// Starts the binary over a bare app, on SQLite or on a fresh database
    /// of the test PostgreSQL server, with the first administrator's
    /// password given (or made up by the server) and `args` added.
    pub async fn start(admin_password: Option<&str>, args: &[&str]) -> Binary {
        let data = TempDir::new().unwrap();
        let dist = super::bare_app();
        let mut command = Command::new(env!("CARGO_BIN_EXE_jianzheng-server"));
        command
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data.path())
            .arg("--dist")
            .arg(dist.path())
            .args(args)
            .env("RUST_LOG", "info")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(url) = super::fresh_postgres().await {
            command.env("DATABASE_URL", url);
        }
        match admin_password {
            Some(p) => command.env("JIANZHENG_ADMIN_PASSWORD", p),
            None => command.env_remove("JIANZHENG_ADMIN_PASSWORD"),
        };
        let mut child = command.spawn().expect("start jianzheng-server");
        let (stdout, stderr) = (Arc::default(), Arc::default());
        keep(child.stdout.take().unwrap(), Arc::clone(&stdout));
        keep(child.stderr.take().unwrap(), Arc::clone(&stderr));
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            let found = stdout
                .lock()
                .unwrap()
                .split_whitespace()
                .find(|w| w.starts_with("http://"))
                .map(|w| w.trim_end_matches('/').to_owned());
            if let Some(base) = found {
                break base;
            }
            assert!(
                Instant::now() < deadline,
                "no URL: {}",
                stderr.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        Binary {
            child,
            base,
            stdout,
            stderr,
            data,
            _dist: dist,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it wrote to stdout and then to stderr.
    pub fn log(&self) -> String {
        format!("{}{}", self.stdout.lock().unwrap(), self.stderr())
    }

    /// What it wrote to stderr (its log).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM, as systemd stops a service, and waits for the exit.
    pub async fn terminate(&mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after SIGTERM");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
