//! `recall sync`: the data dir carried between machines by git, and `recall
//! merge-driver`, which git runs to merge the review log so a pull never conflicts on
//! it. What travels and how it merges is in [`crate::sync`].

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::app::{App, Error};
use crate::cmd::merge::{fold, read_other, report_redrills, write_merged};
use crate::collection::write_atomic;
use crate::git::Git;
use crate::log::{self, Parsed};
use crate::sched::Rollover;
use crate::sync::{self as rules, ATTRIBUTES, DeckChange, IGNORED, TRACKED};

/// The name of the remote in the data dir's repository.
const REMOTE: &str = "origin";

pub struct SyncOptions {
    /// The remote to sync with: set on first use, changed when given again.
    pub remote: Option<String>,
    /// Merge the review log's conflict copies a file-sync tool left, then remove them.
    pub merge_conflict_copies: bool,
}

pub fn sync(app: &App, options: &SyncOptions, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let data = &app.settings.data_dir;
    let rollover = app.settings.rollover;
    // The same refusal a second review gets: the log is being written. Held to the
    // end, so no review starts while git rewrites the log.
    let (_lock, repaired) = log::Writer::lock(&app.settings.log_path())?;
    if let Some(warning) = repaired {
        writeln!(err, "warning: {warning}")?;
    }
    if options.merge_conflict_copies {
        merge_conflict_copies(app, out, err)?;
        // Without git set up this is all a Syncthing or Dropbox user asked for.
        if options.remote.is_none() && !data.join(".git").exists() {
            return Ok(());
        }
    }
    let mut git = Git::new(data)?;
    let branch = set_up(&git, data, options.remote.as_deref(), out)?;
    git.ensure_identity()?;
    let remote = git.run(&["remote", "get-url", REMOTE])?.trim().to_string();
    let committed = commit(&git, data, rollover)?;
    if let Some(message) = &committed {
        writeln!(out, "Committed here: {message}.")?;
    }
    let tracking = format!("refs/remotes/{REMOTE}/{branch}");
    // Another machine can push between our fetch and our push; then fetch again.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let fetched = git.try_run(["fetch", "--quiet", REMOTE])?;
        if !fetched.ok {
            return Err(Error::Unreachable {
                remote,
                message: git_says(&fetched.stderr),
                committed: committed.is_some(),
            });
        }
        let theirs = git.commit(&tracking)?;
        let before = git.commit("HEAD")?;
        let mut received = "nothing".to_string();
        if let Some(theirs) = &theirs
            && !git.succeeds(&["merge-base", "--is-ancestor", theirs, "HEAD"])?
        {
            merge_remote(&git, data, theirs, &remote, &format!("{REMOTE}/{branch}"))?;
            received = difference(&git, before.as_deref(), "HEAD", rollover)?;
        }
        let head = git.commit("HEAD")?;
        let mut sent = "nothing".to_string();
        if head.is_some() && head != theirs {
            let pushed = git.try_run(["push", "--quiet", "--set-upstream", REMOTE, &branch])?;
            if !pushed.ok {
                let rejected = pushed.stderr.contains("[rejected]") || pushed.stderr.contains("[remote rejected]");
                if rejected && attempt < 3 {
                    continue;
                }
                return Err(Error::PushFailed {
                    remote,
                    message: git_says(&pushed.stderr),
                });
            }
            sent = difference(&git, theirs.as_deref(), "HEAD", rollover)?;
        }
        // A merge commit alone (the two machines' histories joined) is not news.
        match (received.as_str(), sent.as_str()) {
            ("nothing", "nothing") => writeln!(out, "Up to date with {remote}.")?,
            (_, "nothing") => writeln!(out, "Received from {remote}: {received}.")?,
            ("nothing", _) => writeln!(out, "Sent to {remote}: {sent}.")?,
            _ => writeln!(out, "Received from {remote}: {received}.\nSent to {remote}: {sent}.")?,
        }
        return Ok(());
    }
}

