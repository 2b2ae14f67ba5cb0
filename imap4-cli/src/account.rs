//! Accounts: the global options, the account they pick (from the config file or from
//! flags), its secret, and connecting + logging in.
//!
//! Secrets are read at connection time (a password command or token command runs again
//! for every connection, so a refreshed OAuth2 token is picked up), are never put into
//! an error message, and go to the server only through the library, whose traces redact
//! them.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use clap::{ArgAction, Args};
use imap4::blocking::Client;
use imap4::proto::sasl::{OAuthBearer, Scram, XOAuth2};
use imap4::transport::{ConnectOptions, TlsConfig, Transport};
use imap4::{Error, Timeouts};

use crate::config::{self, AccountConfig, TlsMode};
use crate::error::{code_name, describe, CliError, CliResult};

/// The client every command works with.
pub type Imap = Client<Transport>;

/// Options every command takes (they may come before or after the command name).
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The account to use, by its name in the config file.
    #[arg(
        short = 'a',
        long,
        global = true,
        env = "IMAP4_ACCOUNT",
        value_name = "NAME",
        help_heading = "Account"
    )]
    pub account: Option<String>,

    /// The config file (default: $XDG_CONFIG_HOME/imap4/config.toml).
    #[arg(
        short = 'c',
        long,
        global = true,
        env = "IMAP4_CONFIG",
        value_name = "FILE",
        help_heading = "Account"
    )]
    pub config: Option<PathBuf>,

    /// Server host name; with --host no config file is needed (the password comes from
    /// the environment variable IMAP4_PASSWORD).
    #[arg(long, global = true, value_name = "HOST", help_heading = "Account")]
    pub host: Option<String>,

    /// Server port (default: 993 for --tls tls, 143 otherwise).
    #[arg(long, global = true, value_name = "PORT", help_heading = "Account")]
    pub port: Option<u16>,

    /// User name to log in with.
    #[arg(long, global = true, value_name = "USER", help_heading = "Account")]
    pub user: Option<String>,

    /// Connection security (default tls).
    #[arg(long, global = true, value_name = "MODE", help_heading = "Account")]
    pub tls: Option<TlsMode>,

    /// PEM file of CA certificates to trust instead of the system's.
    #[arg(long, global = true, value_name = "FILE", help_heading = "Account")]
    pub ca_file: Option<PathBuf>,

    /// Login mechanism: auto, login, plain, scram-sha-256, scram-sha-1, cram-md5,
    /// xoauth2, oauthbearer.
    #[arg(long, global = true, value_name = "MECH", help_heading = "Account")]
    pub auth: Option<String>,

    /// Seconds of silence from the server before giving up (default 60).
    #[arg(long, global = true, value_name = "SECS", help_heading = "Account")]
    pub timeout: Option<u64>,

    /// Allow a connection without TLS to a host that is not on this machine.
    #[arg(long, global = true, help_heading = "Account")]
    pub insecure: bool,

    /// Print JSON Lines (one object per mailbox, message or event) instead of a table.
    #[arg(long, global = true, help_heading = "Output")]
    pub json: bool,

    /// No progress bars or notes on stderr (errors are still printed).
    #[arg(short, long, global = true, help_heading = "Output")]
    pub quiet: bool,

    /// Trace the IMAP conversation on stderr (-v commands, -vv every line; secrets redacted).
    #[arg(short, long, global = true, action = ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
}

/// The login mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthChoice {
    /// SCRAM-SHA-256 when offered, else PLAIN, else LOGIN; the offered OAuth2 mechanism
    /// for a token.
    Auto,
    Login,
    Plain,
    ScramSha256,
    ScramSha1,
    CramMd5,
    XOAuth2,
    OAuthBearer,
}

impl AuthChoice {
    pub fn parse(s: &str) -> Result<AuthChoice, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" | "" => AuthChoice::Auto,
            "login" => AuthChoice::Login,
            "plain" => AuthChoice::Plain,
            "scram-sha-256" => AuthChoice::ScramSha256,
            "scram-sha-1" => AuthChoice::ScramSha1,
            "cram-md5" => AuthChoice::CramMd5,
            "xoauth2" => AuthChoice::XOAuth2,
            "oauthbearer" => AuthChoice::OAuthBearer,
            other => {
                return Err(format!(
                    "unknown auth mechanism \"{other}\" (auto, login, plain, scram-sha-256, scram-sha-1, cram-md5, xoauth2, oauthbearer)"
                ))
            }
        })
    }

    fn is_oauth(self) -> bool {
        matches!(self, AuthChoice::XOAuth2 | AuthChoice::OAuthBearer)
    }
}

