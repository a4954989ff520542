//! `recall find WORDS...`: the cards that mention every word, with where each stands.

use std::io::Write;

use serde::Serialize;

use crate::app::{self, App, Error};
use crate::collection::Scope;
use crate::deck::CardKey;
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

pub fn find(
    app: &App,
    words: &[String],
    scope: &Scope,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (collection, _) = app.open_collection(err, false)?;
    let library = &collection.library;
    let scope = app::check_scope(library, scope)?;
    let today = app.today();
    let holds = Holds::of(&collection.marks, today, app.settings.rollover);
    let typed = words;
    let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
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
    if json {
        return app::write_json(out, &found);
    }
    if found.is_empty() {
        writeln!(out, "No card mentions {}.", typed.join(" "))?;
        return Ok(());
    }
    let width = app::terminal_width();
    for f in &found {
        let status = match (&f.due, f.status) {
            (Some(due), "scheduled") => format!("due {due}"),
            (_, status) => status.to_string(),
        };
        let lead = format!("{:<36} {:<14} ", f.key, status);
        let room = width
            .saturating_sub(unicode_width::UnicodeWidthStr::width(lead.as_str()))
            .max(20);
        writeln!(out, "{lead}{}", crate::render::one_line(&f.question, room))?;
    }
    writeln!(out, "{} card(s).", found.len())?;
    Ok(())
}
