//! The local services of `scripts/services/`, started by tests as child processes on free ports
//! (each prints "… listening on …" once it accepts connections). A missing tool fails the test
//! with a message saying what to run: nothing is skipped silently.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A running service; killed when dropped.
pub struct Service {
    child: Child,
    /// What it printed after "listening on ".
    pub address: String,
    pub name: &'static str,
}

impl Service {
    /// SIGKILL and wait.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

fn require(path: &Path, what: &str) {
    assert!(path.exists(), "{what} is missing ({}): run scripts/setup.sh first", path.display());
}

fn node() -> &'static str {
    let found = Command::new("node").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    assert!(found, "node is not on PATH: the local OpenID provider and SMS gateway need Node 20 (scripts/setup.sh)");
    "node"
}

fn start(name: &'static str, command: Command) -> Service {
    try_start(name, command).unwrap_or_else(|failure| panic!("{failure}"))
}

/// [`start`], answering what the service printed if it did not start.
fn try_start(name: &'static str, mut command: Command) -> Result<Service, String> {
    let mut child = command
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: could not start {command:?}: {e}"));
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = send.send(line);
        // Keep reading: a closed pipe would make the service die on its next write.
        for _ in reader.lines().map_while(Result::ok) {}
    });
    // Keep stderr drained (the provider warns on start) and available if it fails.
    let (err_send, err_receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            all.push_str(&line);
            all.push('\n');
        }
        let _ = err_send.send(all);
    });
    let line = receive.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
    let Some((_, address)) = line.trim().split_once("listening on ") else {
        let _ = child.kill();
        let _ = child.wait();
        let errors = err_receive.recv_timeout(Duration::from_secs(5)).unwrap_or_default();
        return Err(format!("{name} did not start (printed {line:?}):\n{errors}"));
    };
    Ok(Service { child, address: address.trim().to_string(), name })
}

/// The OpenID provider (`scripts/services/oidc.mjs`) accepting these redirect URIs; its
/// `address` is the issuer URL.
pub fn oidc(redirect_uris: &[String]) -> Service {
    require(&root().join("tools/node_modules/oidc-provider/package.json"), "oidc-provider (tools/node_modules)");
    let mut command = Command::new(node());
    command.arg("scripts/services/oidc.mjs").args(["--port", "0"]);
    for uri in redirect_uris {
        command.args(["--redirect-uri", uri]);
    }
    start("oidc-provider", command)
}

/// The SMTP server (`scripts/services/smtp.py`) writing messages to `dir`, on `port` (0: free).
/// Its `address` is `127.0.0.1:PORT`. A given port (a restart after an outage) is tried again for
/// a few seconds while it is in use: another test's socket may hold it meanwhile.
pub fn smtp(dir: &Path, port: u16) -> Service {
    let python = root().join("tools/.venv/bin/python");
    require(&python, "the Python tools venv with aiosmtpd (tools/.venv)");
    let mut attempt = 1;
    loop {
        let mut command = Command::new(&python);
        command.arg("scripts/services/smtp.py").arg("--dir").arg(dir).args(["--port", &port.to_string()]);
        match try_start("smtp", command) {
            Ok(service) => return service,
            Err(failure) if port != 0 && attempt < 10 && failure.to_lowercase().contains("address already in use") => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(failure) => panic!("{failure}"),
        }
    }
}

/// The port of an SMTP service's address.
pub fn port_of(address: &str) -> u16 {
    address.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a port")
}

/// The fake SMS gateway (`scripts/services/sms.mjs`) recording to `out`; its `address` is its
/// base URL (messages go to `/messages`, orders to `/control`).
pub fn sms(out: &Path, api_key: &str) -> Service {
    let mut command = Command::new(node());
    command.arg("scripts/services/sms.mjs").arg("--out").arg(out).args(["--port", "0", "--api-key", api_key]);
    start("sms-gateway", command)
}

/// The messages the SMTP server wrote to `dir`, oldest first.
pub fn mails(dir: &Path) -> Vec<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect())
        .unwrap_or_default();
    names.sort();
    names.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The gateway's JSON lines.
pub fn sms_records(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A header of a received message (unfolded).
pub fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    mail.lines().take_while(|l| !l.is_empty()).find(|l| l.to_ascii_lowercase().starts_with(&prefix)).map(|l| l[prefix.len()..].trim())
}

/// The decoded text body of a received message (lettre writes UTF-8 text as base64 or
/// quoted-printable).
pub fn body_text(mail: &str) -> String {
    let (head, body) = mail.split_once("\r\n\r\n").or_else(|| mail.split_once("\n\n")).unwrap_or((mail, ""));
    let encoding = head.to_ascii_lowercase();
    if encoding.contains("content-transfer-encoding: base64") {
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        String::from_utf8(base64_decode(&compact)).unwrap_or_default()
    } else if encoding.contains("content-transfer-encoding: quoted-printable") {
        String::from_utf8(quoted_printable_decode(body)).unwrap_or_default()
    } else {
        body.to_string()
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|&c| c != b'=') {
        let Some(value) = ALPHABET.iter().position(|&a| a == c) else { continue };
        buffer = (buffer << 6) | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn quoted_printable_decode(text: &str) -> Vec<u8> {
    let bytes = text.replace("=\r\n", "").replace("=\n", "").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or(""), 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}
