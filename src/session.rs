//! What happens when a learner answers: the rules of one review session.
//!
//! Pure: the caller passes the time of each answer and writes the records this module
//! returns. The first answer of the study day to a card moves its schedule (SM-2); a
//! card graded below 4 comes back at the end of the session until it scores at least
//! 4 (SM-2 step 7), and those repeats are logged as re-drills that change nothing.
//! A card failed [`crate::sched::LEECH_LAPSES`] times leaves the session suspended as
//! a leech; a learner may also bury a card (until tomorrow) or suspend it. Undo takes
//! back exactly the last step.

use std::collections::VecDeque;

use chrono::{DateTime, FixedOffset};

use crate::deck::CardKey;
use crate::log::{Action, AnswerKind, Mark, Record};
use crate::sched::{CardSchedule, DayQueue, Rollover, leech_mark};
use crate::sm2::Grade;

/// Why a card is in the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Due,
    New,
    Redrill,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Due => "review",
            Phase::New => "new",
            Phase::Redrill => "re-drill",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    key: CardKey,
    phase: Phase,
}

/// The result of one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    /// To be appended to the review log before the next card is shown.
    pub record: Record,
    /// The card's new schedule, when the answer moved it.
    pub schedule: Option<CardSchedule>,
    /// Whether the card comes back later in this session.
    pub redrill: bool,
    /// The leech mark to append after the record, when this failure made the card a
    /// leech: it leaves the session suspended.
    pub leech: Option<Mark>,
}

#[derive(Clone, Debug)]
enum Step {
    Answer {
        entry: Entry,
        previous: Option<CardSchedule>,
        requeued: bool,
        record: Record,
    },
    Skip {
        entry: Entry,
    },
    Mark {
        entry: Entry,
        mark: Mark,
    },
}

/// What an undo took back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undone {
    /// An answer: its record must be removed from the log.
    Answer(Record),
    Skip(CardKey),
    /// A bury or suspension: its mark must be removed from the log.
    Mark(Mark),
}

/// What a grade would do to a card, shown before the learner grades.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The interval in days it would schedule; `None` for a re-drill.
    pub interval: Option<u32>,
    /// Whether the card would come back later in this session.
    pub again_today: bool,
}

/// Counts shown in the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Remaining {
    pub due: usize,
    pub new: usize,
    pub redrill: usize,
}

impl Remaining {
    pub fn total(self) -> usize {
        self.due + self.new + self.redrill
    }
}

#[derive(Debug)]
pub struct Session {
    queue: VecDeque<Entry>,
    redrill: VecDeque<Entry>,
    schedules: crate::sched::Schedules,
    rollover: Rollover,
    steps: Vec<Step>,
}

impl Session {
    /// A session over `queue`; `schedules` holds the current schedule of every card
    /// that has one (cards missing from it are new).
    pub fn new(queue: DayQueue, schedules: crate::sched::Schedules, rollover: Rollover) -> Session {
        let entries = |keys: Vec<CardKey>, phase| keys.into_iter().map(move |key| Entry { key, phase });
        Session {
            queue: entries(queue.due, Phase::Due)
                .chain(entries(queue.new, Phase::New))
                .collect(),
            redrill: entries(queue.redrill, Phase::Redrill).collect(),
            schedules,
            rollover,
            steps: Vec::new(),
        }
    }

    fn front(&self) -> Option<&Entry> {
        self.queue.front().or_else(|| self.redrill.front())
    }

    fn pop(&mut self) -> Option<Entry> {
        self.queue.pop_front().or_else(|| self.redrill.pop_front())
    }

    /// The card to show now, and why it is here.
    pub fn current(&self) -> Option<(&CardKey, Phase)> {
        self.front().map(|e| (&e.key, e.phase))
    }

    pub fn schedule(&self, key: &CardKey) -> Option<CardSchedule> {
        self.schedules.get(key).copied()
    }

    pub fn remaining(&self) -> Remaining {
        let mut r = Remaining::default();
        for e in self.queue.iter().chain(self.redrill.iter()) {
            match e.phase {
                Phase::Due => r.due += 1,
                Phase::New => r.new += 1,
                Phase::Redrill => r.redrill += 1,
            }
        }
        r
    }

