//! `recall import FILE.apkg|FILE.colpkg --deck ID`: an Anki deck, or a whole
//! collection, as a deck of the learner's, with its review history if asked.
//!
//! A second import of the same package into the same deck adds only the notes that
//! are new (card ids carry a hash of each note's Anki guid) and leaves the cards
//! already there as they are; its history merges in without doubling an answer.

use std::io::Write;

use chrono::TimeZone;

use crate::anki::convert::{self, Converted, Options};
use crate::anki::package::{self, Layout};
use crate::app::{self, App, Error};
use crate::author;
use crate::cmd::merge::write_merged;
use crate::cmd::transfer::ImportOptions;
use crate::deck::Origin;
use crate::log::{self, AnswerKind, Parsed, Record};

pub fn import(app: &App, args: &ImportOptions, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let library = app.library(err)?;
    // A deck of the learner's with this id is updated only if it came from this
    // package (some card carries one of its notes' guids); otherwise the usual rules.
    let existing = library.deck(&args.deck).filter(|d| matches!(d.origin, Origin::File(_)));
    let existing_ids: Vec<String> = existing
        .map(|d| d.cards.iter().map(|c| c.id.clone()).collect())
        .unwrap_or_default();
    let (package, layout) = package::read(&args.file).map_err(|source| Error::Package {
        file: args.file.clone(),
        source,
    })?;
    let options = Options {
        deck: &args.deck,
        subdeck: args.subdeck.as_deref(),
        existing: &existing_ids,
    };
    let converted = convert::convert(&package, &options).map_err(|source| Error::Convert {
        file: args.file.clone(),
        source,
    })?;
    let summary = &converted.summary;
    let path = match existing {
        Some(deck) if summary.already > 0 => match &deck.origin {
            Origin::File(path) => path.clone(),
            Origin::BuiltIn(_) => unreachable!("filtered to the learner's decks"),
        },
        _ => app.new_deck_path(&library, &args.deck, args.replace)?,
    };
    if converted.cards.is_empty() && summary.already == 0 {
        return Err(Error::NothingInPackage {
            file: args.file.clone(),
            notes: summary.notes,
            skipped: summary.skipped.len(),
        });
    }
    // The log is locked before the deck is written, so a review that holds it
    // stops the import before anything changes.
    let log = if args.with_history {
        Some(log::Writer::open(&app.settings.log_path())?)
    } else {
        None
    };
    if !converted.cards.is_empty() {
        write_deck(args, &path, summary.already > 0, &converted, err)?;
    }
    report(args, layout, &path, &converted, out, err)?;
    match log {
        Some((_lock, ours)) => import_history(app, &converted, ours, out)?,
        None if !converted.answers.is_empty() => writeln!(
            out,
            "The package holds {} answer(s) for these cards; `--with-history` brings them over, so their schedules carry on.",
            converted.answers.len()
        )?,
        None => {}
    }
    Ok(())
}

fn write_deck(
    args: &ImportOptions,
    path: &std::path::Path,
    update: bool,
    converted: &Converted,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let name = args
        .file
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let text = if update {
        let mut text = std::fs::read_to_string(path).map_err(Error::file(path))?;
        let indent = author::card_indent(&text);
        for card in &converted.cards {
            text = author::append_card(&text, &author::card_to_ron(card, &indent)).map_err(Error::BadCard)?;
        }
        text
    } else {
        let title = args.title.clone().unwrap_or_else(|| {
            args.file
                .file_stem()
                .map_or(args.deck.clone(), |s| s.to_string_lossy().into_owned())
        });
        crate::interchange::deck_text(
            &args.deck,
            &title,
            &format!("Imported from the Anki package {name}; each card id ends in a hash of its note's Anki guid."),
            &converted.cards,
        )
    };
    app::write_checked_deck(path, &text, err)
}

fn report(
    args: &ImportOptions,
    layout: Layout,
    path: &std::path::Path,
    converted: &Converted,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let s = &converted.summary;
    let layout = match layout {
        Layout::Current => "collection.anki21b",
        Layout::Legacy21 => "collection.anki21, the legacy layout",
        Layout::Legacy2 => "collection.anki2, Anki 2.0's layout",
    };
    writeln!(out, "Read {} note(s) from {} ({layout}).", s.notes, args.file.display())?;
    let made: Vec<String> = s.made.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
    if converted.cards.is_empty() {
        writeln!(
            out,
            "No new cards: {} already has every note of the package.",
            path.display()
        )?;
    } else {
        writeln!(
            out,
            "Made {} card(s) in {}: {}.",
            converted.cards.len(),
            path.display(),
            made.join(", ")
        )?;
    }
    if s.already > 0 && !converted.cards.is_empty() {
        writeln!(
            out,
            "{} note(s) were already in the deck and are left as they are.",
            s.already
        )?;
    }
    for (name, (notes, dropped)) in &s.other_types {
        writeln!(
            out,
            "{notes} note(s) of type {name:?} became basic cards from their first two fields ({dropped} filled field(s) left out)."
        )?;
    }
    if !s.media.is_empty() {
        let media: Vec<&str> = s.media.iter().map(String::as_str).collect();
        writeln!(
            out,
            "{} media file(s) are referred to as [image: …] / [sound: …] on the cards (recall shows text only): {}.",
            media.len(),
            media.join(", ")
        )?;
    }
    for skipped in &s.skipped {
        writeln!(err, "{}: skipped {skipped}", args.file.display())?;
    }
    if !s.skipped.is_empty() {
        writeln!(out, "Skipped {} note(s), listed above.", s.skipped.len())?;
    }
    Ok(())
}

/// Anki's answers into the review log, merged as `recall merge` merges a log: in time
/// order, each answer once, a card's second answer of a study day a re-drill.
fn import_history(app: &App, converted: &Converted, ours: Parsed, out: &mut dyn Write) -> Result<(), Error> {
    let mut records: Vec<Record> = converted
        .answers
        .iter()
        .filter_map(|a| {
            // The offset the learner's machine had at that moment.
            let at = chrono::Local.timestamp_millis_opt(a.at_ms).single()?.fixed_offset();
            Some(Record {
                at,
                card: a.key.clone(),
                grade: a.grade,
                answer_ms: a.answer_ms,
                kind: AnswerKind::Review,
            })
        })
        .collect();
    records.sort_by_key(|r| r.at);
    let theirs = Parsed {
        records,
        ..Parsed::default()
    };
    let merged = crate::merge::merge(&ours, &theirs, app.settings.rollover);
    let left_out: Vec<String> = converted
        .summary
        .answers_left_out
        .iter()
        .map(|(why, n)| format!("{n} {why}"))
        .collect();
    let left_out = if left_out.is_empty() {
        String::new()
    } else {
        format!(" (left out: {})", left_out.join(", "))
    };
    if merged.added_answers == 0 {
        writeln!(out, "History: every answer is already in your log{left_out}.")?;
        return Ok(());
    }
    let path = app.settings.log_path();
    let backup = write_merged(&path, &merged.text)?;
    writeln!(
        out,
        "History: {} answer(s) imported, {} of them re-drills (a card's later answers on the same study day){left_out}.",
        merged.added_answers, merged.became_redrills
    )?;
    writeln!(out, "Your log as it was is kept in {}.", backup.display())?;
    Ok(())
}
