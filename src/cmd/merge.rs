//! `recall merge FILE`: another device's review log folded into this one.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::app::{App, Error};
use crate::collection::write_atomic;
use crate::log::{self, LogError};

pub fn merge(app: &App, file: &Path, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let settings = &app.settings;
    let path = settings.log_path();
    if fs::canonicalize(file)
        .ok()
        .is_some_and(|f| fs::canonicalize(&path).ok() == Some(f))
    {
        return Err(Error::MergeSelf(file.to_path_buf()));
    }
    // A missing file is an error here, not an empty log.
    let theirs_text = fs::read(file).map_err(Error::file(file))?;
    let theirs_text = String::from_utf8_lossy(&theirs_text);
    // Every log recall writes starts with its header; anything else (a deck, a quiz
    // history, the wrong file) is said to be what it is, not read line by line.
    if !theirs_text.starts_with(log::VERSION_PREFIX) {
        return Err(Error::NotALog(file.to_path_buf()));
    }
    let theirs = log::parse(file, &theirs_text)?;
    if let Some(torn) = &theirs.torn {
        writeln!(
            err,
            "warning: {}: the last line is incomplete ({torn:?}) and is not merged",
            file.display()
        )?;
    }
    // Holding the lock keeps a review from writing while the log is rewritten.
    let (_writer, ours) = log::Writer::open(&path)?;
    if let Some(warning) = ours
        .warnings
        .iter()
        .chain(&theirs.warnings)
        .find(|w| w.contains("unreadable"))
    {
        return Err(Error::UnreadableLog(warning.clone()));
    }
    for warning in &ours.warnings {
        writeln!(err, "warning: {warning}")?;
    }
    let merged = crate::merge::merge(&ours, &theirs, settings.rollover);
    if merged.added_answers + merged.added_marks == 0 {
        writeln!(
            out,
            "Nothing to merge: every line of {} is already in your log.",
            file.display()
        )?;
        return Ok(());
    }
    let old = fs::read(&path).map_err(|e| LogError::Io {
        path: path.clone(),
        source: e,
    })?;
    let backup = path.with_file_name("reviews.log.before-merge");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::File { path, source }
    };
    write_atomic(&backup, &String::from_utf8_lossy(&old)).map_err(io(&backup))?;
    write_atomic(&path, &merged.text).map_err(io(&path))?;
    writeln!(
        out,
        "Merged {} answer(s) and {} mark(s) from {} into {}.",
        merged.added_answers,
        merged.added_marks,
        file.display(),
        path.display()
    )?;
    if merged.became_redrills > 0 {
        writeln!(
            out,
            "{} answer(s) came second on a day the card was already reviewed, so they count as re-drills.",
            merged.became_redrills
        )?;
    }
    writeln!(out, "Your log as it was is kept in {}.", backup.display())?;
    Ok(())
}
