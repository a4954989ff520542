//! From the review log to today's work: replay and the day's queue.
//!
//! Two pure steps. [`replay`] runs every scheduling answer of the log through SM-2 and
//! dates the results with study days. [`DayQueue::build`] picks what to study today:
//! due cards first (most overdue first), then new cards in roadmap order, within the
//! daily limits, and the re-drills still pending from earlier today.

use std::collections::HashMap;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeDelta};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use crate::deck::CardKey;
use crate::log::{Action, AnswerKind, Mark, Record};
use crate::sm2::{Grade, Sm2};

/// The hour at which a new study day begins, 0–23 (default 4, so a late-night session
/// counts for the day it belongs to).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rollover(u32);

impl Rollover {
    pub const DEFAULT: Rollover = Rollover(4);

    pub fn new(hour: u32) -> Option<Rollover> {
        (hour < 24).then_some(Rollover(hour))
    }

    pub fn hour(self) -> u32 {
        self.0
    }

    /// The study day a moment belongs to, in the moment's own UTC offset: the calendar
    /// date of `at − rollover hours`. Using the offset recorded with each answer keeps
    /// replay independent of the machine's time zone.
    pub fn study_day(self, at: DateTime<FixedOffset>) -> NaiveDate {
        (at.naive_local() - TimeDelta::hours(i64::from(self.0))).date()
    }
}

impl Default for Rollover {
    fn default() -> Self {
        Rollover::DEFAULT
    }
}

/// A card's schedule: SM-2's state plus the dates it implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardSchedule {
    pub sm2: Sm2,
    /// The study day of the last scheduling answer.
    pub last_day: NaiveDate,
    /// `last_day` + the interval.
    pub due: NaiveDate,
    /// The study day of the first answer ever.
    pub first_day: NaiveDate,
}

impl CardSchedule {
    /// The schedule after a scheduling answer on study day `day` (`None`: a new card).
    pub fn answer(previous: Option<CardSchedule>, grade: Grade, day: NaiveDate) -> CardSchedule {
        let sm2 = previous.map_or(Sm2::NEW, |s| s.sm2).answer(grade);
        CardSchedule {
            sm2,
            last_day: day,
            due: day
                .checked_add_days(Days::new(u64::from(sm2.interval)))
                .unwrap_or(NaiveDate::MAX),
            first_day: previous.map_or(day, |s| s.first_day),
        }
    }
}

/// Where a card stands in learning. A card is mature once its interval reaches 21
/// days, the line Anki and most SRS statistics draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Maturity {
    New,
    Learning,
    Mature,
}

impl Maturity {
    pub const MATURE_DAYS: u32 = 21;

    pub fn of(schedule: Option<&CardSchedule>) -> Maturity {
        match schedule {
            None => Maturity::New,
            Some(s) if s.sm2.interval >= Self::MATURE_DAYS => Maturity::Mature,
            Some(_) => Maturity::Learning,
        }
    }
}

/// Every card's schedule by key. Keys are hashed with FxHash (rustc-hash): tens of
/// thousands of short keys are looked up at each start, where std's DoS-resistant
/// SipHash costs several times as much and guards against nothing (the keys come
/// from the learner's own files).
pub type Schedules = HashMap<CardKey, CardSchedule, rustc_hash::FxBuildHasher>;

/// Every card's schedule, replayed from the log. Re-drill answers change nothing.
pub fn replay<'a>(records: impl IntoIterator<Item = &'a Record>, rollover: Rollover) -> Schedules {
    let mut schedules = Schedules::default();
    for record in records {
        if record.kind != AnswerKind::Review {
            continue;
        }
        let day = rollover.study_day(record.at);
        match schedules.get_mut(&record.card) {
            Some(schedule) => *schedule = CardSchedule::answer(Some(*schedule), record.grade, day),
            None => {
                schedules.insert(record.card.clone(), CardSchedule::answer(None, record.grade, day));
            }
        }
    }
    schedules
}

