//! `recall deck check | new | fmt`: checking, creating and formatting deck files.

use std::io::Write;

use crate::author;
use crate::cli::*;
use crate::collection::{self, Settings};
use crate::deck::{Origin, Rules, Source};
use crate::roadmap::Roadmap;

pub(crate) fn check(
    settings: &Settings,
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let roadmap = roadmap()?;
    let mut sources: Vec<Source> = Vec::new();
    if args.paths.is_empty() {
        sources.extend(collection::builtin_sources());
    }
    let (files, mut problems) = deck_paths(settings, &args.paths)?;
    for file in files {
        match collection::read_source(&file) {
            // The roadmap lives beside the built-in decks; check it as what it is.
            Ok(source) if file.file_name().is_some_and(|n| n == "roadmap.ron") => {
                if let Err(problem) = Roadmap::parse(&source.origin.to_string(), &source.text) {
                    problems.push(problem);
                }
            }
            Ok(source) => sources.push(source),
            Err(problem) => problems.push(problem),
        }
    }
    let (decks, found) = collection::check_sources(&sources, &roadmap, args.strict);
    problems.extend(found);
    for problem in &problems {
        writeln!(err, "{problem}\n")?;
    }
    if !problems.is_empty() {
        return Err(Error::DeckProblems { count: problems.len() });
    }
    let cards: usize = decks.iter().map(|d| d.cards.len()).sum();
    writeln!(out, "{} deck(s), {cards} card(s): no problems", decks.len())?;
    Ok(())
}

pub(crate) fn new_deck(
    settings: &Settings,
    args: &NewDeckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    if !crate::deck::is_valid_id(&args.id) {
        return Err(Error::BadDeckId(args.id.clone()));
    }
    let path = settings.data_dir.join("decks").join(format!("{}.ron", args.id));
    if path.exists() {
        return Err(Error::DeckExists(path));
    }
    let library = library(settings, err)?;
    if let Some(deck) = library.deck(&args.id) {
        match &deck.origin {
            Origin::BuiltIn(_) => writeln!(
                err,
                "note: your deck {:?} will take the place of the built-in deck with that id",
                args.id
            )?,
            Origin::File(other) => return Err(Error::DeckExists(other.clone())),
        }
    }
    let title = args.title.clone().unwrap_or_else(|| args.id.clone());
    collection::write_atomic(&path, &author::skeleton(&args.id, &title)).map_err(|source| Error::File {
        path: path.clone(),
        source,
    })?;
    writeln!(out, "Created {}", path.display())?;
    Ok(())
}

pub(crate) fn fmt_decks(
    settings: &Settings,
    args: &FmtArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (files, mut problems) = deck_paths(settings, &args.paths)?;
    let mut unformatted = 0;
    for file in files
        .iter()
        .filter(|f| f.file_name().is_none_or(|n| n != "roadmap.ron"))
    {
        let source = match collection::read_source(file) {
            Ok(source) => source,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let before = match crate::deck::parse(&source, &Rules::default()) {
            Ok(deck) => deck,
            Err(found) => {
                problems.extend(found);
                continue;
            }
        };
        let formatted = crate::deck::canonical::format(&source.text);
        if formatted == source.text {
            continue;
        }
        // Formatting moves text, never meaning: the result must be the same deck.
        let after = crate::deck::parse(
            &Source {
                origin: source.origin.clone(),
                text: formatted.clone(),
            },
            &Rules::default(),
        );
        let same = after.is_ok_and(|after| {
            let strip = |mut d: crate::deck::Deck| {
                d.cards.iter_mut().for_each(|c| c.line = 0);
                d
            };
            strip(after) == strip(before)
        });
        if !same {
            return Err(Error::FormatChangesMeaning(file.clone()));
        }
        unformatted += 1;
        if args.check {
            writeln!(out, "{}: not formatted", file.display())?;
        } else {
            collection::write_atomic(file, &formatted).map_err(|source| Error::File {
                path: file.clone(),
                source,
            })?;
            writeln!(out, "{}: formatted", file.display())?;
        }
    }
    for problem in &problems {
        writeln!(err, "{problem}\n")?;
    }
    if !problems.is_empty() {
        return Err(Error::DeckProblems { count: problems.len() });
    }
    if args.check && unformatted > 0 {
        return Err(Error::Unformatted { count: unformatted });
    }
    if unformatted == 0 {
        writeln!(out, "{} deck file(s) already formatted", files.len())?;
    }
    Ok(())
}
