//! Where every card stands, as the review log says: each card's schedule (the replay
//! of its answers through SM-2), the marks that bury and suspend cards, and the
//! answers of the latest study day, which today's limits and re-drills are counted
//! from.
//!
//! Pure. It is built by replaying a log's records, and then kept up to date by
//! applying the records appended since: replaying a log in two parts gives exactly
//! what replaying it whole does, which is what lets a cache of it (as of some byte
//! offset of the log) stand in for the whole replay. A property test holds it to that.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::deck::CardKey;
use crate::log::{Action, AnswerKind, Mark, Record};
use crate::sched::{CardSchedule, Rollover};
use crate::sm2::{EaseFactor, Grade, Sm2};

/// The state the log gives, without the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub schedules: crate::sched::Schedules,
    /// Every mark, in log order (there are few: buries, suspensions, leeches).
    pub marks: Vec<Mark>,
    /// The answers of the latest study day any answer belongs to, in log order.
    pub recent: Vec<Record>,
}

impl Progress {
    /// Applies answers and marks that come after everything applied so far (a log's
    /// records, in log order).
    pub fn apply(&mut self, records: &[Record], marks: &[Mark], rollover: Rollover) {
        for record in records {
            let day = rollover.study_day(record.at);
            match self.recent.last().map(|r| rollover.study_day(r.at)) {
                Some(last) if last > day => {}
                Some(last) if last == day => self.recent.push(record.clone()),
                _ => {
                    self.recent.clear();
                    self.recent.push(record.clone());
                }
            }
            if record.kind != AnswerKind::Review {
                continue;
            }
            match self.schedules.get_mut(&record.card) {
                Some(schedule) => *schedule = CardSchedule::answer(Some(*schedule), record.grade, day),
                None => {
                    self.schedules
                        .insert(record.card.clone(), CardSchedule::answer(None, record.grade, day));
                }
            }
        }
        self.marks.extend_from_slice(marks);
    }

    /// The progress a whole log gives.
    pub fn replay(records: &[Record], marks: &[Mark], rollover: Rollover) -> Progress {
        let mut progress = Progress::default();
        progress.apply(records, marks, rollover);
        progress
    }

    /// The answers on study day `day`, as far as this progress knows them: all of
    /// them when `day` is the latest day it has seen or later.
    pub fn answers_on(&self, day: NaiveDate, rollover: Rollover) -> Option<&[Record]> {
        match self.recent.last().map(|r| rollover.study_day(r.at)) {
            Some(last) if last > day => None,
            _ => Some(&self.recent),
        }
    }
}

