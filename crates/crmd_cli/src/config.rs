//! crmd's one typed configuration: defaults, then a TOML file, then `CRMD_` environment
//! variables (`CRMD_SERVER__LISTEN=0.0.0.0:8080`), then command-line flags.

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The commented example that `crmd config example` prints; `crmd.example.toml` in the
/// repository is the same text, and a test parses it.
pub(crate) const EXAMPLE: &str = include_str!("../../../crmd.example.toml");

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Config {
    pub(crate) server: ServerConfig,
    pub(crate) storage: StorageConfig,
    pub(crate) limits: LimitsConfig,
    pub(crate) log: LogConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct ServerConfig {
    /// Address and port to listen on.
    pub(crate) listen: SocketAddr,
    /// Largest request body accepted.
    pub(crate) max_body_bytes: usize,
    /// How long a shutdown waits for in-flight requests before giving up on them.
    pub(crate) shutdown_timeout_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct StorageConfig {
    /// The data folder: the catalog, one database per workspace, and the default key file.
    pub(crate) data: PathBuf,
    /// `full`: a 2xx means the write is on disk. `relaxed`: survives a crash of crmd, but
    /// may lose the last moments of writes on power loss.
    pub(crate) durability: Durability,
    /// Read connections per workspace.
    pub(crate) read_connections: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Durability {
    Full,
    Relaxed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct LimitsConfig {
    /// `relaxed` (generous bounds) or `vendor` (each dialect enforces its vendor's limits).
    pub(crate) profile: Profile,
    /// Record ids one write may name across its relationships.
    pub(crate) max_relationship_ids: usize,
    /// Links one write may add or remove.
    pub(crate) max_link_changes: usize,
    /// Predicates in one filter.
    pub(crate) max_filter_conditions: usize,
    /// Nesting of one filter.
    pub(crate) max_filter_depth: usize,
    /// Requests per second per workspace and category (write, read, search) in the relaxed
    /// profile; the vendor profile uses each vendor's documented rate.
    pub(crate) requests_per_second: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Profile {
    Relaxed,
    Vendor,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct LogConfig {
    /// `text` or `json`.
    pub(crate) format: LogFormat,
    /// A tracing filter such as `info` or `crmd=debug,info`.
    pub(crate) level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    Text,
    Json,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 10 * 1024 * 1024,
            shutdown_timeout_secs: 30,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            data: PathBuf::from("crmd-data"),
            durability: Durability::Full,
            read_connections: 4,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            profile: Profile::Relaxed,
            max_relationship_ids: 25,
            max_link_changes: 25,
            max_filter_conditions: 100,
            max_filter_depth: 8,
            requests_per_second: crmd_http::RELAXED_REQUESTS_PER_SECOND,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

impl Config {
    /// Defaults, then `file` (when given), then `CRMD_*` variables from `environment`.
    pub(crate) fn load(file: Option<&Path>, environment: Env) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            anyhow::ensure!(path.is_file(), "config file {} does not exist", path.display());
            figment = figment.merge(Toml::file(path));
        }
        figment
            .merge(environment)
            .extract()
            .context("invalid configuration")
    }

    /// The `CRMD_` environment variables of the process that name a configuration section
    /// (`CRMD_SERVER__LISTEN`); others, such as `CRMD_CONFIG`, are left to their readers.
    pub(crate) fn environment() -> Env {
        Env::prefixed("CRMD_")
            .filter(|key| {
                let section = key.as_str().split("__").next().unwrap_or_default();
                ["server", "storage", "limits", "log"]
                    .iter()
                    .any(|known| section.eq_ignore_ascii_case(known))
            })
            .split("__")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses_to_the_defaults() {
        let example: Config = Figment::from(Toml::string(EXAMPLE)).extract().unwrap();
        assert_eq!(example, Config::default());
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn file_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "crmd.toml",
                "[server]\nlisten = \"127.0.0.1:9000\"\n[storage]\ndurability = \"relaxed\"\n",
            )?;
            jail.set_env("CRMD_SERVER__LISTEN", "127.0.0.1:9100");
            jail.set_env("CRMD_LIMITS__PROFILE", "vendor");
            jail.set_env("CRMD_LIMITS__REQUESTS_PER_SECOND", "50");
            jail.set_env("CRMD_BIN", "/usr/local/bin/crmd");
            let config = Config::load(Some(Path::new("crmd.toml")), Config::environment()).unwrap();
            assert_eq!(config.server.listen, SocketAddr::from(([127, 0, 0, 1], 9100)));
            assert_eq!(config.storage.durability, Durability::Relaxed);
            assert_eq!(config.limits.profile, Profile::Vendor);
            assert_eq!(config.limits.requests_per_second, 50);
            assert_eq!(config.storage.data, PathBuf::from("crmd-data"));
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn unknown_keys_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("crmd.toml", "[server]\nport = 9000\n")?;
            let error = Config::load(Some(Path::new("crmd.toml")), Config::environment()).unwrap_err();
            assert!(format!("{error:#}").contains("port"), "{error:#}");
            Ok(())
        });
    }
}