/// A card failed this many times is a leech: it is flagged and suspended, since more
/// repetitions of a card that does not stick cost time better spent rewriting it.
pub const LEECH_LAPSES: u32 = 8;

/// Whether a scheduling answer that brought a card to `lapses` failures suspends it
/// as a leech: at the threshold and, for a card brought back, every half threshold
/// after it (8, 12, 16, …), as Anki does.
pub fn suspends_as_leech(lapses: u32) -> bool {
    lapses >= LEECH_LAPSES && (lapses - LEECH_LAPSES).is_multiple_of(LEECH_LAPSES / 2)
}

/// The leech mark a scheduling answer calls for: when it moved `key` from `previous`
/// to `next` by a failure that [`suspends_as_leech`].
pub fn leech_mark(
    key: &CardKey,
    previous: Option<&CardSchedule>,
    next: &CardSchedule,
    at: DateTime<FixedOffset>,
) -> Option<Mark> {
    let failed = next.sm2.lapses > previous.map_or(0, |p| p.sm2.lapses);
    (failed && suspends_as_leech(next.sm2.lapses)).then(|| Mark {
        at,
        card: key.clone(),
        action: Action::Leech,
    })
}

/// Why a card is out of the reviews.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    Buried,
    Suspended,
    /// Suspended by recall as a leech.
    Leech,
}

impl Hold {
    pub fn as_str(self) -> &'static str {
        match self {
            Hold::Buried => "buried",
            Hold::Suspended => "suspended",
            Hold::Leech => "leech",
        }
    }
}

/// The cards the marks of the log keep out of a study day's reviews.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holds(HashMap<CardKey, Hold, rustc_hash::FxBuildHasher>);

impl Holds {
    /// Suspensions stand until an unsuspend; a bury lasts for the study day it was made.
    pub fn of(marks: &[Mark], today: NaiveDate, rollover: Rollover) -> Holds {
        let mut holds = HashMap::default();
        for mark in marks {
            match mark.action {
                Action::Suspend => {
                    holds.insert(mark.card.clone(), Hold::Suspended);
                }
                Action::Leech => {
                    holds.insert(mark.card.clone(), Hold::Leech);
                }
                Action::Unsuspend => {
                    holds.remove(&mark.card);
                }
                Action::Bury if rollover.study_day(mark.at) == today => {
                    holds.entry(mark.card.clone()).or_insert(Hold::Buried);
                }
                Action::Bury => {}
            }
        }
        Holds(holds)
    }

    pub fn get(&self, key: &CardKey) -> Option<Hold> {
        self.0.get(key).copied()
    }

    pub fn contains(&self, key: &CardKey) -> bool {
        self.0.contains_key(key)
    }

    /// Suspended cards (leeches included), not the ones only buried for the day.
    pub fn suspended(&self) -> impl Iterator<Item = (&CardKey, Hold)> {
        self.0.iter().filter(|(_, h)| **h != Hold::Buried).map(|(k, h)| (k, *h))
    }
}

/// What the log says about one study day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayLog {
    /// Cards first answered that day (counted against the new-card limit).
    pub new_seen: usize,
    /// Scheduling answers that day to cards seen before (counted against the review limit).
    pub reviewed: usize,
    /// Cards whose last answer that day was below 4: still to re-drill (SM-2 step 7).
    pub pending_redrill: Vec<CardKey>,
    /// Every card answered that day.
    pub answered: Vec<CardKey>,
    /// New cards and reviews that day per deck, for the per-deck limits.
    pub per_deck: HashMap<String, (usize, usize)>,
}

