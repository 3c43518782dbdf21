//! The `crmd` binary: reads the configuration, picks the store backend, and runs `serve`,
//! `keys`, `schema`, `workspaces` and `config` commands.

mod config;
mod data;
mod log_writer;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use config::{Config, Durability, LogFormat, Profile};
use crmd_service::{DEFAULT_WORKSPACE, schema_file};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// crmd: a self-hosted CRM data server that speaks the Lightfield v1 API.
#[derive(Debug, Parser)]
#[command(name = "crmd", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every command that opens the data folder takes.
#[derive(Debug, Args)]
struct Common {
    /// A TOML configuration file (see `crmd config example`).
    #[arg(long, env = "CRMD_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// The data folder [default: ./crmd-data].
    #[arg(long, global = true)]
    data: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server. On first start, creates the data folder, the default workspace and its key.
    Serve(ServeArgs),
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Apply or export a workspace's schema (custom object types, fields and relationships).
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Create and list workspaces.
    #[command(subcommand)]
    Workspaces(WorkspacesCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Limits profile: `relaxed` bounds, or the vendors' own limits.
    #[arg(long, value_enum)]
    limits: Option<ProfileArg>,
    /// `full` (a 2xx means on disk) or `relaxed` (faster; may lose the last writes on power loss).
    #[arg(long, value_enum)]
    durability: Option<DurabilityArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProfileArg {
    Relaxed,
    Vendor,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DurabilityArg {
    Full,
    Relaxed,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create a key and print it (only the key) on stdout. Creates the workspace if needed.
    Create {
        #[command(flatten)]
        common: Common,
        /// The workspace the key opens.
        #[arg(long, default_value = DEFAULT_WORKSPACE)]
        workspace: String,
        /// Comma-separated permissions such as `accounts:read,contacts:create`; none means all.
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
        /// A note to recognize the key by.
        #[arg(long)]
        label: Option<String>,
    },
    /// List keys (never their secrets).
    List {
        #[command(flatten)]
        common: Common,
        /// Only the keys of this workspace.
        #[arg(long)]
        workspace: Option<String>,
    },
    /// Revoke a key, by its id or its full text. It stops working at once.
    Revoke {
        #[command(flatten)]
        common: Common,
        key: String,
    },
}

#[derive(Debug, Subcommand)]
enum SchemaCommand {
    /// Show what a schema file changes, then apply it. Refuses destructive changes unless allowed.
    Apply {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = DEFAULT_WORKSPACE)]
        workspace: String,
        /// Allow changes that drop object types, fields, options or relationships with their data.
        #[arg(long)]
        allow_destructive: bool,
        /// Only show the changes.
        #[arg(long)]
        dry_run: bool,
        /// The TOML schema file.
        file: PathBuf,
    },
    /// Print the workspace's custom schema as a schema file.
    Export {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = DEFAULT_WORKSPACE)]
        workspace: String,
        /// Write to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum WorkspacesCommand {
    /// Create a workspace seeded with the standard model.
    Create {
        #[command(flatten)]
        common: Common,
        name: String,
    },
    /// List workspaces.
    List {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print a commented example configuration with every default.
    Example,
}

fn load_config(common: &Common) -> anyhow::Result<Config> {
    let mut config = Config::load(common.config.as_deref(), Config::environment())?;
    if let Some(data) = &common.data {
        config.storage.data = data.clone();
    }
    Ok(config)
}

/// Logs to stderr in batches written by a background thread (see `log_writer`). Keep the
/// guard: dropping it writes what is left.
fn init_logging(config: &Config) -> log_writer::FlushGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&config.log.level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let is_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = log_writer::BatchedStderr::start();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(is_terminal)
        .with_target(false);
    match config.log.format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
    guard
}

/// Writes to stdout; the only place the binary prints results.
fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Keys(command) => keys(command).await,
        Command::Schema(command) => schema(command).await,
        Command::Workspaces(command) => workspaces(command).await,
        Command::Config(ConfigCommand::Example) => print(config::EXAMPLE),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = load_config(&args.common)?;
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    if let Some(profile) = args.limits {
        config.limits.profile = match profile {
            ProfileArg::Relaxed => Profile::Relaxed,
            ProfileArg::Vendor => Profile::Vendor,
        };
    }
    if let Some(durability) = args.durability {
        config.storage.durability = match durability {
            DurabilityArg::Full => Durability::Full,
            DurabilityArg::Relaxed => Durability::Relaxed,
        };
    }
    let _log_guard = init_logging(&config);
    let folder = data::DataFolder::lock(&config.storage.data)?;
    let crm = data::open(&config)?;
    if let Some(key) = folder.initialize(&crm, true).await? {
        print(&format!(
            "Created workspace \"{DEFAULT_WORKSPACE}\" in {}.\nIts API key (shown once, kept in {}):\n{key}",
            config.storage.data.display(),
            folder.key_file().display()
        ))?;
    }
    let listener = tokio::net::TcpListener::bind(config.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.listen))?;
    tracing::info!(listen = %listener.local_addr()?, data = %config.storage.data.display(), "crmd listening");
    let profile = match config.limits.profile {
        Profile::Relaxed => crmd_http::LimitsProfile::Relaxed,
        Profile::Vendor => crmd_http::LimitsProfile::Vendor,
    };
    let state = crmd_http::AppState::with_rate(
        crm,
        profile,
        config.server.max_body_bytes,
        config.limits.requests_per_second,
    );
    let grace = Duration::from_secs(config.server.shutdown_timeout_secs);
    crmd_server::serve(listener, state, shutdown_signal(grace)).await?;
    drop(folder);
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C. A second signal, or the grace period running out after the
/// first, ends the process at once.
async fn shutdown_signal(grace: Duration) {
    wait_for_signal().await;
    tracing::info!("shutting down: finishing in-flight requests");
    tokio::spawn(async move {
        tokio::select! {
            () = wait_for_signal() => tracing::warn!("second signal: stopping now"),
            () = tokio::time::sleep(grace) => tracing::warn!("shutdown grace period over: stopping now"),
        }
        std::process::exit(1);
    });
}

