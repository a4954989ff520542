//! `recall quiz`: sampling, the quiz loop, the report and the quiz history.

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::app::{self, App, Error};
use crate::collection::{self, Scope, Settings};
use crate::deck::CardKey;
use crate::repl;

/// What `recall quiz` was asked for.
#[derive(Clone, Debug, Default)]
pub struct QuizOptions {
    pub scope: Scope,
    /// How many questions [default: 20, or the day's share of an interview plan].
    pub count: Option<usize>,
    pub time: Option<chrono::TimeDelta>,
    pub seed: Option<u64>,
    /// Log each answer as a review too.
    pub record: bool,
    /// Also write the report as Markdown here.
    pub report: Option<PathBuf>,
    /// List past quizzes instead.
    pub history: bool,
    /// An interview date to plan toward.
    pub until: Option<NaiveDate>,
}

/// On the interview day itself a plan asks what is left, but no more than this many
/// questions in one sitting unless `-n` says otherwise.
pub const LAST_DAY_MOST: usize = 40;

/// `15m`, `90s`, `1h`; a bare number is minutes.
pub fn parse_duration(text: &str) -> Result<chrono::TimeDelta, Error> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], t[i..].trim()),
        None => (t, "m"),
    };
    let n: i64 = number.parse().map_err(|_| Error::BadDuration(text.to_string()))?;
    let delta = match unit {
        "s" | "sec" => chrono::TimeDelta::seconds(n),
        "m" | "min" => chrono::TimeDelta::minutes(n),
        "h" => chrono::TimeDelta::hours(n),
        _ => return Err(Error::BadDuration(text.to_string())),
    };
    if n <= 0 {
        return Err(Error::BadDuration(text.to_string()));
    }
    Ok(delta)
}

pub(crate) fn quiz_history_path(settings: &Settings) -> PathBuf {
    settings.data_dir.join("quizzes.jsonl")
}

pub(crate) fn read_quiz_history(settings: &Settings) -> Result<Vec<crate::quiz::QuizRecord>, Error> {
    let path = quiz_history_path(settings);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::File { path, source }),
    };
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // A torn last line (a killed process) is not an error: that quiz was not kept.
        match serde_json::from_str(line) {
            Ok(record) => records.push(record),
            Err(_) if i + 1 == text.lines().count() && !text.ends_with('\n') => {}
            Err(e) => {
                return Err(Error::BadHistory {
                    path,
                    line: i + 1,
                    reason: e.to_string(),
                });
            }
        }
    }
    // Oldest first. Appended in time order on one machine, but a history that `recall
    // sync` merged from two holds each machine's quizzes in a block of its own.
    records.sort_by_key(|r: &crate::quiz::QuizRecord| chrono::DateTime::parse_from_rfc3339(&r.at).ok());
    Ok(records)
}

