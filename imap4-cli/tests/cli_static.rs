//! What the binary says about itself, without a server: every command's --help has an
//! example, completions and the man page come from the same definitions, and usage
//! errors exit with status 2.

mod common;

use std::process::Command;

use common::{bin, Run};

const COMMANDS: &[&str] = &[
    "config",
    "capabilities",
    "ls",
    "status",
    "search",
    "show",
    "save-attachments",
    "flag",
    "mv",
    "cp",
    "rm",
    "mkdir",
    "rmdir",
    "rename",
    "subscribe",
    "unsubscribe",
    "append",
    "backup",
    "restore",
    "migrate",
    "verify",
    "watch",
    "shell",
    "parse",
    "completions",
    "man",
];

fn run(args: &[&str]) -> Run {
    Run::of(Command::new(bin()).env_clear().args(args))
}

#[test]
fn every_command_has_help_with_an_example() {
    // The list above is the whole list: `imap4 --help` names nothing else.
    let top = run(&["--help"]).ok();
    let section = top
        .stdout
        .split("Commands:")
        .nth(1)
        .and_then(|s| s.split("Options:").next())
        .unwrap_or("");
    let listed: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(listed, COMMANDS, "the commands of `imap4 --help`");
    for c in COMMANDS {
        assert!(
            top.stdout.contains(&format!("  {c} ")) || top.stdout.contains(&format!("  {c}\n")),
            "{c} missing from --help"
        );
        let r = run(&[c, "--help"]).ok();
        assert!(
            r.stdout.contains("Examples:"),
            "`imap4 {c} --help` has no example:\n{}",
            r.stdout
        );
        let example = r.stdout.split("Examples:").nth(1).unwrap_or("");
        assert!(
            example.contains(&format!("imap4 {c}")) || example.contains(&format!(" {c} ")),
            "the example of {c} does not run {c}:\n{example}"
        );
    }
    assert!(top.stdout.contains("Examples:"));
    assert!(top.stdout.contains("Exit status"));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let r = run(&["completions", shell]).ok();
        assert!(r.stdout.contains("imap4"), "{shell}");
        assert!(
            r.stdout.contains("save-attachments"),
            "{shell}: subcommands completed"
        );
    }
    let r = run(&["man"]).ok();
    assert!(
        r.stdout.starts_with(".ie") || r.stdout.contains(".TH"),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
    assert!(r.stdout.contains("watch"));
    let dir = std::env::temp_dir().join(format!("imap4-man-{}", std::process::id()));
    run(&["man", "--dir", dir.to_str().unwrap()]).ok();
    assert!(dir.join("imap4-search.1").exists(), "one page per command");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let r = run(&["nosuchcommand"]);
    assert_eq!(r.code, 2);
    let r = run(&["--host", "127.0.0.1", "--user", "u", "search"]);
    assert_eq!(r.code, 2, "missing mailbox");
    let r = run(&["--host", "127.0.0.1", "--user", "u", "--tls", "maybe", "ls"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("maybe"));
    let r = run(&[
        "--host",
        "127.0.0.1",
        "--user",
        "u",
        "search",
        "INBOX",
        "-flagged",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not flagged"), "{}", r.stderr);
    // A bad query is found before connecting (nothing listens on port 1).
    let r = Run::of(
        Command::new(bin())
            .env_clear()
            .env("IMAP4_PASSWORD", "x")
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                "1",
                "--user",
                "u",
                "--tls",
                "none",
            ])
            .args(["flag", "INBOX", "add", "seen", "--query", "from:a or"]),
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("'or'"), "{}", r.stderr);
    assert!(!r.stderr.contains("connect"), "{}", r.stderr);
}
