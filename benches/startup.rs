//! Start-up to the first card at scale, cold (no cache) and warm (everything cached),
//! on the synthetic 100,000-card collection of `examples/collection.rs` (100 decks of
//! 1,000 cards, about 500,000 answers over two years, 20 % of the cards new).
//!
//! `startup_cold` and `startup_warm` are what `recall review` does before its first
//! card: the catalog of decks, the log's progress, today's queue. The other benches
//! take the steps apart. Run with `cargo bench --bench startup`; for the real binary
//! as a new process, with its peak memory, see `examples/first_card.rs`.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use recall::cache::Cache;
use recall::collection::{Scope, Settings};
use recall::deck::{Origin, Rules, Source};
use recall::progress::Progress;
use recall::roadmap::Roadmap;
use recall::sched::{DayLog, DayQueue, Holds, Limits, Rollover};
use recall::startup::{self, LogAccess};

const CARDS: usize = 100_000;

/// What `recall review` computes before its first card, from files on disk.
fn first_queue(settings: &Settings, cache: Option<&Cache>) -> DayQueue {
    let roadmap = Roadmap::builtin().expect("roadmap");
    let catalog = startup::catalog(settings, roadmap, cache);
    let (progress, _, _, update) = startup::progress(settings, LogAccess::Read, cache).expect("log");
    if let Some(update) = update {
        startup::remember(&progress, update, Rollover::DEFAULT);
    }
    queue(&catalog, &progress)
}

fn queue(catalog: &recall::catalog::Catalog, progress: &Progress) -> DayQueue {
    let today = Rollover::DEFAULT.study_day(synthetic::now());
    let mut keys = catalog.keys_in_order(&Scope::default());
    let holds = Holds::of(&progress.marks, today, Rollover::DEFAULT);
    keys.retain(|k| !holds.contains(k));
    let recent = progress.answers_on(today, Rollover::DEFAULT).unwrap_or_default();
    let day = DayLog::of(recent, today, Rollover::DEFAULT, &progress.schedules);
    DayQueue::build(&keys, &progress.schedules, &day, today, &Limits::default(), 7)
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    synthetic::write(dir.path(), CARDS).expect("collection");
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        deck_dirs: Vec::new(),
        rollover: Rollover::DEFAULT,
    };
    let cache = Cache::new(dir.path());

    let mut group = c.benchmark_group("startup");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));

    group.bench_function("startup_cold_100k_cards", |b| {
        b.iter(|| black_box(first_queue(&settings, None)))
    });
    // The first run writes the cache; every measured run finds it.
    first_queue(&settings, Some(&cache));
    group.bench_function("startup_warm_100k_cards", |b| {
        b.iter(|| black_box(first_queue(&settings, Some(&cache))))
    });

    // The steps, one by one.
    let roadmap = Roadmap::builtin().expect("roadmap");
    let sources: Vec<Source> = (0..synthetic::deck_count(CARDS))
        .map(|d| Source {
            origin: Origin::File(format!("deck{d}.ron").into()),
            text: synthetic::deck_text(d, synthetic::CARDS_PER_DECK),
        })
        .collect();
    group.throughput(Throughput::Elements(CARDS as u64));
    group.bench_function("deck_parse_100k_cards", |b| {
        b.iter(|| {
            for source in &sources {
                black_box(recall::deck::parse(source, &Rules::default()).expect("deck"));
            }
        })
    });
    let builtin = recall::collection::builtin_sources();
    group.bench_function("deck_parse_builtin", |b| {
        b.iter(|| black_box(recall::collection::check_sources(&builtin, &roadmap, true)))
    });
    group.bench_function("catalog_warm_100k_cards", |b| {
        b.iter(|| black_box(startup::catalog(&settings, roadmap.clone(), Some(&cache))))
    });
    group.bench_function("progress_warm_500k_answers", |b| {
        b.iter(|| black_box(startup::progress(&settings, LogAccess::Read, Some(&cache)).expect("log")))
    });
    let text = std::fs::read_to_string(settings.log_path()).expect("log");
    group.bench_function("log_parse_500k_answers", |b| {
        b.iter(|| black_box(recall::log::parse(&settings.log_path(), &text).expect("log")))
    });
    group.bench_function("log_scan_500k_answers", |b| {
        b.iter(|| black_box(recall::log::scan(&settings.log_path(), &text, Rollover::DEFAULT).expect("log")))
    });
    let parsed = recall::log::parse(&settings.log_path(), &text).expect("log");
    group.bench_function("replay_500k_answers", |b| {
        b.iter(|| black_box(Progress::replay(&parsed.records, &parsed.marks, Rollover::DEFAULT)))
    });
    let catalog = startup::catalog(&settings, roadmap.clone(), Some(&cache));
    let progress = Progress::replay(&parsed.records, &parsed.marks, Rollover::DEFAULT);
    group.bench_function("queue_100k_cards", |b| b.iter(|| black_box(queue(&catalog, &progress))));

    // `recall stats` over everything: the catalog, one scan of the log, the figures.
    let today = Rollover::DEFAULT.study_day(synthetic::now());
    group.bench_function("stats_100k_cards_500k_answers", |b| {
        b.iter(|| {
            let catalog = startup::catalog(&settings, roadmap.clone(), Some(&cache));
            let items: Vec<recall::stats::Item<'_>> = catalog
                .keys_with_groups(&Scope::default())
                .into_iter()
                .map(|(key, deck, section)| recall::stats::Item { key, deck, section })
                .collect();
            let scan = recall::log::scan(&settings.log_path(), &text, Rollover::DEFAULT).expect("log");
            let holds = Holds::of(&scan.marks, today, Rollover::DEFAULT);
            black_box(recall::stats::Stats::build(&items, scan.answers, &holds, today).answers)
        })
    });
    group.finish();
}

criterion_group!(startup, benches);
criterion_main!(startup);
