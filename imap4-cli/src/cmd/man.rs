//! `imap4 man`: manual pages generated from the same definitions as --help.

use std::path::PathBuf;

use clap::Args;

use crate::error::{CliError, CliResult, Exit};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  imap4 man | man -l -\n  imap4 man --dir /usr/local/share/man/man1"
)]
pub struct ManArgs {
    /// Write imap4.1 and one imap4-COMMAND.1 per command into this directory instead of
    /// printing imap4.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(cmd: clap::Command, args: &ManArgs) -> CliResult {
    let cmd = cmd.name("imap4");
    match &args.dir {
        None => {
            let mut stdout = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut stdout)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::new(format!("cannot create {}: {e}", dir.display())))?;
            clap_mangen::generate_to(cmd, dir).map_err(|e| {
                CliError::new(format!("writing man pages to {}: {e}", dir.display()))
            })?;
        }
    }
    Ok(Exit::Ok)
}
