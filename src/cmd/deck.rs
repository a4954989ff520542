//! `recall deck check | new | fmt`: checking, creating and formatting deck files.

use std::io::Write;

use std::path::PathBuf;

use crate::app::{self, App, Error};
use crate::author;
use crate::collection;
use crate::deck::{Rules, Source};
use crate::roadmap::Roadmap;

pub fn check(
    app: &App,
    paths: &[PathBuf],
    strict: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let roadmap = app::roadmap()?;
    let mut sources: Vec<Source> = Vec::new();
    if paths.is_empty() {
        sources.extend(collection::builtin_sources());
    }
    let (files, mut problems) = app.deck_paths(paths)?;
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
    let (decks, found) = collection::check_sources(&sources, &roadmap, strict);
    problems.extend(found);
    for problem in &problems {
        writeln!(err, "{problem}\n")?;
    }
    if !problems.is_empty() {
        return Err(Error::DeckProblems { count: problems.len() });
    }
    let cards: usize = decks.iter().map(|d| d.cards.len()).sum();
    // A reversible card is studied both ways and a cloze card once per deletion:
    // the count of sides is what `plan` and `stats` count.
    let sides: usize = decks.iter().flat_map(|d| &d.cards).map(|c| c.facets().len()).sum();
    writeln!(
        out,
        "{} deck(s), {cards} card(s) ({sides} sides to study): no problems",
        decks.len()
    )?;
    Ok(())
}

pub fn new_deck(
    app: &App,
    id: &str,
    title: Option<&str>,
    replace: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let library = app.library(err)?;
    let path = app.new_deck_path(&library, id, replace)?;
    if library.deck(id).is_some_and(|d| d.origin.is_builtin()) {
        writeln!(
            err,
            "note: your deck {id:?} takes the place of the built-in deck with that id; delete {} to bring it back",
            path.display()
        )?;
    }
    let title = title.unwrap_or(id);
    collection::write_atomic(&path, &author::skeleton(id, title)).map_err(Error::file(&path))?;
    writeln!(out, "Created {}", path.display())?;
    Ok(())
}

pub fn fmt_decks(
    app: &App,
    paths: &[PathBuf],
    check: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (files, mut problems) = app.deck_paths(paths)?;
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
                d.cards.iter_mut().for_each(|c| {
                    c.line = 0;
                    c.span = 0..0;
                });
                d
            };
            strip(after) == strip(before)
        });
        if !same {
            return Err(Error::FormatChangesMeaning(file.clone()));
        }
        unformatted += 1;
        if check {
            writeln!(out, "{}: not formatted", file.display())?;
        } else {
            collection::write_atomic(file, &formatted).map_err(Error::file(file))?;
            writeln!(out, "{}: formatted", file.display())?;
        }
    }
    for problem in &problems {
        writeln!(err, "{problem}\n")?;
    }
    if !problems.is_empty() {
        return Err(Error::DeckProblems { count: problems.len() });
    }
    if check && unformatted > 0 {
        return Err(Error::Unformatted { count: unformatted });
    }
    if unformatted == 0 {
        writeln!(out, "{} deck file(s) already formatted", files.len())?;
    }
    Ok(())
}
