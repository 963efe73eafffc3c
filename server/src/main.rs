//! `kezek-server`: see `kezek_server::server::USAGE`.

use kezek_server::server::{run, Config};

#[tokio::main]
async fn main() {
    let level = std::env::var("KEZEK_LOG").ok().and_then(|l| l.parse().ok()).unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr).with_ansi(false).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_args(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Err(error) = run(config).await {
        eprintln!("kezek-server: {error}");
        std::process::exit(1);
    }
}
