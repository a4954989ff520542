//! Asking one card, the same way in a review and in a quiz: the question, then by
//! kind the options to choose from, a typed answer or Enter to reveal; the answer and
//! notes; the key-point checklist; and a grade, proposed where recall can grade itself.

use std::io::{self, Write};

use super::{DIM, Input, Line, OUTCOME, QUESTION, WRONG_STYLE, legend};
use crate::ask;
use crate::deck::{Card, CardKey, Content};
use crate::render;
use crate::sm2::Grade;

/// What the learner did with a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    Graded(Grade),
    /// A `:` command other than `:help` (which is answered here); the caller runs it.
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
    /// The commands `:help` lists.
    pub commands: &'a [(&'a str, &'a str)],
    /// Seeds the order of choice options for this showing.
    pub seed: u64,
    pub width: usize,
}

enum Reply {
    Text(String),
    Done(Asked),
}

fn read(input: &mut dyn Input, out: &mut dyn Write, prompt: &str, showing: &Showing<'_>) -> io::Result<Reply> {
    loop {
        let text = match input.read_line(prompt, out)? {
            Line::Eof | Line::Interrupted => return Ok(Reply::Done(Asked::End)),
            Line::Text(text) => text,
        };
        let trimmed = text.trim();
        if matches!(trimmed, ":h" | ":help" | ":?") {
            for (name, what) in showing.commands {
                writeln!(out, "  {name:<7} {what}")?;
            }
            writeln!(out, "  Grades: {}", legend())?;
            continue;
        }
        if trimmed.starts_with(':') {
            return Ok(Reply::Done(Asked::Command(trimmed.to_string())));
        }
        return Ok(Reply::Text(text));
    }
}

macro_rules! ask_line {
    ($input:expr, $out:expr, $prompt:expr, $showing:expr) => {
        match read($input, $out, $prompt, $showing)? {
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

/// Shows the card and returns what the learner did.
pub fn ask(showing: &Showing<'_>, input: &mut dyn Input, out: &mut dyn Write) -> io::Result<Asked> {
    let card = showing.card;
    let width = showing.width;
    let (question, answer) = card.sides(showing.key.facet());
    let rule = "─".repeat(
        width
            .saturating_sub(unicode_width::UnicodeWidthStr::width(showing.header.as_str()))
            .min(60),
    );
    writeln!(out, "\n{DIM}{}{rule}{DIM:#}", showing.header)?;
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
                let text = ask_line!(input, out, &format!("letter(s) · {}", status()), showing);
                match ask::parse_choice(&text, order.len()) {
                    Ok(chosen) => break chosen,
                    Err(why) => writeln!(out, "  {why}")?,
                }
            };
            let mut picked: Vec<usize> = chosen.iter().map(|&i| order[i]).collect();
            picked.sort_unstable();
            let letters: Vec<String> = order
                .iter()
                .enumerate()
                .filter(|(_, o)| correct.contains(o))
                .map(|(i, _)| ask::option_letter(i).to_string())
                .collect();
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
            write!(out, "{}", render::layout(&answer, width, "  → "))?;
        }
        Content::Typed { answers, .. } => {
            let text = ask_line!(input, out, &format!("answer · {}", status()), showing);
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
            write!(out, "{}", render::layout(&answer, width, "  "))?;
        }
        _ => {
            // Enter reveals; typing an attempt first is fine too.
            ask_line!(input, out, &status(), showing);
            writeln!(out)?;
            write!(out, "{}", render::layout(&answer, width, "  "))?;
        }
    }
    if let Some(notes) = &card.notes {
        writeln!(out)?;
        write!(out, "{}", render::layout(&format!("Note: {notes}"), width, "  "))?;
    }
    if !card.points.is_empty() {
        writeln!(out, "  Key points:")?;
        for (i, point) in card.points.iter().enumerate() {
            let text = render::layout(point, width.saturating_sub(7), "");
            writeln!(out, "  {:>2}. {}", i + 1, text.trim_end().replace('\n', "\n      "))?;
        }
        let covered = loop {
            let text = ask_line!(input, out, "covered (e.g. 1 3, all, none) › ", showing);
            match ask::parse_points(&text, card.points.len()) {
                Ok(covered) => break covered,
                Err(why) => writeln!(out, "  {why}")?,
            }
        };
        // An auto-graded result stands; the checklist proposes a grade otherwise.
        proposed = proposed.or(Some(ask::points_grade(covered.len(), card.points.len())));
    }
    // The legend wraps between grades, never inside one, on a narrow terminal.
    let legend_text = legend().replace(' ', "\u{a0}").replace("\u{a0}·\u{a0}", "\u{a0}· ");
    let wrapped = render::layout(&legend_text, width, "  ").replace('\u{a0}', " ");
    write!(out, "{DIM}{}{DIM:#}", wrapped)?;
    let grade_prompt = match proposed {
        Some(g) => format!("grade [{g}] › "),
        None => "grade › ".to_string(),
    };
    loop {
        let text = ask_line!(input, out, &grade_prompt, showing);
        let text = text.trim();
        if text.is_empty()
            && let Some(g) = proposed
        {
            return Ok(Asked::Graded(g));
        }
        match text.parse::<u8>().ok().and_then(Grade::new) {
            Some(g) => return Ok(Asked::Graded(g)),
            None => writeln!(out, "  Type a grade from 0 to 5 (or :help).")?,
        }
    }
}
