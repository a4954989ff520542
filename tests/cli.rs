//! The real binary, run as a user runs it: a temp data dir, a fixed clock, scripted
//! stdin, and exact output where exactness matters.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::{BIN, User};

/// A transcript with its durations made steady: answer and session times are real
/// (a monotonic clock, even under `RECALL_NOW`), so a golden transcript says
/// `in <time>` and leaves the order of the slowest answers to the unit tests.
fn steady(text: &str) -> String {
    let mut out = String::new();
    let mut in_slowest = false;
    for line in text.lines() {
        if in_slowest {
            if line.is_empty() {
                in_slowest = false;
                out.push_str("  <timed>\n\n");
            }
            continue;
        }
        if line.ends_with("Slowest answers") {
            in_slowest = true;
        }
        let line = match line.find(" in ") {
            Some(at) if is_duration(&line[at + 4..]) => {
                let end = line[at + 4..].find(['.', ',']).map_or(line.len(), |e| at + 4 + e);
                format!("{} in <time>{}", &line[..at], &line[end..])
            }
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Whether `text` starts with a duration as recall prints it: `25s`, `1m 05s`, `1h 02m`.
fn is_duration(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(text[digits..].chars().next(), Some('s' | 'm' | 'h'))
}

const ONE_CARD: &str = r#"// A deck of my own, with a comment.
Deck(
    id: "mine",
    title: "Mine",
    cards: [
        Basic(id: "gil", front: "What does the GIL serialize?", back: "Execution of Python bytecode"),
    ],
)
"#;

const TWO_CARDS: &str = r#"Deck(
    id: "two",
    title: "Two",
    cards: [
        Basic(id: "a", front: "Question A", back: "Answer A"),
        Basic(id: "b", front: "Question B", back: "Answer B"),
    ],
)
"#;

#[test]
fn a_review_over_simulated_days_follows_sm2_exactly() {
    let user = User::new();
    user.deck("mine.ron", ONE_CARD);
    // Grades 4, 4, 5 on the days they fall due: intervals 1, 6, 15; EF 2.5, 2.5, 2.6.
    let days = [
        ("2026-11-01T09:00:00+01:00", "4", 1, 2.5, "2026-11-02"),
        ("2026-11-02T21:30:00+01:00", "4", 6, 2.5, "2026-11-08"),
        ("2026-11-08T08:00:00+01:00", "5", 15, 2.6, "2026-11-23"),
        ("2026-11-23T10:00:00+01:00", "3\n\n4", 39, 2.46, "2027-01-01"),
    ];
    for (now, grade, interval, ef, due) in days {
        let run = user.run(now, &["review", "--deck", "mine"], &format!("\n{grade}\n"));
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains(&format!("→ next review in {interval} day")),
            "{}",
            run.stdout
        );
        let card = user.card_json(now, "mine/gil");
        assert_eq!(card["interval_days"], interval);
        assert_eq!(card["ef"], ef);
        assert_eq!(card["due"], due);
    }
    // Grade 3 is below 4, so the card came back once more the same day (step 7) and
    // was graded 4; the re-drill is logged but did not change the schedule above.
    let lines = user.log_lines();
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert!(lines[5].ends_with("mine/gil\t4\t<ms>\tredrill"), "{lines:?}");
    // Between due dates there is nothing to do.
    let run = user.run("2026-12-15T09:00:00+01:00", &["review", "--deck", "mine"], "");
    assert_eq!(
        run.stdout,
        "Nothing to review today. The next card is due on 2027-01-01.\n"
    );
    let card = user.card_json("2026-12-15T09:00:00+01:00", "mine/gil");
    assert_eq!(card["repetitions"], 4);
    assert_eq!(card["lapses"], 0);
    assert_eq!(card["reviews"].as_array().map(Vec::len), Some(5));
    // 15 × 2.6 = 39 exactly; EF fell by 0.14 for the 3.
}

#[test]
fn a_late_night_answer_counts_for_the_day_before_the_rollover() {
    let user = User::new();
    user.deck("mine.ron", ONE_CARD);
    user.run("2026-11-01T09:00:00+00:00", &["review", "--deck", "mine"], "\n5\n");
    // 02:00 on the 3rd is still study day the 2nd, when the card is due.
    let run = user.run("2026-11-03T02:00:00+00:00", &["review", "--deck", "mine"], "\n5\n");
    assert!(
        run.stdout.contains("next review in 6 days, on 2026-11-08"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_whole_transcript_of_a_piped_session() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["review", "--deck", "two"],
        "\n2\n\n5\n\n4\n",
    );
    assert_eq!(run.code, 0);
    // The legend wraps between grades at 80 columns.
    // The legend says what each grade will do; the header's rule fills 80 columns.
    let legend = "  0 blank · 1 wrong · 2 almost → today │ 3 hard 1d · 4 good 1d · 5 easy 1d";
    let redrill = "  0 blank · 1 wrong · 2 almost · 3 hard → again │ 4 good · 5 easy → done today";
    let rule = |label: &str| format!("{label}{}", "─".repeat(80 - label.chars().count()));
    let expected = format!(
        "Enter shows the answer, then grade it 0–5. Type :help for commands.

{new}
  Question A
0 due · 2 new · 2 left › 

  Answer A
{legend}
grade 0-5 › 2
  → next review in 1 day, on 2026-11-25; once more at the end of this session

{new}
  Question B
0 due · 1 new · 1 again · 2 left › 

  Answer B
{legend}
grade 0-5 › 5
  → next review in 1 day, on 2026-11-25

{again}
  Question A
0 due · 0 new · 1 again · 1 left › 

  Answer A
{redrill}
grade 0-5 › 4
  → done for today

Session over: 2 cards, 3 answers in <time>.
Grades  0: 0  1: 0  2: 1  3: 0  4: 1  5: 1
Nothing more is due today.
",
        new = rule("── two · new "),
        again = rule("── two · re-drill "),
    );
    assert_eq!(steady(&run.stdout), expected);
    assert_eq!(run.stderr, "");
}

#[test]
fn undo_takes_back_the_answer_in_the_log_too() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["review", "--deck", "two"],
        "\n1\n:undo\n\n5\n:quit\n",
    );
    assert!(run.stdout.contains("Took back grade 1 for two/a."), "{}", run.stdout);
    let lines = user.log_lines();
    assert_eq!(
        lines,
        [
            "# recall review log v1",
            "2026-11-24T09:00:00+00:00\ttwo/a\t5\t<ms>\treview"
        ]
    );
    let card = user.card_json("2026-11-24T09:00:00+00:00", "two/a");
    assert_eq!(card["ef"], 2.6);
    assert_eq!(card["lapses"], 0);
}

#[test]
fn a_pending_redrill_carries_over_to_the_next_session_of_the_day() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    user.run(
        "2026-11-24T09:00:00+00:00",
        &["review", "--deck", "two"],
        "\n1\n:quit\n",
    );
    let run = user.run("2026-11-24T15:00:00+00:00", &["review", "--deck", "two"], "\n5\n\n4\n");
    // Card b is still new; card a comes back as a re-drill after it.
    assert!(
        run.stdout.contains("0 due · 1 new · 1 again · 2 left"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("── two · re-drill"), "{}", run.stdout);
    assert!(
        user.log_lines()
            .last()
            .is_some_and(|l| l.ends_with("two/a\t4\t<ms>\tredrill"))
    );
    // The next day the re-drill is gone: its schedule came from the first answer.
    let card = user.card_json("2026-11-25T09:00:00+00:00", "two/a");
    assert_eq!(card["ef"], 1.96);
    assert_eq!(card["due"], "2026-11-25");
}

#[test]
fn bury_lasts_until_tomorrow_and_suspend_until_unsuspend() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let review = ["review", "--deck", "two"];
    let run = user.run("2026-11-24T09:00:00+00:00", &review, ":bury\n:suspend\n");
    assert!(run.stdout.contains("Buried two/a until tomorrow."), "{}", run.stdout);
    assert!(
        run.stdout.contains("Suspended two/b; `recall unsuspend two/b`"),
        "{}",
        run.stdout
    );
    assert_eq!(
        user.log_lines()[1..],
        [
            "2026-11-24T09:00:00+00:00\ttwo/a\tbury",
            "2026-11-24T09:00:00+00:00\ttwo/b\tsuspend"
        ]
    );
    let listed = user.run("2026-11-24T12:00:00+00:00", &["suspended"], "");
    assert!(listed.stdout.starts_with("buried    two/a"), "{}", listed.stdout);
    assert!(listed.stdout.contains("\nsuspended two/b"), "{}", listed.stdout);
    let run = user.run("2026-11-24T12:00:00+00:00", &review, "");
    assert_eq!(
        run.stdout,
        "Nothing to review today.\n(2 card(s) buried or suspended; `recall suspended` lists them.)\n"
    );
    // The next study day the buried card is back; the suspended one is not.
    let run = user.run("2026-11-25T09:00:00+00:00", &review, "\n5\n");
    assert!(run.stdout.contains("0 due · 1 new · 1 left"), "{}", run.stdout);
    assert!(run.stdout.contains("Question A"), "{}", run.stdout);
    let card = user.card_json("2026-11-25T09:00:00+00:00", "two/b");
    assert_eq!(card["hold"], "suspended");
    let back = user.run("2026-11-25T10:00:00+00:00", &["unsuspend", "two/b"], "");
    assert_eq!(
        (back.code, back.stdout.as_str()),
        (0, "two/b is back in your reviews.\n")
    );
    let again = user.run("2026-11-25T10:00:00+00:00", &["unsuspend", "two/b"], "");
    assert_eq!(again.stdout, "two/b is not suspended.\n");
    let run = user.run("2026-11-25T10:00:00+00:00", &review, "\n4\n");
    assert!(run.stdout.contains("Question B"), "{}", run.stdout);
}

#[test]
fn undo_takes_back_a_bury_in_the_log_too() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["review", "--deck", "two"],
        ":bury\n:undo\n\n5\n:stats\n:quit\n",
    );
    assert!(run.stdout.contains("Took back the burying of two/a."), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "  two/b: new, never answered\n  This session: 1 answer(s), 100% graded 3 or more · left: 0 due, 1 new, 0 to re-drill\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        user.log_lines()[1..],
        ["2026-11-24T09:00:00+00:00\ttwo/a\t5\t<ms>\treview"]
    );
}

