//! `recall review`: today's queue from the decks and the log, then the REPL.
//!
//! Start-up reads the catalog (every card, without its text) and the log's progress,
//! both from the cache when the files are unchanged, so the first card comes up
//! without parsing every deck or replaying the whole log.

use std::io::Write;

use crate::app::{self, App, Error};
use crate::collection::Scope;
use crate::repl::{self, Review};
use crate::sched::{DayLog, DayQueue, Holds, Limits};
use crate::session::Session;

/// What `recall review` was asked for.
#[derive(Clone, Debug, Default)]
pub struct ReviewOptions {
    pub scope: Scope,
    pub new_per_day: Option<usize>,
    pub reviews_per_day: Option<usize>,
    /// Seeds the order of cards due on the same day [default: the date].
    pub seed: Option<u64>,
}

pub fn review(app: &App, args: &ReviewOptions, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let settings = &app.settings;
    let config = &app.config;
    let (catalog, progress, writer, update) = app.open_progress(err, true)?;
    let scope = app::check_scope(&catalog, &args.scope)?;
    let Some(mut writer) = writer else { return Ok(()) };
    let today = app.today();
    let mut keys = catalog.keys_in_order(&scope);
    // Suspended cards, and cards buried today, are not part of today's work.
    let holds = Holds::of(&progress.marks, today, settings.rollover);
    let held = keys.len();
    keys.retain(|k| !holds.contains(k));
    let held = held - keys.len();
    let schedules = &progress.schedules;
    // Today's answers: the latest day the progress knows, unless the clock went back
    // to an earlier one, which only the whole log can tell.
    let day_log = match progress.answers_on(today, settings.rollover) {
        Some(recent) => DayLog::of(recent, today, settings.rollover, schedules),
        None => {
            let parsed = crate::log::read(&settings.log_path())?;
            DayLog::of(&parsed.records, today, settings.rollover, schedules)
        }
    };
    let mut unknown: Vec<&String> = config.decks.keys().filter(|id| catalog.deck(id).is_none()).collect();
    unknown.sort();
    for id in unknown {
        writeln!(
            err,
            "warning: config: daily limits for deck {id:?}, which is not a deck"
        )?;
    }
    let defaults = Limits::default();
    let limits = Limits {
        new_per_day: args.new_per_day.or(config.new_per_day).unwrap_or(defaults.new_per_day),
        reviews_per_day: args
            .reviews_per_day
            .or(config.reviews_per_day)
            .unwrap_or(defaults.reviews_per_day),
        per_deck: config.decks.clone(),
    };
    let seed = args.seed.unwrap_or_else(|| today.to_epoch_days().unsigned_abs().into());
    let queue = DayQueue::build(&keys, schedules, &day_log, today, &limits, seed);
    if queue.is_empty() {
        let next = keys
            .iter()
            .filter_map(|k| schedules.get(k))
            .map(|s| s.due)
            .filter(|d| *d > today)
            .min();
        match next {
            Some(date) => writeln!(out, "Nothing to review today. The next card is due on {date}.")?,
            None => writeln!(out, "Nothing to review today.")?,
        }
        if held > 0 {
            writeln!(
                out,
                "({held} card(s) buried or suspended; `recall suspended` lists them.)"
            )?;
        }
        if let Some(update) = update {
            crate::startup::remember(&progress, update, settings.rollover);
        }
        return Ok(());
    }
    let in_session = queue
        .due
        .iter()
        .chain(&queue.redrill)
        .filter_map(|k| schedules.get(k).map(|s| (k.clone(), *s)))
        .collect();
    // Only the few cards of today's queue stay in memory from here on.
    drop(keys);
    let mut session = Session::new(queue, in_session, settings.rollover);
    let mut input = app::repl_input()?;
    let mut review = Review {
        session: &mut session,
        cards: &catalog,
        width: &app::terminal_width,
        seed,
        editor: Some(&mut repl::ExternalEditor),
        edited: Vec::new(),
    };
    // The cache is brought up to date on the other core while the first card is up.
    std::thread::scope(|scope| {
        if let Some(update) = update {
            let progress = &progress;
            scope.spawn(move || crate::startup::remember(progress, update, settings.rollover));
        }
        review.run(input.as_mut(), out, &mut writer, &app.clock)
    })?;
    Ok(())
}
