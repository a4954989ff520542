//! Merging two devices' review logs into one.
//!
//! Pure. Since every schedule is the replay of the log, merging is a union of lines in
//! time order: every answer and mark of both logs, a line present in both kept once.
//! One rule keeps the result exact: a card's first scheduling answer of a study day
//! is the one that schedules, so when both devices reviewed a card on the same day
//! the later answer becomes a re-drill, as it would have been on one device.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::deck::CardKey;
use crate::log::{AnswerKind, HEADER, Mark, Parsed, Record};
use crate::sched::Rollover;

/// The merged log's text and what the merge did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    /// Answers and marks taken from the other log.
    pub added_answers: usize,
    pub added_marks: usize,
    /// Answers that scheduled on their own device but come second on their day.
    pub became_redrills: usize,
}

enum Line<'a> {
    Answer(&'a Record),
    Mark(&'a Mark),
}

impl Line<'_> {
    fn text(&self) -> String {
        match self {
            Line::Answer(r) => r.to_line(),
            Line::Mark(m) => m.to_line(),
        }
    }

    /// What makes two lines the same event. An answer's kind is left out: a merge
    /// may have turned it into a re-drill here while it is still a review there.
    fn identity(&self) -> String {
        match self {
            Line::Answer(r) => format!("{}\t{}\t{}\t{}", r.at.to_rfc3339(), r.card, r.grade, r.answer_ms),
            Line::Mark(m) => m.to_line(),
        }
    }
}

/// Merges `theirs` into `ours`. Lines are ordered by time; on equal times ours come
/// first, and within one log the order is kept (a leech mark follows its answer).
pub fn merge(ours: &Parsed, theirs: &Parsed, rollover: Rollover) -> Merged {
    let ours_events: HashSet<String> = lines(ours).map(|(_, l)| l.identity()).collect();
    let mut added_answers = 0;
    let mut added_marks = 0;
    let mut all: Vec<_> = lines(ours).collect();
    for (at, line) in lines(theirs) {
        if ours_events.contains(&line.identity()) {
            continue;
        }
        match line {
            Line::Answer(_) => added_answers += 1,
            Line::Mark(_) => added_marks += 1,
        }
        all.push((at, line));
    }
    // Stable: equal times keep ours before theirs and each log's own order.
    all.sort_by_key(|(at, _)| *at);
    let mut scheduled: HashSet<(CardKey, NaiveDate)> = HashSet::new();
    let mut became_redrills = 0;
    let mut text = format!("{HEADER}\n");
    for (_, line) in all {
        match line {
            Line::Answer(record) if record.kind == AnswerKind::Review => {
                let day = rollover.study_day(record.at);
                if scheduled.insert((record.card.clone(), day)) {
                    text.push_str(&record.to_line());
                } else {
                    became_redrills += 1;
                    let redrill = Record {
                        kind: AnswerKind::Redrill,
                        ..record.clone()
                    };
                    text.push_str(&redrill.to_line());
                }
            }
            other => text.push_str(&other.text()),
        }
    }
    Merged {
        text,
        added_answers,
        added_marks,
        became_redrills,
    }
}