pub(crate) fn append_quiz_history(settings: &Settings, record: &crate::quiz::QuizRecord) -> Result<(), Error> {
    use std::io::Write as _;
    let path = quiz_history_path(settings);
    let fail = |source| Error::File {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(&settings.data_dir).map_err(fail)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(fail)?;
    let line = serde_json::to_string(record).map_err(io::Error::other).map_err(fail)?;
    file.write_all(format!("{line}\n").as_bytes()).map_err(fail)?;
    file.sync_data().map_err(fail)?;
    Ok(())
}

pub fn quiz(app: &App, args: &QuizOptions, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    use crate::quiz::{self as q, Candidate, Plan, QuizRecord};
    use crate::repl::quiz::{Question, Quiz, Recording};
    let settings = &app.settings;
    let history = read_quiz_history(settings)?;
    if args.history {
        q::history(&history, out)?;
        return Ok(());
    }
    let now = app.now();
    let today = app.today();
    let until = args.until.or(app.config.interview);
    if let Some(until) = until
        && until < today
    {
        return Err(Error::PastDate(until));
    }
    let limit = args.time;
    // The log is only locked (and written) when the quiz records.
    let (collection, mut writer) = app.open_collection(err, args.record)?;
    let scope = app::check_scope(&collection.library, &args.scope)?;
    let library = &collection.library;
    // A suspended card is one the learner asked not to see; a buried one only waits
    // for tomorrow's review, and a quiz may still ask it.
    let holds = crate::sched::Holds::of(&collection.marks, today, settings.rollover);
    let mut candidates = Vec::new();
    let mut cards = Vec::new();
    for (deck, card) in library.cards_in_order(&scope) {
        let section = library.section_of(deck, card).unwrap_or(&deck.id).to_string();
        // Cards without a topic are grouped by their deck.
        let topic = card.topic.clone().unwrap_or_else(|| deck.id.clone());
        for facet in card.facets() {
            let key = CardKey::with_facet(&deck.id, &card.id, facet);
            if holds.get(&key).is_some_and(|h| h != crate::sched::Hold::Buried) {
                continue;
            }
            let schedule = collection.schedules.get(&key).copied();
            candidates.push(Candidate {
                key,
                topic: topic.clone(),
                section: section.clone(),
                schedule,
            });
            cards.push((deck, card));
        }
    }
    if candidates.is_empty() {
        return Err(Error::EmptyQuiz);
    }
    let scope_text = scope.describe();
    let plan = until.map(|until| {
        let scope_keys: Vec<CardKey> = candidates.iter().map(|c| c.key.clone()).collect();
        // A card answered in any quiz, planned or not, recorded or not, has been
        // asked; a skipped question has not.
        let asked: std::collections::HashSet<String> = history
            .iter()
            .flat_map(|r| r.answers.iter().filter(|a| a.grade.is_some()).map(|a| a.key.clone()))
            .collect();
        (until, Plan::new(&scope_keys, &asked, today, until, LAST_DAY_MOST))
    });
    let scope_text = match &plan {
        Some((until, _)) => format!("{scope_text}, until {until}"),
        None => scope_text,
    };
    let width = app::terminal_width();
    if let Some((until, plan)) = &plan {
        let left = plan.total - plan.covered();
        let text = if plan.days_left <= 1 {
            format!(
                "Interview day ({until}): {} of {} cards asked; this quiz asks {} of the {left} left.",
                plan.covered(),
                plan.total,
                plan.per_day.min(left.max(1)),
            )
        } else {
            format!(
                "Plan to {until}: {} of {} cards asked; {} a day covers the rest in {} days.",
                plan.covered(),
                plan.total,
                plan.per_day,
                plan.days_left
            )
        };
        write!(out, "{}", crate::render::layout(&text, width, ""))?;
    }
    let n = args
        .count
        .unwrap_or_else(|| plan.as_ref().map_or(20, |(_, p)| p.per_day));
    let seed = args.seed.unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        (nanos % u128::from(u64::MAX)) as u64
    });
    let picked = q::sample(&candidates, n, today, seed, plan.as_ref().map(|(_, p)| &p.uncovered));
    let questions: Vec<Question<'_>> = picked
        .iter()
        .map(|&i| Question {
            key: candidates[i].key.clone(),
            deck: cards[i].0.id.clone(),
            card: cards[i].1,
            topic: candidates[i].topic.clone(),
            section: candidates[i].section.clone(),
        })
        .collect();
    let day_log = crate::sched::DayLog::of(&collection.records, today, settings.rollover, &collection.schedules);
    let clock = &app.clock;
    let recording = writer.as_mut().map(|w| Recording {
        journal: w as &mut dyn repl::Journal,
        answered_today: day_log.answered.iter().cloned().collect(),
        schedules: collection.schedules.clone(),
        rollover: settings.rollover,
    });
    let mut input = app::repl_input()?;
    let planned = questions.len();
    let mut run = Quiz {
        questions,
        limit,
        width: &app::terminal_width,
        seed,
        recording,
    };
    let (answers, seconds) = run.run(input.as_mut(), out, clock)?;
    let record = QuizRecord {
        at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        seed,
        scope: scope_text,
        planned,
        seconds,
        answers,
    };
    writeln!(out)?;
    q::report(&record, Some(app::terminal_width()), out)?;
    if let Some(path) = &args.report {
        let mut text = Vec::new();
        q::report(&record, None, &mut text)?;
        collection::write_atomic(path, &String::from_utf8_lossy(&text)).map_err(Error::file(path))?;
        writeln!(out, "\nReport written to {}", path.display())?;
    }
    if !record.answers.is_empty() {
        append_quiz_history(settings, &record)?;
    }
    if !args.record {
        writeln!(
            out,
            "\nYour review schedule is unchanged (--record would log these answers as reviews)."
        )?;
    }
    Ok(())
}
