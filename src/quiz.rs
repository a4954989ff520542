//! The interview quiz: which cards to ask, and what the answers say.
//!
//! Pure. Sampling takes the cards in scope with their schedules, the day and a seed;
//! the report takes the answers. The same seed and log always give the same quiz.
//!
//! The weighting rule (also in `recall quiz --help`): a card's weight is
//!
//! - 3 if it was never answered;
//! - otherwise 1, plus 2 × (2.5 − EF) for a low ease (up to +2.4), plus 0.5 per lapse
//!   (up to +2), plus 1 if its last scheduled answer was a failure, plus how overdue it
//!   is in units of its interval (up to +2).
//!
//! Cards are drawn without replacement in rounds: each round visits every topic that
//! still has cards, in a random order weighted by the topics' total weight, and draws
//! one card from each by weight. So no topic comes twice before every topic in scope
//! has come once, and weak cards come more often.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

use chrono::NaiveDate;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::deck::CardKey;
use crate::sched::CardSchedule;

pub const WEIGHT_RULE: &str = "Weak cards come more often. A card's weight is 3 if it was never answered; \
otherwise 1, plus 2 × (2.5 − EF) (up to +2.4), plus 0.5 per lapse (up to +2), plus 1 if its last answer \
failed, plus how overdue it is in intervals (up to +2). Each round visits every topic in scope once, \
in a weighted random order, so no topic comes twice before every topic has come once.";

/// A card that may be asked.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub key: CardKey,
    pub topic: String,
    pub section: String,
    pub schedule: Option<CardSchedule>,
}

/// The weight of a card, by the rule above.
pub fn weight(schedule: Option<&CardSchedule>, today: NaiveDate) -> f64 {
    let Some(s) = schedule else { return 3.0 };
    let ease = (2.5 - s.sm2.ease.as_f64()).max(0.0) * 2.0;
    let lapses = (f64::from(s.sm2.lapses) * 0.5).min(2.0);
    let failed_last = if s.sm2.repetitions == 0 && s.sm2.lapses > 0 {
        1.0
    } else {
        0.0
    };
    let overdue_days = (today - s.due).num_days().max(0) as f64;
    let overdue = (overdue_days / f64::from(s.sm2.interval.max(1))).min(2.0);
    1.0 + ease + lapses + failed_last + overdue
}

/// A weighted random key (Efraimidis and Spirakis): sorting by it, largest first,
/// draws items without replacement with probability proportional to their weight.
fn es_key(rng: &mut ChaCha8Rng, weight: f64) -> f64 {
    let u: f64 = rng.random_range(f64::MIN_POSITIVE..1.0);
    u.powf(1.0 / weight.max(1e-9))
}

/// Picks up to `n` candidates (indices, in asking order). Candidates in `first` are
/// drawn before any other (a plan's uncovered cards).
pub fn sample(
    candidates: &[Candidate],
    n: usize,
    today: NaiveDate,
    seed: u64,
    first: Option<&HashSet<CardKey>>,
) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weights: Vec<f64> = candidates.iter().map(|c| weight(c.schedule.as_ref(), today)).collect();
    let (preferred, rest): (Vec<usize>, Vec<usize>) =
        (0..candidates.len()).partition(|&i| first.is_some_and(|f| f.contains(&candidates[i].key)));
    let mut chosen = Vec::new();
    for pool in [preferred, rest] {
        if chosen.len() >= n {
            break;
        }
        // Topic → its cards, in a weighted random order.
        let mut topics: BTreeMap<&str, Vec<(f64, usize)>> = BTreeMap::new();
        for i in pool {
            let key = es_key(&mut rng, weights[i]);
            topics.entry(candidates[i].topic.as_str()).or_default().push((key, i));
        }
        for cards in topics.values_mut() {
            cards.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        while chosen.len() < n && topics.values().any(|c| !c.is_empty()) {
            let mut round: Vec<(f64, &str)> = topics
                .iter()
                .filter(|(_, cards)| !cards.is_empty())
                .map(|(topic, cards)| (cards.iter().map(|&(_, i)| weights[i]).sum::<f64>(), *topic))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|(total, topic)| (es_key(&mut rng, total), topic))
                .collect();
            round.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (_, topic) in round {
                if chosen.len() >= n {
                    break;
                }
                if let Some((_, i)) = topics.get_mut(topic).and_then(Vec::pop) {
                    chosen.push(i);
                }
            }
        }
    }
    chosen
}

