//! Synthetic collections for measuring recall at scale, the same every time: N cards
//! in decks of 1,000, and about 5·N reviews over the two years before `now`, with 20 %
//! of the cards never reviewed. Each reviewed card's answers follow SM-2's own
//! intervals (with some lateness), so the schedules and the day's queue look like a
//! real learner's, not like uniform noise.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeDelta};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use recall::deck::CardKey;
use recall::log::{self, AnswerKind, Record};
use recall::sm2::{Grade, Sm2};

pub const CARDS_PER_DECK: usize = 1_000;

/// The time the collection is "as of": its log ends the day before.
pub fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00+01:00").expect("time")
}

pub fn deck_count(cards: usize) -> usize {
    cards.div_ceil(CARDS_PER_DECK).max(1)
}

/// One deck file's text: Basic cards with roadmap topics and text of a realistic length.
pub fn deck_text(deck: usize, cards: usize) -> String {
    const TOPICS: [&str; 6] = [
        "ml.metrics",
        "ml.classic",
        "dl.pytorch",
        "py.gil",
        "de.sql",
        "ops.kserve",
    ];
    let mut text = format!(
        "// Generated deck {deck}\nDeck(\n    id: \"deck{deck}\",\n    title: \"Deck {deck}\",\n    cards: [\n"
    );
    for c in 0..cards {
        let _ = write!(
            text,
            "        Basic(\n            id: \"card{c}\",\n            topic: \"{}\",\n            front: \"Question {c} of deck {deck}: what does this term mean in practice?\",\n            back: \"Answer {c}: a sentence or two of explanation, as real cards have, with a number or two.\",\n        ),\n",
            TOPICS[c % TOPICS.len()]
        );
    }
    text.push_str("    ],\n)\n");
    text
}

/// The review log's text: in time order, about 5 answers per card for the 80 % of cards
/// that have been studied.
pub fn log_text(cards: usize, seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let end = now().date_naive().checked_sub_days(Days::new(1)).expect("date");
    let start = end.checked_sub_days(Days::new(730)).expect("date");
    let mut records: Vec<(i64, u32, u8, u32)> = Vec::with_capacity(cards * 5);
    for card in 0..cards {
        if rng.random_range(0..5u32) == 0 {
            continue; // one in five stays new
        }
        let mut day: NaiveDate = start
            .checked_add_days(Days::new(rng.random_range(0..600u64)))
            .expect("date");
        let mut sm2 = Sm2::NEW;
        // 6 or 7 answers to each studied card, fewer where two years run out: about
        // 5 per card of the collection.
        for _ in 0..rng.random_range(6..=7u32) {
            if day > end {
                break;
            }
            let grade = [5, 4, 4, 3, 5, 2, 4, 5, 4, 1][rng.random_range(0..10usize)];
            sm2 = sm2.answer(Grade::new(grade).expect("grade"));
            let seconds = i64::from(rng.random_range(8 * 3600..22 * 3600u32));
            records.push((
                day.signed_duration_since(start).num_days() * 86_400 + seconds,
                card as u32,
                grade,
                rng.random_range(1_000..30_000u32),
            ));
            let late = rng.random_range(0..=u64::from(sm2.interval / 4 + 1));
            day = day
                .checked_add_days(Days::new(u64::from(sm2.interval) + late))
                .expect("date");
        }
    }
    records.sort_unstable();
    let origin = now()
        .timezone()
        .from_local_datetime(&start.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("time");
    let mut text = String::with_capacity(records.len() * 56);
    text.push_str(log::HEADER);
    text.push('\n');
    for (offset, card, grade, ms) in records {
        let record = Record {
            at: origin + TimeDelta::seconds(offset),
            card: CardKey::new(
                &format!("deck{}", card as usize / CARDS_PER_DECK),
                &format!("card{}", card as usize % CARDS_PER_DECK),
            ),
            grade: Grade::new(grade).expect("grade"),
            answer_ms: ms,
            kind: AnswerKind::Review,
        };
        text.push_str(&record.to_line());
    }
    text
}

/// Writes a collection of `cards` cards into `dir` (a data dir: `decks/` and `reviews.log`).
pub fn write(dir: &Path, cards: usize) -> std::io::Result<()> {
    let decks = dir.join("decks");
    std::fs::create_dir_all(&decks)?;
    for d in 0..deck_count(cards) {
        let n = CARDS_PER_DECK.min(cards - d * CARDS_PER_DECK);
        std::fs::write(decks.join(format!("deck{d}.ron")), deck_text(d, n))?;
    }
    std::fs::write(dir.join("reviews.log"), log_text(cards, 0x5eed))
}

use chrono::TimeZone as _;
