//! The real kiosk binary's command line (clap): help and version exit 0 with useful text, usage
//! errors exit 2 and name the argument, `--flag=value` works, the file's settings yield to flags.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_kiosk");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

#[test]
fn help_and_version_exit_0_with_useful_text() {
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let out = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--config",
        "--server",
        "--token-file",
        "--mode",
        "--fullscreen",
        "--headless-frame",
        "rating",
    ] {
        assert!(out.contains(flag), "--help names {flag}: {out}");
    }
    let version = run(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("kiosk {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2_and_name_what_is_wrong() {
    for (args, named) in [
        (&["--bogus"][..], "--bogus"),
        (&["--mode=display"], "display"),
        (&["--server"], "--server"),
        // The token is never an argument: only a file names it.
        (&["--token", "abc"], "--token"),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(named), "{args:?} names {named}: {stderr}");
    }
}

#[test]
fn a_bad_configuration_file_exits_2_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("kiosk-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kiosk.toml");
    std::fs::write(&file, "sever = \"typo\"\n").unwrap();
    let out = run(&[&format!("--config={}", file.display())]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("kiosk.toml") && stderr.contains("sever"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