/// One question of a quiz and how it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub key: String,
    pub deck: String,
    pub topic: String,
    pub section: String,
    /// `None` when skipped.
    pub grade: Option<u8>,
    pub ms: u32,
    /// The question and the right answer, for the report of misses.
    pub question: String,
    pub answer: String,
}

impl Answer {
    /// A hit is a grade of 3 or more: SM-2's line between remembered and not.
    pub fn hit(&self) -> bool {
        self.grade.is_some_and(|g| g >= 3)
    }
}

/// A finished quiz, as kept in the data dir for `--history`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizRecord {
    pub at: String,
    pub seed: u64,
    pub scope: String,
    pub planned: usize,
    pub seconds: i64,
    pub answers: Vec<Answer>,
}

/// Hits out of asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub hits: usize,
    pub asked: usize,
}

impl Score {
    pub fn percent(self) -> u32 {
        (self.hits * 100)
            .checked_div(self.asked)
            .map_or(0, |p| u32::try_from(p).unwrap_or(100))
    }

    fn add(&mut self, hit: bool) {
        self.asked += 1;
        self.hits += usize::from(hit);
    }
}

pub fn score<'a>(answers: impl IntoIterator<Item = &'a Answer>) -> Score {
    let mut s = Score::default();
    for a in answers {
        s.add(a.hit());
    }
    s
}

/// Scores grouped by a field, in first-seen order.
fn by<'a>(answers: &'a [Answer], field: impl Fn(&'a Answer) -> &'a str) -> Vec<(&'a str, Score)> {
    let mut groups: Vec<(&str, Score)> = Vec::new();
    for a in answers {
        let name = field(a);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, s)) => s.add(a.hit()),
            None => {
                let mut s = Score::default();
                s.add(a.hit());
                groups.push((name, s));
            }
        }
    }
    groups
}

/// The topics to study next: those with misses, lowest score first (more misses
/// first on a tie), at most three.
pub fn study_next(answers: &[Answer]) -> Vec<(&str, Score)> {
    let mut topics: Vec<(&str, Score)> = by(answers, |a| &a.topic)
        .into_iter()
        .filter(|(_, s)| s.hits < s.asked)
        .collect();
    topics.sort_by(|a, b| {
        a.1.percent()
            .cmp(&b.1.percent())
            .then((b.1.asked - b.1.hits).cmp(&(a.1.asked - a.1.hits)))
    });
    topics.truncate(3);
    topics
}

