//! `recall card`: one card with its schedule and answer history.

use std::io::Write;

use serde::Serialize;

use crate::cli::*;
use crate::collection::Settings;
use crate::deck::CardKey;

#[derive(Serialize)]
struct CardReport<'a> {
    key: String,
    deck: &'a str,
    card: &'a str,
    topic: Option<&'a str>,
    kind: &'static str,
    front: &'a str,
    back: &'a str,
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
    grade: u8,
    answer_ms: u32,
    kind: &'static str,
}

pub(crate) fn card(
    settings: &Settings,
    args: &CardArgs,
    clock: &AppClock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let key = CardKey::parse(&args.key).ok_or_else(|| Error::BadKey(args.key.clone()))?;
    let (collection, _) = open_collection(settings, err, false)?;
    // `deck/card` names a cloze card too: its first deletion.
    let key = match collection.card(&key) {
        Some(_) => key,
        None => collection
            .library
            .deck(key.deck())
            .and_then(|d| d.cards.iter().find(|c| c.id == key.card()))
            .and_then(|c| {
                c.facets()
                    .first()
                    .map(|f| CardKey::with_facet(key.deck(), key.card(), *f))
            })
            .unwrap_or(key),
    };
    let (deck, card) = collection
        .card(&key)
        .ok_or_else(|| Error::UnknownCard(key.to_string()))?;
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
        repetitions: sm2.repetitions,
        ef: sm2.ease.as_f64(),
        interval_days: sm2.interval,
        due: schedule.map(|s| s.due.to_string()),
        lapses: sm2.lapses,
        hold: {
            let today = settings.rollover.study_day(crate::repl::Clock::now(clock));
            crate::sched::Holds::of(&collection.marks, today, settings.rollover)
                .get(&key)
                .map(|h| h.as_str())
        },
        reviews: collection
            .records
            .iter()
            .filter(|r| r.card == key)
            .map(|r| ReviewReport {
                at: r.at.to_rfc3339(),
                grade: r.grade.value(),
                answer_ms: r.answer_ms,
                kind: r.kind.as_str(),
            })
            .collect(),
    };
    if args.json {
        write_json(out, &report)?;
        return Ok(());
    }
    let topic = report.topic.map(|t| format!(", topic {t}")).unwrap_or_default();
    writeln!(
        out,
        "{}  ({}{topic}, {}:{})",
        report.key,
        crate::render::escape_controls(&deck.title),
        deck.origin,
        card.line
    )?;
    writeln!(out, "Q:")?;
    write!(out, "{}", crate::render::layout(report.front, 80, "  "))?;
    writeln!(out, "A:")?;
    write!(out, "{}", crate::render::layout(report.back, 80, "  "))?;
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
            writeln!(out, "  {}  grade {}  {:>6} ms  {}", r.at, r.grade, r.answer_ms, r.kind)?;
        }
    }
    Ok(())
}
