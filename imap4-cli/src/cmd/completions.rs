//! `imap4 completions SHELL`: a completion script from the same definitions as --help.

use clap::Args;
use clap_complete::Shell;

use crate::error::{CliResult, Exit};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  imap4 completions bash > /etc/bash_completion.d/imap4\n  imap4 completions zsh > \"${fpath[1]}/_imap4\"\n  imap4 completions fish > ~/.config/fish/completions/imap4.fish"
)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: Shell,
}

pub fn run(cmd: &mut clap::Command, args: &CompletionsArgs) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    clap_complete::generate(args.shell, cmd, "imap4", &mut stdout);
    Ok(Exit::Ok)
}
