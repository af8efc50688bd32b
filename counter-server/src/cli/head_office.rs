//! `counter-server head-office …`: the same binary at head office, reading the association's
//! figures from the PostgreSQL every branch ships to (`crate::head_office`). Passwords come on
//! standard input; a scrape token is printed once.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::CliError;
use crate::auth::{password::hash_password, tokens};
use crate::clock::SystemClock;
use crate::head_office::settings::HeadOfficeConfig;
use crate::head_office::{pg, read, schema, web};

#[derive(Debug, Subcommand)]
pub enum HeadOfficeCommand {
    /// Serve the association's figures (brings the PostgreSQL schema up to date first)
    Serve(ConfigArg),
    /// Bring the PostgreSQL schema up to date, and nothing else
    Migrate(ConfigArg),
    /// Add a viewer with an association-level role, or set a new password (read from standard input)
    AddViewer(NamedArg),
    /// A Prometheus scraper's token for head office's GET /metrics (printed once)
    AddScrapeToken(NamedArg),
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The head-office configuration file (TOML)
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Args)]
pub struct NamedArg {
    #[command(flatten)]
    config: ConfigArg,
    #[arg(long)]
    name: String,
}

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed(e.to_string())
}

pub fn run(command: HeadOfficeCommand) -> Result<(), CliError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(failed)?;
    rt.block_on(async move {
        match command {
            HeadOfficeCommand::Serve(a) => {
                let config = HeadOfficeConfig::load(&a.config).map_err(CliError::Failed)?;
                crate::logging::init(crate::logging::LogFormat::Text);
                let listener = tokio::net::TcpListener::bind(config.listen)
                    .await
                    .map_err(|e| failed(format!("cannot listen on {}: {e}", config.listen)))?;
                tracing::info!(addr = %config.listen, "head office listening");
                web::serve(
                    config,
                    listener,
                    Arc::new(SystemClock),
                    crate::server::shutdown_signal(),
                )
                .await
                .map_err(CliError::Failed)
            }
            HeadOfficeCommand::Migrate(a) => {
                let mut client = connect(&a).await?;
                schema::migrate(&mut client).await.map_err(failed)
            }
            HeadOfficeCommand::AddViewer(a) => {
                let password = super::admin::read_secret_line()?;
                if password.chars().count() < crate::commands::admin::MIN_PASSWORD_CHARS {
                    return Err(CliError::Usage(format!(
                        "the password needs at least {} characters",
                        crate::commands::admin::MIN_PASSWORD_CHARS
                    )));
                }
                let mut client = connect(&a.config).await?;
                schema::migrate(&mut client).await.map_err(failed)?;
                let hash = tokio::task::spawn_blocking(move || hash_password(&password))
                    .await
                    .map_err(failed)?;
                read::put_viewer(&mut client, &a.name, &hash)
                    .await
                    .map_err(failed)
            }
            HeadOfficeCommand::AddScrapeToken(a) => {
                let mut client = connect(&a.config).await?;
                schema::migrate(&mut client).await.map_err(failed)?;
                let token = tokens::secret_token();
                read::add_scrape_token(&client, &a.name, &tokens::hash(&token))
                    .await
                    .map_err(failed)?;
                println!("{token}");
                Ok(())
            }
        }
    })
}

async fn connect(a: &ConfigArg) -> Result<tokio_postgres::Client, CliError> {
    let config = HeadOfficeConfig::load(&a.config).map_err(CliError::Failed)?;
    pg::connect(&config.postgres).await.map_err(failed)
}
