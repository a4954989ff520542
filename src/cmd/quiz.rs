//! `recall quiz`: sampling, the quiz loop, the report and the quiz history.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::cli::*;
use crate::collection::{self, Settings};
use crate::config::Config;
use crate::deck::CardKey;
use crate::repl::{self, Clock};

/// `15m`, `90s`, `1h`; a bare number is minutes.
pub(crate) fn parse_duration(text: &str) -> Result<chrono::TimeDelta, Error> {
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

pub(crate) fn quiz(
    settings: &Settings,
    config: &Config,
    args: &QuizArgs,
    clock: &AppClock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    use crate::quiz::{self as q, Candidate, Plan, QuizRecord};
    use crate::repl::quiz::{Question, Quiz, Recording};
    let history = read_quiz_history(settings)?;
    if args.history {
        q::history(&history, out)?;
        return Ok(());
    }
    let limit = args.time.as_deref().map(parse_duration).transpose()?;
    // The log is only locked (and written) when the quiz records.
    let (collection, mut writer) = open_collection(settings, err, args.record)?;
    let scope = scope(&collection.library, &args.scope)?;
    let now = clock.now();
    let today = settings.rollover.study_day(now);
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
    let mut scope_text: Vec<String> = Vec::new();
    for (what, values) in [
        ("deck", &scope.decks),
        ("section", &scope.sections),
        ("topic", &scope.topics),
    ] {
        if !values.is_empty() {
            let plural = if values.len() > 1 { "s" } else { "" };
            scope_text.push(format!("{what}{plural} {}", values.join(", ")));
        }
    }
    let scope_text = if scope_text.is_empty() {
        "the whole roadmap".to_string()
    } else {
        scope_text.join(", ")
    };
    let plan = args.until.or(config.interview).map(|until| {
        let scope_keys: Vec<CardKey> = candidates.iter().map(|c| c.key.clone()).collect();
        let until_text = until.to_string();
        let asked: std::collections::HashSet<String> = history
            .iter()
            .filter(|r| r.scope.ends_with(&format!("until {until_text}")))
            .flat_map(|r| r.answers.iter().map(|a| a.key.clone()))
            .collect();
        (until, Plan::new(&scope_keys, &asked, today, until))
    });
    let scope_text = match &plan {
        Some((until, _)) => format!("{scope_text}, until {until}"),
        None => scope_text,
    };
    if let Some((until, plan)) = &plan {
        writeln!(
            out,
            "Plan to {until}: {} of {} cards asked so far; {} a day covers the rest in {} day(s).",
            plan.covered(),
            plan.total,
            plan.per_day,
            plan.days_left.max(0)
        )?;
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
    let recording = writer.as_mut().map(|w| Recording {
        journal: w as &mut dyn repl::Journal,
        answered_today: day_log.answered.iter().cloned().collect(),
        schedules: collection.schedules.clone(),
        rollover: settings.rollover,
    });
    let (mut input, width) = repl_input()?;
    let planned = questions.len();
    let mut run = Quiz {
        questions,
        limit,
        width,
        seed,
        recording,
    };
    let (answers, seconds) = run.run(input.as_mut(), out, clock)?;
    let record = QuizRecord {
        at: now.to_rfc3339(),
        seed,
        scope: scope_text,
        planned,
        seconds,
        answers,
    };
    writeln!(out)?;
    q::report(&record, false, out)?;
    if let Some(path) = &args.report {
        let mut text = Vec::new();
        q::report(&record, true, &mut text)?;
        collection::write_atomic(path, &String::from_utf8_lossy(&text)).map_err(|source| Error::File {
            path: path.clone(),
            source,
        })?;
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
