//! The quiz loop: each sampled card asked as in a review, with the question number
//! and the time left in the prompt. Nothing here touches the schedule unless the
//! quiz was started with `--record`.

use std::collections::HashSet;
use std::io::Write;

use chrono::TimeDelta;

use super::card::{self, Asked, Showing};
use super::{Clock, DIM, Input, Journal, ReplError, legend, millis, write_help};
use crate::deck::{Card, CardKey};
use crate::log::{AnswerKind, Record};
use crate::quiz::Answer;
use crate::sched::{CardSchedule, Rollover, leech_mark};

pub const COMMANDS: &[(&str, &str)] = &[
    (":skip", "count this question as a miss and go on"),
    (":help", "show this help"),
    (":quit", "end the quiz now; the report still comes"),
];

/// One question: a card and where it sits on the roadmap.
pub struct Question<'a> {
    pub key: CardKey,
    pub deck: String,
    pub card: &'a Card,
    pub topic: String,
    pub section: String,
}

/// `--record`: answers go to the review log as well, under the first-answer-of-the-
/// day rule (a card already answered today is logged as a re-drill).
pub struct Recording<'a> {
    pub journal: &'a mut dyn Journal,
    pub answered_today: HashSet<CardKey>,
    /// Schedules as they stand, kept up to date, to catch a failure that makes a
    /// card a leech (suspended as in a review).
    pub schedules: crate::sched::Schedules,
    pub rollover: Rollover,
}

pub struct Quiz<'a> {
    pub questions: Vec<Question<'a>>,
    pub limit: Option<TimeDelta>,
    /// The width to wrap to, asked before each question: the terminal may be resized.
    pub width: &'a dyn Fn() -> usize,
    pub seed: u64,
    pub recording: Option<Recording<'a>>,
}

fn clock_text(left: TimeDelta) -> String {
    let secs = left.num_seconds().max(0);
    format!("{}:{:02}", secs / 60, secs % 60)
}

