//! `recall stats`: where a learner stands, from the decks and the log.
//!
//! Pure: [`Stats::build`] takes the cards in scope, their schedules, the log's answers
//! and holds, and the study day; drawing goes to any `impl Write`.
//!
//! - A card is *new* until first answered, *learning* while its interval is one day
//!   (just learned, or just failed), *young* up to 20 days and *mature* from 21.
//! - *Retention* is the share of scheduling answers graded 3 or more, over answers to
//!   cards that were mature (or young) when answered: how well reviews hold up.
//! - *Readiness* estimates the share of a section a learner would recall today: 0 for
//!   a new card, else 0.9^(days since the last review ÷ interval), since SM-2 sets
//!   each interval where recall has fallen to about 90%. An overdue card counts less;
//!   one reviewed yesterday counts more.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use crate::deck::CardKey;
use crate::log::Answer;
use crate::sched::{CardSchedule, Hold, Holds, Maturity};

/// What the figures mean, for `recall stats --help`.
pub const EXPLAINED: &str = "\
Cards are new until first answered, learning while their interval is 1 day, young up to
20 days, mature from 21. Retention is the share of scheduling answers graded 3 or more,
over cards that were mature (or young) when answered. Readiness estimates how much of a
section you would recall today: 0 for a new card, else 0.9^(days since its last review /
its interval), as SM-2 schedules a review where recall falls to about 90%.";

/// How many days the forecast covers, today included.
pub const FORECAST_DAYS: usize = 30;
/// How many weeks the heatmap covers.
pub const HEATMAP_WEEKS: usize = 26;

/// One card in scope: its key and the groups it counts in.
#[derive(Clone, Debug)]
pub struct Item<'a> {
    pub key: CardKey,
    pub deck: &'a str,
    pub section: &'a str,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Group {
    pub id: String,
    pub cards: usize,
    pub new: usize,
    pub learning: usize,
    pub young: usize,
    pub mature: usize,
    /// Suspended cards, leeches included (counted in the columns above too).
    pub suspended: usize,
    /// Cards due today or overdue, not suspended or buried.
    pub due: usize,
    /// 0–100, see the module documentation.
    pub readiness: u32,
    #[serde(skip)]
    recall_sum: f64,
}

impl Group {
    fn new(id: &str) -> Group {
        Group {
            id: id.to_string(),
            ..Group::default()
        }
    }

    fn add(&mut self, schedule: Option<&CardSchedule>, held: Option<bool>, today: NaiveDate) {
        self.cards += 1;
        match schedule {
            None => self.new += 1,
            Some(s) => {
                match Maturity::of(Some(s)) {
                    Maturity::Mature => self.mature += 1,
                    _ if s.sm2.interval <= 1 => self.learning += 1,
                    _ => self.young += 1,
                }
                if s.due <= today && held.is_none() {
                    self.due += 1;
                }
                self.recall_sum += recall_today(s, today);
            }
        }
        if held == Some(true) {
            self.suspended += 1;
        }
        self.readiness = ((self.recall_sum * 100.0 / self.cards as f64).round() as u32).min(100);
    }
}

/// The estimated chance of recalling a studied card today (see the module docs).
pub fn recall_today(s: &CardSchedule, today: NaiveDate) -> f64 {
    let elapsed = (today - s.last_day).num_days().max(0) as f64;
    0.9f64.powf(elapsed / f64::from(s.sm2.interval.max(1)))
}

/// Passed answers out of all, over some answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Retention {
    pub passed: usize,
    pub answers: usize,
}

impl Retention {
    fn add(&mut self, passed: bool) {
        self.answers += 1;
        self.passed += usize::from(passed);
    }