/// Makes the data dir a repository that syncs (idempotent, so every sync repairs what
/// is missing and points the merge driver at the binary running now), and returns the
/// branch to sync.
fn set_up(git: &Git, data: &Path, remote: Option<&str>, out: &mut dyn Write) -> Result<String, Error> {
    if !data.join(".git").exists() {
        if remote.is_none() {
            return Err(Error::SyncNotSetUp(data.to_path_buf()));
        }
        git.run(&["init", "--quiet"])?;
        git.run(&["symbolic-ref", "HEAD", "refs/heads/main"])?;
        writeln!(out, "Made {} a git repository to sync.", data.display())?;
    }
    for (file, lines) in [(".gitattributes", &ATTRIBUTES[..]), (".gitignore", &IGNORED[..])] {
        let path = data.join(file);
        let existing = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::file(&path)(e)),
        };
        if let Some(text) = rules::with_lines(&existing, lines) {
            write_atomic(&path, &text).map_err(Error::file(&path))?;
        }
    }
    let exe = std::env::current_exe().map_err(Error::Output)?;
    git.run(&[
        "config",
        "merge.recall.name",
        "recall review log: every answer of both, in time order",
    ])?;
    git.run(&["config", "merge.recall.driver", &rules::driver_command(&exe)])?;
    let current = git.try_run(["remote", "get-url", REMOTE])?;
    match (remote, current.ok) {
        (Some(url), false) => {
            git.run(&["remote", "add", REMOTE, &remote_url(url)])?;
        }
        (Some(url), true) if current.stdout.trim() != remote_url(url) => {
            git.run(&["remote", "set-url", REMOTE, &remote_url(url)])?;
            writeln!(
                out,
                "The remote is now {} (it was {}).",
                remote_url(url),
                current.stdout.trim()
            )?;
        }
        (None, false) => return Err(Error::SyncNoRemote(data.to_path_buf())),
        _ => {}
    }
    if git.commit("MERGE_HEAD")?.is_some() {
        return Err(Error::MergeInProgress(data.to_path_buf()));
    }
    let branch = git.try_run(["symbolic-ref", "--quiet", "--short", "HEAD"])?;
    if !branch.ok {
        return Err(Error::DetachedHead(data.to_path_buf()));
    }
    Ok(branch.stdout.trim().to_string())
}

/// What git said went wrong, without its advice: the `fatal:` and `error:` lines,
/// or all of it when it has none.
fn git_says(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .collect();
    if lines.is_empty() {
        stderr.trim().to_string()
    } else {
        lines.join("; ")
    }
}

/// A remote as git should see it from the data dir: a path that exists is made
/// absolute (git runs there, not where the learner typed it); URLs stay as they are.
fn remote_url(url: &str) -> String {
    let path = Path::new(url);
    if path.is_relative()
        && path.exists()
        && let Ok(absolute) = fs::canonicalize(path)
    {
        return absolute.to_string_lossy().into_owned();
    }
    url.to_string()
}

/// Commits what changed (the log, the decks, the quiz history) and returns the
/// commit's message; `None` when nothing did. A deck with a conflict marker is
/// refused: it is half-resolved and must not reach the other machine.
fn commit(git: &Git, data: &Path, rollover: Rollover) -> Result<Option<String>, Error> {
    let mut paths = Vec::new();
    for path in TRACKED {
        if data.join(path).exists() || !git.run(&["ls-files", "--", path])?.trim().is_empty() {
            paths.push(path);
        }
    }
    // Every deck, not only the changed ones: a deck committed by hand mid-conflict
    // must not travel either.
    let deck_dir = data.join("decks");
    for file in crate::collection::deck_files(&deck_dir).map_err(Error::file(&deck_dir))? {
        let text = fs::read_to_string(&file).map_err(Error::file(&file))?;
        if let Some(line) = rules::conflict_marker(&text) {
            return Err(Error::ConflictMarker { file, line });
        }
    }
    let mut add = vec!["add", "--all", "--"];
    add.extend(&paths);
    git.run(&add)?;
    if git.succeeds(&["diff", "--cached", "--quiet"])? {
        return Ok(None);
    }
    let staged = git.run(&["diff", "--cached", "--name-status", "--no-renames"])?;
    let decks = rules::deck_changes(&staged);
    let head = git.commit("HEAD")?;
    let now = fs::read_to_string(data.join("reviews.log")).unwrap_or_default();
    let answers = count_answers(&now, rollover).saturating_sub(answers_at(git, head.as_deref(), rollover)?);
    let quizzes = staged.lines().any(|l| l.ends_with("\tquizzes.jsonl"));
    let message = match rules::describe(answers, &decks, quizzes).as_str() {
        "nothing" => "recall: sync settings".to_string(),
        what => format!("recall: {what}"),
    };
    git.run(&["commit", "--quiet", "-m", &message])?;
    Ok(Some(message.trim_start_matches("recall: ").to_string()))
}

/// Merges the other machine's commit. The driver merges the log; a conflict anywhere
/// else (a card both machines edited) aborts the merge, which puts every file back as
/// it was, and names the files.
fn merge_remote(git: &Git, data: &Path, theirs: &str, remote: &str, tracking: &str) -> Result<(), Error> {
    let message = format!("recall: merge from {remote}");
    let ran = git.try_run([
        "merge",
        "--quiet",
        "--no-edit",
        "--allow-unrelated-histories",
        "-m",
        &message,
        theirs,
    ])?;
    if ran.ok {
        return Ok(());
    }
    let files: Vec<String> = git
        .run(&["diff", "--name-only", "--diff-filter=U"])?
        .lines()
        .map(str::to_string)
        .collect();
    if git.commit("MERGE_HEAD")?.is_some() {
        git.run(&["merge", "--abort"])?;
    }
    let said = format!("{}\n{}", ran.stdout.trim(), ran.stderr.trim())
        .trim()
        .to_string();
    if files.is_empty() {
        return Err(Error::Git(crate::git::GitError::Failed {
            args: format!("merge {tracking}"),
            dir: data.to_path_buf(),
            message: said,
        }));
    }
    // The driver only fails on a log line it cannot read; say which.
    let driver: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("recall: error: merge-driver:"))
        .collect();
    Err(Error::SyncConflict {
        dir: fs::canonicalize(data).unwrap_or_else(|_| data.to_path_buf()),
        files,
        tracking: tracking.to_string(),
        detail: driver.join("\n"),
    })
}

