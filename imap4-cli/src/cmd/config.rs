//! `imap4 config check` and `imap4 config path`.

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::error::{CliResult, Exit};
use crate::output::Ctx;

pub const EXAMPLES: &str = "Examples:
  imap4 config check
  imap4 --account work config check --json
  imap4 config path

A config file ($XDG_CONFIG_HOME/imap4/config.toml):
  default = \"home\"

  [accounts.home]
  host = \"imap.example.com\"        # port 993 and tls = \"tls\" by default
  user = \"me@example.com\"
  password_command = \"pass show mail/home\"

  [accounts.gmail]
  host = \"imap.gmail.com\"
  user = \"me@gmail.com\"
  oauth2_token_command = \"oama access me@gmail.com\"";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Connect and log in, then print the server, its capabilities, the TLS version and
    /// the login mechanism used.
    #[command(
        after_help = "Examples:\n  imap4 config check\n  imap4 --account work config check --json"
    )]
    Check,
    /// Print the path of the config file that would be read.
    #[command(after_help = "Example:\n  imap4 config path")]
    Path,
}

#[derive(Serialize)]
struct Report {
    account: String,
    host: String,
    port: u16,
    tls: &'static str,
    tls_version: Option<String>,
    cipher_suite: Option<String>,
    user: String,
    auth: &'static str,
    greeting: String,
    server_id: Option<String>,
    protocol: &'static str,
    capabilities: Vec<String>,
}

pub fn run(ctx: &Ctx, args: &ConfigArgs) -> CliResult {
    match args.action {
        ConfigAction::Path => {
            let p = ctx
                .global
                .config
                .clone()
                .or_else(crate::config::default_path);
            let mut out = ctx.out();
            match p {
                Some(p) => {
                    let exists = p.exists();
                    if ctx.json {
                        out.json(&serde_json::json!({"path": p, "exists": exists}))?;
                    } else {
                        out.line(format!(
                            "{}{}",
                            p.display(),
                            if exists { "" } else { " (does not exist)" }
                        ))?;
                    }
                }
                None => {
                    return Err(crate::error::CliError::new(
                        "neither XDG_CONFIG_HOME nor HOME is set",
                    ))
                }
            }
            Ok(Exit::Ok)
        }
        ConfigAction::Check => check(ctx),
    }
}

fn check(ctx: &Ctx) -> CliResult {
    let account = ctx.account()?;
    let mut conn = account.connect()?;
    let transport = conn.transport();
    let tls_conn = transport.tls_connection();
    let tls_version = tls_conn
        .and_then(|c| c.protocol_version())
        .map(|v| format!("{v:?}").replace('_', "."));
    let cipher_suite = tls_conn
        .and_then(|c| c.negotiated_cipher_suite())
        .map(|s| format!("{:?}", s.suite()));
    let greeting = conn
        .greeting()
        .map(|g| g.text_str().to_string())
        .unwrap_or_default();
    let protocol = conn.protocol_version();
    let capabilities: Vec<String> = conn
        .capabilities()?
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    let server_id = if capabilities.iter().any(|c| c.eq_ignore_ascii_case("ID")) {
        conn.id(&[
            ("name", Some("imap4")),
            ("version", Some(env!("CARGO_PKG_VERSION"))),
        ])
        .ok()
        .map(|fields| {
            let get = |k: &str| {
                fields
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(k))
                    .and_then(|(_, v)| v.clone())
            };
            [get("name"), get("version")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|s| !s.is_empty())
    } else {
        None
    };
    let report = Report {
        account: account.name.clone(),
        host: account.host.clone(),
        port: account.port,
        tls: account.tls.as_str(),
        tls_version,
        cipher_suite,
        user: account.user.clone(),
        auth: conn.mechanism,
        greeting,
        server_id,
        protocol,
        capabilities,
    };
    conn.logout();
    let mut out = ctx.out();
    if ctx.json {
        out.json(&report)?;
        return Ok(Exit::Ok);
    }
    let security = match (&report.tls_version, account.tls) {
        (Some(v), crate::config::TlsMode::Starttls) => format!("STARTTLS, {v}"),
        (Some(v), _) => v.clone(),
        (None, _) => "none (plain TCP)".to_string(),
    };
    let rows = [
        ("account", report.account.clone()),
        (
            "server",
            format!("{} ({})", account.endpoint(), report.protocol),
        ),
        ("greeting", crate::output::sanitize(&report.greeting)),
        (
            "software",
            report.server_id.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "security",
            match &report.cipher_suite {
                Some(c) => format!("{security}, {c}"),
                None => security,
            },
        ),
        ("login", format!("{} as {}", report.auth, report.user)),
        ("capabilities", report.capabilities.join(" ")),
    ];
    for (k, v) in rows {
        out.line(format!("{k:<13}{v}"))?;
    }
    Ok(Exit::Ok)
}