async fn wait_for_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

async fn keys(command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Create {
            common,
            workspace,
            scopes,
            label,
        } => {
            let config = load_config(&common)?;
            let crm = data::open(&config)?;
            let workspace = match crm.workspace(&workspace).await {
                Ok(found) => found,
                Err(crmd_service::ServiceError::NotFound { .. }) => {
                    let created = crm.create_workspace(&workspace).await?;
                    eprintln!("created workspace {:?}", created.name);
                    created
                }
                Err(other) => return Err(other.into()),
            };
            let key = crm.create_key(workspace.id, scopes, label).await?;
            crm.shutdown().await;
            print(&key.text)
        }
        KeysCommand::List { common, workspace } => {
            let config = load_config(&common)?;
            let crm = data::open(&config)?;
            let workspaces = crm.list_workspaces().await?;
            let filter = match workspace {
                Some(name) => Some(crm.workspace(&name).await?.id),
                None => None,
            };
            let mut lines = vec!["KEY ID\tWORKSPACE\tSCOPES\tCREATED\tREVOKED\tLABEL".to_owned()];
            for key in crm.list_keys(filter).await? {
                let workspace = workspaces
                    .iter()
                    .find(|w| w.id == key.workspace)
                    .map_or("?", |w| w.name.as_str())
                    .to_owned();
                lines.push(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    key.key_id,
                    workspace,
                    if key.scopes.is_empty() {
                        "*".to_owned()
                    } else {
                        key.scopes.join(",")
                    },
                    key.created_at,
                    key.revoked_at
                        .map(|at| at.to_string())
                        .unwrap_or_else(|| "-".into()),
                    key.label.unwrap_or_default()
                ));
            }
            crm.shutdown().await;
            print(&lines.join("\n"))
        }
        KeysCommand::Revoke { common, key } => {
            let config = load_config(&common)?;
            let crm = data::open(&config)?;
            crm.revoke_key(&key).await?;
            crm.shutdown().await;
            eprintln!("revoked");
            Ok(())
        }
    }
}

async fn schema(command: SchemaCommand) -> anyhow::Result<()> {
    match command {
        SchemaCommand::Apply {
            common,
            workspace,
            allow_destructive,
            dry_run,
            file,
        } => {
            let config = load_config(&common)?;
            let folder = data::DataFolder::lock(&config.storage.data).context(
                "a running `crmd serve` holds this data folder; stop it before applying a schema file",
            )?;
            let crm = data::open(&config)?;
            folder.initialize(&crm, false).await?;
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let parsed = schema_file::parse(&text)?;
            let workspace = crm.workspace(&workspace).await?;
            let plan = crm.plan_schema(workspace.id, &parsed).await?;
            if plan.changes.is_empty() {
                eprintln!("the schema is already up to date");
            }
            for change in &plan.changes {
                let marker = if change.is_destructive {
                    "  (destructive)"
                } else {
                    ""
                };
                eprintln!("{}{marker}", change.description);
            }
            if !dry_run && !plan.changes.is_empty() {
                let schema = crm.apply_schema(plan, allow_destructive).await?;
                eprintln!("applied: schema version {}", schema.version);
            }
            crm.shutdown().await;
            Ok(())
        }
        SchemaCommand::Export {
            common,
            workspace,
            output,
        } => {
            let config = load_config(&common)?;
            let crm = data::open(&config)?;
            let workspace = crm.workspace(&workspace).await?;
            let text = schema_file::render(&crm.export_schema(workspace.id).await?);
            crm.shutdown().await;
            match output {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
                }
                None => print(&text),
            }
        }
    }
}

async fn workspaces(command: WorkspacesCommand) -> anyhow::Result<()> {
    match command {
        WorkspacesCommand::Create { common, name } => {
            let config = load_config(&common)?;
            let crm = data::open(&config)?;
            let workspace = crm.create_workspace(&name).await?;
            crm.shutdown().await;
            print(&workspace.name)
        }
        WorkspacesCommand::List { common } => {
            let config = load_config(&common)?;
            let crm = data::open(&config)?;
            let names: Vec<String> = crm
                .list_workspaces()
                .await?
                .into_iter()
                .map(|workspace| workspace.name)
                .collect();
            crm.shutdown().await;
            print(&names.join("\n"))
        }
    }
}