    pub fn percent(self) -> Option<u32> {
        (self.answers > 0).then(|| u32::try_from(self.passed * 100 / self.answers).unwrap_or(100))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Retentions {
    pub mature_30_days: Retention,
    pub mature_all: Retention,
    pub young_30_days: Retention,
    pub young_all: Retention,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub today: NaiveDate,
    pub total: Group,
    pub sections: Vec<Group>,
    pub decks: Vec<Group>,
    /// Cards falling due on each of the next [`FORECAST_DAYS`] days; today's count
    /// includes the overdue ones.
    pub forecast: Vec<Day>,
    /// Answers on each study day of the last [`HEATMAP_WEEKS`] weeks (Monday-first
    /// weeks, ending with this one), days with none included.
    pub heatmap: Vec<Day>,
    pub retention: Retentions,
    /// Consecutive study days with an answer, up to today (or yesterday, while today
    /// has none yet).
    pub streak: usize,
    pub longest_streak: usize,
    pub answers: usize,
    pub study_days: usize,
}

impl Stats {
    /// The stats of the cards `items` over the log's `answers` (in log order). The
    /// answers are replayed here, once: each card's schedule, and the interval each
    /// answer was given at (for retention), come from the same pass.
    pub fn build<'t>(
        items: &[Item<'_>],
        answers: impl IntoIterator<Item = Answer<'t>>,
        holds: &Holds,
        today: NaiveDate,
    ) -> Stats {
        let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        let mut retention = Retentions::default();
        // Each card in scope as the log unfolds (one lookup per answer).
        let mut states: HashMap<&str, Option<CardSchedule>, rustc_hash::FxBuildHasher> =
            items.iter().map(|i| (i.key.as_str(), None)).collect();
        let month_ago = today - Days::new(30);
        let mut answers_seen = 0;
        let mut last_day: Option<(NaiveDate, usize)> = None;
        for record in answers {
            let Some(state) = states.get_mut(record.card) else {
                continue;
            };
            answers_seen += 1;
            let day = record.day;
            // The log is in time order: count a day's answers, then store them once.
            match &mut last_day {
                Some((d, n)) if *d == day => *n += 1,
                _ => {
                    if let Some((d, n)) = last_day.replace((day, 1)) {
                        *per_day.entry(d).or_default() += n;
                    }
                }
            }
            if !record.review {
                continue;
            }
            let interval = state.map_or(0, |s| s.sm2.interval);
            *state = Some(CardSchedule::answer(*state, record.grade, day));
            let (all, last_30) = if interval >= Maturity::MATURE_DAYS {
                (&mut retention.mature_all, &mut retention.mature_30_days)
            } else if interval > 1 {
                (&mut retention.young_all, &mut retention.young_30_days)
            } else {
                continue;
            };
            let passed = record.grade.is_pass();
            all.add(passed);
            if day > month_ago && day <= today {
                last_30.add(passed);
            }
        }
        if let Some((d, n)) = last_day {
            *per_day.entry(d).or_default() += n;
        }

        let mut total = Group::new("all");
        let mut sections: Vec<Group> = Vec::new();
        let mut decks: Vec<Group> = Vec::new();
        let mut section_index: HashMap<&str, usize> = HashMap::new();
        let mut deck_index: HashMap<&str, usize> = HashMap::new();
        let mut forecast = vec![0usize; FORECAST_DAYS];
        for item in items {
            let schedule = states.get(item.key.as_str()).copied().flatten();
            let schedule = schedule.as_ref();
            let held = holds.get(&item.key).map(|h| h != Hold::Buried);
            // Groups in first-seen (roadmap) order.
            for (groups, index, id) in [
                (&mut sections, &mut section_index, item.section),
                (&mut decks, &mut deck_index, item.deck),
            ] {
                let i = *index.entry(id).or_insert_with(|| {
                    groups.push(Group::new(id));
                    groups.len() - 1
                });
                groups[i].add(schedule, held, today);
            }
            total.add(schedule, held, today);
            if let Some(s) = schedule.filter(|_| held != Some(true)) {
                let ahead = (s.due - today).num_days().max(0);
                if let Some(slot) = usize::try_from(ahead).ok().and_then(|d| forecast.get_mut(d)) {
                    *slot += 1;
                }
            }
        }
        let forecast = forecast
            .into_iter()
            .enumerate()
            .map(|(i, count)| Day {
                date: today + Days::new(i as u64),
                count,
            })
            .collect();
        let (streak, longest_streak) = streaks(&per_day, today);
        let first_week = week_start(today) - Days::new(7 * (HEATMAP_WEEKS as u64 - 1));
        let heatmap = first_week
            .iter_days()
            .take_while(|d| *d <= today)
            .map(|date| Day {
                date,
                count: per_day.get(&date).copied().unwrap_or(0),
            })
            .collect();
        Stats {
            today,
            total,
            sections,
            decks,
            forecast,
            heatmap,
            retention,
            streak,
            longest_streak,
            answers: answers_seen,
            study_days: per_day.len(),
        }
    }
}

impl Stats {
    /// The stats as text for a terminal of `width` columns (at least the 68 the table
    /// needs; the charts are no wider than that).
    pub fn draw(&self, out: &mut dyn Write) -> io::Result<()> {
        let t = &self.total;
        let days = if self.streak == 1 { "day" } else { "days" };
        writeln!(out, "recall stats · {}", self.today)?;
        writeln!(
            out,
            "Due today: {} · {} answer(s) on {} study day(s) · streak: {} {days} (longest {})",
            t.due, self.answers, self.study_days, self.streak, self.longest_streak
        )?;
        let r = &self.retention;
        writeln!(
            out,
            "Retention (graded 3 or more): mature cards: {}; young cards: {}",
            retention_text(r.mature_30_days, r.mature_all),
            retention_text(r.young_30_days, r.young_all)
        )?;
        // Built-in decks are one per section; the deck table is shown when it says more.
        let same = self.decks == self.sections;
        let tables: &[(&str, &Vec<Group>)] = if same {
            &[("section", &self.sections)]
        } else {
            &[("section", &self.sections), ("deck", &self.decks)]
        };
        for &(title, groups) in tables {
            writeln!(out)?;
            writeln!(
                out,
                "{:<16} {:>6} {:>5} {:>6} {:>6} {:>6} {:>5} {:>5} {:>6}",
                format!("By {title}"),
                // A reversible card is studied both ways, a cloze card once per
                // deletion: these count what is studied, its sides.
                "sides",
                "new",
                "learn",
                "young",
                "mature",
                "susp",
                "due",
                "ready"
            )?;
            for g in groups.iter().chain(std::iter::once(t)) {
                let id = crate::render::escape_controls(&g.id);
                writeln!(
                    out,
                    "{:<16} {:>6} {:>5} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5}%",
                    truncate(&id, 16),
                    g.cards,
                    g.new,
                    g.learning,
                    g.young,
                    g.mature,
                    g.suspended,
                    g.due,
                    g.readiness
                )?;
            }
        }
        writeln!(out)?;
        self.draw_forecast(out)?;
        writeln!(out)?;
        self.draw_heatmap(out)
    }

    fn draw_forecast(&self, out: &mut dyn Write) -> io::Result<()> {
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let max = self.forecast.iter().map(|d| d.count).max().unwrap_or(0);
        writeln!(
            out,
            "Due in the next {FORECAST_DAYS} days (today includes overdue; most in a day: {max})"
        )?;
        let bars: String = self
            .forecast
            .iter()
            .map(|d| match d.count {
                0 => ' ',
                n => BARS[(n * BARS.len()).div_ceil(max.max(1)).clamp(1, BARS.len()) - 1],
            })
            .collect();
        writeln!(out, "  {bars}")?;
        writeln!(out, "  today  +7     +14    +21    +28")
    }

    fn draw_heatmap(&self, out: &mut dyn Write) -> io::Result<()> {
        const SHADES: [char; 4] = ['░', '▒', '▓', '█'];
        let max = self.heatmap.iter().map(|d| d.count).max().unwrap_or(0);
        writeln!(
            out,
            "Answers in the last {HEATMAP_WEEKS} weeks (· none, ░▒▓█ up to {max} a day)"
        )?;
        let Some(first) = self.heatmap.first().map(|d| d.date) else {
            return Ok(());
        };
        let weeks = self.heatmap.len().div_ceil(7);
        // Month names above the week where each month starts.
        let mut months = vec![' '; weeks * 2 + 2];
        let mut last_month = None;
        for (week, chunk) in self.heatmap.chunks(7).enumerate() {
            let month = chunk[0].date.month();
            if last_month != Some(month) && week * 2 + 3 <= months.len() {
                let name = chunk[0].date.format("%b").to_string();
                for (i, c) in name.chars().enumerate() {
                    if let Some(slot) = months.get_mut(week * 2 + i) {
                        *slot = c;
                    }
                }
                last_month = Some(month);
            }
        }
        writeln!(out, "     {}", months.iter().collect::<String>().trim_end())?;
        for weekday in 0..7 {
            let label = (first + Days::new(weekday)).format("%a").to_string();
            let mut row = String::new();
            for week in 0..weeks {
                let cell = match self.heatmap.get(week * 7 + weekday as usize) {
                    None => ' ',
                    Some(d) if d.count == 0 => '·',
                    Some(d) => SHADES[(d.count * SHADES.len()).div_ceil(max.max(1)).clamp(1, SHADES.len()) - 1],
                };
                row.push(cell);
                row.push(' ');
            }
            writeln!(out, "{label}  {}", row.trim_end())?;
        }
        Ok(())
    }
}

fn retention_text(recent: Retention, all: Retention) -> String {
    match (recent.percent(), all.percent()) {
        (_, None) => "no answers yet".to_string(),
        (Some(r), Some(a)) => format!(
            "{r}% over 30 days ({}/{}), {a}% in all ({}/{})",
            recent.passed, recent.answers, all.passed, all.answers
        ),
        (None, Some(a)) => format!("{a}% in all ({}/{}), none in 30 days", all.passed, all.answers),
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// The Monday of the week `day` is in.
fn week_start(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// The current streak (ending today, or yesterday while today has no answer yet) and
/// the longest, in study days with at least one answer.
fn streaks(per_day: &BTreeMap<NaiveDate, usize>, today: NaiveDate) -> (usize, usize) {
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<NaiveDate> = None;
    for &day in per_day.keys().filter(|d| **d <= today) {
        run = match previous {
            Some(p) if p.succ_opt() == Some(day) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(day);
    }
    let yesterday = today.pred_opt();
    let current = match previous {
        Some(p) if p == today || Some(p) == yesterday => run,
        _ => 0,
    };
    (current, longest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{Action, Mark};
    use crate::sm2::Grade;
    use chrono::DateTime;

    fn key(k: &str) -> CardKey {
        CardKey::parse(k).expect("key")
    }

    fn item(k: &'static str, section: &'static str) -> Item<'static> {
        Item {
            deck: k.split('/').next().unwrap_or(k),
            key: key(k),
            section,
        }
    }

    fn answer(day: &str, card: &str, grade: u8) -> crate::log::Record {
        crate::log::Record {
            at: DateTime::parse_from_rfc3339(&format!("{day}T09:00:00+00:00")).expect("time"),
            card: key(card),
            grade: Grade::new(grade).expect("grade"),
            answer_ms: 0,
            kind: crate::log::AnswerKind::Review,
        }
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    /// d/a: answered on days giving intervals 1, 6, 15, 39 (mature), then failed once
    /// when mature; d/b: one pass; d/c: new; e/x: suspended.
    fn example() -> Stats {
        let log = [
            answer("2026-09-01", "d/a", 4),
            answer("2026-09-02", "d/a", 4),
            answer("2026-09-08", "d/a", 5),
            answer("2026-09-23", "d/a", 4),
            answer("2026-11-01", "d/a", 2),
            answer("2026-11-22", "d/b", 5),
            answer("2026-11-23", "e/x", 5),
            answer("2026-11-24", "e/x", 1),
        ];
        let items = [
            item("d/a", "s1"),
            item("d/b", "s1"),
            item("d/c", "s1"),
            item("e/x", "s2"),
        ];
        let rollover = crate::sched::Rollover::DEFAULT;
        let today = date("2026-11-24");
        let holds = Holds::of(
            &[Mark {
                at: DateTime::parse_from_rfc3339("2026-11-24T10:00:00+00:00").expect("time"),
                card: key("e/x"),
                action: Action::Suspend,
            }],
            today,
            rollover,
        );
        // The log as text, read the way `recall stats` reads it.
        let text: String = log.iter().map(crate::log::Record::to_line).collect();
        Stats::build(&items, crate::log::answers(&text, rollover), &holds, today)
    }

    #[test]
    fn counts_split_by_interval_and_holds_leave_the_due_count() {
        let s = example();
        // d/a failed on 11-01: interval 1, due 11-02, overdue; d/b: interval 1 from
        // 11-22; e/x: failed today, suspended.
        assert_eq!(
            (
                s.total.cards,
                s.total.new,
                s.total.learning,
                s.total.young,
                s.total.mature
            ),
            (4, 1, 3, 0, 0)
        );
        assert_eq!((s.total.suspended, s.total.due), (1, 2));
        assert_eq!(
            s.sections.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
            ["s1", "s2"]
        );
        assert_eq!(s.sections[0].due, 2);
        // Overdue and tomorrow's cards are in the forecast; the suspended one is not.
        assert_eq!(
            s.forecast[0],
            Day {
                date: date("2026-11-24"),
                count: 2
            }
        );
        assert_eq!(s.forecast.iter().map(|d| d.count).sum::<usize>(), 2);
        assert_eq!(s.forecast.len(), FORECAST_DAYS);
    }

    #[test]
    fn retention_counts_answers_by_the_interval_they_were_given_at() {
        let s = example();
        // Young answers: the 3rd (interval 6) and 4th (interval 15), both passed.
        assert_eq!(s.retention.young_all, Retention { passed: 2, answers: 2 });
        assert_eq!(s.retention.young_30_days, Retention::default());
        // The mature answer (interval 39) on 11-01 failed, within the last 30 days.
        assert_eq!(s.retention.mature_all, Retention { passed: 0, answers: 1 });
        assert_eq!(s.retention.mature_30_days, Retention { passed: 0, answers: 1 });
        assert_eq!(s.retention.mature_all.percent(), Some(0));
        assert_eq!(Retention::default().percent(), None);
    }

    #[test]
    fn streaks_and_heatmap_count_study_days() {
        let s = example();
        assert_eq!((s.streak, s.longest_streak, s.study_days, s.answers), (3, 3, 8, 8));
        assert_eq!(s.heatmap.first().map(|d| d.date.weekday()), Some(chrono::Weekday::Mon));
        assert_eq!(
            s.heatmap.last(),
            Some(&Day {
                date: date("2026-11-24"),
                count: 1
            })
        );
        assert_eq!(s.heatmap.len(), 7 * (HEATMAP_WEEKS - 1) + 2);
        let mut days = BTreeMap::new();
        days.insert(date("2026-11-20"), 1);
        days.insert(date("2026-11-21"), 1);
        days.insert(date("2026-11-23"), 4);
        // Today has no answer yet: the streak still runs to yesterday.
        assert_eq!(streaks(&days, date("2026-11-24")), (1, 2));
        assert_eq!(streaks(&days, date("2026-11-25")), (0, 2));
    }

    #[test]
    fn readiness_is_the_estimated_recall_today() {
        let s = example();
        // d/a: 22 days into a 1-day interval, 0.9^22; d/b: 0.9^2; d/c new: 0.
        let expected = (0.9f64.powi(22) + 0.9f64.powi(2)) / 3.0 * 100.0;
        assert_eq!(s.sections[0].readiness, expected.round() as u32);
        // e/x was answered today: full marks, suspended or not.
        assert_eq!(s.sections[1].readiness, 100);
    }

    #[test]
    fn the_drawing_has_every_part() {
        let mut out = Vec::new();
        example().draw(&mut out).expect("draw");
        let text = String::from_utf8(out).expect("utf-8");
        for part in [
            "Due today: 2 · 8 answer(s) on 8 study day(s) · streak: 3 days (longest 3)",
            "mature cards: 0% over 30 days (0/1), 0% in all (0/1); young cards: 100% in all (2/2), none in 30 days",
            "By section",
            "By deck",
            "Due in the next 30 days",
            "Answers in the last 26 weeks",
            "Tue  ",
        ] {
            assert!(text.contains(part), "{part:?} missing from:\n{text}");
        }
    }
}
