//! `recall suspend`, `recall unsuspend` and `recall suspended`: taking cards out of the
//! reviews and bringing them back. Both write marks to the review log, so they wait
//! for no session to be running, like a review does.

use std::io::Write;

use serde::Serialize;

use crate::app::{self, App, Error};
use crate::collection::Collection;
use crate::deck::{CardKey, Facet};
use crate::log::{Action, Mark};
use crate::sched::{Hold, Holds};

/// The study keys a name on the command line stands for: `deck/card` is every side of
/// the card (both directions, every cloze deletion); `deck/card:rev` or `:c2` just one.
fn keys_named(collection: &Collection, name: &str) -> Result<Vec<CardKey>, Error> {
    let key = app::card_named(&collection.library, name)?;
    if key.facet() != Facet::Main || name.contains(':') {
        return match collection.card(&key) {
            Some(_) => Ok(vec![key]),
            None => Err(Error::UnknownCard {
                key: name.to_string(),
                suggestion: None,
            }),
        };
    }
    let card = collection
        .library
        .deck(key.deck())
        .and_then(|d| d.cards.iter().find(|c| c.id == key.card()))
        .ok_or_else(|| Error::UnknownCard {
            key: name.to_string(),
            suggestion: None,
        })?;
    Ok(card
        .facets()
        .into_iter()
        .map(|f| CardKey::with_facet(key.deck(), key.card(), f))
        .collect())
}

/// Suspends (`suspend: true`) or brings back the cards named.
pub fn set(app: &App, names: &[String], suspend: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let settings = &app.settings;
    let (collection, writer) = app.open_collection(err, true)?;
    let Some(mut writer) = writer else { return Ok(()) };
    let now = app.now();
    let holds = Holds::of(&collection.marks, settings.rollover.study_day(now), settings.rollover);
    // Every name is checked before anything is written.
    let mut keys: Vec<CardKey> = Vec::new();
    for name in names {
        for key in keys_named(&collection, name)? {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    for key in keys {
        let held = holds.get(&key).filter(|h| *h != Hold::Buried);
        let action = match (suspend, held) {
            (true, None) => Action::Suspend,
            (false, Some(_)) => Action::Unsuspend,
            (true, Some(h)) => {
                writeln!(out, "{key} is already suspended{}.", leech_note(h))?;
                continue;
            }
            (false, None) => {
                writeln!(out, "{key} is not suspended.")?;
                continue;
            }
        };
        writer.append_mark(&Mark {
            at: now,
            card: key.clone(),
            action,
        })?;
        match action {
            Action::Suspend => writeln!(out, "Suspended {key}.")?,
            _ => writeln!(out, "{key} is back in your reviews.")?,
        }
    }
    Ok(())
}

fn leech_note(hold: Hold) -> &'static str {
    if hold == Hold::Leech { " (a leech)" } else { "" }
}

#[derive(Serialize)]
struct Held {
    key: String,
    /// `suspended`, `leech` or `buried` (until the next study day).
    hold: &'static str,
    since: String,
    failures: u32,
    front: String,
}

/// Lists the suspended cards, leeches marked, and the ones buried today.
pub fn list(app: &App, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let (collection, _) = app.open_collection(err, false)?;
    let holds = Holds::of(&collection.marks, app.today(), app.settings.rollover);
    // In log order, and each card once, at its latest mark.
    let mut held: Vec<Held> = Vec::new();
    for mark in collection.marks.iter().rev() {
        let Some(hold) = holds.get(&mark.card) else { continue };
        if held.iter().any(|h| h.key == mark.card.as_str()) {
            continue;
        }
        let front = collection
            .card(&mark.card)
            .map(|(_, c)| c.sides(mark.card.facet()).0)
            .unwrap_or_else(|| "(no longer in its deck)".to_string());
        held.push(Held {
            key: mark.card.to_string(),
            hold: hold.as_str(),
            since: mark.at.date_naive().to_string(),
            failures: collection.schedules.get(&mark.card).map_or(0, |s| s.sm2.lapses),
            front,
        });
    }
    held.reverse();
    if json {
        return app::write_json(out, &held);
    }
    if held.is_empty() {
        writeln!(out, "No card is suspended or buried.")?;
        return Ok(());
    }
    for h in &held {
        let first_line = h.front.lines().next().unwrap_or_default();
        let question: String = crate::render::escape_controls(first_line).chars().take(60).collect();
        writeln!(
            out,
            "{:<9} {}  since {} · failed {}×  {question}",
            h.hold, h.key, h.since, h.failures
        )?;
    }
    let leeches = held.iter().filter(|h| h.hold == "leech").count();
    if leeches > 0 {
        writeln!(
            out,
            "{leeches} leech(es): cards failed {}+ times. Rewrite or split them, then `recall unsuspend KEY`.",
            crate::sched::LEECH_LAPSES
        )?;
    }
    Ok(())
}