fn bar(score: Score) -> String {
    let filled = (score.hits * 10).checked_div(score.asked).unwrap_or(0);
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// The first non-empty line of card text, escaped: deck files are untrusted text.
fn first_line(text: &str) -> String {
    crate::render::escape_controls(text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim())
}

/// The report: for a terminal `width` columns wide (every line wrapped, continuation
/// lines indented under their item), or as Markdown when `width` is `None`.
pub fn report(record: &QuizRecord, width: Option<usize>, out: &mut dyn Write) -> io::Result<()> {
    let mut text = Vec::new();
    write_report(record, width.is_none(), &mut text)?;
    let text = String::from_utf8_lossy(&text);
    match width {
        None => out.write_all(text.as_bytes()),
        Some(width) => {
            for line in text.lines() {
                out.write_all(crate::render::hanging(line, width).as_bytes())?;
            }
            Ok(())
        }
    }
}

fn write_report(record: &QuizRecord, markdown: bool, out: &mut dyn Write) -> io::Result<()> {
    let answers = &record.answers;
    let total = score(answers);
    let skipped = answers.iter().filter(|a| a.grade.is_none()).count();
    let (h, m) = (if markdown { "## " } else { "" }, if markdown { "- " } else { "  " });
    if markdown {
        writeln!(out, "# Quiz report, {}\n", record.at)?;
    }
    writeln!(
        out,
        "{h}Score: {} of {} ({}%) in {}{}",
        total.hits,
        total.asked,
        total.percent(),
        crate::render::duration(record.seconds),
        if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "{m}scope: {} · seed {} (`--seed {}` asks the same quiz)",
        record.scope, record.seed, record.seed
    )?;
    for (title, groups) in [
        ("By section", by(answers, |a| &a.section)),
        ("By topic", by(answers, |a| &a.topic)),
    ] {
        writeln!(out, "\n{h}{title}")?;
        for (name, s) in groups {
            writeln!(
                out,
                "{m}{:<18} {} {:>3}%  {}/{}",
                crate::render::escape_controls(name),
                bar(s),
                s.percent(),
                s.hits,
                s.asked
            )?;
        }
    }
    let mut slow: Vec<&Answer> = answers.iter().filter(|a| a.grade.is_some()).collect();
    slow.sort_by_key(|a| std::cmp::Reverse(a.ms));
    if !slow.is_empty() {
        writeln!(out, "\n{h}Slowest answers")?;
        for a in slow.iter().take(3) {
            writeln!(
                out,
                "{m}{:>5.1}s  {}  {}",
                f64::from(a.ms) / 1000.0,
                a.key,
                first_line(&a.question)
            )?;
        }
    }
    let misses: Vec<&Answer> = answers.iter().filter(|a| !a.hit()).collect();
    if !misses.is_empty() {
        writeln!(out, "\n{h}Misses")?;
        for a in misses {
            let how = match a.grade {
                Some(g) => format!("grade {g}"),
                None => "skipped".to_string(),
            };
            writeln!(out, "{m}{} ({how}): {}", a.key, first_line(&a.question))?;
            let indent = if markdown { "  " } else { "      " };
            writeln!(out, "{indent}→ {}", first_line(&a.answer))?;
        }
    }
    let next = study_next(answers);
    writeln!(out, "\n{h}Study next")?;
    if next.is_empty() {
        writeln!(out, "{m}No misses: nothing stands out. Widen the scope or raise -n.")?;
    }
    for (topic, s) in next {
        // Cards without a topic are grouped by their deck, which names the review.
        let deck_only = answers.iter().any(|a| a.topic == topic && a.deck == topic);
        let flag = if deck_only { "deck" } else { "topic" };
        let topic = crate::render::escape_controls(topic);
        writeln!(out, "{m}{topic} ({}%): `recall review --{flag} {topic}`", s.percent())?;
    }
    Ok(())
}

/// `--history`: every past quiz with its score, then each section's trend.
pub fn history(records: &[QuizRecord], out: &mut dyn Write) -> io::Result<()> {
    if records.is_empty() {
        return writeln!(out, "No quizzes yet: `recall quiz` starts one.");
    }
    for r in records {
        let s = score(&r.answers);
        // To the minute, as the clock showed it then.
        let when = chrono::DateTime::parse_from_rfc3339(&r.at)
            .map_or_else(|_| r.at.clone(), |at| at.format("%Y-%m-%d %H:%M").to_string());
        writeln!(
            out,
            "{when}  {:>3}%  {:>2}/{:<2}  {}",
            s.percent(),
            s.hits,
            s.asked,
            r.scope
        )?;
    }
    let mut sections: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for r in records {
        for (section, s) in by(&r.answers, |a| &a.section) {
            sections.entry(section).or_default().push(s.percent());
        }
    }
    writeln!(out, "\nTrend by section (oldest → newest):")?;
    for (section, scores) in sections {
        let shown: Vec<String> = scores.iter().map(|p| format!("{p}%")).collect();
        writeln!(out, "  {section:<8} {}", shown.join(" → "))?;
    }
    Ok(())
}

/// The plan toward an interview date: cards in scope not yet asked in a quiz since
/// the plan began, and the questions a day that covers them by the date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub uncovered: HashSet<CardKey>,
    pub total: usize,
    pub days_left: i64,
    pub per_day: usize,
}

