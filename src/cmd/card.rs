//! `recall card`: one card with its schedule and answer history.

use std::io::Write;

use serde::Serialize;

use crate::app::{self, App, Error};
use crate::deck::{CardKey, Origin};

#[derive(Serialize)]
struct CardReport<'a> {
    key: String,
    deck: &'a str,
    card: &'a str,
    topic: Option<&'a str>,
    kind: &'static str,
    front: &'a str,
    back: &'a str,
    notes: Option<&'a str>,
    points: &'a [String],
    repetitions: u32,
    ef: f64,
    interval_days: u32,
    due: Option<String>,
    lapses: u32,
    /// `suspended`, `leech` or `buried` (today), or null.
    hold: Option<&'static str>,
    reviews: Vec<ReviewReport>,
}

#[derive(Serialize)]
struct ReviewReport {
    at: String,
    /// The date and time to the minute, as the learner's clock showed it.
    #[serde(skip)]
    when: String,
    grade: u8,
    answer_ms: u32,
    kind: &'static str,
}

pub fn card(app: &App, name: &str, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let (collection, _) = app.open_collection(err, false)?;
    let key = app::card_named(&collection.library, name)?;
    // `deck/card` names a cloze card too: its first deletion.
    let key = match collection.card(&key) {
        Some(_) => key,
        None => collection
            .library
            .deck(key.deck())
            .and_then(|d| d.cards.iter().find(|c| c.id == key.card()))
            .filter(|_| key.facet() == crate::deck::Facet::Main)
            .and_then(|c| {
                c.facets()
                    .first()
                    .map(|f| CardKey::with_facet(key.deck(), key.card(), *f))
            })
            .unwrap_or(key),
    };
    let (deck, card) = collection.card(&key).ok_or_else(|| Error::UnknownCard {
        key: key.to_string(),
        suggestion: None,
    })?;
    let schedule = collection.schedules.get(&key);
    let sides = card.sides(key.facet());
    let sm2 = schedule.map(|s| s.sm2).unwrap_or_default();
    let report = CardReport {
        key: key.to_string(),
        deck: &deck.id,
        card: &card.id,
        topic: card.topic.as_deref(),
        kind: card.content.kind(),
        front: &sides.0,
        back: &sides.1,
        notes: card.notes.as_deref(),
        points: &card.points,
        repetitions: sm2.repetitions,
        ef: sm2.ease.as_f64(),
        interval_days: sm2.interval,
        due: schedule.map(|s| s.due.to_string()),
        lapses: sm2.lapses,
        hold: crate::sched::Holds::of(&collection.marks, app.today(), app.settings.rollover)
            .get(&key)
            .map(|h| h.as_str()),
        reviews: collection
            .records
            .iter()
            .filter(|r| r.card == key)
            .map(|r| ReviewReport {
                at: r.at.to_rfc3339(),
                when: r.at.format("%Y-%m-%d %H:%M").to_string(),
                grade: r.grade.value(),
                answer_ms: r.answer_ms,
                kind: r.kind.as_str(),
            })
            .collect(),
    };
    if json {
        return app::write_json(out, &report);
    }
    let topic = report
        .topic
        .map(|t| format!(", topic {}", crate::render::escape_controls(t)))
        .unwrap_or_default();
    // An installed binary has no decks/ folder: a built-in card is just that.
    let source = match &deck.origin {
        Origin::BuiltIn(_) => "built-in".to_string(),
        Origin::File(path) => format!("{}:{}", path.display(), card.line),
    };
    writeln!(
        out,
        "{}  ({}{topic}, {source})",
        report.key,
        crate::render::escape_controls(&deck.title),
    )?;
    let width = app::terminal_width();
    let layout = |text: &str| crate::render::layout(text, width, "  ");
    writeln!(out, "Q:")?;
    write!(out, "{}", layout(report.front))?;
    writeln!(out, "A:")?;
    write!(out, "{}", layout(report.back))?;
    if !card.points.is_empty() {
        writeln!(out, "Key points:")?;
        for (i, point) in card.points.iter().enumerate() {
            write!(
                out,
                "{}",
                crate::render::layout(&format!("{}. {point}", i + 1), width, "  ")
            )?;
        }
    }
    if let Some(notes) = &card.notes {
        writeln!(out, "Notes:")?;
        write!(out, "{}", layout(notes))?;
    }
    match &report.due {
        Some(due) => writeln!(
            out,
            "Schedule: repetitions {} · EF {} · interval {} day(s) · due {due} · lapses {}",
            sm2.repetitions, sm2.ease, sm2.interval, sm2.lapses
        )?,
        None => writeln!(out, "Schedule: new (never answered)")?,
    }
    match report.hold {
        Some("buried") => writeln!(out, "Buried until tomorrow.")?,
        Some("leech") => writeln!(
            out,
            "Suspended as a leech (failed {} times); `recall unsuspend {}` brings it back.",
            sm2.lapses, report.key
        )?,
        Some(_) => writeln!(out, "Suspended; `recall unsuspend {}` brings it back.", report.key)?,
        None => {}
    }
    if !report.reviews.is_empty() {
        writeln!(out, "History:")?;
        for r in &report.reviews {
            writeln!(
                out,
                "  {}  grade {}  {:>6} ms  {}",
                r.when, r.grade, r.answer_ms, r.kind
            )?;
        }
    }
    Ok(())
}