impl Quiz<'_> {
    /// Asks the questions; returns the answers and the seconds taken.
    pub fn run(
        &mut self,
        input: &mut dyn Input,
        out: &mut dyn Write,
        clock: &dyn Clock,
    ) -> Result<(Vec<Answer>, i64), ReplError> {
        // Time is measured on the monotonic clock: a fixed RECALL_NOW still times out.
        let started = clock.monotonic();
        let elapsed = |clock: &dyn Clock| {
            TimeDelta::from_std(clock.monotonic().saturating_sub(started)).unwrap_or(TimeDelta::MAX)
        };
        let total = self.questions.len();
        let mut answers = Vec::new();
        let time_up = |clock: &dyn Clock| self.limit.is_some_and(|limit| elapsed(clock) >= limit);
        let questions = if total == 1 { "question" } else { "questions" };
        let intro = format!(
            "A quiz of {total} {questions}. Answer, then grade yourself 0–5 where recall cannot. :help lists commands."
        );
        write!(out, "{}", crate::render::layout(&intro, (self.width)(), ""))?;
        let mut index = 0;
        while index < self.questions.len() {
            if time_up(clock) {
                writeln!(out, "\nTime is up.")?;
                break;
            }
            let q = &self.questions[index];
            let limit = self.limit;
            let status = || {
                let number = format!("{}/{total}", index + 1);
                match limit {
                    Some(limit) => format!("{number} · {} left › ", clock_text(limit - elapsed(clock))),
                    None => format!("{number} › "),
                }
            };
            let showing = Showing {
                key: &q.key,
                card: q.card,
                header: format!(
                    "── question {}/{total} · {} · {} ",
                    index + 1,
                    q.deck,
                    crate::render::escape_controls(&q.topic)
                ),
                status: &status,
                legend: legend(None),
                seed: self.seed ^ index as u64,
                width: self.width,
            };
            let shown_at = clock.monotonic();
            let asked = card::ask(&showing, input, out)?;
            let ms = millis(shown_at, clock.monotonic());
            let (question, answer) = q.card.sides(q.key.facet());
            let mut entry = Answer {
                key: q.key.to_string(),
                deck: q.deck.clone(),
                topic: q.topic.clone(),
                section: q.section.clone(),
                grade: None,
                ms,
                question,
                answer,
            };
            match asked {
                Asked::Graded(grade) => {
                    entry.grade = Some(grade.value());
                    if let Some(rec) = self.recording.as_mut() {
                        let first_today = rec.answered_today.insert(q.key.clone());
                        let record = Record {
                            at: clock.now(),
                            card: q.key.clone(),
                            grade,
                            answer_ms: ms,
                            kind: if first_today {
                                AnswerKind::Review
                            } else {
                                AnswerKind::Redrill
                            },
                        };
                        let token = rec.journal.append(&record)?;
                        writeln!(out, "  {DIM}(recorded in your review schedule){DIM:#}")?;
                        if first_today {
                            let previous = rec.schedules.get(&q.key).copied();
                            let next = CardSchedule::answer(previous, grade, rec.rollover.study_day(record.at));
                            rec.schedules.insert(q.key.clone(), next);
                            if let Some(mark) = leech_mark(&q.key, previous.as_ref(), &next, record.at) {
                                if let Err(e) = rec.journal.append_mark(&mark) {
                                    // Both lines or neither.
                                    rec.journal.remove(token)?;
                                    return Err(e.into());
                                }
                                writeln!(
                                    out,
                                    "  This card has now been failed {} times: it is a leech, and is suspended \
                                     (`recall unsuspend {}` brings it back).",
                                    next.sm2.lapses, q.key
                                )?;
                            }
                        }
                    }
                }
                Asked::Command(text) if matches!(text.as_str(), ":s" | ":skip") => {
                    writeln!(out, "  Skipped: counted as a miss.")?;
                }
                Asked::Command(text) if matches!(text.as_str(), ":q" | ":quit" | ":exit") => break,
                Asked::Command(text) if matches!(text.as_str(), ":h" | ":help" | ":?") => {
                    write_help(out, COMMANDS, (self.width)())?;
                    continue;
                }
                Asked::Command(text) => {
                    writeln!(out, "  Unknown command {text:?}. Type :help for the list.")?;
                    continue;
                }
                Asked::End => break,
            }
            answers.push(entry);
            index += 1;
            if index < self.questions.len() && time_up(clock) {
                writeln!(out, "\nTime is up.")?;
                break;
            }
        }
        Ok((answers, elapsed(clock).num_seconds().max(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Content;
    use crate::repl::Piped;
    use chrono::{DateTime, FixedOffset};
    use std::cell::Cell;

    /// A clock that moves a minute every time it is read: time passes without sleeping.
    struct Steps {
        start: DateTime<FixedOffset>,
        reads: Cell<i64>,
    }

    impl Clock for Steps {
        fn now(&self) -> DateTime<FixedOffset> {
            self.start
        }

        fn monotonic(&self) -> std::time::Duration {
            let n = self.reads.get();
            self.reads.set(n + 1);
            std::time::Duration::from_secs(60 * n.unsigned_abs())
        }
    }

    fn card(id: &str) -> Card {
        Card {
            id: id.into(),
            topic: Some("ml.metrics".into()),
            content: Content::Basic {
                front: format!("Q {id}?"),
                back: format!("A {id}"),
            },
            notes: None,
            tags: vec![],
            points: vec![],
            line: 1,
            span: 0..0,
        }
    }

    #[test]
    fn a_time_limit_ends_the_quiz_after_the_current_question() {
        let cards: Vec<Card> = (0..5).map(|i| card(&format!("c{i}"))).collect();
        let questions = cards
            .iter()
            .map(|c| Question {
                key: CardKey::new("d", &c.id),
                deck: "d".into(),
                card: c,
                topic: "ml.metrics".into(),
                section: "ml".into(),
            })
            .collect();
        let mut quiz = Quiz {
            questions,
            limit: Some(TimeDelta::minutes(8)),
            width: &|| 80,
            seed: 1,
            recording: None,
        };
        let clock = Steps {
            start: DateTime::parse_from_rfc3339("2026-11-24T09:00:00+00:00").expect("time"),
            reads: Cell::new(0),
        };
        let mut out = Vec::new();
        let (answers, seconds) = quiz
            .run(&mut Piped("\n5\n\n:skip\n\n4\n\n4\n\n4\n".as_bytes()), &mut out, &clock)
            .expect("run");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("1/5 · 5:00 left › "), "{text}");
        assert!(text.contains("Time is up."), "{text}");
        let grades: Vec<Option<u8>> = answers.iter().map(|a| a.grade).collect();
        assert_eq!(grades, [Some(5), None]);
        assert!(seconds >= 8 * 60);
    }
}
