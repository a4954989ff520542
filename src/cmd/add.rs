//! `recall add`: cards appended to one of the user's decks, from flags (one card, for
//! scripts) or from prompts (one card after another, as Anki's Add dialog does).

use std::io::Write;
use std::path::Path;

use crate::add::{Asking, Fields, Prompter};
use crate::app::{self, App, Error};
use crate::author;
use crate::collection::Library;
use crate::deck::{CardKey, Deck, Origin};
use crate::repl::{self, Input};

/// What `recall add` was asked for.
#[derive(Clone, Debug, Default)]
pub struct AddOptions {
    pub deck: Option<String>,
    /// The fields given as flags.
    pub fields: Fields,
    /// Whether `--kind` was given (else the kind is asked, or basic for scripts).
    pub kind_given: bool,
    /// With a built-in deck's id: make a deck of the user's in its place.
    pub replace: bool,
}

impl AddOptions {
    /// Whether the card's content came with the command (a script), not from prompts.
    fn has_content(&self) -> bool {
        let f = &self.fields;
        f.front.is_some() || f.back.is_some() || f.text.is_some() || f.question.is_some()
    }
}

pub fn add(app: &App, args: &AddOptions, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let mut library = app.library(err)?;
    let interactive = !args.has_content();
    let mut input = app::repl_input()?;
    let deck_id = match &args.deck {
        Some(id) => id.clone(),
        None => match choose_deck(&library, interactive, input.as_mut(), out)? {
            Some(id) => id,
            None => return Ok(()),
        },
    };
    // `--replace` with a built-in id: the user's own deck of that id, made first.
    if args.replace && library.deck(&deck_id).is_some_and(|d| d.origin.is_builtin()) {
        let path = app.new_deck_path(&library, &deck_id, true)?;
        let title = library.deck(&deck_id).map_or(deck_id.clone(), |d| d.title.clone());
        crate::collection::write_atomic(&path, &author::skeleton(&deck_id, &title)).map_err(Error::file(&path))?;
        writeln!(
            err,
            "note: created {}, which takes the place of the built-in deck {deck_id:?}",
            path.display()
        )?;
        library = app.library(err)?;
    }
    let deck = library
        .deck(&deck_id)
        .ok_or_else(|| app::unknown_deck(&library, &deck_id))?;
    let Origin::File(path) = &deck.origin else {
        return Err(Error::ReplacesBuiltIn { id: deck_id });
    };
    if !interactive {
        let card = add_card(&library, deck, path, &args.fields, err)?;
        writeln!(out, "{}", CardKey::new(&deck.id, &card))?;
        return Ok(());
    }
    writeln!(out, "Adding cards to {} ({}).", deck.id, path.display())?;
    let topics: Vec<String> = library.roadmap.topics().map(|t| t.id.clone()).collect();
    let mut last = None;
    let mut given = args.fields.clone();
    let mut added = 0;
    loop {
        let asked = Prompter {
            input: input.as_mut(),
            out: &mut *out,
        }
        .ask(&Asking {
            topics: &topics,
            given: &given,
            kind_given: args.kind_given,
            last: last.clone(),
        })?;
        let Some(fields) = asked else {
            writeln!(out)?;
            break;
        };
        // Read the deck again for each card: the file is the author's, and may have
        // changed, and the ids taken grow with every card added.
        let deck = current_deck(path, deck)?;
        match add_card(&library, &deck, path, &fields, err) {
            Ok(card) => {
                writeln!(out, "Added {}.", CardKey::new(&deck.id, &card))?;
                added += 1;
            }
            Err(Error::BadCard(why)) => writeln!(out, "  Not added: {why}")?,
            Err(e) => return Err(e),
        }
        last = Some((fields.kind, fields.topic.clone()));
        // An id given as a flag names the first card only.
        given.id = None;
        let more = Prompter {
            input: input.as_mut(),
            out: &mut *out,
        }
        .another(&deck.id)?;
        if !more {
            break;
        }
    }
    match added {
        0 => writeln!(out, "Nothing added.")?,
        1 => writeln!(out, "1 card added to {}.", path.display())?,
        n => writeln!(out, "{n} cards added to {}.", path.display())?,
    }
    Ok(())
}

/// The deck to add to when `--deck` is not given: the user's only deck, or the one
/// they pick at a prompt. `None` when they give up.
fn choose_deck(
    library: &Library,
    interactive: bool,
    input: &mut dyn Input,
    out: &mut dyn Write,
) -> Result<Option<String>, Error> {
    let own: Vec<&Deck> = library.decks.iter().filter(|d| !d.origin.is_builtin()).collect();
    match own.as_slice() {
        [] => Err(Error::NoUserDecks),
        [only] => Ok(Some(only.id.clone())),
        _ if !interactive => Err(Error::BadCard("name the deck with --deck".into())),
        _ => {
            let ids: Vec<String> = own.iter().map(|d| d.id.clone()).collect();
            input.complete_with(ids.clone());
            loop {
                match input.read_line(&format!("deck ({}) › ", ids.join(", ")), out)? {
                    repl::Line::Text(text) if ids.contains(&text.trim().to_string()) => {
                        return Ok(Some(text.trim().to_string()));
                    }
                    repl::Line::Text(text) => writeln!(out, "  No deck of yours is called {:?}.", text.trim())?,
                    _ => return Ok(None),
                }
            }
        }
    }
}

/// The deck as its file reads now (after cards were appended to it).
fn current_deck(path: &Path, loaded: &Deck) -> Result<Deck, Error> {
    let source = crate::collection::read_source(path).map_err(|p| Error::BadCard(p.to_string()))?;
    crate::deck::parse(&source, &crate::deck::Rules::default()).or_else(|_| Ok(loaded.clone()))
}

/// Checks the fields, appends the card to the deck file and returns its id.
fn add_card(
    library: &Library,
    deck: &Deck,
    path: &Path,
    fields: &Fields,
    err: &mut dyn Write,
) -> Result<String, Error> {
    let taken: Vec<&str> = deck.cards.iter().map(|c| c.id.as_str()).collect();
    let card = crate::add::build_card(fields, &taken).map_err(Error::BadCard)?;
    if let Some(topic) = &card.topic
        && library.roadmap.topic(topic).is_none()
        && !library
            .decks
            .iter()
            .flat_map(|d| &d.cards)
            .any(|c| c.topic.as_deref() == Some(topic))
    {
        writeln!(
            err,
            "note: topic {topic:?} is not on the roadmap; it is kept as a topic of your own"
        )?;
    }
    // Read the file afresh: it is the author's, and may have changed since loading.
    let text = std::fs::read_to_string(path).map_err(Error::file(path))?;
    let edited = author::append_card(&text, &author::card_to_ron(&card, &author::card_indent(&text)))
        .map_err(|why| Error::BadCard(format!("{}: {why}", path.display())))?;
    app::write_checked_deck(path, &edited, err)?;
    Ok(card.id)
}
