//! What `recall sync` decides, apart from running git: which files travel, how git is
//! told to merge them, what a change is called, and which files a sync tool left as
//! conflict copies. Pure; `cmd::sync` runs git with it.
//!
//! The data dir is the repository. The review log is merged by `recall merge-driver`
//! (the union of both devices' answers, see [`crate::merge`]), the quiz history by
//! git's own `union` driver (one JSON line per quiz, appended), and deck files the
//! usual way: a card both devices edited is a conflict for the learner to resolve.

use std::path::Path;

/// The paths a sync commits, relative to the data dir. Anything else there (a config
/// file kept beside the log, editor backups) stays on its machine.
pub const TRACKED: [&str; 5] = ["reviews.log", "decks", "quizzes.jsonl", ".gitattributes", ".gitignore"];

/// The lines `.gitattributes` must hold.
pub const ATTRIBUTES: [&str; 2] = ["reviews.log merge=recall", "quizzes.jsonl merge=union"];

/// The lines `.gitignore` must hold: the cache (rebuilt from the files on any
/// machine), the copies `recall merge` keeps, and half-written temporary files.
pub const IGNORED: [&str; 3] = ["/cache/", "*.before-merge", ".*.recall-tmp"];

/// The text of a `.gitattributes` or `.gitignore` that holds `lines`: `None` when the
/// existing text already has every one, else the text with the missing ones appended
/// (the learner's own lines are kept as they are).
pub fn with_lines(existing: &str, lines: &[&str]) -> Option<String> {
    let present: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<&&str> = lines.iter().filter(|l| !present.contains(l)).collect();
    if missing.is_empty() {
        return None;
    }
    let mut text = existing.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.contains("# recall sync") {
        text.push_str("# recall sync\n");
    }
    for line in missing {
        text.push_str(line);
        text.push('\n');
    }
    Some(text)
}

/// The merge driver's command line for git's config: the binary by its absolute path
/// (quoted for the shell git runs it with), then git's placeholders for the common
/// ancestor, ours (where the result goes), theirs, and the file's name.
pub fn driver_command(exe: &Path) -> String {
    let exe = exe.to_string_lossy().replace('\'', r"'\''");
    format!("'{exe}' merge-driver %O %A %B %P")
}

/// What happened to one deck file between two commits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeckChange {
    /// The file's name without `decks/` and `.ron`.
    pub deck: String,
    pub change: Change,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Changed,
    Removed,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Changed => "changed",
            Change::Removed => "removed",
        }
    }
}

/// The deck files in the output of `git diff --name-status` (tab-separated status and
/// paths; a rename is the old file removed and the new one added). Files that are not
/// `decks/*.ron` are left out.
pub fn deck_changes(name_status: &str) -> Vec<DeckChange> {
    let deck = |path: &str| {
        path.strip_prefix("decks/")
            .and_then(|p| p.strip_suffix(".ron"))
            .filter(|p| !p.contains('/'))
            .map(str::to_string)
    };
    let mut changes = Vec::new();
    for line in name_status.lines() {
        let mut fields = line.split('\t');
        let (Some(status), Some(path)) = (fields.next(), fields.next()) else {
            continue;
        };
        let mut push = |path: &str, change| {
            if let Some(deck) = deck(path) {
                changes.push(DeckChange { deck, change });
            }
        };
        match status.chars().next() {
            Some('A' | 'C') => push(fields.next().unwrap_or(path), Change::Added),
            Some('D') => push(path, Change::Removed),
            Some('R') => {
                push(path, Change::Removed);
                if let Some(new) = fields.next() {
                    push(new, Change::Added);
                }
            }
            Some(_) => push(path, Change::Changed),
            None => {}
        }
    }
    changes
}

/// A change in words, for a commit message and for what a sync reports:
/// `42 answers, deck mine changed, decks a, b added, quiz history`; `nothing` when
/// there is none.
pub fn describe(answers: usize, decks: &[DeckChange], quizzes: bool) -> String {
    let mut parts = Vec::new();
    if answers > 0 {
        parts.push(format!("{answers} answer{}", if answers == 1 { "" } else { "s" }));
    }
    for change in [Change::Changed, Change::Added, Change::Removed] {
        let mut names: Vec<&str> = decks
            .iter()
            .filter(|d| d.change == change)
            .map(|d| d.deck.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        if !names.is_empty() {
            let noun = if names.len() == 1 { "deck" } else { "decks" };
            parts.push(format!("{noun} {} {}", names.join(", "), change.as_str()));
        }
    }
    if quizzes {
        parts.push("quiz history".to_string());
    }
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(", ")
    }
}

