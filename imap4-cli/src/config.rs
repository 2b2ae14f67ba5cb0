//! The configuration file: named accounts in TOML (format in docs/cli.md).
//!
//! ```toml
//! default = "home"
//!
//! [accounts.home]
//! host = "imap.example.com"
//! user = "me@example.com"
//! password_command = "pass show mail/home"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{CliError, CliResult};

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The account used when `--account` is not given (not needed with one account).
    pub default: Option<String>,
    /// The accounts by name.
    #[serde(default)]
    pub accounts: BTreeMap<String, AccountConfig>,
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (port 993).
    Tls,
    /// Plain TCP upgraded with STARTTLS before login (port 143); refused if the server
    /// does not offer it.
    Starttls,
    /// No encryption: only for loopback, or with --insecure.
    None,
}

impl TlsMode {
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::Tls => 993,
            TlsMode::Starttls | TlsMode::None => 143,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Tls => "tls",
            TlsMode::Starttls => "starttls",
            TlsMode::None => "none",
        }
    }
}

/// One `[accounts.NAME]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tls: Option<TlsMode>,
    pub user: Option<String>,
    /// PEM file with the CA certificates to trust (instead of the system's).
    pub ca_file: Option<PathBuf>,
    /// A shell command whose first output line is the password (`pass show mail`).
    pub password_command: Option<String>,
    /// The name of an environment variable that holds the password.
    pub password_env: Option<String>,
    /// A shell command printing an OAuth2 access token; run at every connection.
    pub oauth2_token_command: Option<String>,
    /// The login mechanism: auto (default), login, plain, scram-sha-256, scram-sha-1,
    /// cram-md5, xoauth2, oauthbearer.
    pub auth: Option<String>,
    /// Seconds allowed for the TCP connection (default 30).
    pub connect_timeout: Option<u64>,
    /// Seconds of silence from the server before a command is given up (default 60).
    pub timeout: Option<u64>,
    /// The mailbox `rm` moves messages to when the server marks none as \Trash.
    pub trash: Option<String>,
}

/// Where the configuration is read from when `--config` is not given.
pub fn default_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("imap4").join("config.toml"));
    }
    std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|h| {
        PathBuf::from(h)
            .join(".config")
            .join("imap4")
            .join("config.toml")
    })
}

/// Reads and checks a configuration file. `warn` receives non-fatal findings (a file
/// readable by others).
pub fn load(path: &Path, warn: &mut dyn FnMut(String)) -> CliResult<Config> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::new(format!("cannot read config {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                warn(format!(
                    "warning: config {} is readable by others (mode {mode:03o}); run chmod 600 on it",
                    path.display()
                ));
            }
        }
    }
    parse(&text).map_err(|e| CliError::new(format!("config {}: {e}", path.display())))
}

/// Parses the TOML text and checks each account.
pub fn parse(text: &str) -> Result<Config, String> {
    let config: Config = toml::from_str(text).map_err(|e| one_line(&e.to_string()))?;
    for (name, a) in &config.accounts {
        let secrets = [
            a.password_command.is_some(),
            a.password_env.is_some(),
            a.oauth2_token_command.is_some(),
        ]
        .iter()
        .filter(|&&s| s)
        .count();
        if secrets > 1 {
            return Err(format!(
                "account \"{name}\": give only one of password_command, password_env and oauth2_token_command"
            ));
        }
        if let Some(auth) = &a.auth {
            crate::account::AuthChoice::parse(auth)
                .map_err(|e| format!("account \"{name}\": {e}"))?;
        }
        if a.host.as_deref().is_some_and(str::is_empty) {
            return Err(format!("account \"{name}\": host is empty"));
        }
    }
    if let Some(d) = &config.default {
        if !config.accounts.contains_key(d) {
            return Err(format!("default = \"{d}\" names no [accounts.{d}] table"));
        }
    }
    Ok(config)
}

/// toml's errors span several lines (the offending line with a caret); keep the
/// position and the message on one line.
fn one_line(msg: &str) -> String {
    let lines: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let head = lines.first().copied().unwrap_or("invalid TOML");
    let tail = lines.last().copied().unwrap_or("");
    if lines.len() > 1 && tail != head {
        format!("{head}: {}", tail.trim_start_matches(['^', ' ']).trim())
    } else {
        head.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_default() {
        let c = parse(
            r#"
default = "work"
[accounts.work]
host = "imap.example.com"
tls = "starttls"
user = "me"
password_env = "WORK_PW"
[accounts.home]
host = "127.0.0.1"
port = 10143
tls = "none"
"#,
        )
        .unwrap();
        assert_eq!(c.default.as_deref(), Some("work"));
        assert_eq!(c.accounts["work"].tls, Some(TlsMode::Starttls));
        assert_eq!(c.accounts["home"].port, Some(10143));
    }

    #[test]
    fn errors_are_one_line_with_a_position() {
        let e = parse("[accounts.x]\nhost = \n").unwrap_err();
        assert!(!e.contains('\n'), "{e}");
        assert!(e.contains("line 2"), "{e}");
        let e = parse("[accounts.x]\nhots = \"a\"\n").unwrap_err();
        assert!(e.contains("hots"), "{e}");
        let e = parse("[accounts.x]\ntls = \"ssl\"\n").unwrap_err();
        assert!(e.contains("ssl"), "{e}");
    }

    #[test]
    fn checks() {
        assert!(parse("default = \"nope\"\n").unwrap_err().contains("nope"));
        let e =
            parse("[accounts.a]\npassword_env = \"X\"\npassword_command = \"y\"\n").unwrap_err();
        assert!(e.contains("only one"), "{e}");
        let e = parse("[accounts.a]\nauth = \"kerberos\"\n").unwrap_err();
        assert!(e.contains("kerberos"), "{e}");
    }
}
