//! `recall merge FILE`: another device's review log folded into this one. Also the
//! pieces `recall sync` shares: reading another log, folding logs together and
//! writing the result with the old log kept beside it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::{App, Error};
use crate::collection::write_atomic;
use crate::log::{self, LogError, Parsed};
use crate::merge::Merged;
use crate::sched::Rollover;

pub fn merge(app: &App, file: &Path, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let settings = &app.settings;
    let path = settings.log_path();
    if fs::canonicalize(file)
        .ok()
        .is_some_and(|f| fs::canonicalize(&path).ok() == Some(f))
    {
        return Err(Error::MergeSelf(file.to_path_buf()));
    }
    let theirs = read_other(file, err)?;
    // Holding the lock keeps a review from writing while the log is rewritten.
    let (_writer, ours) = log::Writer::open(&path)?;
    let merged = fold(ours, &[theirs], settings.rollover, err)?;
    if merged.added_answers + merged.added_marks == 0 {
        writeln!(
            out,
            "Nothing to merge: every line of {} is already in your log.",
            file.display()
        )?;
        return Ok(());
    }
    let backup = write_merged(&path, &merged.text)?;
    writeln!(
        out,
        "Merged {} answer(s) and {} mark(s) from {} into {}.",
        merged.added_answers,
        merged.added_marks,
        file.display(),
        path.display()
    )?;
    report_redrills(&merged, out)?;
    writeln!(out, "Your log as it was is kept in {}.", backup.display())?;
    Ok(())
}

/// Another device's log, read whole. A missing file is an error here, not an empty
/// log; a file that is not a log (a deck, a quiz history, the wrong file) is said to
/// be what it is rather than read line by line.
pub(crate) fn read_other(file: &Path, err: &mut dyn Write) -> Result<Parsed, Error> {
    let text = fs::read(file).map_err(Error::file(file))?;
    let text = String::from_utf8_lossy(&text);
    if !text.starts_with(log::VERSION_PREFIX) {
        return Err(Error::NotALog(file.to_path_buf()));
    }
    let theirs = log::parse(file, &text)?;
    if let Some(torn) = &theirs.torn {
        writeln!(
            err,
            "warning: {}: the last line is incomplete ({torn:?}) and is not merged",
            file.display()
        )?;
    }
    Ok(theirs)
}

/// Our log with every other log folded in. An unreadable line in any of them stops
/// the merge: the rewritten log would lose it.
pub(crate) fn fold(ours: Parsed, others: &[Parsed], rollover: Rollover, err: &mut dyn Write) -> Result<Merged, Error> {
    if let Some(warning) = std::iter::once(&ours)
        .chain(others)
        .flat_map(|p| &p.warnings)
        .find(|w| w.contains("unreadable"))
    {
        return Err(Error::UnreadableLog(warning.clone()));
    }
    for warning in &ours.warnings {
        writeln!(err, "warning: {warning}")?;
    }
    let mut total = Merged {
        text: String::new(),
        added_answers: 0,
        added_marks: 0,
        became_redrills: 0,
    };
    let empty = [Parsed::default()];
    let others = if others.is_empty() { &empty[..] } else { others };
    let mut ours = ours;
    for (i, theirs) in others.iter().enumerate() {
        let merged = crate::merge::merge(&ours, theirs, rollover);
        total.added_answers += merged.added_answers;
        total.added_marks += merged.added_marks;
        total.became_redrills += merged.became_redrills;
        if i + 1 < others.len() {
            ours = log::parse(Path::new("merged log"), &merged.text)?;
        }
        total.text = merged.text;
    }
    Ok(total)
}

/// Writes the merged log over ours, keeping ours as it was in
/// `reviews.log.before-merge`; returns that file's path.
pub(crate) fn write_merged(path: &Path, text: &str) -> Result<PathBuf, Error> {
    let old = fs::read(path).map_err(|e| LogError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let backup = path.with_file_name("reviews.log.before-merge");
    write_atomic(&backup, &String::from_utf8_lossy(&old)).map_err(Error::file(&backup))?;
    write_atomic(path, text).map_err(Error::file(path))?;
    Ok(backup)
}

pub(crate) fn report_redrills(merged: &Merged, out: &mut dyn Write) -> Result<(), Error> {
    if merged.became_redrills > 0 {
        writeln!(
            out,
            "{} answer(s) came second on a day the card was already reviewed, so they count as re-drills.",
            merged.became_redrills
        )?;
    }
    Ok(())
}