impl Plan {
    /// The plan for today: the cards in `scope` not yet `asked`, spread evenly over the
    /// days up to and including `until`. On the last day the rest is asked, but at most
    /// `most_on_last_day` in one sitting.
    pub fn new(
        scope: &[CardKey],
        asked: &HashSet<String>,
        today: NaiveDate,
        until: NaiveDate,
        most_on_last_day: usize,
    ) -> Plan {
        let uncovered: HashSet<CardKey> = scope.iter().filter(|k| !asked.contains(k.as_str())).cloned().collect();
        let days_left = (until - today).num_days() + 1;
        let per_day = if days_left <= 1 {
            uncovered.len().min(most_on_last_day)
        } else {
            uncovered.len().div_ceil(days_left as usize)
        };
        Plan {
            total: scope.len(),
            uncovered,
            days_left,
            per_day: per_day.max(1),
        }
    }

    pub fn covered(&self) -> usize {
        self.total - self.uncovered.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sm2::{Grade, Sm2};

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn schedule(grades: &[u8], day: &str) -> CardSchedule {
        let mut s: Option<CardSchedule> = None;
        for &g in grades {
            s = Some(CardSchedule::answer(s, Grade::new(g).expect("grade"), date(day)));
        }
        s.expect("answered")
    }

    fn candidates(topics: usize, per_topic: usize) -> Vec<Candidate> {
        (0..topics * per_topic)
            .map(|i| Candidate {
                key: CardKey::new("d", &format!("c{i}")),
                topic: format!("t{}", i % topics),
                section: format!("s{}", i % 2),
                schedule: None,
            })
            .collect()
    }

    #[test]
    fn the_weighting_follows_the_rule() {
        let today = date("2026-11-24");
        assert_eq!(weight(None, today), 3.0);
        let strong = schedule(&[5, 5, 5], "2026-11-20");
        assert_eq!(weight(Some(&strong), today), 1.0);
        let weak = schedule(&[1, 1], "2026-11-20");
        // EF 1.42: +2.16; two lapses: +1; failed last: +1; due 11-21, interval 1: 3 days over, capped +2.
        assert!((weight(Some(&weak), today) - (1.0 + 2.16 + 1.0 + 1.0 + 2.0)).abs() < 1e-9);
        assert_eq!(Sm2::NEW.ease.to_string(), "2.50");
    }

    #[test]
    fn no_topic_comes_twice_before_every_topic_came_once() {
        let c = candidates(5, 4);
        for seed in 0..50 {
            let picked = sample(&c, 12, date("2026-11-24"), seed, None);
            assert_eq!(picked.len(), 12);
            let topics: Vec<&str> = picked.iter().map(|&i| c[i].topic.as_str()).collect();
            let first_round: HashSet<&str> = topics[..5].iter().copied().collect();
            assert_eq!(first_round.len(), 5, "seed {seed}: {topics:?}");
            let second_round: HashSet<&str> = topics[5..10].iter().copied().collect();
            assert_eq!(second_round.len(), 5, "seed {seed}: {topics:?}");
            let unique: HashSet<usize> = picked.iter().copied().collect();
            assert_eq!(unique.len(), 12);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_quiz() {
        let c = candidates(3, 5);
        let today = date("2026-11-24");
        assert_eq!(sample(&c, 7, today, 9, None), sample(&c, 7, today, 9, None));
        assert_ne!(sample(&c, 7, today, 9, None), sample(&c, 7, today, 10, None));
    }

    #[test]
    fn weak_cards_are_asked_more_often_over_many_seeds() {
        // One topic, ten cards: five strong (weight 1), five never seen (weight 3).
        let mut c = candidates(1, 10);
        let strong = schedule(&[5, 5, 5], "2026-11-20");
        for card in c.iter_mut().take(5) {
            card.schedule = Some(strong);
        }
        let (mut weak_hits, mut strong_hits) = (0, 0);
        for seed in 0..2000 {
            for i in sample(&c, 2, date("2026-11-24"), seed, None) {
                if i < 5 { strong_hits += 1 } else { weak_hits += 1 }
            }
        }
        // Drawing 2 of 10 with weights 1 vs 3, a weak card is picked about 2.5 times as
        // often as a strong one; demand at least twice, far outside chance.
        assert!(weak_hits > 2 * strong_hits, "weak {weak_hits}, strong {strong_hits}");
    }

    #[test]
    fn a_plan_draws_uncovered_cards_first() {
        let c = candidates(2, 5);
        let scope: Vec<CardKey> = c.iter().map(|x| x.key.clone()).collect();
        let asked: HashSet<String> = scope[..6].iter().map(|k| k.to_string()).collect();
        let plan = Plan::new(&scope, &asked, date("2026-11-24"), date("2026-11-25"), 40);
        assert_eq!((plan.covered(), plan.days_left, plan.per_day), (6, 2, 2));
        // On the day itself: the rest, but never more than the cap at once.
        let today = Plan::new(&scope, &asked, date("2026-11-25"), date("2026-11-25"), 3);
        assert_eq!((today.days_left, today.per_day), (1, 3));
        let picked = sample(&c, 4, date("2026-11-24"), 1, Some(&plan.uncovered));
        assert!(picked.iter().all(|&i| i >= 6), "{picked:?}");
    }

    #[test]
    fn the_report_names_misses_and_what_to_study() {
        let answer = |key: &str, topic: &str, grade: Option<u8>, ms: u32| Answer {
            key: key.into(),
            deck: key.split('/').next().unwrap_or("").into(),
            topic: topic.into(),
            section: topic.split('.').next().unwrap_or("").into(),
            grade,
            ms,
            question: format!("Q {key}?"),
            answer: format!("A {key}"),
        };
        let record = QuizRecord {
            at: "2026-11-24T09:00:00+00:00".into(),
            seed: 7,
            scope: "sections ml, py".into(),
            planned: 4,
            seconds: 95,
            answers: vec![
                answer("ml/a", "ml.metrics", Some(5), 3000),
                answer("ml/b", "ml.metrics", Some(1), 9000),
                answer("py/c", "py.gil", None, 1000),
                answer("py/d", "py.gil", Some(4), 2000),
            ],
        };
        let mut out = Vec::new();
        report(&record, Some(80), &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let expected = "Score: 2 of 4 (50%) in 1m 35s, 1 skipped
  scope: sections ml, py · seed 7 (`--seed 7` asks the same quiz)

By section
  ml                 █████░░░░░  50%  1/2
  py                 █████░░░░░  50%  1/2

By topic
  ml.metrics         █████░░░░░  50%  1/2
  py.gil             █████░░░░░  50%  1/2

Slowest answers
    9.0s  ml/b  Q ml/b?
    3.0s  ml/a  Q ml/a?
    2.0s  py/d  Q py/d?

Misses
  ml/b (grade 1): Q ml/b?
      → A ml/b
  py/c (skipped): Q py/c?
      → A py/c

Study next
  ml.metrics (50%): `recall review --topic ml.metrics`
  py.gil (50%): `recall review --topic py.gil`
";
        assert_eq!(text, expected);
    }
}
