//! The SM-2 algorithm, exactly as P. Wozniak described it in 1990 ("Application of a
//! computer to improve the results obtained in working with the SuperMemo method").
//!
//! This module is the whole of recall's scheduling arithmetic. It is pure: one answer
//! in, the next state out; no clock, no dates, no I/O. Dates are the scheduler's
//! business (`sched`), which adds the interval computed here to the day of the answer.
//!
//! Where the 1990 text is open, recall reads it as SuperMemo's own code and the common
//! libraries do, except where the text is explicit; each choice is documented beside
//! the line that makes it.

use std::fmt;

/// A quality-of-response grade, 0 to 5.
///
/// > 5 - perfect response; 4 - correct response after a hesitation; 3 - correct response
/// > recalled with serious difficulty; 2 - incorrect response; where the correct one
/// > seemed easy to recall; 1 - incorrect response; the correct one remembered;
/// > 0 - complete blackout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grade(u8);

impl Grade {
    pub const MAX: u8 = 5;
    pub const PERFECT: Grade = Grade(5);

    /// A grade from a number, `None` when it is above 5.
    pub fn new(value: u8) -> Option<Grade> {
        (value <= Self::MAX).then_some(Grade(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// "If the quality response was lower than 3 then start repetitions for the item
    /// from the beginning."
    pub fn is_pass(self) -> bool {
        self.0 >= 3
    }

    /// "Repeat again all items that scored below four" (step 7, the same-day re-drill).
    pub fn needs_redrill(self) -> bool {
        self.0 < 4
    }

    pub fn all() -> impl Iterator<Item = Grade> {
        (0..=Self::MAX).map(Grade)
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The E-Factor, kept exactly in hundredths.
///
/// Every change the formula can make is a multiple of 0.02 and the floor is 1.3, so an
/// integer number of hundredths represents every reachable value exactly: no float
/// rounding can ever move an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EaseFactor(u32);

impl EaseFactor {
    /// "With all items associate an E-Factor equal to 2.5."
    pub const INITIAL: EaseFactor = EaseFactor(250);
    /// "If EF is less than 1.3 then let EF be 1.3."
    pub const MIN: EaseFactor = EaseFactor(130);

    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// An E-Factor from its hundredths, `None` below the floor of 1.3 or off the
    /// grid of 0.02 steps from 2.5 that every reachable value is on.
    pub fn from_hundredths(hundredths: u32) -> Option<EaseFactor> {
        (hundredths >= Self::MIN.0 && (hundredths.abs_diff(Self::INITIAL.0)).is_multiple_of(2))
            .then_some(EaseFactor(hundredths))
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// "EF':=EF+(0.1-(5-q)*(0.08+(5-q)*0.02))", in hundredths:
    /// 10 − (5−q)·(8 + 2·(5−q)), which is +10, 0, −14, −32, −54, −80 for q = 5…0.
    /// The floor is 1.3; there is no ceiling (the text sets none).
    pub fn after(self, grade: Grade) -> EaseFactor {
        let miss = i64::from(Grade::MAX - grade.value());
        let delta = 10 - miss * (8 + 2 * miss);
        let next = (i64::from(self.0) + delta).max(i64::from(Self::MIN.0));
        EaseFactor(u32::try_from(next).unwrap_or(u32::MAX))
    }
}

impl fmt::Display for EaseFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// The longest interval recall schedules: 100 years. Eighteen perfect answers in a
/// row would overflow a `u32` of days; no one needs a card back later than this, and a
/// cap keeps every date computation in range.
pub const MAX_INTERVAL_DAYS: u32 = 36_500;

/// Everything SM-2 knows about one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sm2 {
    /// n: the number of successful repetitions since the last restart.
    pub repetitions: u32,
    pub ease: EaseFactor,
    /// The interval scheduled by the last answer, in days; 0 before the first answer.
    pub interval: u32,
    /// How many scheduled answers were failures (grade below 3).
    pub lapses: u32,
}

impl Default for Sm2 {
    fn default() -> Self {
        Sm2::NEW
    }
}

impl Sm2 {
    pub const NEW: Sm2 = Sm2 {
        repetitions: 0,
        ease: EaseFactor::INITIAL,
        interval: 0,
        lapses: 0,
    };

    /// The state after one scheduled answer.
    pub fn answer(self, grade: Grade) -> Sm2 {
        // Step 5 applies "after each repetition", failures included; step 6's "without
        // changing the E-Factor" is read as: the restart does not reset EF to 2.5.
        let ease = self.ease.after(grade);
        if !grade.is_pass() {
            // Step 6: "start repetitions for the item from the beginning ... as if the
            // item was memorized anew": n = 0 and the next interval is I(1) = 1.
            return Sm2 {
                repetitions: 0,
                ease,
                interval: 1,
                lapses: self.lapses.saturating_add(1),
            };
        }
        let repetitions = self.repetitions.saturating_add(1);
        // Step 3: I(1):=1, I(2):=6, for n>2: I(n):=I(n-1)*EF. I(n-1) is the interval
        // scheduled last time (not the days that actually passed) and EF is the value
        // from before this answer's update, as SuperMemo's code has it. "If interval
        // is a fraction, round it up": the ceiling, in integers.
        let interval = match repetitions {
            1 => 1,
            2 => 6,
            _ => {
                let product = u64::from(self.interval) * u64::from(self.ease.hundredths());
                let days = product.div_ceil(100);
                u32::try_from(days.min(u64::from(MAX_INTERVAL_DAYS))).unwrap_or(MAX_INTERVAL_DAYS)
            }
        };
        Sm2 {
            repetitions,
            ease,
            interval: interval.min(MAX_INTERVAL_DAYS),
            lapses: self.lapses,
        }
    }

    /// The state after a sequence of scheduled answers, from new.
    pub fn replay(grades: impl IntoIterator<Item = Grade>) -> Sm2 {
        grades.into_iter().fold(Sm2::NEW, Sm2::answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grades(values: &[u8]) -> Vec<Grade> {
        values.iter().map(|&v| Grade::new(v).expect("grade")).collect()
    }

    /// A grade sequence in, the interval and EF after each answer out.
    fn trace(values: &[u8]) -> Vec<(u32, String)> {
        let mut state = Sm2::NEW;
        grades(values)
            .into_iter()
            .map(|g| {
                state = state.answer(g);
                (state.interval, state.ease.to_string())
            })
            .collect()
    }

    #[test]
    fn golden_sequences() {
        type Row<'a> = (&'a [u8], &'a [(u32, &'a str)]);
        let table: &[Row<'_>] = &[
            (&[4, 4, 5], &[(1, "2.50"), (6, "2.50"), (15, "2.60")]),
            (&[5, 5, 5], &[(1, "2.60"), (6, "2.70"), (17, "2.80")]),
            (&[1], &[(1, "1.96")]),
            (&[0], &[(1, "1.70")]),
            // 6 × 2.22 = 13.32 rounds up to 14.
            (&[3, 3, 3], &[(1, "2.36"), (6, "2.22"), (14, "2.08")]),
            // A lapse restarts the intervals but keeps the lowered EF.
            (
                &[5, 5, 5, 2, 4, 4, 4],
                &[
                    (1, "2.60"),
                    (6, "2.70"),
                    (17, "2.80"),
                    (1, "2.48"),
                    (1, "2.48"),
                    (6, "2.48"),
                    (15, "2.48"),
                ],
            ),
            // The floor holds at 1.3 however often the card is failed.
            (&[0, 0, 0, 0], &[(1, "1.70"), (1, "1.30"), (1, "1.30"), (1, "1.30")]),
            // 6 × 1.3 = 7.8 rounds up to 8; 8 × 1.3 = 10.4 to 11.
            (
                &[0, 0, 3, 3, 3, 3],
                &[
                    (1, "1.70"),
                    (1, "1.30"),
                    (1, "1.30"),
                    (6, "1.30"),
                    (8, "1.30"),
                    (11, "1.30"),
                ],
            ),
        ];
        for (input, expected) in table {
            let expected: Vec<(u32, String)> = expected.iter().map(|(i, e)| (*i, (*e).to_string())).collect();
            assert_eq!(trace(input), expected, "grades {input:?}");
        }
    }

    #[test]
    fn ease_deltas_match_the_formula() {
        let start = EaseFactor(250);
        let after: Vec<u32> = Grade::all().map(|g| start.after(g).hundredths()).collect();
        assert_eq!(after, vec![170, 196, 218, 236, 250, 260]);
    }

    #[test]
    fn lapses_count_failed_answers() {
        let state = Sm2::replay(grades(&[5, 1, 4, 0, 2, 5]));
        assert_eq!(state.lapses, 3);
        assert_eq!(state.repetitions, 1);
    }

    #[test]
    fn intervals_are_capped_instead_of_overflowing() {
        let state = Sm2::replay(std::iter::repeat_n(Grade(5), 60));
        assert_eq!(state.interval, MAX_INTERVAL_DAYS);
        assert_eq!(state.repetitions, 60);
    }

    #[test]
    fn grade_range() {
        assert!(Grade::new(5).is_some());
        assert!(Grade::new(6).is_none());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn grades() -> impl Strategy<Value = Vec<Grade>> {
        proptest::collection::vec((0..=Grade::MAX).prop_map(Grade), 0..80)
    }

    proptest! {
        #[test]
        fn ease_never_drops_below_the_floor(seq in grades()) {
            let mut state = Sm2::NEW;
            for g in seq {
                state = state.answer(g);
                prop_assert!(state.ease >= EaseFactor::MIN);
            }
        }

        #[test]
        fn every_answer_schedules_at_least_a_day_and_at_most_the_cap(seq in grades()) {
            let mut state = Sm2::NEW;
            for g in seq {
                state = state.answer(g);
                prop_assert!(state.interval >= 1);
                prop_assert!(state.interval <= MAX_INTERVAL_DAYS);
            }
        }

        #[test]
        fn a_failure_always_restarts_at_one_day(seq in grades(), fail in 0u8..3) {
            let state = Sm2::replay(seq).answer(Grade(fail));
            prop_assert_eq!(state.interval, 1);
            prop_assert_eq!(state.repetitions, 0);
        }

        #[test]
        fn replay_is_deterministic(seq in grades()) {
            prop_assert_eq!(Sm2::replay(seq.clone()), Sm2::replay(seq));
        }

        #[test]
        fn consecutive_passes_never_shorten_the_interval(seq in grades(), passes in proptest::collection::vec(3u8..=5, 2..20)) {
            let mut state = Sm2::replay(seq).answer(Grade(5));
            for p in passes {
                let next = state.answer(Grade(p));
                prop_assert!(next.interval >= state.interval);
                state = next;
            }
        }

        #[test]
        fn ease_is_always_a_reachable_value(seq in grades()) {
            // Starting at 2.50 with steps that are multiples of 0.02 and a floor of
            // 1.30, every EF is an even number of hundredths.
            let state = Sm2::replay(seq);
            prop_assert_eq!(state.ease.hundredths() % 2, 0);
        }
    }
}
