//! `recall add`: a card appended to one of the user's decks.

use std::io::Write;

use crate::add::Prompter;
use crate::author;
use crate::cli::*;
use crate::collection::Settings;
use crate::deck::{CardKey, Origin};
use crate::repl::{self};

pub(crate) fn add(settings: &Settings, args: &AddArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let library = library(settings, err)?;
    let own: Vec<&crate::deck::Deck> = library.decks.iter().filter(|d| !d.origin.is_builtin()).collect();
    let interactive = !args.has_content();
    let (mut input, _) = repl_input()?;
    let deck_id = match &args.deck {
        Some(id) => id.clone(),
        None if own.is_empty() => return Err(Error::NoUserDecks),
        None if own.len() == 1 || !interactive => match own.as_slice() {
            [only] => only.id.clone(),
            _ => return Err(Error::BadCard("name the deck with --deck".into())),
        },
        None => {
            let ids: Vec<String> = own.iter().map(|d| d.id.clone()).collect();
            input.complete_with(ids.clone());
            loop {
                match input.read_line(&format!("deck ({}) › ", ids.join(", ")), out)? {
                    repl::Line::Text(text) if ids.contains(&text.trim().to_string()) => break text.trim().to_string(),
                    repl::Line::Text(text) => writeln!(out, "  No deck of yours is called {:?}.", text.trim())?,
                    _ => return Ok(()),
                }
            }
        }
    };
    let deck = library.deck(&deck_id).ok_or_else(|| unknown_deck(&library, &deck_id))?;
    let Origin::File(path) = &deck.origin else {
        return Err(Error::BuiltInDeck(deck_id));
    };
    let fields = if interactive {
        writeln!(out, "Adding a card to {} ({}).", deck.id, path.display())?;
        let topics = library.roadmap.topics().map(|t| t.id.clone()).collect();
        match (Prompter {
            input: input.as_mut(),
            out: &mut *out,
        })
        .ask(topics)?
        {
            Some(fields) => fields,
            None => {
                writeln!(out, "\nNothing added.")?;
                return Ok(());
            }
        }
    } else {
        args.fields()
    };
    let taken: Vec<&str> = deck.cards.iter().map(|c| c.id.as_str()).collect();
    let card = crate::add::build_card(&fields, &taken).map_err(Error::BadCard)?;
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
    let text = std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.clone(),
        source,
    })?;
    let edited = author::append_card(&text, &author::card_to_ron(&card, &author::card_indent(&text)))
        .map_err(|why| Error::BadCard(format!("{}: {why}", path.display())))?;
    write_checked_deck(path, &edited, err)?;
    writeln!(out, "{}", CardKey::new(&deck.id, &card.id))?;
    Ok(())
}
