//! `jianzheng-server`: the town server. Serves the built app and the JSON API.

use clap::Parser;
use jianzheng_server::{Config, Server};
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

/// The Jianzheng (减证) town server.
#[derive(Debug, Parser)]
#[command(name = "jianzheng-server", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Directory for the embedded SQLite database and other server data.
    #[arg(long, default_value = "./data")]
    data_dir: PathBuf,
    /// Directory of the built app (Trunk's `dist/`).
    #[arg(long, default_value = "./dist")]
    dist: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let server = Server::bind(Config {
        addr: args.addr,
        data_dir: args.data_dir,
        dist: args.dist,
    })
    .await?;
    // The first line on stdout is the URL; scripts and tests read it.
    println!("Jianzheng town server: http://{}/", server.local_addr());
    server.run_until_shutdown().await?;
    Ok(())
}
