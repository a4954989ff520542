//! `recall import` and `recall export`: decks to and from Anki TSV, CSV and Markdown,
//! and decks (with their review history) from Anki's `.apkg` and `.colpkg` packages.

use std::io::Write;
use std::path::PathBuf;

use crate::app::{App, Error};
use crate::collection;
use crate::interchange::{self, Format};

/// What a file to import holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    Text(Format),
    /// An Anki package: `.apkg` or `.colpkg`.
    Package,
}

impl ImportFormat {
    fn from_extension(ext: &str) -> Option<ImportFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "apkg" | "colpkg" => Some(ImportFormat::Package),
            ext => Format::from_extension(ext).map(ImportFormat::Text),
        }
    }
}

/// What `recall import` was asked for.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub file: PathBuf,
    pub deck: String,
    /// `None`: from the file's extension.
    pub format: Option<ImportFormat>,
    pub title: Option<String>,
    /// Allow a deck id that names a built-in deck.
    pub replace: bool,
    /// Packages: only this Anki deck and its sub-decks.
    pub subdeck: Option<String>,
    /// Packages: also bring the review log over.
    pub with_history: bool,
}

pub fn import(app: &App, args: &ImportOptions, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let format = match args.format {
        Some(format) => format,
        None => args
            .file
            .extension()
            .and_then(|e| ImportFormat::from_extension(&e.to_string_lossy()))
            .ok_or_else(|| Error::UnknownFormat(args.file.clone()))?,
    };
    let format = match format {
        ImportFormat::Package => return crate::cmd::anki::import(app, args, out, err),
        ImportFormat::Text(format) => format,
    };
    if args.subdeck.is_some() || args.with_history {
        return Err(Error::PackageOnly(args.file.clone()));
    }
    let library = app.library(err)?;
    let path = app.new_deck_path(&library, &args.deck, args.replace)?;
    let bytes = std::fs::read(&args.file).map_err(Error::file(&args.file))?;
    let text = utf8(&args.file, bytes)?;
    let imported = interchange::import(format, &text);
    for skipped in &imported.skipped {
        writeln!(
            err,
            "{}:{}: skipped: {}",
            args.file.display(),
            skipped.line,
            skipped.why
        )?;
    }
    if imported.cards.is_empty() {
        return Err(Error::NothingImported {
            file: args.file.clone(),
            skipped: imported.skipped.len(),
        });
    }
    let title = args.title.clone().unwrap_or_else(|| {
        args.file
            .file_stem()
            .map_or(args.deck.clone(), |s| s.to_string_lossy().into_owned())
    });
    let name = args
        .file
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let deck_text = interchange::deck_text(&args.deck, &title, &format!("Imported from {name}."), &imported.cards);
    crate::app::write_checked_deck(&path, &deck_text, err)?;
    writeln!(
        out,
        "Imported {} card(s) into {} ({} line(s) skipped).",
        imported.cards.len(),
        path.display(),
        imported.skipped.len()
    )?;
    Ok(())
}

/// The file's text, or where its first byte that is not UTF-8 sits: a card with a
/// replacement character instead of the learner's text would be data silently lost.
pub(crate) fn utf8(file: &std::path::Path, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let pos = crate::deck::Pos::of_byte(e.as_bytes(), at);
        Error::NotUtf8 {
            file: file.to_path_buf(),
            line: pos.line,
            col: pos.col,
            byte: e.as_bytes()[at],
        }
    })
}

/// What `recall export` was asked for.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub deck: String,
    /// Markdown Q&A; otherwise Anki's "Notes in Plain Text".
    pub markdown: bool,
    pub output: Option<PathBuf>,
    /// Overwrite an existing output file.
    pub force: bool,
}

pub fn export(app: &App, args: &ExportOptions, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let library = app.library(err)?;
    let deck = library
        .deck(&args.deck)
        .ok_or_else(|| crate::app::unknown_deck(&library, &args.deck))?;
    let text = if args.markdown {
        interchange::export_markdown(deck)
    } else {
        interchange::export_anki(deck)
    };
    match &args.output {
        Some(path) => {
            if !args.force && path.exists() {
                return Err(Error::OutputExists(path.clone()));
            }
            collection::write_atomic(path, &text).map_err(Error::file(path))?;
            writeln!(err, "Wrote {} card(s) to {}", deck.cards.len(), path.display())?;
        }
        None => write!(out, "{text}")?,
    }
    Ok(())
}
