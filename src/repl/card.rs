//! Asking one card, the same way in a review and in a quiz: the question, then by
//! kind the options to choose from, a typed answer or Enter to reveal; the answer and
//! notes; the key-point checklist; and a grade, proposed where recall can grade itself.

use std::io::{self, Write};

use super::{DIM, HIGHLIGHT, Input, Line, OUTCOME, QUESTION, WRONG_STYLE};
use crate::ask;
use crate::deck::{Card, CardKey, Content, Facet};
use crate::render;
use crate::sm2::Grade;

/// What the learner did with a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    Graded(Grade),
    /// A `:` command; the caller runs it (and shows the card again if it stays).
    Command(String),
    /// Ctrl-C, Ctrl-D or the end of piped input.
    End,
}

/// How to show a card.
pub struct Showing<'a> {
    pub key: &'a CardKey,
    pub card: &'a Card,
    /// The line above the question (deck, topic, why the card is here).
    pub header: String,
    /// The text of the prompts, made anew at each prompt (a quiz's clock moves).
    pub status: &'a dyn Fn() -> String,
    /// The one-line grade legend, with what each grade will do where that is known.
    pub legend: String,
    /// Seeds the order of choice options for this showing.
    pub seed: u64,
    /// The terminal's width, read again before each part of the card is drawn (the
    /// terminal may be resized while the learner thinks).
    pub width: &'a dyn Fn() -> usize,
}

/// The widest the header's rule is drawn, however wide the terminal.
pub const MOST_WIDTH: usize = 100;

enum Reply {
    Text(String),
    Done(Asked),
}

fn read(input: &mut dyn Input, out: &mut dyn Write, prompt: &str) -> io::Result<Reply> {
    let text = match input.read_line(prompt, out)? {
        Line::Eof | Line::Interrupted => return Ok(Reply::Done(Asked::End)),
        Line::Text(text) => text,
    };
    let trimmed = text.trim();
    if trimmed.starts_with(':') {
        return Ok(Reply::Done(Asked::Command(trimmed.to_string())));
    }
    Ok(Reply::Text(text))
}

macro_rules! ask_line {
    ($input:expr, $out:expr, $prompt:expr) => {
        match read($input, $out, $prompt)? {
            Reply::Text(text) => text,
            Reply::Done(asked) => return Ok(asked),
        }
    };
}

/// The order in which a choice card's options are shown: shuffled by `seed` and the
/// card, so the same seed gives the same order.
pub fn shuffled(key: &CardKey, count: usize, seed: u64) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand_chacha::rand_core::SeedableRng;
    // FNV-1a over the key: stable across runs and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.as_str().bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ hash);
    let mut order: Vec<usize> = (0..count).collect();
    order.shuffle(&mut rng);
    order
}

/// The header line: the label, then a rule to the width of the terminal (at most
/// [`MOST_WIDTH`]), so every card's header is as long as the next one's.
pub fn header_line(label: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(label);
    format!("{label}{}", "─".repeat(width.min(MOST_WIDTH).saturating_sub(used)))
}

/// The legend wrapped to the terminal, breaking only between grades (after a `·` or
/// a `│`), never inside one.
fn legend_lines(legend: &str, width: usize) -> String {
    let glued = legend
        .replace(' ', "\u{a0}")
        .replace("\u{a0}·\u{a0}", "\u{a0}· ")
        .replace("\u{a0}│\u{a0}", "\u{a0}│ ");
    render::layout(&glued, width, "  ").replace('\u{a0}', " ")
}

/// The answer side laid out for the terminal, with a cloze card's deleted text
/// highlighted (it is also in brackets, for a terminal without colour).
fn answer_text(card: &Card, facet: Facet, answer: &str, width: usize, indent: &str) -> String {
    let (Content::Cloze { segments, .. }, Facet::Cloze(n)) = (&card.content, facet) else {
        return render::layout(answer, width, indent);
    };
    let marked = crate::deck::cloze::render_marked(segments, n, render::MARK_START, render::MARK_END);
    render::layout(&marked, width, indent)
        .replace(render::MARK_START, &format!("{HIGHLIGHT}"))
        .replace(render::MARK_END, &format!("{HIGHLIGHT:#}"))
}

