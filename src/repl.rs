//! The review REPL: question, reveal, grade, next.
//!
//! The loop is written against three small seams so it runs the same on a terminal,
//! on piped stdin and in tests: [`Input`] gives lines (rustyline on a terminal, a
//! plain reader otherwise), output goes to any `impl Write`, and answers go to a
//! [`Journal`] (the review log) before the next card is shown. Time comes from a
//! [`Clock`], so `RECALL_NOW` makes a whole session reproducible.

use std::io::{self, BufRead, Write};

use anstyle::Style;
use chrono::{DateTime, FixedOffset};
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::deck::{Card, CardKey, Deck};
use crate::log::{LogError, Record, Writer};
use crate::render;
use crate::session::{Phase, Session, Undone};
use crate::sm2::Grade;

// Styles are written as escape codes; the caller's stream drops them when the output
// is not a terminal or NO_COLOR is set (anstream).
const DIM: Style = Style::new().dimmed();
const QUESTION: Style = Style::new().bold();
const OUTCOME: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Green)));

/// One line of input, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Text(String),
    /// Ctrl-C.
    Interrupted,
    /// Ctrl-D or the end of piped input.
    Eof,
}

pub trait Input {
    /// Reads a line after showing `prompt`. `out` is the session's output, flushed
    /// before reading; inputs that do not draw their own prompt write it there.
    fn read_line(&mut self, prompt: &str, out: &mut dyn Write) -> io::Result<Line>;
}

/// Input from a pipe or file: the prompt and the line read are written to the output,
/// so a transcript reads like the terminal session would.
pub struct Piped<R>(pub R);

impl<R: BufRead> Input for Piped<R> {
    fn read_line(&mut self, prompt: &str, out: &mut dyn Write) -> io::Result<Line> {
        let mut line = String::new();
        let read = self.0.read_line(&mut line)?;
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        writeln!(out, "{prompt}{line}")?;
        out.flush()?;
        Ok(if read == 0 { Line::Eof } else { Line::Text(line) })
    }
}

/// The commands the REPL understands, for `:help` and completion.
pub const COMMANDS: &[(&str, &str)] = &[
    (":undo", "take back the last answer (or skip)"),
    (":skip", "leave this card for another session"),
    (":help", "show this help"),
    (":quit", "end the session (every answer is already saved)"),
];

/// rustyline on a terminal: line editing, history, and completion of `:` commands.
pub struct Terminal {
    editor: rustyline::Editor<CommandHelper, rustyline::history::DefaultHistory>,
}

impl Terminal {
    pub fn new() -> io::Result<Terminal> {
        let mut editor = rustyline::Editor::new().map_err(io::Error::other)?;
        editor.set_helper(Some(CommandHelper));
        Ok(Terminal { editor })
    }
}

impl Input for Terminal {
    fn read_line(&mut self, prompt: &str, out: &mut dyn Write) -> io::Result<Line> {
        out.flush()?;
        match self.editor.readline(prompt) {
            Ok(line) => {
                if line.starts_with(':') {
                    let _ = self.editor.add_history_entry(line.as_str());
                }
                Ok(Line::Text(line))
            }
            Err(rustyline::error::ReadlineError::Interrupted) => Ok(Line::Interrupted),
            Err(rustyline::error::ReadlineError::Eof) => Ok(Line::Eof),
            Err(rustyline::error::ReadlineError::Io(e)) => Err(e),
            Err(e) => Err(io::Error::other(e)),
        }
    }
}

pub struct CommandHelper;

impl Completer for CommandHelper {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let typed = &line[..pos];
        if !typed.starts_with(':') || typed.contains(' ') {
            return Ok((0, Vec::new()));
        }
        let found = COMMANDS
            .iter()
            .map(|(c, _)| (*c).to_string())
            .filter(|c| c.starts_with(typed))
            .collect();
        Ok((0, found))
    }
}

impl Hinter for CommandHelper {
    type Hint = String;
}
impl Highlighter for CommandHelper {}
impl Validator for CommandHelper {}
impl Helper for CommandHelper {}

/// Where answers are kept. The review log in real use.
pub trait Journal {
    /// Saves a record durably; returns a token that [`Journal::remove`] takes.
    fn append(&mut self, record: &Record) -> Result<u64, LogError>;
    /// Removes the record appended with `token` (always the last one).
    fn remove(&mut self, token: u64) -> Result<(), LogError>;
}

impl Journal for Writer {
    fn append(&mut self, record: &Record) -> Result<u64, LogError> {
        Writer::append(self, record)
    }

    fn remove(&mut self, token: u64) -> Result<(), LogError> {
        self.truncate_to(token)
    }
}