impl DayLog {
    pub fn of(records: &[Record], day: NaiveDate, rollover: Rollover, schedules: &Schedules) -> DayLog {
        let mut log = DayLog::default();
        let mut last_grade: Vec<(CardKey, Grade)> = Vec::new();
        let mut index: HashMap<&CardKey, usize> = HashMap::new();
        // The log is in time order, so the day's records are at its end.
        let start = records
            .iter()
            .rposition(|r| rollover.study_day(r.at) < day)
            .map_or(0, |i| i + 1);
        for record in &records[start..] {
            if rollover.study_day(record.at) != day {
                continue;
            }
            if record.kind == AnswerKind::Review {
                let first_today = schedules.get(&record.card).is_some_and(|s| s.first_day == day);
                let deck = match log.per_deck.get_mut(record.card.deck()) {
                    Some(counts) => counts,
                    None => log.per_deck.entry(record.card.deck().to_string()).or_default(),
                };
                if first_today {
                    log.new_seen += 1;
                    deck.0 += 1;
                } else {
                    log.reviewed += 1;
                    deck.1 += 1;
                }
            }
            match index.get(&record.card) {
                Some(&i) => last_grade[i].1 = record.grade,
                None => {
                    index.insert(&record.card, last_grade.len());
                    last_grade.push((record.card.clone(), record.grade));
                }
            }
        }
        log.answered = last_grade.iter().map(|(k, _)| k.clone()).collect();
        log.pending_redrill = last_grade
            .into_iter()
            .filter(|(_, g)| g.needs_redrill())
            .map(|(k, _)| k)
            .collect();
        log
    }
}

/// How many cards a day may bring: in all, and from any one deck given a limit of
/// its own (a deck's limit only ever narrows the overall one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub new_per_day: usize,
    pub reviews_per_day: usize,
    pub per_deck: HashMap<String, DeckLimits>,
}

/// One deck's own daily limits; a limit left out is the overall one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeckLimits {
    #[serde(default)]
    pub new_per_day: Option<usize>,
    #[serde(default)]
    pub reviews_per_day: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            new_per_day: 20,
            reviews_per_day: 200,
            per_deck: HashMap::new(),
        }
    }
}

/// Room left today under the per-deck limits, counted down as cards are queued.
struct DeckRoom<'a> {
    limits: &'a HashMap<String, DeckLimits>,
    used: HashMap<String, (usize, usize)>,
}

impl<'a> DeckRoom<'a> {
    fn new(limits: &'a Limits, day_log: &'a DayLog) -> DeckRoom<'a> {
        let used = day_log
            .per_deck
            .iter()
            .filter(|(deck, _)| limits.per_deck.contains_key(*deck))
            .map(|(deck, &counts)| (deck.clone(), counts))
            .collect();
        DeckRoom {
            limits: &limits.per_deck,
            used,
        }
    }

    /// Takes one new card (`new`) or review from `deck`'s room, if there is any.
    fn take(&mut self, deck: &str, new: bool) -> bool {
        let Some(limits) = self.limits.get(deck) else {
            return true;
        };
        let used = self.used.entry(deck.to_string()).or_default();
        let (count, limit) = if new {
            (&mut used.0, limits.new_per_day)
        } else {
            (&mut used.1, limits.reviews_per_day)
        };
        if limit.is_some_and(|l| *count >= l) {
            return false;
        }
        *count += 1;
        true
    }
}

/// Today's work, in the order it is shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayQueue {
    pub due: Vec<CardKey>,
    pub new: Vec<CardKey>,
    pub redrill: Vec<CardKey>,
}

