//! Running the real `kezek-server` binary on a given database, and killing it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Spawned {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

/// Writes the fixture's token secret where the binary will read it.
pub fn write_secret(dir: &Path) -> PathBuf {
    let path = dir.join("token.secret");
    std::fs::write(&path, hex_of(&[7u8; 32])).unwrap();
    // The personal data key of `common::store`, so the binary opens what the tests' store sealed.
    std::fs::write(dir.join("token.data-key"), hex_of(&[9u8; 32])).unwrap();
    path
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Starts the binary on `url` with its clock running from `clock_start`; returns once it
/// prints its URL. Logs go to `log` (appended, so a restart keeps the first run's lines).
pub fn spawn_server(url: &str, secret: &Path, clock_start: &str, log: &Path) -> Spawned {
    spawn_server_logging(url, secret, clock_start, log, "info")
}

/// The rush sends thousands of writes from 127.0.0.1: one address, unlike a real crowd. Tests
/// that are not about the address limits lift them; the per-application limit stays.
pub const LIFTED_ADDRESS_LIMITS: [&str; 4] = ["--limit-write-ip", "1000000/s", "--limit-submit-ip", "1000000/s"];

/// As [`spawn_server`], with `KEZEK_LOG` set to `level`.
pub fn spawn_server_logging(url: &str, secret: &Path, clock_start: &str, log: &Path, level: &str) -> Spawned {
    spawn_server_with(url, secret, clock_start, log, level, &LIFTED_ADDRESS_LIMITS)
}

/// As [`spawn_server_logging`], with `extra` flags (and without lifting the address limits).
pub fn spawn_server_with(url: &str, secret: &Path, clock_start: &str, log: &Path, level: &str, extra: &[&str]) -> Spawned {
    let log_file = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kezek-server"))
        .args(["--database-url", url, "--port", "0", "--clock-start", clock_start, "--tick-ms", "500"])
        .args(extra)
        .arg("--secret-file")
        .arg(secret)
        .env("KEZEK_LOG", level)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}; log: {}", std::fs::read_to_string(log).unwrap_or_default()))
        .trim_end_matches('/')
        .to_string();
    Spawned { child, base, log: log.to_path_buf() }
}

impl Spawned {
    /// SIGKILL: no shutdown code runs, as in a power cut of the process.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