    /// What each grade (0 to 5) would do to the current card if given at `at`: the
    /// interval it would schedule (none for a re-drill, which schedules nothing) and
    /// whether the card would come back in this session. `None` when the session is
    /// over.
    pub fn preview(&self, at: DateTime<FixedOffset>) -> Option<[Outcome; 6]> {
        let entry = self.front()?;
        let previous = self.schedules.get(&entry.key).copied();
        let day = self.rollover.study_day(at);
        Some(std::array::from_fn(|g| {
            let grade = Grade::new(g as u8).unwrap_or(Grade::PERFECT);
            let interval =
                (entry.phase != Phase::Redrill).then(|| CardSchedule::answer(previous, grade, day).sm2.interval);
            Outcome {
                interval,
                again_today: grade.needs_redrill(),
            }
        }))
    }

    pub fn is_done(&self) -> bool {
        self.front().is_none()
    }

    /// Answers the current card with `grade` at time `at`, taking `answer_ms`.
    /// `None` when the session is over.
    pub fn answer(&mut self, grade: Grade, at: DateTime<FixedOffset>, answer_ms: u32) -> Option<Answered> {
        let entry = self.pop()?;
        let previous = self.schedules.get(&entry.key).copied();
        let day = self.rollover.study_day(at);
        // Only the day's first answer schedules. A card from the main queue was not
        // answered yet today (the queue excludes those); a re-drill always was.
        let schedule = (entry.phase != Phase::Redrill).then(|| CardSchedule::answer(previous, grade, day));
        if let Some(s) = schedule {
            self.schedules.insert(entry.key.clone(), s);
        }
        let leech = schedule.and_then(|s| leech_mark(&entry.key, previous.as_ref(), &s, at));
        let requeued = grade.needs_redrill() && leech.is_none();
        if requeued {
            self.redrill.push_back(Entry {
                key: entry.key.clone(),
                phase: Phase::Redrill,
            });
        }
        let record = Record {
            at,
            card: entry.key.clone(),
            grade,
            answer_ms,
            kind: if schedule.is_some() {
                AnswerKind::Review
            } else {
                AnswerKind::Redrill
            },
        };
        self.steps.push(Step::Answer {
            entry,
            previous,
            requeued,
            record: record.clone(),
        });
        Some(Answered {
            record,
            schedule,
            redrill: requeued,
            leech,
        })
    }

    /// Buries the current card until the next study day. Returns the mark to log.
    pub fn bury(&mut self, at: DateTime<FixedOffset>) -> Option<Mark> {
        self.mark(at, Action::Bury)
    }

    /// Suspends the current card. Returns the mark to log.
    pub fn suspend(&mut self, at: DateTime<FixedOffset>) -> Option<Mark> {
        self.mark(at, Action::Suspend)
    }

    fn mark(&mut self, at: DateTime<FixedOffset>, action: Action) -> Option<Mark> {
        let entry = self.pop()?;
        let mark = Mark {
            at,
            card: entry.key.clone(),
            action,
        };
        self.steps.push(Step::Mark {
            entry,
            mark: mark.clone(),
        });
        Some(mark)
    }

    /// Leaves the current card for another session. `None` when the session is over.
    pub fn skip(&mut self) -> Option<CardKey> {
        let entry = self.pop()?;
        let key = entry.key.clone();
        self.steps.push(Step::Skip { entry });
        Some(key)
    }

    /// Takes back the last answer or skip; the card becomes the current one again.
    pub fn undo(&mut self) -> Option<Undone> {
        let step = self.steps.pop()?;
        match step {
            Step::Answer {
                entry,
                previous,
                requeued,
                record,
            } => {
                if requeued {
                    self.redrill.pop_back();
                }
                match previous {
                    Some(s) => self.schedules.insert(entry.key.clone(), s),
                    None => self.schedules.remove(&entry.key),
                };
                self.push_front(entry);
                Some(Undone::Answer(record))
            }
            Step::Skip { entry } => {
                let key = entry.key.clone();
                self.push_front(entry);
                Some(Undone::Skip(key))
            }
            Step::Mark { entry, mark } => {
                self.push_front(entry);
                Some(Undone::Mark(mark))
            }
        }
    }