/// Where the secret comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    Command(String),
    Env(String),
    OAuth2Command(String),
    /// Nothing configured: the environment variable IMAP4_PASSWORD.
    DefaultEnv,
}

impl SecretSource {
    /// What to tell the user to check after a failed login.
    pub fn hint(&self) -> String {
        match self {
            SecretSource::Command(_) => "check password_command".into(),
            SecretSource::Env(v) => format!("check the environment variable {v} (password_env)"),
            SecretSource::OAuth2Command(_) => {
                "check oauth2_token_command (an expired token?)".into()
            }
            SecretSource::DefaultEnv => "check the environment variable IMAP4_PASSWORD".into(),
        }
    }
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The commands are not secret, but keep Debug output free of anything near one.
        match self {
            SecretSource::Command(_) => f.write_str("password_command"),
            SecretSource::Env(v) => write!(f, "password_env({v})"),
            SecretSource::OAuth2Command(_) => f.write_str("oauth2_token_command"),
            SecretSource::DefaultEnv => f.write_str("IMAP4_PASSWORD"),
        }
    }
}

/// A secret read for one connection. Debug and Display never show it.
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// An account, resolved from the config file and the flags.
#[derive(Debug, Clone)]
pub struct Account {
    /// Its name in the config file, or `user@host` for one given by flags.
    pub name: String,
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: String,
    pub secret: SecretSource,
    pub ca_file: Option<PathBuf>,
    pub auth: AuthChoice,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub insecure: bool,
    pub trash: Option<String>,
}

/// A logged-in connection and how it was made.
pub struct Conn {
    pub client: Imap,
    /// The SASL mechanism or `LOGIN`.
    pub mechanism: &'static str,
}

