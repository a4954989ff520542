//! What the integration tests share: a user with a data dir of their own, running the
//! real binary with a fixed clock and scripted stdin.
// Each test crate uses its own part of this.
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_recall");

/// A user with a data dir of their own.
pub struct User {
    pub home: tempfile::TempDir,
}

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl User {
    pub fn new() -> User {
        User {
            home: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.home.path()
    }

    pub fn log_path(&self) -> PathBuf {
        self.path().join("reviews.log")
    }

    pub fn deck(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.path().join("decks");
        fs::create_dir_all(&dir).expect("decks dir");
        let path = dir.join(name);
        fs::write(&path, text).expect("write deck");
        path
    }

    pub fn command(&self, now: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("RECALL_HOME", self.path())
            .env("RECALL_CONFIG", self.path().join("config.ron"))
            .env("RECALL_NOW", now)
            .env_remove("NO_COLOR");
        cmd
    }

    pub fn run(&self, now: &str, args: &[&str], stdin: &str) -> Run {
        run(self.command(now, args), stdin)
    }

    pub fn card_json(&self, now: &str, key: &str) -> serde_json::Value {
        let run = self.run(now, &["card", key, "--json"], "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).expect("json")
    }

    /// The log's lines, each answer's time in milliseconds shown as `<ms>`: it is
    /// measured for real (`raw_log_lines` has it).
    pub fn log_lines(&self) -> Vec<String> {
        self.raw_log_lines()
            .into_iter()
            .map(|line| {
                let mut fields: Vec<&str> = line.split('\t').collect();
                if fields.len() == 5 {
                    fields[3] = "<ms>";
                }
                fields.join("\t")
            })
            .collect()
    }

    pub fn raw_log_lines(&self) -> Vec<String> {
        fs::read_to_string(self.log_path())
            .expect("log")
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// Runs a recall command with `stdin` piped in, to the end.
pub fn run(mut command: Command, stdin: &str) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn recall");
    // recall may exit before reading all of it (an error, `:quit`): not a failure.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    let Output { status, stdout, stderr } = child.wait_with_output().expect("wait");
    Run {
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
        code: status.code().unwrap_or(-1),
    }
}

/// Starts a review that answers its first card and then waits, holding the lock on
/// the log at `log`; dropping the returned stdin ends it.
pub fn hold_log(mut command: Command, log: &Path) -> (std::process::Child, std::process::ChildStdin) {
    let mut review = command
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn review");
    let mut stdin = review.stdin.take().expect("stdin");
    stdin.write_all(b"\n5\n").expect("answer");
    stdin.flush().expect("flush");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while fs::read_to_string(log).map_or(0, |t| t.lines().count()) < 2 {
        assert!(std::time::Instant::now() < deadline, "the review never answered");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (review, stdin)
}