#[test]
fn a_card_failed_eight_times_is_suspended_as_a_leech() {
    let user = User::new();
    user.deck("mine.ron", ONE_CARD);
    // A failure a day: each one schedules the card for the next day (and is re-drilled
    // to a 4 the same day, which does not count).
    for day in 1..=7 {
        let now = format!("2026-11-{day:02}T09:00:00+00:00");
        let run = user.run(&now, &["review", "--deck", "mine"], "\n1\n\n4\n");
        assert!(!run.stdout.contains("leech"), "day {day}: {}", run.stdout);
    }
    let run = user.run("2026-11-08T09:00:00+00:00", &["review", "--deck", "mine"], "\n1\n\n4\n");
    assert!(
        run.stdout
            .contains("This card has now been failed 8 times: it is a leech, and is suspended"),
        "{}",
        run.stdout
    );
    // Suspended, so not re-drilled: the session ended after the one answer.
    assert!(
        run.stdout.contains("Session over: 1 card, 1 answer in "),
        "{}",
        run.stdout
    );
    assert_eq!(
        user.log_lines().last().map(String::as_str),
        Some("2026-11-08T09:00:00+00:00\tmine/gil\tleech")
    );
    let listed = user.run("2026-11-09T09:00:00+00:00", &["suspended"], "");
    assert!(
        listed
            .stdout
            .starts_with("leech     mine/gil  since 2026-11-08 · failed 8×"),
        "{}",
        listed.stdout
    );
    let run = user.run("2026-11-09T09:00:00+00:00", &["review", "--deck", "mine"], "");
    assert!(run.stdout.starts_with("Nothing to review today."), "{}", run.stdout);
    let card = user.card_json("2026-11-09T09:00:00+00:00", "mine/gil");
    assert_eq!(
        (card["hold"].as_str(), card["lapses"].as_u64()),
        (Some("leech"), Some(8))
    );
    user.run("2026-11-09T09:00:00+00:00", &["unsuspend", "mine/gil"], "");
    let run = user.run("2026-11-09T09:00:00+00:00", &["review", "--deck", "mine"], "\n5\n");
    assert!(run.stdout.contains("1 due · 0 new · 1 left"), "{}", run.stdout);
}

#[test]
fn a_recorded_quiz_failure_can_make_a_leech_too() {
    let user = User::new();
    user.deck("mine.ron", ONE_CARD);
    for day in 1..=7 {
        let now = format!("2026-11-{day:02}T09:00:00+00:00");
        user.run(&now, &["review", "--deck", "mine"], "\n1\n\n4\n");
    }
    let run = user.run(
        "2026-11-08T09:00:00+00:00",
        &["quiz", "--deck", "mine", "--record", "-n", "1", "--seed", "1"],
        "\n1\n",
    );
    assert!(
        run.stdout.contains("failed 8 times: it is a leech, and is suspended"),
        "{}",
        run.stdout
    );
    assert_eq!(
        user.log_lines().last().map(String::as_str),
        Some("2026-11-08T09:00:00+00:00\tmine/gil\tleech")
    );
    // Suspended cards are left out of quizzes.
    let run = user.run("2026-11-09T09:00:00+00:00", &["quiz", "--deck", "mine"], "");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("suspended cards are left out"), "{}", run.stderr);
}

#[test]
fn merge_folds_another_devices_log_in_exactly_once() {
    let laptop = User::new();
    let phone = User::new();
    for user in [&laptop, &phone] {
        user.deck("two.ron", TWO_CARDS);
    }
    let review = ["review", "--deck", "two"];
    laptop.run("2026-11-24T09:00:00+00:00", &review, "\n5\n\n5\n");
    // The phone saw the same cards later that day, and card a again the next day.
    phone.run("2026-11-24T20:00:00+00:00", &review, "\n1\n\n4\n\n4\n");
    phone.run("2026-11-25T08:00:00+00:00", &review, ":suspend\n");
    let phone_log = phone.log_path();
    let phone_log = phone_log.to_str().expect("utf-8 path");
    let run = laptop.run("2026-11-25T09:00:00+00:00", &["merge", phone_log], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("Merged 3 answer(s) and 1 mark(s) from "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2 answer(s) came second on a day"),
        "{}",
        run.stdout
    );
    assert_eq!(
        laptop.log_lines()[1..],
        [
            "2026-11-24T09:00:00+00:00\ttwo/a\t5\t<ms>\treview",
            "2026-11-24T09:00:00+00:00\ttwo/b\t5\t<ms>\treview",
            "2026-11-24T20:00:00+00:00\ttwo/a\t1\t<ms>\tredrill",
            "2026-11-24T20:00:00+00:00\ttwo/b\t4\t<ms>\tredrill",
            "2026-11-24T20:00:00+00:00\ttwo/a\t4\t<ms>\tredrill",
            "2026-11-25T08:00:00+00:00\ttwo/b\tsuspend",
        ]
    );
    // The laptop's first answers still schedule; the phone's suspension holds.
    let card = laptop.card_json("2026-11-25T09:00:00+00:00", "two/a");
    assert_eq!(
        (card["ef"].as_f64(), card["interval_days"].as_u64()),
        (Some(2.6), Some(1))
    );
    let card = laptop.card_json("2026-11-25T09:00:00+00:00", "two/b");
    assert_eq!(card["hold"], "suspended");
    assert!(laptop.path().join("reviews.log.before-merge").exists());
    let again = laptop.run("2026-11-25T09:00:00+00:00", &["merge", phone_log], "");
    assert!(again.stdout.starts_with("Nothing to merge"), "{}", again.stdout);
    let own = laptop.log_path();
    let own = laptop.run("2026-11-25T09:00:00+00:00", &["merge", own.to_str().expect("path")], "");
    assert_eq!(own.code, 1);
    assert!(own.stderr.contains("is your own review log"), "{}", own.stderr);
    let missing = laptop.run("2026-11-25T09:00:00+00:00", &["merge", "/no/such/reviews.log"], "");
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("/no/such/reviews.log: No such file"),
        "{}",
        missing.stderr
    );
    let broken = phone.path().join("broken.log");
    fs::write(&broken, "# recall review log v1\nnonsense\n").expect("write");
    let run = laptop.run(
        "2026-11-25T09:00:00+00:00",
        &["merge", broken.to_str().expect("path")],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("broken.log:2: unreadable record"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was merged"), "{}", run.stderr);
}

#[test]
fn find_lists_the_cards_that_mention_every_word_with_their_status() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let now = "2026-11-24T09:00:00+00:00";
    user.run(now, &["review", "--deck", "two"], "\n5\n:suspend\n");
    let run = user.run(now, &["find", "QUESTION", "--deck", "two"], "");
    assert_eq!(
        run.stdout,
        "two/a                                due 2026-11-25 Question A\n\
         two/b                                suspended      Question B\n\
         2 card(s).\n"
    );
    // Every word must match; notes and options count too.
    let run = user.run(now, &["find", "canary", "kserve", "--json"], "");
    let found: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let keys: Vec<&str> = found
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    assert!(keys.contains(&"ops/kserve-canary-percent"), "{keys:?}");
    assert!(
        keys.iter().all(|k| k.starts_with("ops/") || k.starts_with("sd/")),
        "{keys:?}"
    );
    let none = user.run(now, &["find", "zzzz-nothing"], "");
    assert_eq!(
        (none.code, none.stdout.as_str()),
        (0, "No card mentions zzzz-nothing.\n")
    );
}

#[test]
fn suspend_names_whole_cards_or_one_side_and_checks_every_name_first() {
    let user = User::new();
    let now = "2026-11-24T09:00:00+00:00";
    let run = user.run(now, &["suspend", "cs/big-o-meaning", "cs/no-such-card"], "");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no card cs/no-such-card"), "{}", run.stderr);
    // Nothing is written when one name is wrong.
    assert_eq!(user.log_lines(), ["# recall review log v1"]);
    let run = user.run(now, &["suspend", "bad key"], "");
    assert_eq!(run.code, 2, "{}", run.stderr);
    user.deck(
        "rev.ron",
        r#"Deck(id: "rev", title: "Rev", cards: [
            Reversible(id: "r", front: "Kafka", back: "a distributed log"),
            Cloze(id: "c", text: "{{c1::Precision}} and {{c2::recall}}"),
        ])"#,
    );
    let run = user.run(now, &["suspend", "rev/r", "rev/c:c2", "rev/r:rev"], "");
    assert_eq!(
        run.stdout, "Suspended rev/r.\nSuspended rev/r:rev.\nSuspended rev/c:c2.\n",
        "{}",
        run.stderr
    );
    let run = user.run(now, &["review", "--deck", "rev"], "\n5\n");
    assert!(run.stdout.contains("0 due · 1 new · 1 left"), "{}", run.stdout);
    assert!(run.stdout.contains("[…] and recall"), "{}", run.stdout);
}

#[test]
fn stats_counts_forecasts_and_draws_the_history_of_a_known_log() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    user.deck("mine.ron", ONE_CARD);
    let two = ["review", "--deck", "two"];
    user.run("2026-11-22T09:00:00+00:00", &two, "\n5\n\n4\n");
    user.run("2026-11-23T09:00:00+00:00", &two, "\n5\n\n2\n\n4\n");
    user.run("2026-11-24T09:00:00+00:00", &["suspend", "mine/gil"], "");
    let run = user.run(
        "2026-11-24T10:00:00+00:00",
        &["stats", "--deck", "two", "--deck", "mine"],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "recall stats · 2026-11-24");
    // Three answers the second day (one a re-drill), two study days in a row.
    assert_eq!(
        lines[1],
        "Due today: 1 · 5 answer(s) on 2 study day(s) · streak: 2 days (longest 2)"
    );
    assert!(
        run.stdout
            .contains("two                   2     0      1      1      0     0     1    94%"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("mine                  1     1      0      0      0     1     0     0%"),
        "{}",
        run.stdout
    );
    let json = user.run("2026-11-24T10:00:00+00:00", &["stats", "--json", "--deck", "two"], "");
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(json["total"]["cards"], 2);
    assert_eq!(json["total"]["young"], 1);
    assert_eq!(json["forecast"][0]["count"], 1);
    assert_eq!(json["forecast"][5]["date"], "2026-11-29");
    assert_eq!(json["forecast"][5]["count"], 1);
    assert_eq!(json["streak"], 2);
    assert_eq!(json["retention"]["young_all"]["answers"], 0);
}

#[test]
fn the_new_card_limit_counts_what_was_already_seen_today() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["review", "--deck", "two", "--new", "1"],
        "\n5\n",
    );
    assert!(run.stdout.contains("0 due · 1 new · 1 left"), "{}", run.stdout);
    let run = user.run(
        "2026-11-24T10:00:00+00:00",
        &["review", "--deck", "two", "--new", "1"],
        "",
    );
    assert_eq!(
        run.stdout,
        "Nothing to review today. The next card is due on 2026-11-25.\n"
    );
}