/// [`Progress`] as the cache stores it: dates as day numbers, keys and actions as
/// plain values, nothing that needs more than a flat read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    pub schedules: Vec<(String, StoredSchedule)>,
    pub marks: Vec<StoredMark>,
    pub recent: Vec<StoredRecord>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSchedule {
    repetitions: u32,
    ease: u32,
    interval: u32,
    lapses: u32,
    last_day: i32,
    due: i32,
    first_day: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMark {
    at: String,
    card: String,
    action: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    at: String,
    card: String,
    grade: u8,
    answer_ms: u32,
    redrill: bool,
}

fn day_number(day: NaiveDate) -> i32 {
    day.to_epoch_days()
}

fn from_day_number(n: i32) -> Option<NaiveDate> {
    NaiveDate::from_epoch_days(n)
}

fn time(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}

/// [`Stored`] as it is written, borrowing the keys (the same bytes as a [`Stored`]
/// with owned strings: postcard writes a `&str` and a `String` alike).
#[derive(Serialize)]
pub struct StoredRef<'a> {
    schedules: Vec<(&'a str, StoredSchedule)>,
    marks: Vec<StoredMark>,
    recent: Vec<StoredRecord>,
}

impl Stored {
    /// What to write for `progress`, borrowing it.
    pub fn of(progress: &Progress) -> StoredRef<'_> {
        let schedules: Vec<(&str, StoredSchedule)> = progress
            .schedules
            .iter()
            .map(|(key, s)| {
                (
                    key.as_str(),
                    StoredSchedule {
                        repetitions: s.sm2.repetitions,
                        ease: s.sm2.ease.hundredths(),
                        interval: s.sm2.interval,
                        lapses: s.sm2.lapses,
                        last_day: day_number(s.last_day),
                        due: day_number(s.due),
                        first_day: day_number(s.first_day),
                    },
                )
            })
            .collect();
        StoredRef {
            schedules,
            marks: progress
                .marks
                .iter()
                .map(|m| StoredMark {
                    at: m.at.to_rfc3339(),
                    card: m.card.to_string(),
                    action: match m.action {
                        Action::Bury => 0,
                        Action::Suspend => 1,
                        Action::Leech => 2,
                        Action::Unsuspend => 3,
                    },
                })
                .collect(),
            recent: progress
                .recent
                .iter()
                .map(|r| StoredRecord {
                    at: r.at.to_rfc3339(),
                    card: r.card.to_string(),
                    grade: r.grade.value(),
                    answer_ms: r.answer_ms,
                    redrill: r.kind == AnswerKind::Redrill,
                })
                .collect(),
        }
    }

    /// The progress back, or `None` if anything in it does not read as what recall
    /// writes (a cache from elsewhere is never trusted).
    pub fn progress(self) -> Option<Progress> {
        let mut schedules = crate::sched::Schedules::with_capacity_and_hasher(self.schedules.len(), Default::default());
        for (key, s) in self.schedules {
            let schedule = CardSchedule {
                sm2: Sm2 {
                    repetitions: s.repetitions,
                    ease: EaseFactor::from_hundredths(s.ease)?,
                    interval: s.interval,
                    lapses: s.lapses,
                },
                last_day: from_day_number(s.last_day)?,
                due: from_day_number(s.due)?,
                first_day: from_day_number(s.first_day)?,
            };
            schedules.insert(CardKey::from_string(key)?, schedule);
        }
        let marks = self
            .marks
            .into_iter()
            .map(|m| {
                Some(Mark {
                    at: time(&m.at)?,
                    card: CardKey::parse(&m.card)?,
                    action: match m.action {
                        0 => Action::Bury,
                        1 => Action::Suspend,
                        2 => Action::Leech,
                        3 => Action::Unsuspend,
                        _ => return None,
                    },
                })
            })
            .collect::<Option<Vec<Mark>>>()?;
        let recent = self
            .recent
            .into_iter()
            .map(|r| {
                Some(Record {
                    at: time(&r.at)?,
                    card: CardKey::parse(&r.card)?,
                    grade: Grade::new(r.grade)?,
                    answer_ms: r.answer_ms,
                    kind: if r.redrill {
                        AnswerKind::Redrill
                    } else {
                        AnswerKind::Review
                    },
                })
            })
            .collect::<Option<Vec<Record>>>()?;
        Some(Progress {
            schedules,
            marks,
            recent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::replay;
    use proptest::prelude::*;

    fn record(minutes: i64, card: u8, grade: u8, redrill: bool) -> Record {
        let start = DateTime::parse_from_rfc3339("2026-11-01T02:00:00+01:00").expect("time");
        Record {
            at: start + chrono::TimeDelta::minutes(minutes),
            card: CardKey::new("d", &format!("c{card}")),
            grade: Grade::new(grade).expect("grade"),
            answer_ms: 1000,
            kind: if redrill {
                AnswerKind::Redrill
            } else {
                AnswerKind::Review
            },
        }
    }

    fn log() -> impl Strategy<Value = Vec<Record>> {
        prop::collection::vec((0i64..600, 0u8..6, 0u8..=5, any::<bool>()), 0..60).prop_map(|steps| {
            let mut minutes = 0;
            steps
                .into_iter()
                .map(|(gap, card, grade, redrill)| {
                    // Hours to days apart, always forward in time as a log is.
                    minutes += gap * 17;
                    record(minutes, card, grade, redrill)
                })
                .collect()
        })
    }

    proptest! {
        /// Replaying a log in two parts, with the first part stored and read back in
        /// between (as a cache does), gives exactly the whole log's progress.
        #[test]
        fn a_log_replayed_in_two_parts_through_the_store_is_the_whole_replay(
            records in log(),
            cut in 0usize..60,
        ) {
            let cut = cut.min(records.len());
            let rollover = Rollover::DEFAULT;
            let whole = Progress::replay(&records, &[], rollover);
            let first = Progress::replay(&records[..cut], &[], rollover);
            let bytes = postcard::to_stdvec(&Stored::of(&first)).expect("encode");
            let stored: Stored = postcard::from_bytes(&bytes).expect("decode");
            let mut resumed = stored.progress().expect("reads back");
            resumed.apply(&records[cut..], &[], rollover);
            prop_assert_eq!(&resumed, &whole);
            prop_assert_eq!(&whole.schedules, &replay(&records, rollover));
            // The latest day's answers are all there is to know about that day.
            if let Some(last) = records.last() {
                let day = rollover.study_day(last.at);
                let on_day: Vec<&Record> = records.iter().filter(|r| rollover.study_day(r.at) == day).collect();
                let known: Vec<&Record> = whole.answers_on(day, rollover).expect("latest day").iter().collect();
                prop_assert_eq!(known, on_day);
            }
        }
    }
}