impl DayQueue {
    /// Builds the queue for study day `today`.
    ///
    /// `cards` are the cards in scope in roadmap order. Due cards come most overdue
    /// first; cards due the same day are shuffled by `seed`, which breaks no order that
    /// matters and keeps one deck from always coming first. New cards keep roadmap order.
    pub fn build(
        cards: &[CardKey],
        schedules: &Schedules,
        day_log: &DayLog,
        today: NaiveDate,
        limits: &Limits,
        seed: u64,
    ) -> DayQueue {
        let in_scope: rustc_hash::FxHashSet<&CardKey> = cards.iter().collect();
        let redrill: Vec<CardKey> = day_log
            .pending_redrill
            .iter()
            .filter(|k| in_scope.contains(k))
            .cloned()
            .collect();
        let due: Vec<(NaiveDate, &CardKey)> = cards
            .iter()
            .filter_map(|key| {
                let s = schedules.get(key)?;
                (s.due <= today && s.last_day < today).then_some((s.due, key))
            })
            .collect();
        // Cards due the same day in a seeded shuffle: the shuffle permutes positions,
        // and (date, shuffled position) is a total order, so one integer sort gives
        // what a stable sort by date after shuffling the cards would.
        let mut shuffled: Vec<usize> = (0..due.len()).collect();
        shuffled.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        let mut order: Vec<(i32, usize)> = shuffled
            .iter()
            .enumerate()
            .map(|(place, &i)| (due[i].0.to_epoch_days(), place))
            .collect();
        order.sort_unstable();
        let due_room = limits.reviews_per_day.saturating_sub(day_log.reviewed);
        let new_room = limits.new_per_day.saturating_sub(day_log.new_seen);
        let mut room = DeckRoom::new(limits, day_log);
        let due: Vec<CardKey> = order
            .into_iter()
            .map(|(_, place)| due[shuffled[place]].1)
            .filter(|k| room.take(k.deck(), false))
            .take(due_room)
            .cloned()
            .collect();
        // Siblings (the two sides of a reversible card, a cloze card's deletions) would
        // give each other away if seen on the same day, so a new sibling waits for a
        // day when no other side of its card is studied.
        let mut busy: rustc_hash::FxHashSet<(&str, &str)> =
            due.iter().chain(&redrill).map(|k| (k.deck(), k.card())).collect();
        for key in &day_log.answered {
            busy.insert((key.deck(), key.card()));
        }
        let mut new = Vec::new();
        for key in cards.iter().filter(|k| !schedules.contains_key(*k)) {
            if new.len() >= new_room {
                break;
            }
            if !busy.contains(&(key.deck(), key.card())) && room.take(key.deck(), true) {
                busy.insert((key.deck(), key.card()));
                new.push(key.clone());
            }
        }
        DayQueue { due, new, redrill }
    }

    pub fn len(&self) -> usize {
        self.due.len() + self.new.len() + self.redrill.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::AnswerKind;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("time")
    }

    fn key(k: &str) -> CardKey {
        CardKey::parse(k).expect("key")
    }