impl std::ops::Deref for Conn {
    type Target = Imap;
    fn deref(&self) -> &Imap {
        &self.client
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Imap {
        &mut self.client
    }
}

impl Conn {
    /// Ends the session politely; errors at this point change nothing for the user.
    pub fn logout(mut self) {
        let _ = self.client.logout();
    }
}

/// True for a host on this machine: plaintext is allowed there without --insecure.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Account {
    /// Picks the account the options name. `warn` gets non-fatal findings.
    pub fn resolve(g: &GlobalArgs, warn: &mut dyn FnMut(String)) -> CliResult<Account> {
        let explicit_config = g.config.is_some();
        let path = g.config.clone().or_else(config::default_path);
        let config = match &path {
            Some(p) if explicit_config || (g.host.is_none() || g.account.is_some()) => {
                if p.exists() || explicit_config {
                    Some(config::load(p, warn)?)
                } else {
                    None
                }
            }
            _ => None,
        };
        let (name, base) = match (&g.account, &config) {
            (Some(name), Some(c)) => match c.accounts.get(name) {
                Some(a) => (Some(name.clone()), a.clone()),
                None => {
                    let known: Vec<&str> = c.accounts.keys().map(String::as_str).collect();
                    return Err(CliError::usage(format!(
                        "no account \"{name}\" in {} (accounts: {})",
                        path.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    )));
                }
            },
            (Some(name), None) => {
                return Err(CliError::usage(format!(
                    "--account {name}: no config file at {}",
                    path.as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "$XDG_CONFIG_HOME/imap4/config.toml".into())
                )))
            }
            (None, _) if g.host.is_some() => (None, AccountConfig::default()),
            (None, Some(c)) => {
                if let Some(d) = &c.default {
                    (Some(d.clone()), c.accounts[d].clone())
                } else if c.accounts.len() == 1 {
                    let (n, a) = c.accounts.iter().next().expect("one account");
                    (Some(n.clone()), a.clone())
                } else if c.accounts.is_empty() {
                    return Err(CliError::usage(format!(
                        "{} defines no [accounts.NAME]",
                        path.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
                    )));
                } else {
                    let known: Vec<&str> = c.accounts.keys().map(String::as_str).collect();
                    return Err(CliError::usage(format!(
                        "several accounts ({}): pick one with --account NAME or set default = \"NAME\"",
                        known.join(", ")
                    )));
                }
            }
            (None, None) => {
                return Err(CliError::usage(format!(
                    "no account: write {} (see docs/cli.md) or give --host and --user with the password in IMAP4_PASSWORD",
                    path.as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "$XDG_CONFIG_HOME/imap4/config.toml".into())
                )))
            }
        };
        Account::from_parts(name, base, g)
    }

    /// An account described by `base` (a row of an --accounts file), named `name`; the
    /// global options other than the account flags still apply (timeouts, --insecure).
    pub fn from_config(name: String, base: AccountConfig, g: &GlobalArgs) -> CliResult<Account> {
        Account::from_parts(Some(name), base, g)
    }

    fn from_parts(name: Option<String>, base: AccountConfig, g: &GlobalArgs) -> CliResult<Account> {
        let what = name
            .as_deref()
            .map(|n| format!("account \"{n}\""))
            .unwrap_or_else(|| "the command line".into());
        let host =
            g.host.clone().or(base.host).ok_or_else(|| {
                CliError::usage(format!("{what}: no host (set host or give --host)"))
            })?;
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CliError::usage(format!("{what}: bad host name {host:?}")));
        }
        let tls = g.tls.or(base.tls).unwrap_or(TlsMode::Tls);
        let port = g.port.or(base.port).unwrap_or(tls.default_port());
        let user =
            g.user.clone().or(base.user).ok_or_else(|| {
                CliError::usage(format!("{what}: no user (set user or give --user)"))
            })?;
        let auth = match g.auth.as_deref().or(base.auth.as_deref()) {
            Some(a) => AuthChoice::parse(a).map_err(CliError::usage)?,
            None => AuthChoice::Auto,
        };
        let secret = if let Some(c) = base.password_command {
            SecretSource::Command(c)
        } else if let Some(v) = base.password_env {
            SecretSource::Env(v)
        } else if let Some(c) = base.oauth2_token_command {
            SecretSource::OAuth2Command(c)
        } else {
            SecretSource::DefaultEnv
        };
        if auth.is_oauth() && !matches!(secret, SecretSource::OAuth2Command(_)) {
            // A token from IMAP4_PASSWORD / password_env is fine too: it is just a string.
        }
        if tls == TlsMode::None && !is_loopback(&host) && !g.insecure {
            return Err(CliError::usage(format!(
                "{what}: refusing to connect to {host} without TLS (tls = \"none\"); use tls = \"tls\" or \"starttls\", or --insecure if you really mean it"
            )));
        }
        let secs = |v: Option<u64>, d: u64| Duration::from_secs(v.unwrap_or(d).max(1));
        Ok(Account {
            name: name.unwrap_or_else(|| format!("{user}@{host}")),
            host,
            port,
            tls,
            user,
            secret,
            ca_file: g.ca_file.clone().or(base.ca_file),
            auth,
            connect_timeout: secs(base.connect_timeout, 30),
            timeout: secs(g.timeout.or(base.timeout), 60),
            insecure: g.insecure,
            trash: base.trash,
        })
    }

    pub fn endpoint(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Reads the secret for one connection.
    pub fn read_secret(&self) -> CliResult<Secret> {
        match &self.secret {
            SecretSource::Command(cmd) => run_secret_command(cmd, "password_command"),
            SecretSource::OAuth2Command(cmd) => run_secret_command(cmd, "oauth2_token_command"),
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Secret(v)),
                _ => Err(CliError::new(format!(
                    "password_env: the environment variable {var} is not set"
                ))),
            },
            SecretSource::DefaultEnv => match std::env::var("IMAP4_PASSWORD") {
                Ok(v) if !v.is_empty() => Ok(Secret(v)),
                _ => Err(CliError::new(format!(
                    "account \"{}\": no password: set password_command, password_env or oauth2_token_command in the config, or the environment variable IMAP4_PASSWORD",
                    self.name
                ))),
            },
        }
    }

    /// The certificate authorities to trust: ca_file, else the system's (else the
    /// bundled Mozilla roots).
    pub fn tls_config(&self) -> CliResult<TlsConfig> {
        match &self.ca_file {
            Some(f) => TlsConfig::with_ca_file(f)
                .map_err(|e| CliError::new(format!("ca_file {}: {e}", f.display()))),
            None => Ok(TlsConfig::with_native_roots().unwrap_or_else(|_| TlsConfig::new())),
        }
    }

    /// The connect and read/write time budgets.
    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions::default()
            .connect_timeout(Some(self.connect_timeout))
            .io_timeout(Some(self.timeout))
    }

    pub fn is_oauth(&self) -> bool {
        matches!(self.secret, SecretSource::OAuth2Command(_)) || self.auth.is_oauth()
    }

    /// TCP (+ TLS or STARTTLS) and the greeting; not logged in.
    pub fn open(&self) -> CliResult<Imap> {
        let opts = self.connect_options();
        let tls = || self.tls_config();
        let result = match self.tls {
            TlsMode::Tls => Client::connect_tls_with(&self.host, self.port, &tls()?, &opts),
            TlsMode::Starttls => {
                Client::connect_starttls_with(&self.host, self.port, &tls()?, &opts)
            }
            TlsMode::None => Client::connect_plain(&self.host, self.port, &opts),
        };
        let mut client = result.map_err(|e| self.connect_error(&e))?;
        client.set_timeouts(
            Timeouts::default()
                .greeting(Some(self.timeout))
                .command(Some(self.timeout)),
        );
        if self.tls == TlsMode::None {
            // Loopback, or the user said --insecure (checked in from_parts).
            client.allow_plaintext_login(true);
        }
        Ok(client)
    }

    fn connect_error(&self, e: &Error) -> CliError {
        let ep = self.endpoint();
        if imap4::transport::tls_error(e).is_some() {
            let what = describe(e);
            if what.contains("InvalidContentType") || what.contains("corrupt message") {
                return CliError::new(format!(
                    "TLS with {ep} failed: the server did not answer in TLS; if port {} is a plain IMAP port, use --tls starttls (or tls = \"starttls\")",
                    self.port
                ));
            }
            let hint = if self.ca_file.is_some() {
                "check ca_file and the host name"
            } else {
                "set ca_file if the server uses a private CA, and check the host name"
            };
            return CliError::new(format!("TLS with {ep} failed: {}; {hint}", describe(e)));
        }
        match e {
            Error::Capability { capability: "STARTTLS", .. } => CliError::new(format!(
                "{ep} does not offer STARTTLS; use tls = \"tls\" (port 993) or, on a trusted network only, tls = \"none\""
            )),
            _ => CliError::transient(format!("cannot connect to {ep}: {}", describe(e))),
        }
    }

    /// Connects and logs in.
    pub fn connect(&self) -> CliResult<Conn> {
        // A missing variable is known before connecting; commands run at login, so that
        // a token they print is as fresh as it can be.
        if matches!(self.secret, SecretSource::Env(_) | SecretSource::DefaultEnv) {
            self.read_secret()?;
        }
        let mut client = self.open()?;
        let mechanism = self.login(&mut client)?;
        Ok(Conn { client, mechanism })
    }

    /// Logs in on an open connection; returns the mechanism used.
    pub fn login(&self, client: &mut Imap) -> CliResult<&'static str> {
        let secret = self.read_secret()?;
        let caps = client.capabilities().map_err(|e| CliError {
            retry: crate::error::is_connection_lost(&e),
            ..CliError::new(format!("{}: {}", self.endpoint(), describe(&e)))
        })?;
        let has = |name: &str| caps.iter().any(|c| c.is(name));
        let oauth = matches!(self.secret, SecretSource::OAuth2Command(_));
        let mech = match self.auth {
            AuthChoice::Auto if oauth => {
                if has("AUTH=OAUTHBEARER") {
                    AuthChoice::OAuthBearer
                } else {
                    AuthChoice::XOAuth2
                }
            }
            AuthChoice::Auto => {
                if has("AUTH=SCRAM-SHA-256") {
                    AuthChoice::ScramSha256
                } else if has("AUTH=PLAIN") {
                    AuthChoice::Plain
                } else {
                    AuthChoice::Login
                }
            }
            m => m,
        };
        let user = self.user.as_str();
        let pw = secret.expose();
        let (name, result) = match mech {
            AuthChoice::Login | AuthChoice::Auto => ("LOGIN", client.login(user, pw)),
            AuthChoice::Plain => ("PLAIN", client.login_plain(user, pw)),
            AuthChoice::CramMd5 => ("CRAM-MD5", client.login_cram_md5(user, pw)),
            AuthChoice::ScramSha256 => (
                "SCRAM-SHA-256",
                Scram::sha256(user, pw)
                    .map_err(Error::from)
                    .and_then(|mut m| client.authenticate(&mut m)),
            ),
            AuthChoice::ScramSha1 => (
                "SCRAM-SHA-1",
                Scram::sha1(user, pw)
                    .map_err(Error::from)
                    .and_then(|mut m| client.authenticate(&mut m)),
            ),
            AuthChoice::XOAuth2 => (
                "XOAUTH2",
                XOAuth2::new(user, pw)
                    .map_err(Error::from)
                    .and_then(|mut m| client.authenticate(&mut m)),
            ),
            AuthChoice::OAuthBearer => (
                "OAUTHBEARER",
                OAuthBearer::new(user, pw)
                    .and_then(|m| m.with_host(&self.host))
                    .map(|m| m.with_port(self.port))
                    .map_err(Error::from)
                    .and_then(|mut m| client.authenticate(&mut m)),
            ),
        };
        drop(secret);
        match result {
            Ok(()) => Ok(name),
            Err(e) => Err(self.login_error(name, &e)),
        }
    }

    fn login_error(&self, mech: &str, e: &Error) -> CliError {
        let host = &self.host;
        let hint = self.secret.hint();
        match e {
            Error::No { text, code, .. } | Error::Bad { text, code, .. } => {
                let code = code
                    .as_ref()
                    .map(|c| format!("{} ", code_name(c)))
                    .unwrap_or_default();
                CliError::new(format!(
                    "login failed ({mech} as {}): {code}{} from {host}; {hint}",
                    self.user,
                    text.trim()
                ))
            }
            Error::PlaintextLogin => CliError::new(format!(
                "refusing to send the password to {host} without TLS; use tls = \"tls\" or \"starttls\""
            )),
            Error::Sasl(s) => CliError::new(format!("login failed ({mech}): {s}; {hint}")),
            other => CliError {
                retry: crate::error::is_connection_lost(other),
                ..CliError::new(format!(
                    "login failed ({mech} as {}) at {host}: {}",
                    self.user,
                    describe(other)
                ))
            },
        }
    }
}