/// Shows the card and returns what the learner did.
pub fn ask(showing: &Showing<'_>, input: &mut dyn Input, out: &mut dyn Write) -> io::Result<Asked> {
    let card = showing.card;
    let mut width = (showing.width)();
    let facet = showing.key.facet();
    let (question, answer) = card.sides(facet);
    writeln!(out, "\n{DIM}{}{DIM:#}", header_line(&showing.header, width))?;
    write!(out, "{QUESTION}{}{QUESTION:#}", render::layout(&question, width, "  "))?;
    let status = || (showing.status)();
    let mut proposed: Option<Grade> = None;
    match &card.content {
        Content::Choice { options, correct, .. } => {
            let order = shuffled(showing.key, options.len(), showing.seed);
            for (shown, &original) in order.iter().enumerate() {
                let option = render::layout(&options[original], width.saturating_sub(3), "");
                let option = option.trim_end().replace('\n', "\n     ");
                writeln!(out, "  {}) {option}", ask::option_letter(shown))?;
            }
            let chosen = loop {
                let text = ask_line!(input, out, &format!("letter(s), or Enter to reveal · {}", status()));
                width = (showing.width)();
                match ask::parse_choice(&text, order.len()) {
                    Ok(chosen) => break chosen,
                    Err(why) => writeln!(out, "  {why}")?,
                }
            };
            let letters: Vec<String> = order
                .iter()
                .enumerate()
                .filter(|(_, o)| correct.contains(o))
                .map(|(i, _)| ask::option_letter(i).to_string())
                .collect();
            if chosen.is_empty() {
                // Enter reveals, as on every other card; the learner grades.
                writeln!(out, "  The answer is {}.", letters.join(", "))?;
            } else {
                let mut picked: Vec<usize> = chosen.iter().map(|&i| order[i]).collect();
                picked.sort_unstable();
                let right = &picked == correct;
                if right {
                    writeln!(out, "  {OUTCOME}✓ right{OUTCOME:#}")?;
                } else {
                    writeln!(
                        out,
                        "  {WRONG_STYLE}✗ wrong: the answer is {}{WRONG_STYLE:#}",
                        letters.join(", ")
                    )?;
                }
                proposed = Grade::new(if right { ask::RIGHT } else { ask::WRONG });
            }
            write!(out, "{}", render::layout(&answer, width, "  → "))?;
        }
        Content::Typed { answers, .. } => {
            let text = ask_line!(input, out, &format!("answer, or Enter to reveal · {}", status()));
            width = (showing.width)();
            if text.trim().is_empty() {
                writeln!(out)?;
            } else {
                let result = ask::check_typed(&text, answers);
                if result.correct {
                    writeln!(out, "  {OUTCOME}✓ right{OUTCOME:#}")?;
                } else if result.near_miss() {
                    let diff = render::escape_controls(&result.diff);
                    writeln!(out, "  {WRONG_STYLE}✗ close, but not it: {diff}{WRONG_STYLE:#}")?;
                    writeln!(out, "  {DIM}([-x] remove x, [+x] add x, [-x+y] x should be y){DIM:#}")?;
                } else {
                    writeln!(out, "  {WRONG_STYLE}✗ wrong{WRONG_STYLE:#}")?;
                }
                proposed = Grade::new(if result.correct { ask::RIGHT } else { ask::WRONG });
                writeln!(out)?;
            }
            write!(out, "{}", render::layout(&answer, width, "  "))?;
        }
        _ => {
            // Enter reveals; typing an attempt first is fine too.
            ask_line!(input, out, &status());
            width = (showing.width)();
            writeln!(out)?;
            write!(out, "{}", answer_text(card, facet, &answer, width, "  "))?;
        }
    }
    if let Some(notes) = &card.notes {
        writeln!(out)?;
        write!(out, "{}", render::layout(&format!("Note: {notes}"), width, "  "))?;
    }
    if !card.points.is_empty() {
        writeln!(out, "  Key points: which did your answer cover?")?;
        for (i, point) in card.points.iter().enumerate() {
            let text = render::layout(point, width.saturating_sub(7), "");
            writeln!(out, "  {:>2}. {}", i + 1, text.trim_end().replace('\n', "\n      "))?;
        }
        let total = card.points.len();
        // A checklist answer, never a grade: Enter skips to the grade prompt, so two
        // Enters cannot fail a card, and a digit above the last point is not taken
        // for a grade.
        loop {
            let text = ask_line!(input, out, "points covered (e.g. 1 3, all, none; Enter skips) › ");
            if text.trim().is_empty() {
                break;
            }
            match ask::parse_points(&text, total) {
                Ok(covered) => {
                    // An auto-graded result stands; the checklist proposes otherwise.
                    proposed = proposed.or(Some(ask::points_grade(covered.len(), total)));
                    break;
                }
                Err(why) => writeln!(out, "  {why}")?,
            }
        }
    }
    write!(out, "{DIM}{}{DIM:#}", legend_lines(&showing.legend, width))?;
    let grade_prompt = match proposed {
        Some(g) => format!("grade 0-5 [{g}] › "),
        None => "grade 0-5 › ".to_string(),
    };
    loop {
        let text = ask_line!(input, out, &grade_prompt);
        let text = text.trim();
        if text.is_empty()
            && let Some(g) = proposed
        {
            return Ok(Asked::Graded(g));
        }
        match text.parse::<u8>().ok().and_then(Grade::new) {
            Some(g) => return Ok(Asked::Graded(g)),
            None => writeln!(out, "  Type a grade from 0 to 5 (:help explains them).")?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_breaks_between_grades_never_inside_one() {
        let legend = "0 blank · 1 wrong · 2 almost → today │ 3 hard 1d · 4 good 1d · 5 easy 1d";
        assert_eq!(legend_lines(legend, 80), format!("  {legend}\n"));
        assert_eq!(
            legend_lines(legend, 60),
            "  0 blank · 1 wrong · 2 almost → today │ 3 hard 1d ·\n  4 good 1d · 5 easy 1d\n"
        );
    }

    #[test]
    fn the_header_rule_is_the_same_length_for_every_label() {
        let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let short = header_line("── ml · new ", 80);
        let long = header_line("── ml · ml.metrics · review · choice ", 80);
        assert_eq!((width(&short), width(&long)), (80, 80));
        assert_eq!(width(&header_line("── ml · new ", 200)), MOST_WIDTH);
    }
}