    fn rec(time: &str, card: &str, grade: u8, kind: AnswerKind) -> Record {
        Record {
            at: at(time),
            card: key(card),
            grade: Grade::new(grade).expect("grade"),
            answer_ms: 0,
            kind,
        }
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn the_study_day_rolls_over_at_the_hour_in_the_records_offset() {
        let r = Rollover::DEFAULT;
        assert_eq!(r.study_day(at("2026-11-24T03:59:00+01:00")), date("2026-11-23"));
        assert_eq!(r.study_day(at("2026-11-24T04:00:00+01:00")), date("2026-11-24"));
        assert_eq!(r.study_day(at("2026-11-24T02:00:00-08:00")), date("2026-11-23"));
    }

    #[test]
    fn replay_dates_intervals_from_the_answer_day_and_ignores_redrills() {
        let log = [
            rec("2026-11-01T09:00:00+00:00", "d/a", 4, AnswerKind::Review),
            rec("2026-11-02T09:00:00+00:00", "d/a", 4, AnswerKind::Review),
            rec("2026-11-08T09:00:00+00:00", "d/a", 2, AnswerKind::Review),
            rec("2026-11-08T09:05:00+00:00", "d/a", 5, AnswerKind::Redrill),
        ];
        let s = replay(&log, Rollover::DEFAULT)[&key("d/a")];
        assert_eq!(s.sm2.interval, 1);
        assert_eq!(s.sm2.ease.to_string(), "2.18");
        assert_eq!(s.due, date("2026-11-09"));
        assert_eq!(s.first_day, date("2026-11-01"));
    }

    fn mark(time: &str, card: &str, action: Action) -> Mark {
        Mark {
            at: at(time),
            card: key(card),
            action,
        }
    }

    #[test]
    fn leeches_are_suspended_at_eight_failures_and_every_four_after() {
        let at: Vec<u32> = (0..=20).filter(|&n| suspends_as_leech(n)).collect();
        assert_eq!(at, [8, 12, 16, 20]);
    }

    #[test]
    fn suspensions_last_until_unsuspended_and_a_bury_for_its_day() {
        let marks = [
            mark("2026-11-03T09:00:00+00:00", "d/a", Action::Suspend),
            mark("2026-11-03T09:00:00+00:00", "d/b", Action::Leech),
            mark("2026-11-04T09:00:00+00:00", "d/b", Action::Unsuspend),
            mark("2026-11-04T10:00:00+00:00", "d/c", Action::Bury),
            mark("2026-11-05T03:00:00+00:00", "d/d", Action::Bury),
            mark("2026-11-05T03:30:00+00:00", "d/a", Action::Bury),
        ];
        let today = Holds::of(&marks, date("2026-11-04"), Rollover::DEFAULT);
        assert_eq!(today.get(&key("d/a")), Some(Hold::Suspended));
        assert_eq!(today.get(&key("d/b")), None);
        assert_eq!(today.get(&key("d/c")), Some(Hold::Buried));
        // 03:00 is still the 4th's study day with the rollover at 04:00.
        assert_eq!(today.get(&key("d/d")), Some(Hold::Buried));
        assert_eq!(today.suspended().count(), 1);
        let tomorrow = Holds::of(&marks, date("2026-11-05"), Rollover::DEFAULT);
        assert_eq!(tomorrow.get(&key("d/c")), None);
        assert_eq!(tomorrow.get(&key("d/a")), Some(Hold::Suspended));
        let leech = Holds::of(&marks[..2], date("2026-11-04"), Rollover::DEFAULT);
        assert_eq!(leech.get(&key("d/b")), Some(Hold::Leech));
    }

    #[test]
    fn the_day_log_counts_new_and_reviews_and_finds_pending_redrills() {
        let log = [
            rec("2026-11-01T09:00:00+00:00", "d/a", 5, AnswerKind::Review),
            rec("2026-11-02T09:00:00+00:00", "d/a", 3, AnswerKind::Review),
            rec("2026-11-02T09:01:00+00:00", "d/b", 1, AnswerKind::Review),
            rec("2026-11-02T09:02:00+00:00", "d/a", 4, AnswerKind::Redrill),
        ];
        let schedules = replay(&log, Rollover::DEFAULT);
        let day = DayLog::of(&log, date("2026-11-02"), Rollover::DEFAULT, &schedules);
        assert_eq!(
            day,
            DayLog {
                new_seen: 1,
                reviewed: 1,
                pending_redrill: vec![key("d/b")],
                answered: vec![key("d/a"), key("d/b")],
                per_deck: HashMap::from([("d".to_string(), (1, 1))]),
            }
        );
    }

    #[test]
    fn new_siblings_wait_for_a_day_without_their_other_sides() {
        let cards: Vec<CardKey> = ["d/r", "d/r:rev", "d/c:c1", "d/c:c2", "d/b"].map(key).to_vec();
        let day = date("2026-11-04");
        let q = DayQueue::build(
            &cards,
            &Schedules::default(),
            &DayLog::default(),
            day,
            &Limits::default(),
            1,
        );
        assert_eq!(q.new, [key("d/r"), key("d/c:c1"), key("d/b")]);
        let log = [rec("2026-11-04T09:00:00+00:00", "d/r", 5, AnswerKind::Review)];
        let schedules = replay(&log, Rollover::DEFAULT);
        let today = DayLog::of(&log, day, Rollover::DEFAULT, &schedules);
        let q = DayQueue::build(&cards, &schedules, &today, day, &Limits::default(), 1);
        assert_eq!(q.new, [key("d/c:c1"), key("d/b")]);
        let next = date("2026-11-05");
        let q = DayQueue::build(&cards, &schedules, &DayLog::default(), next, &Limits::default(), 1);
        assert_eq!(q.due, [key("d/r")]);
        assert_eq!(q.new, [key("d/c:c1"), key("d/b")]);
    }

    #[test]
    fn a_deck_limit_narrows_its_deck_and_counts_what_it_did_today() {
        let log = [
            rec("2026-11-01T09:00:00+00:00", "a/1", 4, AnswerKind::Review),
            rec("2026-11-01T09:00:00+00:00", "a/2", 4, AnswerKind::Review),
            rec("2026-11-01T09:00:00+00:00", "b/1", 4, AnswerKind::Review),
            rec("2026-11-02T09:00:00+00:00", "a/3", 4, AnswerKind::Review),
        ];
        let schedules = replay(&log, Rollover::DEFAULT);
        let cards: Vec<CardKey> = ["a/1", "a/2", "a/3", "a/4", "a/5", "b/1", "b/2", "b/3"]
            .map(key)
            .to_vec();
        let today = date("2026-11-02");
        let day = DayLog::of(&log, today, Rollover::DEFAULT, &schedules);
        let limits = Limits {
            new_per_day: 3,
            per_deck: HashMap::from([(
                "a".to_string(),
                DeckLimits {
                    new_per_day: Some(2),
                    reviews_per_day: Some(1),
                },
            )]),
            ..Limits::default()
        };
        let q = DayQueue::build(&cards, &schedules, &day, today, &limits, 3);
        // Deck a: one review of two due; one new (a/3 was its first today). Deck b
        // fills the overall room of three new cards less the one seen.
        assert_eq!(q.due.len(), 2);
        assert_eq!(q.due.iter().filter(|k| k.deck() == "a").count(), 1);
        assert_eq!(q.new, [key("a/4"), key("b/2")]);
    }

    #[test]
    fn queue_puts_most_overdue_first_then_new_in_order_within_limits() {
        let log = [
            rec("2026-11-01T09:00:00+00:00", "d/late", 4, AnswerKind::Review),
            rec("2026-11-03T09:00:00+00:00", "d/soon", 4, AnswerKind::Review),
            rec("2026-11-03T09:00:00+00:00", "d/later", 5, AnswerKind::Review),
        ];
        let schedules = replay(&log, Rollover::DEFAULT);
        let cards: Vec<CardKey> = ["d/n1", "d/soon", "d/n2", "d/late", "d/n3", "d/later"]
            .map(key)
            .to_vec();
        let today = date("2026-11-04");
        let limits = Limits {
            new_per_day: 2,
            reviews_per_day: 200,
            ..Limits::default()
        };
        let q = DayQueue::build(&cards, &schedules, &DayLog::default(), today, &limits, 7);
        assert_eq!(q.due, [key("d/late"), key("d/soon"), key("d/later")]);
        assert_eq!(q.new, [key("d/n1"), key("d/n2")]);
        let used = DayLog {
            new_seen: 1,
            reviewed: 2,
            ..DayLog::default()
        };
        let q = DayQueue::build(&cards, &schedules, &used, today, &limits, 7);
        assert_eq!((q.due.len(), q.new.len()), (3, 1));
        let q = DayQueue::build(
            &cards,
            &schedules,
            &used,
            today,
            &Limits {
                new_per_day: 2,
                reviews_per_day: 3,
                ..Limits::default()
            },
            7,
        );
        assert_eq!((q.due.len(), q.new.len()), (1, 1));
    }
}