    fn push_front(&mut self, entry: Entry) {
        // A re-drill shown while the main queue was empty goes back to the re-drill
        // queue; everything else to the main queue.
        if entry.phase == Phase::Redrill && self.queue.is_empty() {
            self.redrill.push_front(entry);
        } else {
            self.queue.push_front(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> CardKey {
        CardKey::parse(k).expect("key")
    }

    fn g(v: u8) -> Grade {
        Grade::new(v).expect("grade")
    }

    fn at(minute: u32) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2026-11-24T09:{minute:02}:00+00:00")).expect("time")
    }

    fn session(new: &[&str]) -> Session {
        let queue = DayQueue {
            due: vec![],
            new: new.iter().map(|k| key(k)).collect(),
            redrill: vec![],
        };
        Session::new(queue, Default::default(), Rollover::DEFAULT)
    }

    #[test]
    fn low_grades_come_back_at_the_end_until_they_reach_four() {
        let mut s = session(&["d/a", "d/b"]);
        let a = s.answer(g(2), at(0), 10).expect("a");
        assert_eq!(a.record.kind, AnswerKind::Review);
        assert!(a.redrill);
        assert_eq!(a.schedule.map(|s| s.sm2.interval), Some(1));
        s.answer(g(5), at(1), 10).expect("b");
        assert_eq!(s.current(), Some((&key("d/a"), Phase::Redrill)));
        let again = s.answer(g(3), at(2), 10).expect("redrill");
        assert_eq!(
            (again.record.kind, again.schedule, again.redrill),
            (AnswerKind::Redrill, None, true)
        );
        let done = s.answer(g(4), at(3), 10).expect("redrill");
        assert!(!done.redrill);
        assert!(s.is_done());
        // The re-drills did not touch the schedule set by the first answer.
        assert_eq!(
            s.schedule(&key("d/a")).map(|s| s.sm2.ease.to_string()),
            Some("2.18".into())
        );
    }

    #[test]
    fn the_preview_is_what_each_grade_then_does() {
        let mut s = session(&["d/a", "d/b"]);
        let shown = s.preview(at(0)).expect("a card");
        let intervals: Vec<Option<u32>> = shown.iter().map(|o| o.interval).collect();
        assert_eq!(intervals, [Some(1); 6]);
        // Every grade, given for real, agrees with its preview.
        for grade in 0..=5u8 {
            let mut t = session(&["d/a"]);
            let done = t.answer(g(grade), at(0), 10).expect("answer");
            let outcome = shown[usize::from(grade)];
            assert_eq!(done.schedule.map(|s| s.sm2.interval), outcome.interval);
            assert_eq!(done.redrill, outcome.again_today);
        }
        // A re-drill schedules nothing, whatever the grade.
        s.answer(g(2), at(0), 10).expect("a");
        s.answer(g(5), at(1), 10).expect("b");
        let redrill = s.preview(at(2)).expect("re-drill");
        assert!(redrill.iter().all(|o| o.interval.is_none()));
        assert_eq!(redrill.map(|o| o.again_today), [true, true, true, true, false, false]);
    }

    #[test]
    fn undo_restores_the_exact_previous_state() {
        let mut s = session(&["d/a", "d/b"]);
        s.answer(g(1), at(0), 10).expect("a");
        let undone = s.undo().expect("undo");
        assert!(matches!(undone, Undone::Answer(r) if r.card == key("d/a")));
        assert_eq!(s.current(), Some((&key("d/a"), Phase::New)));
        assert_eq!(s.schedule(&key("d/a")), None);
        assert_eq!(
            s.remaining(),
            Remaining {
                due: 0,
                new: 2,
                redrill: 0
            }
        );
        s.skip();
        assert_eq!(s.current(), Some((&key("d/b"), Phase::New)));
        assert_eq!(s.undo(), Some(Undone::Skip(key("d/a"))));
        assert_eq!(s.current(), Some((&key("d/a"), Phase::New)));
        assert_eq!(s.undo(), None);
    }

    #[test]
    fn the_eighth_failure_suspends_a_leech_and_undo_brings_it_back() {
        let k = key("d/a");
        let mut schedule = None;
        for day in 1..=7 {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, day).expect("date");
            schedule = Some(CardSchedule::answer(schedule, g(1), day));
        }
        let queue = DayQueue {
            due: vec![k.clone(), key("d/b")],
            new: vec![],
            redrill: vec![],
        };
        let mut s = Session::new(
            queue,
            crate::sched::Schedules::from_iter([(k.clone(), schedule.expect("s"))]),
            Rollover::DEFAULT,
        );
        let done = s.answer(g(2), at(0), 10).expect("a");
        assert_eq!(done.schedule.map(|s| s.sm2.lapses), Some(8));
        assert_eq!(
            done.leech,
            Some(Mark {
                at: at(0),
                card: k.clone(),
                action: Action::Leech
            })
        );
        // Suspended, so not re-drilled.
        assert!(!done.redrill);
        assert_eq!(s.remaining().total(), 1);
        s.undo().expect("undo");
        assert_eq!(s.current(), Some((&k, Phase::Due)));
        // A pass on the eighth answer is no leech.
        let done = s.answer(g(4), at(1), 10).expect("a");
        assert_eq!(done.leech, None);
    }

    #[test]
    fn bury_and_suspend_take_the_card_out_and_undo_puts_it_back() {
        let mut s = session(&["d/a", "d/b"]);
        let mark = s.bury(at(0)).expect("bury");
        assert_eq!((mark.card.clone(), mark.action), (key("d/a"), Action::Bury));
        assert_eq!(s.current(), Some((&key("d/b"), Phase::New)));
        let mark = s.suspend(at(1)).expect("suspend");
        assert_eq!((mark.card.clone(), mark.action), (key("d/b"), Action::Suspend));
        assert!(s.is_done());
        assert!(matches!(s.undo(), Some(Undone::Mark(m)) if m.action == Action::Suspend));
        assert_eq!(s.current(), Some((&key("d/b"), Phase::New)));
        assert!(matches!(s.undo(), Some(Undone::Mark(m)) if m.action == Action::Bury));
        assert_eq!(s.current(), Some((&key("d/a"), Phase::New)));
    }

    #[test]
    fn undo_of_a_redrill_answer_keeps_it_a_redrill() {
        let mut s = session(&["d/a"]);
        s.answer(g(0), at(0), 10).expect("a");
        s.answer(g(5), at(1), 10).expect("redrill");
        assert!(s.is_done());
        s.undo().expect("undo");
        assert_eq!(s.current(), Some((&key("d/a"), Phase::Redrill)));
        assert_eq!(
            s.remaining(),
            Remaining {
                due: 0,
                new: 0,
                redrill: 1
            }
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::sched::replay;
    use proptest::prelude::*;

    proptest! {
        /// Whatever a learner does in a session (answers, skips, buries, suspensions,
        /// undos), the schedules the session ends with are exactly what replaying its
        /// log gives, and no card marked in the log is still waiting in the session.
        #[test]
        fn the_session_agrees_with_replay_of_its_log(actions in proptest::collection::vec(0u8..10, 0..60)) {
            let keys: Vec<CardKey> = (0..5).map(|i| CardKey::new("d", &format!("c{i}"))).collect();
            let queue = DayQueue { due: vec![], new: keys.clone(), redrill: vec![] };
            let mut session = Session::new(queue, Default::default(), Rollover::DEFAULT);
            let mut log: Vec<Record> = Vec::new();
            let mut marks: Vec<Mark> = Vec::new();
            for (minute, action) in actions.into_iter().enumerate() {
                let at = DateTime::parse_from_rfc3339("2026-11-24T09:00:00+00:00").expect("time")
                    + chrono::TimeDelta::minutes(minute as i64);
                match action {
                    6 => { session.skip(); }
                    7 => match session.undo() {
                        Some(Undone::Answer(r)) => prop_assert_eq!(log.pop(), Some(r)),
                        Some(Undone::Mark(m)) => prop_assert_eq!(marks.pop(), Some(m)),
                        _ => {}
                    },
                    8 => marks.extend(session.bury(at)),
                    9 => marks.extend(session.suspend(at)),
                    grade => {
                        if let Some(done) = session.answer(Grade::new(grade).expect("grade"), at, 0) {
                            log.push(done.record);
                        }
                    }
                }
            }
            let replayed = replay(&log, Rollover::DEFAULT);
            for key in &keys {
                prop_assert_eq!(replayed.get(key).copied(), session.schedule(key));
            }
            while let Some((key, _)) = session.current() {
                prop_assert!(!marks.iter().any(|m| &m.card == key), "{} is marked yet still shown", key);
                session.skip();
            }
        }
    }
}
