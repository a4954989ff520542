//! `recall find WORDS...`: the cards that mention every word, with where each stands.

use std::io::Write;

use serde::Serialize;

use crate::cli::*;
use crate::collection::Settings;
use crate::deck::CardKey;
use crate::repl::Clock;
use crate::sched::Holds;

#[derive(Serialize)]
struct Found {
    key: String,
    topic: Option<String>,
    kind: &'static str,
    question: String,
    /// `new`, `due`, `scheduled`, `suspended`, `leech` or `buried`.
    status: &'static str,
    due: Option<String>,
}

pub(crate) fn find(
    settings: &Settings,
    args: &FindArgs,
    clock: &AppClock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (collection, _) = open_collection(settings, err, false)?;
    let library = &collection.library;
    let scope = scope(library, &args.scope)?;
    let today = settings.rollover.study_day(clock.now());
    let holds = Holds::of(&collection.marks, today, settings.rollover);
    let words: Vec<String> = args.words.iter().map(|w| w.to_lowercase()).collect();
    let mut found = Vec::new();
    for (deck, card) in library.cards_in_order(&scope) {
        if !card.matches(&words) {
            continue;
        }
        // One line per card; its first side stands for it.
        let facet = card.facets()[0];
        let key = CardKey::with_facet(&deck.id, &card.id, facet);
        let schedule = collection.schedules.get(&key);
        let status = match (holds.get(&key), schedule) {
            (Some(hold), _) => hold.as_str(),
            (None, None) => "new",
            (None, Some(s)) if s.due <= today => "due",
            (None, Some(_)) => "scheduled",
        };
        found.push(Found {
            key: CardKey::new(&deck.id, &card.id).to_string(),
            topic: card.topic.clone(),
            kind: card.content.kind(),
            question: card.sides(facet).0,
            status,
            due: schedule.map(|s| s.due.to_string()),
        });
    }
    if args.json {
        return write_json(out, &found);
    }
    if found.is_empty() {
        writeln!(out, "No card mentions {}.", args.words.join(" "))?;
        return Ok(());
    }
    for f in &found {
        let question = crate::render::escape_controls(f.question.lines().next().unwrap_or_default());
        let question: String = question.chars().take(70).collect();
        let status = match (&f.due, f.status) {
            (Some(due), "scheduled") => format!("due {due}"),
            (_, status) => status.to_string(),
        };
        writeln!(out, "{:<36} {:<14} {question}", f.key, status)?;
    }
    writeln!(out, "{} card(s).", found.len())?;
    Ok(())
}