#[test]
fn a_torn_last_line_is_reported_and_repaired_without_losing_records() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    fs::write(
        user.log_path(),
        "# recall review log v1\n2026-11-23T09:00:00+00:00\ttwo/a\t5\t800\treview\n2026-11-23T09:01:00+00:00\ttwo/b\t",
    )
    .expect("write log");
    let run = user.run("2026-11-24T09:00:00+00:00", &["card", "two/a"], "");
    assert!(run.stderr.contains("the last line is incomplete"), "{}", run.stderr);
    let run = user.run("2026-11-24T09:00:00+00:00", &["review", "--deck", "two"], ":quit\n");
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("removed it, every complete record is kept"),
        "{}",
        run.stderr
    );
    assert_eq!(
        user.log_lines(),
        [
            "# recall review log v1",
            "2026-11-23T09:00:00+00:00\ttwo/a\t5\t<ms>\treview"
        ]
    );
    let run = user.run("2026-11-24T09:00:00+00:00", &["review", "--deck", "two"], ":quit\n");
    assert_eq!(run.stderr, "");
}

/// Waits until the log has `n` lines (a session's answers are durable before the next
/// card shows, so this is the moment a crash may come).
fn wait_for_log_lines(user: &User, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while fs::read_to_string(user.log_path()).map_or(0, |t| t.lines().count()) < n {
        assert!(Instant::now() < deadline, "the log never reached {n} lines");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_second_session_is_refused_and_kill_9_loses_nothing_but_the_answer_in_flight() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let mut first = user
        .command("2026-11-24T09:00:00+00:00", &["review", "--deck", "two"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = first.stdin.take().expect("stdin");
    // One answer, then the reveal of the next card, whose grade never comes.
    stdin.write_all(b"\n5\n\n").expect("answer");
    stdin.flush().expect("flush");
    wait_for_log_lines(&user, 2);

    let second = user.run("2026-11-24T09:00:00+00:00", &["review", "--deck", "two"], "\n5\n");
    assert_eq!(second.code, 1);
    assert!(
        second.stderr.contains("is already in use by another recall session"),
        "{}",
        second.stderr
    );

    first.kill().expect("kill -9");
    first.wait().expect("reap");
    assert_eq!(
        user.log_lines(),
        [
            "# recall review log v1",
            "2026-11-24T09:00:00+00:00\ttwo/a\t5\t<ms>\treview"
        ]
    );
    // The lock died with the process; the next session goes on where it stopped.
    let run = user.run("2026-11-24T09:05:00+00:00", &["review", "--deck", "two"], "\n4\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("0 due · 1 new · 1 left"), "{}", run.stdout);
}

#[test]
fn deck_check_reports_file_line_and_column_and_fails() {
    let user = User::new();
    let path = user.deck(
        "broken.ron",
        "Deck(\n    id: \"b\",\n    title: \"Broken\",\n    cards: [\n        Basic(id: \"x\", front: \"Q\" back: \"A\"),\n    ],\n)\n",
    );
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["deck", "check", path.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(run.code, 1);
    let shown = path.display();
    assert_eq!(
        run.stderr,
        format!(
            "{shown}:5:34: expected comma\n 5 |         Basic(id: \"x\", front: \"Q\" back: \"A\"),\n   |                                  ^\n\nrecall: error: 1 problem(s) in deck files\n"
        )
    );
}

#[test]
fn deck_check_reports_every_problem_after_a_syntax_error() {
    let user = User::new();
    let path = user.deck(
        "seven.ron",
        r#"Deck(
    id: "d",
    title: "T",
    cards: [
        Basic(id: "a", front: "Q", back: "A")   // the comma is missing here
        Basic(id: "b", front: "Q2", back: "A2"),
        Basic(id: "c", front: "Q3" back: "A3"),
        Basic(id: "d", front: "Q4", back: "A4", hint: "x"),
        Cloze(id: "e", text: "no deletions"),
        Choice(id: "f", question: "Q", options: ["a"], correct: [3]),
        Basic(id: "a", front: "Q7", back: "A7"),
    ],
)
"#,
    );
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["deck", "check", path.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(run.code, 1);
    let found: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{}:", path.display())))
        .collect();
    assert_eq!(
        found,
        [
            "5:46: expected comma",
            "7:35: expected comma",
            "8:49: unexpected field named `hint` in `Basic`, expected one of `id`, `topic`, `front`, `back`, `notes`, `tags`, or `points` instead",
            "9:30: cloze card \"e\" has no deletions: mark one as {{c1::answer}}",
            "10:49: choice card \"f\" needs at least two options",
            "10:65: correct option 3 of card \"f\" is out of range: options are numbered from 0 to 0",
            "11:19: duplicate card id \"a\" (first used on line 5)",
        ]
    );
    assert!(
        run.stderr.ends_with("recall: error: 7 problem(s) in deck files\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn deck_check_of_a_folder_without_decks_says_so() {
    let user = User::new();
    let empty = user.path().join("empty");
    fs::create_dir_all(&empty).expect("dir");
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["deck", "check", empty.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!("recall: error: no deck files in {}\n", empty.display())
    );
}

#[test]
fn deck_check_finds_duplicates_empty_fields_and_unknown_fields() {
    let user = User::new();
    user.deck("a.ron", ONE_CARD);
    user.deck(
        "b.ron",
        "Deck(id: \"mine\", title: \"Again\", cards: [\n  Basic(id: \"c\", front: \"Q\", back: \"A\"),\n  Basic(id: \"c\", front: \"\", back: \"A\"),\n])\n",
    );
    user.deck("c.ron", "Deck(id: \"c\", title: \"C\", colour: \"red\", cards: [])\n");
    let run = user.run("2026-11-24T09:00:00+00:00", &["deck", "check"], "");
    assert_eq!(run.code, 1);
    let messages: Vec<&str> = run.stderr.lines().filter(|l| l.contains(".ron:")).collect();
    assert_eq!(messages.len(), 3, "{}", run.stderr);
    assert!(
        messages[0].ends_with("b.ron:3:13: duplicate card id \"c\" (first used on line 2)"),
        "{messages:?}"
    );
    assert!(
        messages[1].ends_with("b.ron:3:25: empty `front` in card \"c\""),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("c.ron:1:27: unexpected field named `colour`"),
        "{messages:?}"
    );
}

#[test]
fn a_broken_user_deck_is_reported_and_skipped_not_fatal() {
    let user = User::new();
    user.deck("mine.ron", ONE_CARD);
    user.deck("zz.ron", "Deck(id: \"zz\", title: \"\", cards: [)\n");
    // Several problems in one file: still one line before every command.
    user.deck(
        "broken.ron",
        "Deck(id: \"b\", title: \"B\", cards: [\n  Basic(id: \"a\", front: \"\", back: \"\"),\n  Basic(id: \"a\", front: \"Q\", back: \"\"),\n])\n",
    );
    let run = user.run("2026-11-24T09:00:00+00:00", &["review", "--deck", "mine"], "\n5\n");
    assert_eq!(run.code, 0);
    let zz = user.path().join("decks/zz.ron");
    let broken = user.path().join("decks/broken.ron");
    assert_eq!(
        run.stderr,
        format!(
            "warning: skipping {b}: 4 problems; run `recall deck check {b}`\n\
             warning: skipping {z}: 1 problem; run `recall deck check {z}`\n",
            b = broken.display(),
            z = zz.display()
        )
    );
    assert!(run.stdout.contains("What does the GIL serialize?"));
}

#[test]
fn control_characters_in_cards_are_shown_escaped() {
    let user = User::new();
    user.deck(
        "evil.ron",
        "Deck(id: \"evil\", title: \"E\", cards: [Basic(id: \"x\", front: \"Hi\\u{1b}]0;pwned\\u{7}\", back: \"\\u{1b}[2J\")])",
    );
    let run = user.run("2026-11-24T09:00:00+00:00", &["review", "--deck", "evil"], "\n5\n");
    assert!(!run.stdout.contains('\u{1b}'), "raw escape reached the output");
    assert!(run.stdout.contains("Hi\\u{1b}]0;pwned\\u{7}"), "{}", run.stdout);
    assert!(run.stdout.contains("\\u{1b}[2J"), "{}", run.stdout);
}

#[test]
fn a_user_deck_replaces_the_built_in_deck_with_its_id() {
    let user = User::new();
    user.deck(
        "cs.ron",
        "Deck(id: \"cs\", title: \"My CS\", cards: [Basic(id: \"x\", front: \"Mine?\", back: \"Yes\")])",
    );
    let run = user.run("2026-11-24T09:00:00+00:00", &["review", "--deck", "cs"], "\n5\n");
    assert!(run.stdout.contains("Mine?"), "{}", run.stdout);
    assert!(run.stdout.contains("0 due · 1 new · 1 left"), "{}", run.stdout);
}

#[test]
fn bad_input_gets_a_clear_error_and_a_nonzero_exit() {
    let user = User::new();
    let cases: &[(&str, &[&str], i32, &str)] = &[
        (
            "yesterday",
            &["review"],
            2,
            "RECALL_NOW=\"yesterday\" is not an RFC 3339 time",
        ),
        (
            "2026-11-24T09:00:00+00:00",
            &["review", "--deck", "nope"],
            1,
            "no deck with id \"nope\"",
        ),
        (
            "2026-11-24T09:00:00+00:00",
            &["card", "no such card!"],
            2,
            "\"no such card!\" is not a card key",
        ),
        // A bare id is looked for in every deck.
        (
            "2026-11-24T09:00:00+00:00",
            &["card", "nonsense"],
            1,
            "no card nonsense",
        ),
        ("2026-11-24T09:00:00+00:00", &["card", "cs/nope"], 1, "no card cs/nope"),
        (
            "2026-11-24T09:00:00+00:00",
            &["--rollover-hour", "24", "review"],
            2,
            "--rollover-hour 24 is out of range",
        ),
    ];
    for (now, args, code, message) in cases {
        let run = user.run(now, args, "");
        assert_eq!(run.code, *code, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("recall: error: "), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_corrupt_log_line_in_the_middle_is_reported_and_kept() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let text = "# recall review log v1\nnot a record\n2026-11-23T09:00:00+00:00\ttwo/a\t5\t800\treview\n";
    fs::write(user.log_path(), text).expect("write");
    let run = user.run("2026-11-24T09:00:00+00:00", &["review", "--deck", "two"], ":quit\n");
    assert!(
        run.stderr.contains("reviews.log:2: unreadable record skipped"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(user.log_path()).expect("log"), text);
}

/// What only a terminal shows: rustyline's line editing, the prompt drawn by the
/// editor, Ctrl-C ending the session cleanly, and escapes kept off the screen.
#[test]
fn a_review_in_a_real_pseudo_terminal() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    user.deck(
        "evil.ron",
        "Deck(id: \"evil\", title: \"E\", cards: [Basic(id: \"x\", front: \"Bell\\u{7} and \\u{1b}[31mred\", back: \"ok\")])",
    );
    let mut cmd = user.command("2026-11-24T09:00:00+00:00", &["review", "--deck", "two"]);
    cmd.env("TERM", "xterm").env("COLUMNS", "60");
    let mut pty = rexpect::session::spawn_command(cmd, Some(10_000)).expect("spawn in a pty");
    let before = pty.exp_string("Question A").expect("first question");
    assert!(
        before.ends_with("\u{1b}[1m  "),
        "the question is bold on a terminal: {before:?}"
    );
    // rexpect reads bytes as Latin-1, so expectations stay ASCII.
    pty.exp_string("2 new ").expect("prompt");
    pty.exp_string("2 left").expect("prompt");
    pty.send_line("").expect("reveal");
    pty.exp_string("Answer A").expect("answer");
    pty.exp_string("grade ").expect("grade prompt");
    // Line editing: type 3, erase it, type 5.
    pty.send("3\u{7f}5").expect("type");
    pty.send_line("").expect("enter");
    pty.exp_string("next review in 1 day").expect("scheduled");
    pty.exp_string("Question B").expect("second question");
    pty.send_control('c').expect("ctrl-c");
    pty.exp_string("Session over: 1 card, 1 answer in ")
        .expect("summary on ctrl-c");
    pty.exp_eof().expect("clean exit");
    assert_eq!(user.log_lines().len(), 2);

    let mut cmd = user.command("2026-11-24T09:00:00+00:00", &["review", "--deck", "evil"]);
    cmd.env("TERM", "xterm").env("NO_COLOR", "1");
    let mut pty = rexpect::session::spawn_command(cmd, Some(10_000)).expect("spawn in a pty");
    let shown = pty.exp_string("1 left").expect("prompt");
    assert!(shown.contains("Bell\\u{7} and \\u{1b}[31mred"), "{shown:?}");
    assert!(
        !shown.contains("\u{1b}[31m"),
        "a raw escape reached the terminal: {shown:?}"
    );
    pty.send_control('d').expect("ctrl-d");
    pty.exp_string("No answers this session.").expect("summary on ctrl-d");
    pty.exp_eof().expect("clean exit");
}

#[test]
fn decks_from_an_extra_folder_are_reviewed_and_plan_counts_them() {
    let user = User::new();
    let extra = tempfile::tempdir().expect("tempdir");
    fs::write(extra.path().join("two.ron"), TWO_CARDS).expect("write");
    let folder = extra.path().to_str().expect("utf-8");
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["review", "--decks", folder, "--deck", "two"],
        "\n5\n:quit\n",
    );
    assert!(run.stdout.contains("Question A"), "{}", run.stdout);
    let run = user.run("2026-11-24T09:00:00+00:00", &["plan", "--decks", folder], "");
    assert!(
        run.stdout
            .contains("Outside the roadmap: 2 sides · 1 new · 1 learning · 0 mature"),
        "{}",
        run.stdout
    );
}

const KINDS: &str = r#"// Every kind of card.
Deck(
    id: "kinds",
    title: "Kinds",
    cards: [
        Reversible(id: "capital", front: "Capital of France", back: "Paris"),
        Cloze(id: "gil", text: "The {{c1::GIL}} lets one thread run {{c2::bytecode::what?}} at a time."),
        Choice(
            id: "adamw",
            question: "Which optimizer decouples weight decay?",
            options: ["Adam", "AdamW", "SGD"],
            correct: [1],
        ),
        Typed(id: "f1", question: "The harmonic mean of precision and recall?", answers: ["F1", "F1 score"]),
        Basic(
            id: "ddp",
            front: "Explain how DDP synchronizes gradients.",
            back: "All-reduce of gradient buckets during backward.",
            points: ["one process per GPU", "all-reduce averages gradients", "buckets overlap backward"],
        ),
    ],
)
"#;

#[test]
fn every_kind_of_card_through_the_piped_repl() {
    let user = User::new();
    user.deck("kinds.ron", KINDS);
    let now = "2026-11-24T09:00:00+00:00";
    // Day 1: the first side of each card (siblings wait), answered in turn.
    let run = user.run(
        now,
        &["review", "--deck", "kinds", "--seed", "1"],
        "\n5\n\n4\nzz\nb\n\nf 1\n3\n\nnope\n1 3\n\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.contains("── kinds · new · reversible"), "{out}");
    assert!(
        out.contains("  The […] lets one thread run bytecode at a time."),
        "{out}"
    );
    assert!(
        out.contains("  The [GIL] lets one thread run bytecode at a time."),
        "{out}"
    );
    assert!(
        out.contains("\"z\" is not an option: answer with letters from a to c"),
        "{out}"
    );
    assert!(out.contains("✗ close, but not it: f[- ]1"), "{out}");
    assert!(out.contains("grade 0-5 [1] › 3"), "{out}");
    assert!(out.contains("   3. buckets overlap backward"), "{out}");
    assert!(out.contains("\"nope\" is not a point number"), "{out}");
    assert!(
        out.contains("grade 0-5 [4] › \n"),
        "two of three points propose 4: {out}"
    );
    // The shuffled options: whichever letter AdamW got, the answer `b` was judged by it.
    let adamw_is_b = out.contains("  b) AdamW");
    assert_eq!(out.contains("✓ right"), adamw_is_b, "{out}");
    let lines = user.log_lines();
    let keys: Vec<&str> = lines[1..].iter().map(|l| l.split('\t').nth(1).unwrap_or("")).collect();
    assert_eq!(
        keys,
        ["kinds/capital", "kinds/gil:c1", "kinds/adamw", "kinds/f1", "kinds/ddp"]
    );
    assert!(lines[5].contains("kinds/ddp\t4\t"), "{lines:?}");
    // Day 2: the first sides are due, so their siblings still wait (each has its own
    // schedule, and seeing one side gives the other away).
    let run = user.run("2026-11-25T09:00:00+00:00", &["review", "--deck", "kinds"], ":quit\n");
    assert!(run.stdout.contains("5 due · 0 new · 5 left"), "{}", run.stdout);
    let card = user.card_json(now, "kinds/capital:rev");
    assert_eq!(card["due"], serde_json::Value::Null);
    assert_eq!(card["front"], "Paris");
    assert_eq!(card["kind"], "reversible");
}

#[test]
fn the_same_seed_shows_choice_options_in_the_same_order() {
    let one = User::new();
    one.deck("kinds.ron", KINDS);
    let two = User::new();
    two.deck("kinds.ron", KINDS);
    let args = ["review", "--deck", "kinds", "--seed", "42"];
    let a = one.run("2026-11-24T09:00:00+00:00", &args, "\n5\n\n5\na\n\n");
    let b = two.run("2026-11-24T09:00:00+00:00", &args, "\n5\n\n5\na\n\n");
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn deck_check_explains_broken_cloze_and_choice_cards() {
    let user = User::new();
    let path = user.deck(
        "bad.ron",
        r#"Deck(id: "bad", title: "Bad", cards: [
    Cloze(id: "none", text: "no deletions here"),
    Cloze(id: "open", text: "an {{c1::unclosed deletion"),
    Choice(id: "range", question: "Q?", options: ["x", "y"], correct: [2]),
    Typed(id: "empty", question: "Q?", answers: []),
])
"#,
    );
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["deck", "check", path.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(run.code, 1);
    let messages: Vec<&str> = run.stderr.lines().filter(|l| l.contains("bad.ron:")).collect();
    assert_eq!(messages.len(), 4, "{}", run.stderr);
    assert!(messages[0].ends_with("bad.ron:2:29: cloze card \"none\" has no deletions: mark one as {{c1::answer}}"));
    assert!(messages[1].ends_with("bad.ron:3:29: cloze text of card \"open\": unclosed `{{` at character 3"));
    assert!(
        messages[2].ends_with(
            "bad.ron:4:71: correct option 2 of card \"range\" is out of range: options are numbered from 0 to 1"
        ),
        "{messages:?}"
    );
    assert!(messages[3].ends_with("bad.ron:5:49: typed card \"empty\" accepts no answer: list at least one"));
}

#[test]
fn choice_typed_and_key_point_cards_in_a_real_pseudo_terminal() {
    let user = User::new();
    user.deck("kinds.ron", KINDS);
    let mut cmd = user.command(
        "2026-11-24T09:00:00+00:00",
        &["review", "--deck", "kinds", "--seed", "1"],
    );
    cmd.env("TERM", "xterm").env("NO_COLOR", "1");
    let mut pty = rexpect::session::spawn_command(cmd, Some(10_000)).expect("spawn in a pty");
    for grade in ["5", "5"] {
        pty.exp_string(" left").expect("question");
        pty.send_line("").expect("reveal");
        pty.exp_string("grade").expect("grade prompt");
        pty.send_line(grade).expect("grade");
    }
    // With seed 1, AdamW is option b (the piped test shows the same order).
    pty.exp_string("b) AdamW").expect("options");
    pty.exp_string("letter(s)").expect("choice prompt");
    pty.send_line("b").expect("choose");
    pty.exp_string("right").expect("auto-graded");
    pty.exp_string("grade 0-5 [4]").expect("proposed grade");
    pty.send_line("").expect("accept");
    pty.exp_string("answer, or Enter").expect("typed prompt");
    pty.send_line("  f1 SCORE ").expect("type");
    pty.exp_string("right").expect("typed answer accepted");
    pty.exp_string("grade 0-5 [4]").expect("proposed grade");
    pty.send_line("5").expect("override");
    pty.exp_string("Explain how DDP").expect("key-point card");
    pty.send_line("").expect("reveal");
    pty.exp_string("covered").expect("checklist");
    pty.send_line("all").expect("all points");
    pty.exp_string("grade 0-5 [5]").expect("all points propose 5");
    pty.send_line("").expect("accept");
    pty.exp_string("Session over: 5 cards, 5 answers in ").expect("summary");
    pty.exp_eof().expect("clean exit");
    let grades: Vec<String> = user.log_lines()[1..]
        .iter()
        .map(|l| l.split('\t').nth(2).unwrap_or("").to_string())
        .collect();
    assert_eq!(grades, ["5", "5", "4", "5", "5"]);
}

#[test]
fn deck_new_then_add_of_each_kind_keeps_the_authors_text_byte_for_byte() {
    let user = User::new();
    let now = "2026-11-24T09:00:00+00:00";
    let run = user.run(now, &["deck", "new", "mine", "--title", "Mine"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = user.path().join("decks/mine.ron");
    let again = user.run(now, &["deck", "new", "mine"], "");
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .contains("already exists; recall never overwrites a deck file"),
        "{}",
        again.stderr
    );
    // The author adds a comment of their own, with odd spacing, above the list's end.
    let text = fs::read_to_string(&path)
        .expect("deck")
        .replace("    ],\n)", "      // my note   \n    ],\n)");
    fs::write(&path, &text).expect("write");
    let adds: &[&[&str]] = &[
        &[
            "--front",
            "What is F1?",
            "--back",
            "F1 = 2·P·R / (P + R)",
            "--topic",
            "ml.metrics",
        ],
        &[
            "--kind",
            "reversible",
            "--front",
            "Capital of France",
            "--back",
            "Paris",
        ],
        &["--kind", "cloze", "--text", "The {{c1::GIL}} serializes bytecode"],
        &[
            "--kind",
            "choice",
            "--question",
            "Best?",
            "--option",
            "x",
            "--option",
            "y",
            "--correct",
            "1",
        ],
        &[
            "--kind",
            "typed",
            "--question",
            "Harmonic mean of P and R?",
            "--answer",
            "F1",
            "--point",
            "harmonic",
        ],
    ];
    let mut keys = Vec::new();
    for flags in adds {
        let mut args = vec!["add", "--deck", "mine"];
        args.extend_from_slice(flags);
        let run = user.run(now, &args, "");
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        keys.push(run.stdout.trim().to_string());
    }
    assert_eq!(
        keys,
        [
            "mine/f1",
            "mine/capital-france",
            "mine/gil-serializes-bytecode",
            "mine/best",
            "mine/harmonic-mean-p-r"
        ]
    );
    let after = fs::read_to_string(&path).expect("deck");
    let insert_at = text.find("    ],\n)").expect("end of the card list");
    assert!(
        after.starts_with(&text[..insert_at]),
        "everything before the new cards is unchanged"
    );
    assert!(
        after.ends_with(&text[insert_at..]),
        "everything after the new cards is unchanged"
    );
    let run = user.run(now, &["deck", "check"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.ends_with("5 card(s): no problems\n") || run.stdout.contains("no problems"),
        "{}",
        run.stdout
    );
    // A bad card is refused and the file left alone.
    let run = user.run(
        now,
        &["add", "--deck", "mine", "--kind", "cloze", "--text", "no deletion"],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cloze text has no deletions"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(&path).expect("deck"), after);
    // Built-in decks are not edited.
    let run = user.run(now, &["add", "--deck", "nope", "--front", "q", "--back", "a"], "");
    assert!(run.stderr.contains("no deck with id \"nope\""), "{}", run.stderr);
}

#[test]
fn add_asks_for_the_fields_when_no_content_is_given() {
    let user = User::new();
    let now = "2026-11-24T09:00:00+00:00";
    user.run(now, &["deck", "new", "mine"], "");
    // Kind, topic, the sides, notes, tags, key points; then no second card.
    let script = "reversible\nml.metrics\n\"\"\"\nWhat does\nMSE punish?\n\"\"\"\nLarge errors\nsquared\nloss\n\nn\n";
    let run = user.run(now, &["add"], script);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Added mine/mse-punish.\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\n1 card added to "), "{}", run.stdout);
    let card = user.card_json(now, "mine/mse-punish:rev");
    assert_eq!(card["front"], "Large errors");
    assert_eq!(card["back"], "What does\nMSE punish?");
}

#[test]
fn deck_fmt_is_idempotent_keeps_comments_and_check_reports_unformatted_files() {
    let user = User::new();
    let now = "2026-11-24T09:00:00+00:00";
    let messy = "// mine\nDeck(id:\"mine\",title:\"Mine\", // the title\n cards:[Basic(id:\"a\",front:\"Q\",back:\"A\"),\n\n  // second\n  Cloze(id:\"c\", text:\"{{c1::x}}\")])\n";
    let path = user.deck("mine.ron", messy);
    let run = user.run(now, &["deck", "fmt", "--check"], "");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, format!("{}: not formatted\n", path.display()));
    assert_eq!(
        fs::read_to_string(&path).expect("deck"),
        messy,
        "--check changes nothing"
    );
    let run = user.run(now, &["deck", "fmt"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let formatted = fs::read_to_string(&path).expect("deck");
    assert_eq!(
        formatted,
        "// mine\nDeck(\n    id: \"mine\",\n    title: \"Mine\", // the title\n    cards: [\n        Basic(\n            id: \"a\",\n            front: \"Q\",\n            back: \"A\",\n        ),\n\n        // second\n        Cloze(\n            id: \"c\",\n            text: \"{{c1::x}}\",\n        ),\n    ],\n)\n"
    );
    let run = user.run(now, &["deck", "fmt", "--check"], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout, "1 deck file(s) already formatted\n");
    // A deck that does not parse is reported, never rewritten.
    let broken = user.deck(
        "broken.ron",
        "Deck(id: \"b\", title: \"B\", cards: [Basic(id: \"x\")])\n",
    );
    let run = user.run(now, &["deck", "fmt", broken.to_str().expect("utf-8")], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("broken.ron:1:"), "{}", run.stderr);
}

#[test]
fn edit_opens_the_deck_at_the_card_and_reloads_it() {
    use std::os::unix::fs::PermissionsExt;
    let user = User::new();
    let deck = user.deck("two.ron", TWO_CARDS);
    let script = user.path().join("editor.sh");
    fs::write(
        &script,
        "#!/bin/sh\necho \"$1 $2\" > \"$(dirname \"$2\")/../editor-args\"\nsed -i 's/Answer A/Answer Z/' \"$2\"\n",
    )
    .expect("script");
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut child = user
        .command("2026-11-24T09:00:00+00:00", &["review", "--deck", "two"])
        .env("EDITOR", &script)
        .env_remove("VISUAL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b":edit\n\n5\n:quit\n")
        .expect("stdin");
    let output = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let args = fs::read_to_string(user.path().join("editor-args")).expect("the editor ran");
    assert_eq!(args.trim(), format!("+5 {}", deck.display()));
    assert!(stdout.contains("Reloaded"), "{stdout}");
    assert!(stdout.contains("  Answer Z\n"), "the edited card is shown: {stdout}");
    assert!(fs::read_to_string(&deck).expect("deck").contains("Answer Z"));
}

#[test]
fn export_to_anki_and_markdown_and_import_back_keeps_every_card() {
    let user = User::new();
    let now = "2026-11-24T09:00:00+00:00";
    user.deck("kinds.ron", KINDS);
    for (format, file) in [("anki", "kinds.txt"), ("markdown", "kinds.md")] {
        let out = user.path().join(file);
        let run = user.run(
            now,
            &[
                "export",
                "--deck",
                "kinds",
                "--format",
                format,
                "-o",
                out.to_str().expect("utf-8"),
            ],
            "",
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stderr, format!("Wrote 5 card(s) to {}\n", out.display()));
        let id = format!("back-{format}");
        let run = user.run(now, &["import", out.to_str().expect("utf-8"), "--deck", &id], "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.starts_with("Imported 5 card(s) into "), "{}", run.stdout);
        for card in ["capital", "gil", "adamw", "f1", "ddp"] {
            let original = user.card_json(now, &format!("kinds/{card}"));
            let copy = user.card_json(now, &format!("{id}/{card}"));
            if format == "anki" && card == "adamw" {
                // Anki has no choice notes: the card comes back as a basic card that
                // lists its options.
                assert_eq!(copy["kind"], "basic");
                assert_eq!(copy["back"], "b) AdamW");
                continue;
            }
            assert_eq!(copy["front"], original["front"], "{format} {card}");
            assert_eq!(copy["kind"], original["kind"], "{format} {card}");
            assert_eq!(copy["back"], original["back"], "{format} {card}");
        }
        // An import never overwrites a deck.
        let again = user.run(now, &["import", out.to_str().expect("utf-8"), "--deck", &id], "");
        assert_eq!(again.code, 1);
        assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    }
}

#[test]
fn import_reports_malformed_lines_with_their_numbers() {
    let user = User::new();
    let file = user.path().join("cards.csv");
    fs::write(
        &file,
        "front,back\nWhat is MSE?,Mean squared error\n,no front\n\"unclosed,x\nok?,yes\n",
    )
    .expect("csv");
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["import", file.to_str().expect("utf-8"), "--deck", "csvd"],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Line 4 opens a quote that never closes, so it swallows line 5 as CSV does.
    let shown = file.display();
    assert_eq!(
        run.stderr,
        format!("{shown}:3: skipped: empty front or back\n{shown}:4: skipped: empty front or back\n")
    );
    assert!(run.stdout.starts_with("Imported 1 card(s)"), "{}", run.stdout);
    let tsv = user.path().join("notes.txt");
    fs::write(&tsv, "#separator:tab\n#html:false\nQ1\tA1\nonly a front\nQ3\tA3\n").expect("tsv");
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["import", tsv.to_str().expect("utf-8"), "--deck", "tsvd"],
        "",
    );
    assert_eq!(
        run.stderr,
        format!(
            "{}:4: skipped: the back is empty (a note needs a front and a back)\n",
            tsv.display()
        )
    );
    assert!(run.stdout.starts_with("Imported 2 card(s)"), "{}", run.stdout);
}

const QUIZ_DECK: &str = r#"Deck(id: "qz", title: "Quiz", cards: [
    Basic(id: "m1", topic: "ml.metrics", front: "What is recall?", back: "TP / (TP + FN)"),
    Basic(id: "m2", topic: "ml.metrics", front: "What is precision?", back: "TP / (TP + FP)"),
    Basic(id: "g1", topic: "py.gil", front: "Does the GIL stop I/O-bound threads?", back: "No: I/O releases it"),
    Typed(id: "g2", topic: "py.gil", question: "Module for CPU-bound parallelism?", answers: ["multiprocessing"]),
])
"#;

#[test]
fn a_seeded_quiz_asks_grades_and_reports_exactly_and_leaves_the_schedule_alone() {
    let user = User::new();
    user.deck("qz.ron", QUIZ_DECK);
    let now = "2026-11-24T09:00:00+00:00";
    let full = ["quiz", "--deck", "qz", "-n", "3", "--seed", "5"];
    let script = "\n1\nmultiprocessing\n\n\n4\n";
    let first = user.run(now, &full, script);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let again = User::new();
    again.deck("qz.ron", QUIZ_DECK);
    let second = again.run(now, &full, script);
    assert_eq!(
        steady(&first.stdout),
        steady(&second.stdout),
        "the same seed gives the same quiz"
    );
    // Two topics: both come before either comes twice. The typed card grades itself.
    let expected = "A quiz of 3 questions. Answer, then grade yourself 0–5 where recall
cannot. :help lists commands.

── question 1/3 · qz · ml.metrics ──────────────────────────────────────────────
  What is precision?
1/3 › 

  TP / (TP + FP)
  0 blank · 1 wrong · 2 almost · 3 hard · 4 good · 5 easy
grade 0-5 › 1

── question 2/3 · qz · py.gil ──────────────────────────────────────────────────
  Module for CPU-bound parallelism?
answer, or Enter to reveal · 2/3 › multiprocessing
  ✓ right

  multiprocessing
  0 blank · 1 wrong · 2 almost · 3 hard · 4 good · 5 easy
grade 0-5 [4] › 

── question 3/3 · qz · ml.metrics ──────────────────────────────────────────────
  What is recall?
3/3 › 

  TP / (TP + FN)
  0 blank · 1 wrong · 2 almost · 3 hard · 4 good · 5 easy
grade 0-5 › 4

Score: 2 of 3 (66%) in <time>
  scope: deck qz · seed 5 (`--seed 5` asks the same quiz)

By section
  ml                 █████░░░░░  50%  1/2
  py                 ██████████ 100%  1/1

By topic
  ml.metrics         █████░░░░░  50%  1/2
  py.gil             ██████████ 100%  1/1

Slowest answers
  <timed>

Misses
  qz/m2 (grade 1): What is precision?
      → TP / (TP + FP)

Study next
  ml.metrics (50%): `recall review --topic ml.metrics`

Your review schedule is unchanged (--record would log these answers as reviews).
";
    assert_eq!(steady(&first.stdout), expected);
    assert!(!user.log_path().exists(), "a quiz without --record writes no review");
    let history = user.run(now, &["quiz", "--history"], "");
    // To the minute, not the raw timestamp, so the columns line up.
    assert!(
        history.stdout.starts_with("2026-11-24 09:00   66%   2/3   deck qz\n"),
        "{}",
        history.stdout
    );
    assert!(history.stdout.contains("Trend by section"), "{}", history.stdout);
}

#[test]
fn quiz_with_record_moves_the_schedule() {
    let user = User::new();
    user.deck("qz.ron", QUIZ_DECK);
    let now = "2026-11-24T09:00:00+00:00";
    let run = user.run(
        now,
        &["quiz", "--topic", "ml.metrics", "-n", "2", "--seed", "1", "--record"],
        "\n5\n\n2\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = user.log_lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[1..].iter().all(|l| l.ends_with("\treview")), "{lines:?}");
    let keys: Vec<&str> = lines[1..].iter().map(|l| l.split('\t').nth(1).unwrap_or("")).collect();
    let five = user.card_json(now, keys[0]);
    assert_eq!(five["interval_days"], 1);
    assert_eq!(five["ef"], 2.6);
    let report = run.stdout;
    assert!(report.contains("Score: 1 of 2 (50%)"), "{report}");
    assert!(
        report.contains("ml.metrics (50%): `recall review --topic ml.metrics`"),
        "{report}"
    );
}

#[test]
fn an_interview_date_turns_the_quiz_into_a_plan() {
    let user = User::new();
    user.deck("qz.ron", QUIZ_DECK);
    let run = user.run(
        "2026-11-24T09:00:00+00:00",
        &["quiz", "--deck", "qz", "--until", "2026-11-25", "--seed", "2"],
        "x\n5\nx\n5\n",
    );
    assert!(
        run.stdout
            .starts_with("Plan to 2026-11-25: 0 of 4 cards asked; 2 a day covers the rest in 2 days.\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("A quiz of 2 questions."), "{}", run.stdout);
    let run = user.run(
        "2026-11-25T09:00:00+00:00",
        &["quiz", "--deck", "qz", "--until", "2026-11-25", "--seed", "2"],
        "x\n5\nx\n5\n",
    );
    assert!(
        run.stdout
            .starts_with("Interview day (2026-11-25): 2 of 4 cards asked; this quiz asks 2 of the 2 left.\n"),
        "{}",
        run.stdout
    );
    // The second day asks the two cards the first did not.
    let history = fs::read_to_string(user.path().join("quizzes.jsonl")).expect("history");
    let mut keys: Vec<String> = Vec::new();
    for line in history.lines() {
        let quiz: serde_json::Value = serde_json::from_str(line).expect("json");
        for answer in quiz["answers"].as_array().expect("answers") {
            keys.push(answer["key"].as_str().expect("key").to_string());
        }
    }
    keys.sort();
    assert_eq!(keys, ["qz/g1", "qz/g2", "qz/m1", "qz/m2"]);
}

#[test]
fn quiz_input_errors_are_clear() {
    let user = User::new();
    user.deck("qz.ron", QUIZ_DECK);
    let run = user.run("2026-11-24T09:00:00+00:00", &["quiz", "--time", "soon"], "");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--time \"soon\" is not a duration"),
        "{}",
        run.stderr
    );
    let run = user.run("2026-11-24T09:00:00+00:00", &["quiz", "--topic", "nope.nope"], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no topic \"nope.nope\""), "{}", run.stderr);
}

#[test]
fn the_config_file_sets_limits_and_the_interview_date_and_flags_win() {
    let user = User::new();
    user.deck("qz.ron", QUIZ_DECK);
    fs::write(
        user.path().join("config.ron"),
        "// mine\nConfig(new_per_day: 1, interview: \"2026-11-27\")\n",
    )
    .expect("config");
    let now = "2026-11-24T09:00:00+00:00";
    let run = user.run(now, &["review", "--deck", "qz"], ":quit\n");
    assert!(run.stdout.contains("0 due · 1 new · 1 left"), "{}", run.stdout);
    let run = user.run(now, &["review", "--deck", "qz", "--new", "3"], ":quit\n");
    assert!(run.stdout.contains("0 due · 3 new · 3 left"), "{}", run.stdout);
    let run = user.run(now, &["quiz", "--deck", "qz", "--seed", "1"], ":quit\n");
    assert!(
        run.stdout
            .starts_with("Plan to 2026-11-27: 0 of 4 cards asked; 1 a day"),
        "{}",
        run.stdout
    );
    // A deck's own limit narrows that deck only, and a limit for no deck is pointed out.
    fs::write(
        user.path().join("config.ron"),
        "Config(new_per_day: 5, decks: {\"qz\": (new_per_day: 1), \"qx\": (new_per_day: 1)})",
    )
    .expect("config");
    user.deck("two.ron", TWO_CARDS);
    let run = user.run(now, &["review", "--deck", "qz", "--deck", "two"], ":quit\n");
    assert!(run.stdout.contains("0 due · 3 new · 3 left"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("warning: config: daily limits for deck \"qx\", which is not a deck"),
        "{}",
        run.stderr
    );
    fs::write(user.path().join("config.ron"), "Config(\n  new_per_dya: 1,\n)\n").expect("config");
    let run = user.run(now, &["review"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("config.ron:2:3: unexpected field named `new_per_dya`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_new_user_reviews_the_built_in_decks_with_nothing_set_up() {
    let user = User::new();
    let run = user.run("2026-11-24T09:00:00+00:00", &["review"], "\n5\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "the built-in decks load without a warning");
    // New cards come in roadmap order: the first is from a stage-1 topic.
    let header = run.stdout.lines().find(|l| l.starts_with("── ")).expect("a card");
    let topic = header.split(" · ").nth(1).expect("topic");
    let stage_one = ["cs.", "py.", "de.sql", "ml.math", "ml.classic", "roles."];
    assert!(stage_one.iter().any(|p| topic.starts_with(p)), "{header}");
    assert!(run.stdout.contains("0 due · 20 new · 20 left"), "{}", run.stdout);
    let run = user.run("2026-11-24T09:00:00+00:00", &["deck", "check"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_ten_question_quiz_over_two_sections_names_the_weak_topics() {
    let user = User::new();
    let now = "2026-11-24T09:00:00+00:00";
    let args = ["quiz", "--section", "py", "--section", "ml", "-n", "10", "--seed", "11"];
    // Every question skipped (a miss), whatever kind of card it is.
    let first = user.run(now, &args, &":skip\n".repeat(10));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let out = &first.stdout;
    assert!(out.contains("A quiz of 10 questions."), "{out}");
    assert!(out.contains("scope: sections py, ml · seed 11"), "{out}");
    assert!(out.contains("Score: 0 of 10 (0%)"), "{out}");
    let sections: Vec<&str> = out.lines().skip_while(|l| *l != "By section").skip(1).take(2).collect();
    assert!(
        sections.iter().any(|l| l.trim_start().starts_with("py ")),
        "{sections:?}"
    );
    assert!(
        sections.iter().any(|l| l.trim_start().starts_with("ml ")),
        "{sections:?}"
    );
    // Ten questions over the two sections' fifteen topics: ten different topics, all
    // missed, so three of them are named to study next.
    let topics: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("── question"))
        .filter_map(|l| l.split(" · ").nth(2))
        .filter_map(|t| t.split_whitespace().next())
        .collect();
    let distinct: std::collections::HashSet<&str> = topics.iter().copied().collect();
    assert_eq!(distinct.len(), 10, "{topics:?}");
    let next: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Study next")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(next.len(), 3, "{next:?}");
    for line in next {
        let topic = line.trim().split(' ').next().unwrap_or("");
        assert!(distinct.contains(topic), "{line}");
        assert!(line.ends_with(&format!("`recall review --topic {topic}`")), "{line}");
    }
    // The same seed asks the same ten questions.
    let again = User::new().run(now, &args, &":skip\n".repeat(10));
    assert_eq!(again.stdout, first.stdout);
}

/// The log behind the plan snapshot: one card made mature by four perfect answers
/// (intervals 1, 6, 17, 48 days), one learning after a single answer.
const PLAN_LOG: &str = "# recall review log v1
2026-08-01T09:00:00+00:00\tcs/array-vs-linked-list\t5\t900\treview
2026-08-02T09:00:00+00:00\tcs/array-vs-linked-list\t5\t900\treview
2026-08-08T09:00:00+00:00\tcs/array-vs-linked-list\t5\t900\treview
2026-08-25T09:00:00+00:00\tcs/array-vs-linked-list\t5\t900\treview
2026-11-20T09:00:00+00:00\tpy/gil-what\t4\t900\treview
";

#[test]
fn plan_draws_the_roadmap_with_progress_on_a_known_log() {
    let user = User::new();
    fs::write(user.log_path(), PLAN_LOG).expect("log");
    let run = user.run("2026-11-24T09:00:00+00:00", &["plan"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/plan.txt");
    if std::env::var_os("RECALL_UPDATE_SNAPSHOTS").is_some() {
        fs::write(&snapshot, &run.stdout).expect("write snapshot");
    }
    let expected = fs::read_to_string(&snapshot).expect("snapshot (RECALL_UPDATE_SNAPSHOTS=1 writes it)");
    assert_eq!(run.stdout, expected);

    let run = user.run("2026-11-24T09:00:00+00:00", &["plan", "--json"], "");
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let topics = plan["topics"].as_array().expect("topics");
    assert_eq!(topics.len(), 79);
    // The wave-2 topics interviews ask about, each at its stage and well populated.
    for (id, stage) in [
        ("ml.basics", 1),
        ("ml.unsupervised", 2),
        ("ml.dimred", 2),
        ("ml.imbalance", 2),
        ("ml.timeseries", 2),
        ("dl.basics", 2),
        ("dl.training", 2),
        ("dl.generative", 2),
        ("spec.recsys", 5),
        ("py.perf", 1),
        ("ops.k8s", 4),
        ("ops.gpu", 4),
        ("ops.security", 4),
        ("ops.cost", 4),
        ("ops.cloud", 4),
    ] {
        let topic = topics.iter().find(|t| t["id"] == id).expect(id);
        assert_eq!(topic["stage"].as_u64(), Some(stage), "{id}");
        assert!(topic["cards"].as_u64().unwrap_or(0) >= 10, "{id}: {topic}");
    }
    let ds = topics.iter().find(|t| t["id"] == "cs.ds").expect("cs.ds");
    assert_eq!((ds["section"].as_str(), ds["stage"].as_u64()), (Some("cs"), Some(1)));
    assert_eq!((ds["mature"].as_u64(), ds["learning"].as_u64()), (Some(1), Some(0)));
    assert_eq!(ds["new"].as_u64(), ds["cards"].as_u64().map(|c| c - 1));
    let gil = topics.iter().find(|t| t["id"] == "py.gil").expect("py.gil");
    assert_eq!(gil["learning"].as_u64(), Some(1));
    assert!(
        topics.iter().all(|t| t["cards"].as_u64().unwrap_or(0) >= 3),
        "every topic is populated"
    );
}

#[test]
fn control_characters_in_topics_and_quiz_reports_are_shown_escaped() {
    let user = User::new();
    user.deck(
        "evil.ron",
        "Deck(id: \"evil\", title: \"T\\u{1b}[2J\", cards: [Basic(id: \"x\", topic: \"t\\u{1b}]0;x\\u{7}\", front: \"Q\\u{1b}[31m?\", back: \"A\\u{1b}[0m\")])",
    );
    let now = "2026-11-24T09:00:00+00:00";
    for args in [
        &["review", "--deck", "evil"][..],
        &["quiz", "--deck", "evil", "--seed", "1"][..],
        &["card", "evil/x"][..],
    ] {
        let run = user.run(now, args, "\n1\n");
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'),
            "{args:?}: raw control characters"
        );
        assert!(run.stdout.contains("\\u{1b}"), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    let user = User::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = user.run("2026-11-24T09:00:00+00:00", &["completions", shell], "");
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("review") && run.stdout.contains("quiz"), "{shell}");
    }
}

// ---------------------------------------------------------------------------------
// A new user's first week: the traps they hit, each guarded.

const NOW: &str = "2026-11-24T09:00:00+00:00";

#[test]
fn a_deck_of_yours_never_silently_hides_a_built_in_one() {
    let user = User::new();
    let tsv = user.path().join("cards.tsv");
    fs::write(&tsv, "What is F1?\tThe harmonic mean of P and R\n").expect("tsv");
    let tsv = tsv.to_str().expect("utf-8");
    for args in [
        vec!["import", tsv, "--deck", "ml"],
        vec!["deck", "new", "ml"],
        vec!["add", "--deck", "ml", "--front", "Q", "--back", "A"],
    ] {
        let run = user.run(NOW, &args, "");
        assert_eq!(run.code, 1, "{args:?}");
        assert!(
            run.stderr.contains("\"ml\" is a built-in deck") && run.stderr.contains("--replace"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!user.path().join("decks/ml.ron").exists(), "{args:?} wrote a deck");
    }
    // The built-in deck is still there, whole.
    let run = user.run(NOW, &["stats", "--deck", "ml", "--json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // With --replace it is what the user asked for.
    let run = user.run(NOW, &["import", tsv, "--deck", "ml", "--replace"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = user.run(NOW, &["find", "harmonic", "--deck", "ml"], "");
    assert!(run.stdout.contains("ml/"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("1 card(s).\n"),
        "only the user's card now: {}",
        run.stdout
    );
}

#[test]
fn export_never_overwrites_a_file_without_force() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let out = user.path().join("two.md");
    fs::write(&out, "my notes\n").expect("existing file");
    let path = out.to_str().expect("utf-8");
    let run = user.run(
        NOW,
        &["export", "--deck", "two", "--format", "markdown", "-o", path],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("already exists; pass --force"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(&out).expect("file"), "my notes\n", "untouched");
    let run = user.run(
        NOW,
        &["export", "--deck", "two", "--format", "markdown", "-o", path, "--force"],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fs::read_to_string(&out).expect("file").contains("## Question A"));
}

#[test]
fn merge_says_plainly_when_a_file_is_not_a_review_log() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    let run = user.run(
        NOW,
        &["merge", user.path().join("decks/two.ron").to_str().expect("utf-8")],
        "",
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "recall: error: {} is not a recall review log: its first line is not the header `# recall review log v1`; nothing was merged\n",
            user.path().join("decks/two.ron").display()
        )
    );
    assert!(!user.log_path().exists(), "nothing written");
}

#[test]
fn bytes_that_are_not_utf8_are_reported_where_they_are() {
    let user = User::new();
    let tsv = user.path().join("latin1.tsv");
    fs::write(&tsv, b"Question one\tAnswer one\nCaf\xe9 au lait?\tYes\n").expect("tsv");
    let run = user.run(NOW, &["import", tsv.to_str().expect("utf-8"), "--deck", "cafe"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(&format!("{}:2:4: not UTF-8 text (byte 0xe9)", tsv.display())),
        "{}",
        run.stderr
    );
    assert!(
        !user.path().join("decks/cafe.ron").exists(),
        "nothing imported half-way"
    );
    let deck = user.deck(
        "bad.ron",
        "Deck(\n  id: \"bad\",\n  title: \"Bad\",\n  cards: [Basic(id: \"a\", front: \"caf",
    );
    let mut bytes = fs::read(&deck).expect("deck");
    bytes.extend_from_slice(b"\xe9\", back: \"x\")],\n)\n");
    fs::write(&deck, bytes).expect("deck");
    let run = user.run(NOW, &["deck", "check", deck.to_str().expect("utf-8")], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(&format!("{}:4:37: not UTF-8 text (byte 0xe9)", deck.display())),
        "{}",
        run.stderr
    );
}

#[test]
fn a_typo_gets_a_suggestion_and_a_unique_bare_id_is_enough() {
    let user = User::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["card", "cs/hash-table-complexty"],
            "no card cs/hash-table-complexty; did you mean cs/hash-table-complexity?",
        ),
        (
            &["review", "--topic", "ml.metric"],
            "no topic \"ml.metric\" in the roadmap or your decks; did you mean ml.metrics?",
        ),
        (&["stats", "--deck", "mll"], "no deck with id \"mll\"; did you mean ml?"),
        (
            &["card", "hash-table-complexty"],
            "no card hash-table-complexty; did you mean cs/hash-table-complexity?",
        ),
    ];
    for (args, message) in cases {
        let run = user.run(NOW, args, "");
        assert_eq!(run.code, 1, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    // The card id alone, where one deck has it.
    let run = user.run(NOW, &["card", "hash-table-complexity"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("cs/hash-table-complexity  ("), "{}", run.stdout);
    // An id two decks share is named with both.
    user.deck(
        "mine.ron",
        "Deck(id: \"mine\", title: \"Mine\", cards: [Basic(id: \"hash-table-complexity\", front: \"Q\", back: \"A\")])",
    );
    let run = user.run(NOW, &["card", "hash-table-complexity"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("names a card in several decks (cs/hash-table-complexity, mine/hash-table-complexity)"),
        "{}",
        run.stderr
    );
}

#[test]
fn find_matches_the_start_of_words_and_cuts_long_questions_at_a_word() {
    let user = User::new();
    user.deck(
        "words.ron",
        r#"Deck(id: "words", title: "Words", cards: [
    Basic(id: "cheap", front: "Which storage tier is cheap?", back: "Archive"),
    Basic(id: "heaps", front: "What do heaps give you in O(1)?", back: "The minimum"),
    Basic(id: "long", front: "Why does a binary min-heap keep its smallest element at the root, and what does that cost when you insert or remove an element?", back: "Sift up and down: O(log n)"),
])"#,
    );
    let run = user.run(NOW, &["find", "heap", "--deck", "words"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("words/cheap"), "heap is not cheap: {}", run.stdout);
    assert!(run.stdout.contains("words/heaps"), "{}", run.stdout);
    assert!(run.stdout.contains("words/long"), "min-heap: {}", run.stdout);
    let long = run.stdout.lines().find(|l| l.starts_with("words/long")).expect("long");
    assert!(long.ends_with('…'), "{long}");
    assert!(
        long.trim_end_matches('…').ends_with(|c: char| c.is_alphanumeric()),
        "cut at a word: {long}"
    );
    assert!(long.chars().count() <= 80, "{long}");
}

const TAGGED: &str = r#"Deck(id: "tagged", title: "Tagged", cards: [
    Basic(id: "a", front: "Tagged question A", back: "A", tags: ["interview"]),
    Basic(id: "b", front: "Tagged question B", back: "B", tags: ["later"]),
    Basic(id: "c", front: "Tagged question C", back: "C", tags: ["interview", "later"]),
])
"#;

#[test]
fn tags_narrow_review_quiz_stats_and_find() {
    let user = User::new();
    user.deck("tagged.ron", TAGGED);
    let run = user.run(NOW, &["review", "--tag", "interview"], ":quit\n");
    assert!(run.stdout.contains("0 due · 2 new · 2 left"), "{}", run.stdout);
    let run = user.run(NOW, &["quiz", "--tag", "later", "--seed", "1"], ":quit\n");
    assert!(run.stdout.contains("A quiz of 2 questions."), "{}", run.stdout);
    assert!(run.stdout.contains("scope: tag later"), "{}", run.stdout);
    let run = user.run(NOW, &["stats", "--tag", "interview", "--tag", "later", "--json"], "");
    let stats: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(stats["total"]["cards"], 3, "{}", run.stdout);
    let run = user.run(NOW, &["find", "question", "--tag", "interview"], "");
    assert!(run.stdout.ends_with("2 card(s).\n"), "{}", run.stdout);
    let run = user.run(NOW, &["review", "--tag", "intervew"], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("did you mean interview?"), "{}", run.stderr);
}

#[test]
fn card_shows_notes_and_key_points_and_calls_a_built_in_card_built_in() {
    let user = User::new();
    user.deck("kinds.ron", KINDS);
    let run = user.run(NOW, &["card", "kinds/ddp"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Key points:\n  1. one process per GPU\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("{}:", user.path().join("decks/kinds.ron").display())),
        "{}",
        run.stdout
    );
    let run = user.run(NOW, &["card", "de/kafka-ordering"], "");
    assert!(
        run.stdout
            .starts_with("de/kafka-ordering  (Data engineering, topic de.kafka, built-in)\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Notes:\n  Adding partitions"), "{}", run.stdout);
    assert!(!run.stdout.contains("decks/de.ron"), "{}", run.stdout);
}

#[test]
fn add_with_flags_skips_their_prompts_and_offers_another_card() {
    let user = User::new();
    user.run(NOW, &["deck", "new", "mine"], "");
    // --kind choice: no kind prompt, so every answer lands where it belongs.
    // Then a second card: Enter keeps the topic, and the kind stays choice.
    let script = "ml.metrics\nWhich mean is F1?\narithmetic\nharmonic\n\nb\n\n\n\n\
                  y\n\nWhat is recall?\nTP / (TP + FN)\nTP / (TP + FP)\n\na\n\nloss\n\nn\n";
    let run = user.run(NOW, &["add", "--deck", "mine", "--kind", "choice"], script);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains("kind ("),
        "--kind skips the kind prompt: {}",
        run.stdout
    );
    assert!(run.stdout.contains("Added mine/mean-f1."), "{}", run.stdout);
    assert!(
        run.stdout.contains("Add another card to mine? [Y/n] › y"),
        "{}",
        run.stdout
    );
    // The second card keeps the topic (Enter takes it).
    assert!(run.stdout.contains("[ml.metrics] › "), "{}", run.stdout);
    assert!(run.stdout.contains("Added mine/recall."), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("2 cards added to ") || run.stdout.contains("\n2 cards added to "),
        "{}",
        run.stdout
    );
    let card = user.card_json(NOW, "mine/mean-f1");
    assert_eq!(card["kind"], "choice");
    assert_eq!(card["topic"], "ml.metrics");
    let card = user.card_json(NOW, "mine/recall");
    assert_eq!(card["kind"], "choice", "the kind is kept for the next card");
    assert_eq!(card["topic"], "ml.metrics");
}

#[test]
fn quiz_dates_in_the_past_are_refused_and_any_quiz_answer_counts_as_asked() {
    let user = User::new();
    user.deck("qz.ron", QUIZ_DECK);
    let run = user.run(NOW, &["quiz", "--deck", "qz", "--until", "2026-11-20"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("--until 2026-11-20 is in the past"),
        "{}",
        run.stderr
    );
    let run = user.run(NOW, &["quiz", "--until", "tomorrow"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("write it as YYYY-MM-DD"), "{}", run.stderr);
    // A quiz outside any plan, not recorded: its answers still count as asked.
    let run = user.run(NOW, &["quiz", "--deck", "qz", "-n", "2", "--seed", "3"], "x\n5\nx\n5\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = user.run(
        NOW,
        &["quiz", "--deck", "qz", "--until", "2026-11-24", "--seed", "3"],
        ":quit\n",
    );
    assert!(
        run.stdout
            .starts_with("Interview day (2026-11-24): 2 of 4 cards asked; this quiz asks 2 of the 2 left.\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_key_point_checklist_never_turns_two_enters_into_a_failure() {
    let user = User::new();
    user.deck(
        "pts.ron",
        r#"Deck(id: "pts", title: "P", cards: [
    Basic(id: "ddp", front: "Explain DDP.", back: "All-reduce.", points: ["one process per GPU", "all-reduce", "buckets"]),
    Choice(id: "c", question: "Pick b.", options: ["a", "b"], correct: [1]),
])"#,
    );
    // Reveal, Enter at the checklist (skips it), Enter at the grade (no grade yet),
    // then a real grade; the choice card: Enter reveals, then a grade.
    let run = user.run(NOW, &["review", "--deck", "pts", "--seed", "1"], "\n\n\n5\n\n4\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("points covered (e.g. 1 3, all, none; Enter skips) › \n"),
        "{out}"
    );
    assert!(out.contains("grade 0-5 › \n  Type a grade from 0 to 5"), "{out}");
    assert!(out.contains("The answer is b."), "Enter reveals a choice card: {out}");
    assert!(!out.contains("✗ wrong"), "an empty answer is not a wrong one: {out}");
    let grades: Vec<String> = user.log_lines()[1..]
        .iter()
        .map(|l| l.split('\t').nth(2).unwrap_or("").to_string())
        .collect();
    assert_eq!(grades, ["5", "4"]);
}

#[test]
fn help_lines_up_and_shows_the_card_again_and_quitting_says_what_is_waiting() {
    let user = User::new();
    user.deck("two.ron", TWO_CARDS);
    user.deck(
        "code.ron",
        "Deck(id: \"code\", title: \"C\", cards: [Basic(id: \"c\", front: \"Inference without autograd?\", back: \"In a no-grad block:\\n```python\\nwith torch.no_grad():\\n    y = model(x)\\n```\")])",
    );
    let run = user.run(NOW, &["review", "--deck", "two"], ":help\n:quit\n");
    let out = &run.stdout;
    assert!(out.contains("\n  :undo     take back"), "{out}");
    assert!(out.contains("\n  :suspend  take this card out"), "{out}");
    assert!(
        out.contains("    2 almost  incorrect response, where the correct one seemed easy"),
        "{out}"
    );
    assert_eq!(out.matches("Question A").count(), 2, "shown again after :help: {out}");
    assert!(
        out.contains("Still waiting today: 2 new; `recall review` goes on where you stopped."),
        "{out}"
    );
    let run = user.run(NOW, &["review", "--deck", "code"], "\n5\n");
    assert!(
        run.stdout
            .contains("  In a no-grad block:\n    with torch.no_grad():\n        y = model(x)\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("```"), "{}", run.stdout);
}

/// rexpect reads the terminal's bytes as Latin-1: the text as the terminal shows it.
fn as_shown(latin1: &str) -> String {
    let bytes: Vec<u8> = latin1
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Runs recall in a pseudo-terminal `columns` wide; returns the session and the path
/// of the terminal it runs in, so a test can resize it (`stty -F`).
fn in_terminal(
    user: &User,
    args: &[&str],
    columns: u16,
    extra_env: &[(&str, &str)],
) -> (rexpect::session::PtySession, String) {
    let pid_file = user.path().join("pty.pid");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "stty cols {columns} rows 40; echo $$ > '{}'; exec \"$0\" \"$@\"",
            pid_file.display()
        ))
        .arg(BIN)
        .args(args)
        .env("RECALL_HOME", user.path())
        .env("RECALL_CONFIG", user.path().join("config.ron"))
        .env("RECALL_NOW", NOW)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let pty = rexpect::session::spawn_command(cmd, Some(10_000)).expect("spawn in a pty");
    let deadline = Instant::now() + Duration::from_secs(10);
    let tty = loop {
        if let Ok(pid) = fs::read_to_string(&pid_file)
            && let Ok(tty) = fs::read_link(format!("/proc/{}/fd/0", pid.trim()))
        {
            break tty.display().to_string();
        }
        assert!(Instant::now() < deadline, "the terminal's name");
        std::thread::sleep(Duration::from_millis(20));
    };
    (pty, tty)
}

#[test]
fn a_resized_terminal_rewraps_the_next_card() {
    let user = User::new();
    let long = "word ".repeat(30);
    user.deck(
        "wide.ron",
        &format!(
            "Deck(id: \"wide\", title: \"W\", cards: [Basic(id: \"a\", front: \"First\", back: \"{long}\"), Basic(id: \"b\", front: \"Second\", back: \"{long}\"), Basic(id: \"c\", front: \"Third\", back: \"{long}\")])"
        ),
    );
    let (mut pty, tty) = in_terminal(&user, &["review", "--deck", "wide"], 60, &[("NO_COLOR", "1")]);
    pty.exp_string("First").expect("first card");
    pty.send_line("").expect("reveal");
    let shown = as_shown(&pty.exp_string("grade 0-5").expect("grade prompt"));
    let widest = shown
        .lines()
        .filter(|l| l.contains("word"))
        .map(|l| l.trim_end().len())
        .max();
    assert!(widest.is_some_and(|w| w <= 60), "wrapped to 60: {shown:?}");
    let status = Command::new("stty")
        .args(["-F", &tty, "cols", "100"])
        .status()
        .expect("stty");
    assert!(status.success());
    pty.send_line("5").expect("grade");
    let shown = as_shown(&pty.exp_string("Second").expect("second card"));
    // The header's rule is as wide as the terminal now is (capped at 100).
    let rule = shown.lines().find(|l| l.contains("wide · new")).expect("header");
    assert_eq!(rule.trim_end().chars().count(), 100, "{rule:?}");
    pty.send_line("").expect("reveal");
    let shown = as_shown(&pty.exp_string("grade 0-5").expect("grade prompt"));
    let widest = shown
        .lines()
        .filter(|l| l.contains("word"))
        .map(|l| l.trim_end().len())
        .max()
        .unwrap_or(0);
    assert!(
        widest > 60 && widest <= 100,
        "rewrapped to 100, not mid-word at 60: {shown:?}"
    );
    pty.send_line("5").expect("grade");
    // Narrowed while the question is up: the answer is wrapped to the new width.
    pty.exp_string("Third").expect("third card");
    let status = Command::new("stty")
        .args(["-F", &tty, "cols", "50"])
        .status()
        .expect("stty");
    assert!(status.success());
    pty.send_line("").expect("reveal");
    let shown = as_shown(&pty.exp_string("grade 0-5").expect("grade prompt"));
    let widest = shown
        .lines()
        .filter(|l| l.contains("word"))
        .map(|l| l.trim_end().len())
        .max()
        .unwrap_or(0);
    assert!(widest > 0 && widest <= 50, "the answer follows the resize: {shown:?}");
    pty.send_control('c').expect("ctrl-c");
    pty.exp_eof().expect("clean exit");
}

#[test]
fn answer_times_are_real_under_a_fixed_date_and_failures_are_not_green() {
    let user = User::new();
    user.deck("kinds.ron", KINDS);
    let (mut pty, _) = in_terminal(&user, &["review", "--deck", "kinds", "--seed", "1"], 80, &[]);
    pty.exp_string("Capital of France").expect("first card");
    std::thread::sleep(Duration::from_millis(400));
    pty.send_line("").expect("reveal");
    pty.exp_string("grade 0-5").expect("grade prompt");
    pty.send_line("1").expect("fail it");
    // Red, not green: the outcome of a failure.
    pty.exp_string("\u{1b}[31m").expect("a failure in red");
    pty.exp_string(" next review in 1 day").expect("the outcome");
    pty.exp_string("lets one thread").expect("cloze card");
    pty.send_line("").expect("reveal");
    // The deleted text is highlighted in the answer.
    pty.exp_string("\u{1b}[1m\u{1b}[36m[GIL]")
        .expect("highlighted deletion");
    pty.send_control('c').expect("ctrl-c");
    pty.exp_eof().expect("clean exit");
    let ms: u32 = user.raw_log_lines()[1]
        .split('\t')
        .nth(3)
        .and_then(|m| m.parse().ok())
        .expect("ms");
    assert!(ms >= 400, "the answer took at least 400 ms, the log says {ms}");
    // A quiz's time limit runs under RECALL_NOW too.
    user.deck("qz.ron", QUIZ_DECK);
    let (mut pty, _) = in_terminal(
        &user,
        &["quiz", "--deck", "qz", "--time", "1s", "--seed", "1"],
        80,
        &[("NO_COLOR", "1")],
    );
    pty.exp_string("1/4").expect("first question");
    std::thread::sleep(Duration::from_millis(1200));
    pty.send_line("").expect("reveal");
    pty.exp_string("grade 0-5").expect("grade");
    pty.send_line("4").expect("grade");
    pty.exp_string("Time is up.").expect("the limit is real time");
    pty.exp_eof().expect("clean exit");
}
