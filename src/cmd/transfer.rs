//! `recall import` and `recall export`: decks to and from Anki TSV, CSV and Markdown.

use std::io::Write;

use crate::cli::*;
use crate::collection::{self, Settings};
use crate::deck::Origin;

pub(crate) fn import(
    settings: &Settings,
    args: &ImportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    use crate::interchange::{self, Format};
    if !crate::deck::is_valid_id(&args.deck) {
        return Err(Error::BadDeckId(args.deck.clone()));
    }
    let format = match args.format {
        Some(FormatArg::Anki) => Format::Anki,
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Markdown) => Format::Markdown,
        None => args
            .file
            .extension()
            .and_then(|e| Format::from_extension(&e.to_string_lossy()))
            .ok_or_else(|| Error::UnknownFormat(args.file.clone()))?,
    };
    let path = settings.data_dir.join("decks").join(format!("{}.ron", args.deck));
    if path.exists() {
        return Err(Error::DeckExists(path));
    }
    let library = library(settings, err)?;
    if let Some(deck) = library.deck(&args.deck)
        && let Origin::File(other) = &deck.origin
    {
        return Err(Error::DeckExists(other.clone()));
    }
    let bytes = std::fs::read(&args.file).map_err(|source| Error::File {
        path: args.file.clone(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
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
    write_checked_deck(&path, &deck_text, err)?;
    writeln!(
        out,
        "Imported {} card(s) into {} ({} line(s) skipped).",
        imported.cards.len(),
        path.display(),
        imported.skipped.len()
    )?;
    Ok(())
}

pub(crate) fn export(
    settings: &Settings,
    args: &ExportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let library = library(settings, err)?;
    let deck = library
        .deck(&args.deck)
        .ok_or_else(|| unknown_deck(&library, &args.deck))?;
    let text = match args.format {
        ExportFormatArg::Anki => crate::interchange::export_anki(deck),
        ExportFormatArg::Markdown => crate::interchange::export_markdown(deck),
    };
    match &args.output {
        Some(path) => {
            collection::write_atomic(path, &text).map_err(|source| Error::File {
                path: path.clone(),
                source,
            })?;
            writeln!(err, "Wrote {} card(s) to {}", deck.cards.len(), path.display())?;
        }
        None => write!(out, "{text}")?,
    }
    Ok(())
}