/// Whether a file in the data dir is a copy of the review log that a file-sync tool
/// made when both devices changed it: Syncthing's `reviews.sync-conflict-<date>-<time>-<device>.log`,
/// Dropbox's `reviews (<name>'s conflicted copy <date>).log`, and the `(conflicted
/// copy …)` / `(conflict …)` names Nextcloud, OneDrive and Google Drive use.
pub fn is_conflict_copy(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".log") else {
        return false;
    };
    let Some(rest) = stem.strip_prefix("reviews") else {
        return false;
    };
    if rest.starts_with(".sync-conflict-") {
        return true;
    }
    let rest = rest.trim_start();
    rest.starts_with('(') && rest.ends_with(')') && rest.to_lowercase().contains("conflict")
}

/// The first line (from 1) of a file's text that is a git conflict marker: a deck
/// with one is half-resolved and must not travel.
pub fn conflict_marker(text: &str) -> Option<usize> {
    text.lines()
        .position(|line| ["<<<<<<< ", ">>>>>>> ", "||||||| "].iter().any(|m| line.starts_with(m)) || line == "=======")
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_lines_are_appended_once_and_the_learners_lines_kept() {
        assert_eq!(
            with_lines("", &ATTRIBUTES).as_deref(),
            Some("# recall sync\nreviews.log merge=recall\nquizzes.jsonl merge=union\n")
        );
        let own = "*.ron diff\nreviews.log merge=recall";
        let text = with_lines(own, &ATTRIBUTES).expect("one line missing");
        assert_eq!(
            text,
            "*.ron diff\nreviews.log merge=recall\n# recall sync\nquizzes.jsonl merge=union\n"
        );
        assert_eq!(with_lines(&text, &ATTRIBUTES), None);
    }

    #[test]
    fn the_driver_command_quotes_the_binary_for_the_shell() {
        assert_eq!(
            driver_command(Path::new("/home/a b/.cargo/bin/recall")),
            "'/home/a b/.cargo/bin/recall' merge-driver %O %A %B %P"
        );
        assert_eq!(
            driver_command(Path::new("/it's/recall")),
            r"'/it'\''s/recall' merge-driver %O %A %B %P"
        );
    }

    #[test]
    fn deck_files_in_a_diff_become_deck_changes() {
        let diff = "M\tdecks/mine.ron\nA\tdecks/new.ron\nD\tdecks/old.ron\nM\treviews.log\n\
                    R087\tdecks/a.ron\tdecks/b.ron\nA\tdecks/sub/x.ron\nM\tdecks/notes.txt\n";
        let change = |deck: &str, change| DeckChange {
            deck: deck.to_string(),
            change,
        };
        assert_eq!(
            deck_changes(diff),
            [
                change("mine", Change::Changed),
                change("new", Change::Added),
                change("old", Change::Removed),
                change("a", Change::Removed),
                change("b", Change::Added),
            ]
        );
    }

    #[test]
    fn a_change_is_described_in_words() {
        let d = |deck: &str, change| DeckChange {
            deck: deck.to_string(),
            change,
        };
        assert_eq!(describe(0, &[], false), "nothing");
        assert_eq!(describe(1, &[], false), "1 answer");
        assert_eq!(
            describe(42, &[d("mine", Change::Changed)], false),
            "42 answers, deck mine changed"
        );
        assert_eq!(
            describe(
                0,
                &[d("b", Change::Added), d("a", Change::Added), d("x", Change::Removed)],
                true
            ),
            "decks a, b added, deck x removed, quiz history"
        );
    }

    #[test]
    fn conflict_copies_of_the_log_are_told_from_other_files() {
        for name in [
            "reviews.sync-conflict-20261201-093012-ABCDEFG.log",
            "reviews (Ada's conflicted copy 2026-12-01).log",
            "reviews (conflicted copy 2026-12-01 093012).log",
            "reviews (Conflict 2026-12-01).log",
        ] {
            assert!(is_conflict_copy(name), "{name}");
        }
        for name in [
            "reviews.log",
            "reviews.log.before-merge",
            "quizzes.jsonl",
            "reviews (copy).log",
            "reviews.sync-conflict-1.txt",
            "old-reviews.sync-conflict-1.log",
        ] {
            assert!(!is_conflict_copy(name), "{name}");
        }
    }

    #[test]
    fn conflict_markers_are_found_by_line() {
        assert_eq!(conflict_marker("Deck(\n    id: \"a\",\n)\n"), None);
        assert_eq!(
            conflict_marker("Deck(\n<<<<<<< HEAD\n  a\n=======\n  b\n>>>>>>> x\n"),
            Some(2)
        );
        assert_eq!(conflict_marker("// ======= a ruler in a comment\n"), None);
    }
}
