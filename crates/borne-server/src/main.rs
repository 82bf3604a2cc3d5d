//! `borne-server`: the reference backend's command line.
//!
//! ```text
//! borne-server serve --listen 127.0.0.1:8080 --database-url sqlite://borne.db [--demo]
//! borne-server migrate --database-url sqlite://borne.db      # or postgres://user@host:5432/borne
//! borne-server seed-demo --database-url sqlite://borne.db
//! borne-server member add --nir … --email … --birthdate jj/mm/aaaa --member-number … \
//!     --first-name … --last-name … --password … [--phone …]
//! ```
//! Logs go to stderr; the level comes from `RUST_LOG` (default `info`).

use anyhow::Context;
use borne_core::Secret;
use borne_server::{demo, Db, InvalidMember, NewMember, ServerConfig};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "borne-server", version, about = "Serveur de référence de Borne Adhérent (API /v1, SQLite ou PostgreSQL)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Applies the migrations, then serves the API until Ctrl-C or SIGTERM.
    Serve {
        /// Address and port to listen on (port 0: any free port). Default: the
        /// configuration file's, else 127.0.0.1:8080.
        #[arg(long, env = "BORNE_LISTEN")]
        listen: Option<SocketAddr>,
        /// TOML configuration file (delivery, kiosks, throttling, support
        /// contacts…); `BORNE_*` variables win over it. See the crate README.
        #[arg(long, env = "BORNE_CONFIG")]
        config: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: DbArgs,
        /// Demonstration mode: adds the demo members (idempotent) and keeps
        /// the e-mails and SMS in an outbox readable at GET /dev/outbox from
        /// loopback. Never in production.
        #[arg(long)]
        demo: bool,
    },
    /// Applies the migrations not yet applied.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Adds the demonstration members (idempotent).
    SeedDemo {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manages members.
    Member {
        #[command(subcommand)]
        command: MemberCommand,
    },
}

#[derive(Args)]
struct DbArgs {
    /// SQLite database, created if missing: sqlite://borne.db, sqlite:///var/lib/borne/borne.db;
    /// or an existing PostgreSQL database: postgres://user:password@host:5432/borne
    /// (A password in the URL: prefer the variable, kept out of the process list and of --help.)
    /// Default: the configuration file's, else sqlite://borne.db.
    #[arg(long, env = "BORNE_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum MemberCommand {
    /// Creates a member (checked with the same rules as the app).
    Add(MemberAdd),
}

#[derive(Args)]
struct MemberAdd {
    #[command(flatten)]
    db: DbArgs,
    /// Numéro de Sécurité Sociale with its key, spaces allowed.
    #[arg(long)]
    nir: String,
    #[arg(long)]
    email: String,
    #[arg(long)]
    phone: Option<String>,
    /// Date of birth, jj/mm/aaaa.
    #[arg(long)]
    birthdate: String,
    /// Numéro d'adhérent (numéro interne).
    #[arg(long)]
    member_number: String,
    #[arg(long)]
    first_name: String,
    #[arg(long)]
    last_name: String,
    /// Initial password (or BORNE_MEMBER_PASSWORD, which keeps it out of the process list).
    #[arg(long, env = "BORNE_MEMBER_PASSWORD", hide_env_values = true)]
    password: String,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("erreur : démarrage impossible ({e})");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<InvalidMember>() {
                Some(invalid) => eprintln!("adhérent refusé : {invalid}"),
                None => eprintln!("erreur : {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve { listen, config, db, demo: with_demo } => {
            let settings = borne_server::config_file::load(config.as_deref(), |k| std::env::var(k).ok())?;
            let url = db.database_url.clone().or(settings.database_url.clone());
            let db = open(&DbArgs { database_url: url }).await?;
            let mut config: ServerConfig = settings.server;
            if with_demo {
                demo::seed(&db).await.context("seeding the demo members")?;
                config.delivery.outbox = true;
            }
            let listen = listen.or(settings.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
            if config.public_url.is_none() && !listen.ip().is_loopback() {
                tracing::warn!(%listen, "no public_url (BORNE_PUBLIC_URL): the e-mails' links lead to the listening address");
            }
            let server = borne_server::spawn(db.clone(), listen, config).await?;
            shutdown_signal().await;
            tracing::info!("shutting down");
            server.shutdown().await;
            db.close().await;
            Ok(())
        }
        Command::Migrate { db } => {
            open(&db).await?;
            println!("migrations appliquées");
            Ok(())
        }
        Command::SeedDemo { db } => {
            let db = open(&db).await?;
            demo::seed(&db).await?;
            println!("adhérents de démonstration présents");
            Ok(())
        }
        Command::Member { command: MemberCommand::Add(a) } => {
            let member = NewMember {
                nir: a.nir,
                email: a.email,
                phone: a.phone,
                birthdate: a.birthdate,
                member_number: a.member_number,
                first_name: a.first_name,
                last_name: a.last_name,
                password: Secret::new(a.password),
            };
            let db = open(&a.db).await?;
            let id = db.add_member(&member).await?;
            println!("adhérent créé (id {id})");
            Ok(())
        }
    }
}

/// Connects and applies the migrations.
const DEFAULT_DATABASE_URL: &str = "sqlite://borne.db";

async fn open(args: &DbArgs) -> anyhow::Result<Db> {
    let db = Db::connect(args.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)).await?;
    db.migrate().await?;
    Ok(db)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