pub trait Clock {
    fn now(&self) -> DateTime<FixedOffset>;
}

#[derive(Debug, thiserror::Error)]
pub enum ReplError {
    #[error("terminal: {0}")]
    Io(#[from] io::Error),
    #[error("{0}; the session stopped so no answer is lost")]
    Log(#[from] LogError),
}

/// What a session did, for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub answers: usize,
    pub cards: usize,
    pub grades: [usize; 6],
    pub seconds: i64,
    pub redrill_left: usize,
}

/// The review loop.
pub struct Review<'a, L> {
    pub session: &'a mut Session,
    /// Finds a card's deck and content by key.
    pub lookup: L,
    pub width: usize,
}

enum Flow {
    Next,
    Quit,
}

impl<'a, L> Review<'a, L>
where
    L: Fn(&CardKey) -> Option<(&'a Deck, &'a Card)>,
{
    pub fn run(
        &mut self,
        input: &mut dyn Input,
        out: &mut dyn Write,
        journal: &mut dyn Journal,
        clock: &dyn Clock,
    ) -> Result<Summary, ReplError> {
        let started = clock.now();
        let mut tokens: Vec<u64> = Vec::new();
        let mut answered: Vec<Record> = Vec::new();
        writeln!(
            out,
            "Enter shows the answer, then grade it 0–5. Type :help for commands."
        )?;
        while let Some((key, phase)) = self.session.current() {
            let key = key.clone();
            let flow = self.one_card(&key, phase, input, out, journal, clock, &mut tokens, &mut answered)?;
            if let Flow::Quit = flow {
                break;
            }
        }
        let mut summary = Summary {
            answers: answered.len(),
            seconds: (clock.now() - started).num_seconds().max(0),
            redrill_left: self.session.remaining().redrill,
            ..Summary::default()
        };
        let mut cards: Vec<&CardKey> = answered.iter().map(|r| &r.card).collect();
        cards.sort();
        cards.dedup();
        summary.cards = cards.len();
        for r in &answered {
            summary.grades[usize::from(r.grade.value())] += 1;
        }
        write_summary(out, &summary, self.session.is_done())?;
        Ok(summary)
    }

    #[allow(clippy::too_many_arguments)]
    fn one_card(
        &mut self,
        key: &CardKey,
        phase: Phase,
        input: &mut dyn Input,
        out: &mut dyn Write,
        journal: &mut dyn Journal,
        clock: &dyn Clock,
        tokens: &mut Vec<u64>,
        answered: &mut Vec<Record>,
    ) -> Result<Flow, ReplError> {
        let Some((deck, card)) = (self.lookup)(key) else {
            // The deck changed under a pending re-drill; nothing to show.
            self.session.skip();
            return Ok(Flow::Next);
        };
        let shown_at = clock.now();
        let topic = card.topic.as_deref().map(|t| format!(" · {t}")).unwrap_or_default();
        let title = format!("── {}{topic} · {} ", deck.id, phase.label());
        let rule = "─".repeat(
            self.width
                .saturating_sub(unicode_width::UnicodeWidthStr::width(title.as_str()))
                .min(60),
        );
        writeln!(out, "\n{DIM}{title}{rule}{DIM:#}")?;
        write!(
            out,
            "{QUESTION}{}{QUESTION:#}",
            render::layout(card.question(), self.width, "  ")
        )?;
        // Reveal.
        loop {
            match input.read_line(&self.prompt(), out)? {
                Line::Eof | Line::Interrupted => return Ok(Flow::Quit),
                Line::Text(text) => match self.command(text.trim(), out, journal, tokens, answered)? {
                    Some(flow) => return Ok(flow),
                    None if text.trim().starts_with(':') => continue,
                    None => break,
                },
            }
        }
        writeln!(out)?;
        write!(out, "{}", render::layout(card.answer(), self.width, "  "))?;
        if let Some(notes) = &card.notes {
            writeln!(out)?;
            write!(out, "{}", render::layout(&format!("Note: {notes}"), self.width, "  "))?;
        }
        writeln!(out, "  {DIM}{}{DIM:#}", legend())?;
        // Grade.
        loop {
            let text = match input.read_line("grade › ", out)? {
                Line::Eof | Line::Interrupted => return Ok(Flow::Quit),
                Line::Text(text) => text,
            };
            let text = text.trim();
            if let Some(flow) = self.command(text, out, journal, tokens, answered)? {
                return Ok(flow);
            }
            if text.starts_with(':') {
                continue;
            }
            let Some(grade) = text.parse::<u8>().ok().and_then(Grade::new) else {
                writeln!(out, "  Type a grade from 0 to 5 (or :help).")?;
                continue;
            };
            let at = clock.now();
            let ms = u32::try_from((at - shown_at).num_milliseconds().max(0)).unwrap_or(u32::MAX);
            let Some(done) = self.session.answer(grade, at, ms) else {
                return Ok(Flow::Quit);
            };
            match journal.append(&done.record) {
                Ok(token) => tokens.push(token),
                Err(e) => {
                    self.session.undo();
                    return Err(e.into());
                }
            }
            answered.push(done.record);
            match (done.schedule, done.redrill) {
                (Some(s), redrill) => {
                    let days = s.sm2.interval;
                    let plural = if days == 1 { "" } else { "s" };
                    let again = if redrill {
                        "; once more at the end of this session"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "  {OUTCOME}→ next review in {days} day{plural}, on {}{again}{OUTCOME:#}",
                        s.due
                    )?;
                }
                (None, true) => writeln!(out, "  {OUTCOME}→ once more at the end of this session{OUTCOME:#}")?,
                (None, false) => writeln!(out, "  {OUTCOME}→ done for today{OUTCOME:#}")?,
            }
            return Ok(Flow::Next);
        }
    }

    fn prompt(&self) -> String {
        let r = self.session.remaining();
        let mut parts = vec![format!("{} due", r.due), format!("{} new", r.new)];
        if r.redrill > 0 {
            parts.push(format!("{} again", r.redrill));
        }
        parts.push(format!("{} left", r.total()));
        format!("{} › ", parts.join(" · "))
    }

    /// Runs a `:` command. `Some(flow)` when the current card is finished with.
    fn command(
        &mut self,
        text: &str,
        out: &mut dyn Write,
        journal: &mut dyn Journal,
        tokens: &mut Vec<u64>,
        answered: &mut Vec<Record>,
    ) -> Result<Option<Flow>, ReplError> {
        if !text.starts_with(':') {
            return Ok(None);
        }
        match text {
            ":q" | ":quit" | ":exit" => Ok(Some(Flow::Quit)),
            ":h" | ":help" | ":?" => {
                for (name, what) in COMMANDS {
                    writeln!(out, "  {name:<7} {what}")?;
                }
                writeln!(out, "  Grades: {}", legend())?;
                Ok(None)
            }
            ":s" | ":skip" => {
                if let Some(key) = self.session.skip() {
                    writeln!(out, "  Skipped {key}.")?;
                }
                Ok(Some(Flow::Next))
            }
            ":u" | ":undo" => match self.session.undo() {
                Some(Undone::Answer(record)) => {
                    if let Some(token) = tokens.pop() {
                        journal.remove(token)?;
                    }
                    answered.pop();
                    writeln!(out, "  Took back grade {} for {}.", record.grade, record.card)?;
                    Ok(Some(Flow::Next))
                }
                Some(Undone::Skip(key)) => {
                    writeln!(out, "  Took back the skip of {key}.")?;
                    Ok(Some(Flow::Next))
                }
                None => {
                    writeln!(out, "  Nothing to undo in this session.")?;
                    Ok(None)
                }
            },
            other => {
                writeln!(out, "  Unknown command {other:?}. Type :help for the list.")?;
                Ok(None)
            }
        }
    }
}

