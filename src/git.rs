//! The `git` program, run in the data dir for `recall sync`. Only this module starts
//! it; what to run is decided in `cmd::sync` with the rules of [`crate::sync`].

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What can go wrong running git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("recall sync runs the `git` program, and there is none on this machine's PATH; install git and sync again")]
    Missing,
    #[error("could not run git: {0}")]
    Spawn(io::Error),
    #[error("`git {args}` failed in {}: {message}", dir.display())]
    Failed {
        args: String,
        dir: PathBuf,
        message: String,
    },
}

/// Git in one working tree.
pub struct Git {
    dir: PathBuf,
    /// `-c user.name=… -c user.email=…` when the machine has no identity for commits.
    identity: Vec<String>,
}

/// A finished git command: its status and output, for callers that handle failure.
pub struct Ran {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Git {
    /// Git in `dir`, checked to be installed.
    pub fn new(dir: &Path) -> Result<Git, GitError> {
        let git = Git {
            dir: dir.to_path_buf(),
            identity: Vec::new(),
        };
        git.output(["--version"])?;
        Ok(git)
    }

    /// Commits need an author; a machine where git was never set up has none, so
    /// recall's commits are signed as recall there (the learner's own identity wins
    /// wherever it is set).
    pub fn ensure_identity(&mut self) -> Result<(), GitError> {
        for (key, fallback) in [("user.name", "recall"), ("user.email", "recall@localhost")] {
            if !self.try_run(["config", key])?.ok {
                self.identity.push("-c".into());
                self.identity.push(format!("{key}={fallback}"));
            }
        }
        Ok(())
    }

    fn output<I, S>(&self, args: I) -> Result<Output, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new("git");
        command
            .current_dir(&self.dir)
            .args(&self.identity)
            .args(args)
            // A sync started from a git hook or an editor's terminal must not act on
            // that other repository.
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            // Never wait for a password prompt nobody sees.
            .env("GIT_TERMINAL_PROMPT", "0");
        command.output().map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => GitError::Missing,
            _ => GitError::Spawn(e),
        })
    }

    /// Runs git; a failure is returned as what it printed, for the caller to judge.
    pub fn try_run<I, S>(&self, args: I) -> Result<Ran, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let output = self.output(args)?;
        Ok(Ran {
            ok: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }

    /// Runs git and returns its standard output; a failure is an error naming the
    /// command and what git said.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String, GitError> {
        let ran = self.try_run(args)?;
        if ran.ok {
            return Ok(ran.stdout);
        }
        let message = match ran.stderr.trim() {
            "" => ran.stdout.trim().to_string(),
            stderr => stderr.to_string(),
        };
        Err(GitError::Failed {
            args: args
                .iter()
                .map(|a| a.as_ref().to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            dir: self.dir.clone(),
            message,
        })
    }

    /// Whether a command succeeds (`git merge-base --is-ancestor`, `git diff --quiet`).
    pub fn succeeds<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<bool, GitError> {
        Ok(self.try_run(args)?.ok)
    }

    /// A file's text at a commit, or `None` where the commit does not have it.
    pub fn show(&self, commit: &str, path: &str) -> Result<Option<String>, GitError> {
        let ran = self.try_run(["show", &format!("{commit}:{path}")])?;
        Ok(ran.ok.then_some(ran.stdout))
    }

    /// The commit a name points to, or `None` where it points nowhere.
    pub fn commit(&self, name: &str) -> Result<Option<String>, GitError> {
        let ran = self.try_run(["rev-parse", "--verify", "--quiet", &format!("{name}^{{commit}}")])?;
        Ok(ran.ok.then(|| ran.stdout.trim().to_string()))
    }
}
