//! Start-up to the first card at scale: 100,000 cards in 100 decks and 1,000,000
//! logged reviews, the size PRODUCT.md asks to stay well under a second.
//!
//! Each step of `recall review`'s start-up is measured on its own (deck parsing and
//! checking, log parsing, SM-2 replay, queue building), and then the whole path from
//! files on disk. Run with `cargo bench --bench startup`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeDelta};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use recall::collection::{self, Collection, Scope, Settings};
use recall::deck::{CardKey, Origin, Source};
use recall::log::{self, AnswerKind, Record};
use recall::roadmap::Roadmap;
use recall::sched::{DayLog, DayQueue, Limits, Rollover, replay};
use recall::sm2::Grade;

const DECKS: usize = 100;
const CARDS_PER_DECK: usize = 1_000;
const REVIEWS: usize = 1_000_000;

fn deck_text(d: usize) -> String {
    let mut text =
        format!("// Generated deck {d}\nDeck(\n    id: \"deck{d}\",\n    title: \"Deck {d}\",\n    cards: [\n");
    for c in 0..CARDS_PER_DECK {
        let _ = write!(
            text,
            "        Basic(\n            id: \"card{c}\",\n            topic: \"ml.metrics\",\n            front: \"Question {c} of deck {d}: what does this term mean in practice?\",\n            back: \"Answer {c}: a sentence or two of explanation, as real cards have.\",\n        ),\n"
        );
    }
    text.push_str("    ],\n)\n");
    text
}

/// A deterministic log in time order: reviews spread over two years, mostly passes.
fn log_text() -> String {
    let start: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2025-01-01T08:00:00+01:00").expect("time");
    let total_cards = DECKS * CARDS_PER_DECK;
    let mut text = String::with_capacity(REVIEWS * 60);
    text.push_str(log::HEADER);
    text.push('\n');
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..REVIEWS {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let card = (state as usize) % total_cards;
        let grade = [5, 4, 4, 3, 5, 2, 4, 5][(state >> 20) as usize % 8];
        let record = Record {
            at: start + TimeDelta::seconds((i as i64) * 60),
            card: CardKey::new(
                &format!("deck{}", card / CARDS_PER_DECK),
                &format!("card{}", card % CARDS_PER_DECK),
            ),
            grade: Grade::new(grade).expect("grade"),
            answer_ms: 1_000 + (state % 9_000) as u32,
            kind: if i % 10 == 9 {
                AnswerKind::Redrill
            } else {
                AnswerKind::Review
            },
        };
        text.push_str(&record.to_line());
    }
    text
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00+01:00").expect("time")
}

fn benches(c: &mut Criterion) {
    let roadmap = Roadmap::builtin().expect("roadmap");
    let sources: Vec<Source> = (0..DECKS)
        .map(|d| Source {
            origin: Origin::File(PathBuf::from(format!("deck{d}.ron"))),
            text: deck_text(d),
        })
        .collect();
    let log = log_text();
    let log_path = PathBuf::from("reviews.log");
    let records = log::parse(&log_path, &log).expect("log").records;
    let schedules = replay(&records, Rollover::DEFAULT);
    let keys: Vec<CardKey> = (0..DECKS * CARDS_PER_DECK)
        .map(|i| {
            CardKey::new(
                &format!("deck{}", i / CARDS_PER_DECK),
                &format!("card{}", i % CARDS_PER_DECK),
            )
        })
        .collect();
    let today = Rollover::DEFAULT.study_day(now());

    let mut group = c.benchmark_group("startup");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));

    group.throughput(Throughput::Elements((DECKS * CARDS_PER_DECK) as u64));
    group.bench_function("deck_parse_100k_cards", |b| {
        b.iter(|| black_box(collection::check_sources(&sources, &roadmap, false)))
    });
    let builtin = collection::builtin_sources();
    let builtin_cards: usize = collection::check_sources(&builtin, &roadmap, true)
        .0
        .iter()
        .map(|d| d.cards.len())
        .sum();
    group.throughput(Throughput::Elements(builtin_cards.max(1) as u64));
    group.bench_function("deck_parse_builtin", |b| {
        b.iter(|| black_box(collection::check_sources(&builtin, &roadmap, true)))
    });

    group.throughput(Throughput::Elements(REVIEWS as u64));
    group.bench_function("log_parse_1m_records", |b| {
        b.iter(|| black_box(log::parse(&log_path, &log).expect("log")))
    });
    group.bench_function("replay_1m_records", |b| {
        b.iter(|| black_box(replay(&records, Rollover::DEFAULT)))
    });

    group.throughput(Throughput::Elements(keys.len() as u64));
    group.bench_function("queue_100k_cards", |b| {
        b.iter(|| {
            let day = DayLog::of(&records, today, Rollover::DEFAULT, &schedules);
            black_box(DayQueue::build(&keys, &schedules, &day, today, &Limits::default(), 7))
        })
    });

    // `recall stats` over everything: counts, forecast, retention (a second replay of
    // the log), heatmap and streak.
    let items: Vec<recall::stats::Item> = keys
        .iter()
        .map(|k| recall::stats::Item {
            key: k.clone(),
            deck: k.deck().to_string(),
            section: "ml".to_string(),
        })
        .collect();
    let holds = recall::sched::Holds::default();
    group.throughput(Throughput::Elements(REVIEWS as u64));
    group.bench_function("stats_100k_cards_1m_reviews", |b| {
        b.iter(|| {
            black_box(recall::stats::Stats::build(
                &items,
                &schedules,
                &records,
                &holds,
                today,
                Rollover::DEFAULT,
            ))
        })
    });

    // The whole path, from files on disk, as `recall review` takes it.
    let dir = tempfile::tempdir().expect("tempdir");
    let deck_dir = dir.path().join("decks");
    std::fs::create_dir_all(&deck_dir).expect("deck dir");
    for (d, source) in sources.iter().enumerate() {
        std::fs::write(deck_dir.join(format!("deck{d}.ron")), &source.text).expect("write deck");
    }
    std::fs::write(dir.path().join("reviews.log"), &log).expect("write log");
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        deck_dirs: Vec::new(),
        rollover: Rollover::DEFAULT,
    };
    group.throughput(Throughput::Elements(1));
    group.bench_function("startup_total_100k_cards_1m_reviews", |b| {
        b.iter(|| {
            let (collection, (), _) = Collection::load(&settings, roadmap.clone(), || {
                log::read(&settings.log_path()).map(|p| ((), p))
            })
            .expect("log");
            let keys = collection::keys_of(collection.library.cards_in_order(&Scope::default()));
            let day = DayLog::of(&collection.records, today, Rollover::DEFAULT, &collection.schedules);
            black_box(DayQueue::build(
                &keys,
                &collection.schedules,
                &day,
                today,
                &Limits::default(),
                7,
            ))
        })
    });
    group.finish();
}

criterion_group!(startup, benches);
criterion_main!(startup);