fn legend() -> String {
    Grade::all()
        .map(|g| format!("{g} {}", short_meaning(g)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn short_meaning(grade: Grade) -> &'static str {
    match grade.value() {
        0 => "blackout",
        1 => "wrong, familiar",
        2 => "wrong, seemed easy",
        3 => "hard",
        4 => "hesitated",
        _ => "perfect",
    }
}

fn write_summary(out: &mut dyn Write, s: &Summary, finished: bool) -> io::Result<()> {
    writeln!(out)?;
    if s.answers == 0 {
        writeln!(out, "No answers this session.")?;
    } else {
        let (m, sec) = (s.seconds / 60, s.seconds % 60);
        let cards = if s.cards == 1 { "card" } else { "cards" };
        writeln!(
            out,
            "Session over: {} {cards}, {} answers in {m}m {sec:02}s.",
            s.cards, s.answers
        )?;
        let grades: Vec<String> = s.grades.iter().enumerate().map(|(g, n)| format!("{g}: {n}")).collect();
        writeln!(out, "Grades  {}", grades.join("  "))?;
    }
    if s.redrill_left > 0 {
        writeln!(
            out,
            "{} card(s) still to re-drill today: run `recall review` again.",
            s.redrill_left
        )?;
    } else if finished {
        writeln!(out, "Nothing more is due today.")?;
    }
    out.flush()
}