/// Runs a secret command through `sh -c`: its first line of output is the secret. Its
/// output never appears in an error; its stderr is passed through.
fn run_secret_command(cmd: &str, what: &str) -> CliResult<Secret> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| CliError::new(format!("{what}: cannot run sh: {e}")))?;
    if !out.status.success() {
        let how = match out.status.code() {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal".to_string(),
        };
        return Err(CliError::new(format!("{what} failed ({how})")));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| CliError::new(format!("{what} printed something that is not UTF-8")))?;
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if first.is_empty() {
        return Err(CliError::new(format!("{what} printed nothing")));
    }
    Ok(Secret(first.to_string()))
}

/// Connects with retries: 1 s, 2 s, 4 s, ... up to `max_delay` between attempts, until
/// interrupted. Errors that a retry cannot fix (a wrong password, a certificate that is
/// not trusted, a bad config) end it at once.
pub fn connect_with_backoff(
    account: &Account,
    max_delay: Duration,
    mut on_retry: impl FnMut(&CliError, Duration),
) -> CliResult<Conn> {
    let mut delay = Duration::from_secs(1);
    loop {
        match account.connect() {
            Ok(c) => return Ok(c),
            Err(e) if !e.retry => return Err(e),
            Err(e) => {
                on_retry(&e, delay);
                if crate::interrupt::sleep(delay) {
                    return Err(CliError::interrupted("interrupted while reconnecting"));
                }
                delay = (delay * 2).min(max_delay);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("127.8.9.1"));
        assert!(is_loopback("::1"));
        assert!(is_loopback("[::1]"));
        assert!(is_loopback("LOCALHOST"));
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("imap.example.com"));
        assert!(!is_loopback("localhost.example.com"));
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret("hunter2".into());
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn secret_command() {
        assert_eq!(
            run_secret_command("printf 'pw one\\nsecond line\\n'", "password_command")
                .unwrap()
                .expose(),
            "pw one"
        );
        let e = run_secret_command("echo leaked; exit 3", "password_command").unwrap_err();
        assert!(e.message.contains("exit status 3"), "{e}");
        assert!(!e.message.contains("leaked"), "{e}");
        let e = run_secret_command("true", "password_command").unwrap_err();
        assert!(e.message.contains("printed nothing"), "{e}");
    }
}