/// A log's answers and marks in their file order, with their times. Answers and marks
/// are parsed apart; each list is in file order, so merging the two by time (answers
/// first on a tie: a leech mark has its answer's time) gives the file's order back.
fn lines(parsed: &Parsed) -> impl Iterator<Item = (chrono::DateTime<chrono::FixedOffset>, Line<'_>)> {
    let mut answers = parsed.records.iter().peekable();
    let mut marks = parsed.marks.iter().peekable();
    std::iter::from_fn(move || match (answers.peek(), marks.peek()) {
        (Some(r), Some(m)) if m.at < r.at => marks.next().map(|m| (m.at, Line::Mark(m))),
        (Some(_), _) => answers.next().map(|r| (r.at, Line::Answer(r))),
        (None, _) => marks.next().map(|m| (m.at, Line::Mark(m))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::parse;
    use crate::sched::replay;
    use std::path::Path;

    fn parsed(lines: &[&str]) -> Parsed {
        let text = format!("{HEADER}\n{}\n", lines.join("\n"));
        parse(Path::new("r.log"), &text).expect("v1")
    }

    #[test]
    fn a_merge_is_the_union_in_time_order_with_one_scheduling_answer_a_day() {
        let laptop = parsed(&[
            "2026-11-01T09:00:00+00:00\td/a\t4\t100\treview",
            "2026-11-02T09:00:00+00:00\td/a\t5\t100\treview",
            "2026-11-02T09:01:00+00:00\td/b\tbury",
        ]);
        let phone = parsed(&[
            "2026-11-01T09:00:00+00:00\td/a\t4\t100\treview",
            "2026-11-01T20:00:00+01:00\td/b\t3\t100\treview",
            "2026-11-02T12:00:00+00:00\td/a\t2\t100\treview",
            "2026-11-02T12:00:01+00:00\td/a\t4\t100\tredrill",
        ]);
        let merged = merge(&laptop, &phone, Rollover::DEFAULT);
        assert_eq!(
            merged.text,
            format!(
                "{HEADER}\n\
                 2026-11-01T09:00:00+00:00\td/a\t4\t100\treview\n\
                 2026-11-01T20:00:00+01:00\td/b\t3\t100\treview\n\
                 2026-11-02T09:00:00+00:00\td/a\t5\t100\treview\n\
                 2026-11-02T09:01:00+00:00\td/b\tbury\n\
                 2026-11-02T12:00:00+00:00\td/a\t2\t100\tredrill\n\
                 2026-11-02T12:00:01+00:00\td/a\t4\t100\tredrill\n"
            )
        );
        assert_eq!(
            (merged.added_answers, merged.added_marks, merged.became_redrills),
            (3, 0, 1)
        );
        // The laptop's answer scheduled d/a on the 2nd; the phone's failure is a re-drill.
        let schedules = replay(
            &parse(Path::new("m.log"), &merged.text).expect("v1").records,
            Rollover::DEFAULT,
        );
        assert_eq!(schedules[&CardKey::new("d", "a")].sm2.interval, 6);
        // Merging the phone's log again finds nothing new, re-drills and all.
        let again = merge(
            &parse(Path::new("m.log"), &merged.text).expect("v1"),
            &phone,
            Rollover::DEFAULT,
        );
        assert_eq!((again.added_answers, again.text), (0, merged.text));
    }

    #[test]
    fn merging_a_log_into_itself_changes_nothing() {
        let log = parsed(&[
            "2026-11-01T09:00:00+00:00\td/a\t2\t100\treview",
            "2026-11-01T09:00:00+00:00\td/a\tleech",
            "2026-11-01T09:05:00+00:00\td/b\t5\t100\treview",
        ]);
        let merged = merge(&log, &log, Rollover::DEFAULT);
        assert_eq!(
            (merged.added_answers, merged.added_marks, merged.became_redrills),
            (0, 0, 0)
        );
        assert_eq!(
            merged.text,
            format!(
                "{HEADER}\n2026-11-01T09:00:00+00:00\td/a\t2\t100\treview\n\
                 2026-11-01T09:00:00+00:00\td/a\tleech\n2026-11-01T09:05:00+00:00\td/b\t5\t100\treview\n"
            )
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::log::parse;
    use crate::sched::replay;
    use crate::sm2::Grade;
    use proptest::prelude::*;
    use std::path::Path;

    /// Two devices' logs from events at distinct times: each event is on device A, B
    /// or both (a log both synced before).
    fn logs(events: &[(u8, u8, u8)]) -> (Parsed, Parsed) {
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-01T09:00:00+00:00").expect("time");
        let (mut a, mut b) = (String::from(HEADER), String::from(HEADER));
        a.push('\n');
        b.push('\n');
        for (i, &(device, card, grade)) in events.iter().enumerate() {
            let record = Record {
                // Several events a day, over a couple of weeks.
                at: start + chrono::TimeDelta::hours(5 * i as i64),
                card: CardKey::new("d", &format!("c{card}")),
                grade: Grade::new(grade).expect("grade"),
                answer_ms: 0,
                kind: AnswerKind::Review,
            };
            if device != 1 {
                a.push_str(&record.to_line());
            }
            if device != 0 {
                b.push_str(&record.to_line());
            }
        }
        let parse = |text: &str| parse(Path::new("r.log"), text).expect("v1");
        (parse(&a), parse(&b))
    }

    proptest! {
        /// Whichever device merges, the schedules agree; merging again adds nothing.
        #[test]
        fn merging_is_symmetric_in_schedules_and_idempotent(
            events in proptest::collection::vec((0u8..3, 0u8..3, 0u8..6), 0..40)
        ) {
            let (a, b) = logs(&events);
            let ab = merge(&a, &b, Rollover::DEFAULT);
            let ba = merge(&b, &a, Rollover::DEFAULT);
            let schedules = |text: &str| replay(&parse(Path::new("m.log"), text).expect("v1").records, Rollover::DEFAULT);
            prop_assert_eq!(schedules(&ab.text), schedules(&ba.text));
            prop_assert_eq!(&ab.text, &ba.text);
            let again = merge(&parse(Path::new("m.log"), &ab.text).expect("v1"), &b, Rollover::DEFAULT);
            prop_assert_eq!(again.added_answers, 0);
            prop_assert_eq!(again.text, ab.text);
        }
    }
}