/// What the commits from `from` (none: the empty start) to `to` brought, in words.
fn difference(git: &Git, from: Option<&str>, to: &str, rollover: Rollover) -> Result<String, Error> {
    let answers = answers_at(git, Some(to), rollover)?.saturating_sub(answers_at(git, from, rollover)?);
    let (decks, quizzes) = match from {
        Some(from) => (
            rules::deck_changes(&git.run(&["diff", "--name-status", "--no-renames", from, to, "--", "decks"])?),
            !git.succeeds(&["diff", "--quiet", from, to, "--", "quizzes.jsonl"])?,
        ),
        None => (
            git.run(&["ls-tree", "-r", "--name-only", to, "--", "decks"])?
                .lines()
                .flat_map(|path| rules::deck_changes(&format!("A\t{path}")))
                .collect::<Vec<DeckChange>>(),
            git.show(to, "quizzes.jsonl")?.is_some(),
        ),
    };
    Ok(rules::describe(answers, &decks, quizzes))
}

/// How many answers the log holds at a commit (none without one).
fn answers_at(git: &Git, commit: Option<&str>, rollover: Rollover) -> Result<usize, Error> {
    let Some(commit) = commit else { return Ok(0) };
    Ok(git
        .show(commit, "reviews.log")?
        .map_or(0, |text| count_answers(&text, rollover)))
}

fn count_answers(text: &str, rollover: Rollover) -> usize {
    log::answers(text, rollover).count()
}

/// Folds every conflict copy into the log (the caller holds its lock), then removes
/// the copies: each of their lines is in the log now.
fn merge_conflict_copies(app: &App, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let copies = crate::collection::conflict_copies(&app.settings.data_dir);
    if copies.is_empty() {
        writeln!(out, "No conflict copies of your review log to merge.")?;
        return Ok(());
    }
    let others = copies
        .iter()
        .map(|copy| read_other(copy, err))
        .collect::<Result<Vec<Parsed>, Error>>()?;
    let path = app.settings.log_path();
    let ours = log::read(&path)?;
    let merged = fold(ours, &others, app.settings.rollover, err)?;
    let backup = (merged.added_answers + merged.added_marks > 0)
        .then(|| write_merged(&path, &merged.text))
        .transpose()?;
    for copy in &copies {
        fs::remove_file(copy).map_err(Error::file(copy))?;
    }
    writeln!(
        out,
        "Merged {} answer(s) and {} mark(s) from {} conflict cop{} into {}, and removed {}:",
        merged.added_answers,
        merged.added_marks,
        copies.len(),
        if copies.len() == 1 { "y" } else { "ies" },
        path.display(),
        if copies.len() == 1 { "it" } else { "them" },
    )?;
    for copy in &copies {
        writeln!(out, "  {}", copy.display())?;
    }
    report_redrills(&merged, out)?;
    if let Some(backup) = backup {
        writeln!(out, "Your log as it was is kept in {}.", backup.display())?;
    }
    Ok(())
}

/// `recall merge-driver BASE OURS THEIRS [NAME]`, run by git: the union of the three
/// versions of the log, each line once, in time order, written over OURS.
pub fn merge_driver(app: &App, files: [&Path; 3], name: Option<&str>, err: &mut dyn Write) -> Result<(), Error> {
    let name = name.unwrap_or("reviews.log");
    let [base, ours, theirs] = files;
    let read = |path: &Path, whose: &str| -> Result<Parsed, Error> {
        let label = PathBuf::from(format!("{name} ({whose} version)"));
        let bytes = fs::read(path).map_err(Error::file(path))?;
        let text = String::from_utf8_lossy(&bytes);
        // The common ancestor of two logs each machine started is empty.
        if !text.is_empty() && !text.starts_with(log::VERSION_PREFIX) {
            return Err(Error::NotALog(label));
        }
        let parsed = log::parse(&label, &text)?;
        match (&parsed.torn, parsed.warnings.first()) {
            (Some(torn), _) => Err(Error::DriverFailed(format!(
                "{}: the last line is incomplete ({torn:?})",
                label.display()
            ))),
            (None, Some(unreadable)) => Err(Error::DriverFailed(unreadable.clone())),
            (None, None) => Ok(parsed),
        }
    };
    let ours_log = read(ours, "this machine's")?;
    let theirs_log = read(theirs, "the other machine's")?;
    let base_log = read(base, "the common ancestor's")?;
    let merged = fold(ours_log, &[theirs_log, base_log], app.settings.rollover, err)?;
    fs::write(ours, merged.text).map_err(Error::file(ours))?;
    Ok(())
}
