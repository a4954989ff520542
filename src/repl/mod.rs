//! The review REPL: question, reveal, grade, next.
//!
//! The loop is written against three small seams so it runs the same on a terminal,
//! on piped stdin and in tests: [`Input`] gives lines (rustyline on a terminal, a
//! plain reader otherwise), output goes to any `impl Write`, and answers go to a
//! [`Journal`] (the review log) before the next card is shown. Time comes from a
//! [`Clock`], so `RECALL_NOW` makes a whole session reproducible.

use std::io::{self, BufRead, Write};
use std::path::Path;

pub mod card;
pub mod quiz;

use anstyle::Style;
use chrono::{DateTime, FixedOffset};
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::deck::{Card, CardKey, Content, Deck, Origin, Rules, Source};
use crate::log::{LogError, Mark, Record, Writer};
use crate::session::{Phase, Session, Undone};
use crate::sm2::Grade;

// Styles are written as escape codes; the caller's stream drops them when the output
// is not a terminal or NO_COLOR is set (anstream).
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const QUESTION: Style = Style::new().bold();
pub(crate) const WRONG_STYLE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)));
pub(crate) const OUTCOME: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Green)));

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

    /// The words Tab completes for the next lines (deck ids, topic ids, …), besides
    /// the `:` commands. Inputs without completion ignore it.
    fn complete_with(&mut self, _words: Vec<String>) {}
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
    (":bury", "put this card away until tomorrow"),
    (
        ":suspend",
        "take this card out of your reviews until `recall unsuspend`",
    ),
    (":stats", "this card's schedule and this session's progress"),
    (":edit", "open this card's deck file in $VISUAL/$EDITOR, then reload it"),
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
        editor.set_helper(Some(CommandHelper::default()));
        Ok(Terminal { editor })
    }
}

impl Input for Terminal {
    fn complete_with(&mut self, words: Vec<String>) {
        if let Some(helper) = self.editor.helper_mut() {
            helper.words = words;
        }
    }

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

/// Completes `:` commands, and whatever words the current prompt offers.
#[derive(Default)]
pub struct CommandHelper {
    words: Vec<String>,
}

impl Completer for CommandHelper {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let typed = &line[..pos];
        if typed.contains(' ') {
            return Ok((0, Vec::new()));
        }
        let found = if typed.starts_with(':') {
            COMMANDS
                .iter()
                .map(|(c, _)| (*c).to_string())
                .filter(|c| c.starts_with(typed))
                .collect()
        } else {
            self.words.iter().filter(|w| w.starts_with(typed)).cloned().collect()
        };
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
    /// Saves a mark (bury, suspend, leech) durably, like [`Journal::append`].
    fn append_mark(&mut self, mark: &Mark) -> Result<u64, LogError>;
    /// Removes the record appended with `token` (always the last one).
    fn remove(&mut self, token: u64) -> Result<(), LogError>;
}

impl Journal for Writer {
    fn append(&mut self, record: &Record) -> Result<u64, LogError> {
        Writer::append(self, record)
    }

    fn append_mark(&mut self, mark: &Mark) -> Result<u64, LogError> {
        Writer::append_mark(self, mark)
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

/// Opens a deck file for editing (`:edit`).
pub trait Editor {
    fn edit(&mut self, path: &Path, line: usize) -> io::Result<()>;
}

/// `$VISUAL`, else `$EDITOR`, else `vi`, started through the shell as git does (so
/// `EDITOR="code --wait"` works) with `+LINE` before the file, which vi, vim, nano,
/// emacs and most terminal editors read as "open at this line".
pub struct ExternalEditor;

impl Editor for ExternalEditor {
    fn edit(&mut self, path: &Path, line: usize) -> io::Result<()> {
        let editor = std::env::var("VISUAL")
            .ok()
            .filter(|e| !e.trim().is_empty())
            .or_else(|| std::env::var("EDITOR").ok().filter(|e| !e.trim().is_empty()))
            .unwrap_or_else(|| "vi".to_string());
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$@\""))
            .arg("sh")
            .arg(format!("+{line}"))
            .arg(path)
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("the editor ({editor}) exited with {status}")))
        }
    }
}

/// The review loop.
pub struct Review<'a, L> {
    pub session: &'a mut Session,
    /// Finds a card's deck and content by key.
    pub lookup: L,
    pub width: usize,
    /// Seeds the order of choice options.
    pub seed: u64,
    /// For `:edit`; `None` where editing is not offered.
    pub editor: Option<&'a mut dyn Editor>,
    /// Decks reloaded after `:edit`, which take the place of the loaded ones.
    pub edited: Vec<Deck>,
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
        let intro = "Enter shows the answer, then grade it 0–5. Type :help for commands.";
        write!(out, "{}", crate::render::layout(intro, self.width, ""))?;
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
        let Some((deck_id, card)) = self.find(key) else {
            // The card is gone (its deck was edited, or changed under a pending
            // re-drill); nothing to show.
            writeln!(out, "  ({key} is no longer in its deck; skipped.)")?;
            self.session.skip();
            return Ok(Flow::Next);
        };
        let shown_at = clock.now();
        // Topics in a user's deck are free text: shown escaped like all card text.
        let topic = card
            .topic
            .as_deref()
            .map(|t| format!(" · {}", crate::render::escape_controls(t)))
            .unwrap_or_default();
        let kind = match card.content {
            Content::Basic { .. } => String::new(),
            _ => format!(" · {}", card.content.kind()),
        };
        let status = self.prompt();
        let showing = card::Showing {
            key,
            card: &card,
            header: format!("── {deck_id}{topic} · {}{kind} ", phase.label()),
            status: &|| status.clone(),
            commands: COMMANDS,
            seed: self.seed ^ answered.len() as u64,
            width: self.width,
        };
        let grade = match card::ask(&showing, input, out)? {
            card::Asked::Graded(grade) => grade,
            card::Asked::End => return Ok(Flow::Quit),
            card::Asked::Command(text) => return self.command(&text, out, journal, clock, tokens, answered),
        };
        let at = clock.now();
        let ms = u32::try_from((at - shown_at).num_milliseconds().max(0)).unwrap_or(u32::MAX);
        let Some(done) = self.session.answer(grade, at, ms) else {
            return Ok(Flow::Quit);
        };
        let token = match journal.append(&done.record) {
            Ok(token) => token,
            Err(e) => {
                self.session.undo();
                return Err(e.into());
            }
        };
        if let Some(mark) = &done.leech
            && let Err(e) = journal.append_mark(mark)
        {
            // Both lines or neither: the answer is taken back with the failed mark.
            self.session.undo();
            journal.remove(token)?;
            return Err(e.into());
        }
        tokens.push(token);
        answered.push(done.record);
        if let Some(s) = done.leech.as_ref().and(done.schedule) {
            let text = format!(
                "This card has now been failed {} times: it is a leech, and is suspended so it stops costing you \
                 time. Rewrite or split it (:edit), then bring it back with `recall unsuspend {key}`.",
                s.sm2.lapses
            );
            write!(
                out,
                "{WRONG_STYLE}{}{WRONG_STYLE:#}",
                crate::render::layout(&text, self.width, "  ")
            )?;
            return Ok(Flow::Next);
        }
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
        Ok(Flow::Next)
    }

    /// A card's deck id and content, from an edited deck if there is one.
    fn find(&self, key: &CardKey) -> Option<(String, Card)> {
        if let Some(deck) = self.edited.iter().find(|d| d.id == key.deck()) {
            let card = deck
                .cards
                .iter()
                .find(|c| c.id == key.card() && c.facets().contains(&key.facet()))?;
            return Some((deck.id.clone(), card.clone()));
        }
        (self.lookup)(key).map(|(d, c)| (d.id.clone(), c.clone()))
    }

    /// `:edit`: the current card's deck file in the editor, then reloaded and checked.
    fn edit_current(&mut self, out: &mut dyn Write) -> Result<(), ReplError> {
        let Some((key, _)) = self.session.current() else {
            return Ok(());
        };
        let key = key.clone();
        let origin = match self.edited.iter().find(|d| d.id == key.deck()) {
            Some(deck) => Some(deck.origin.clone()),
            None => (self.lookup)(&key).map(|(d, _)| d.origin.clone()),
        };
        let Some(Origin::File(path)) = origin else {
            writeln!(
                out,
                "  {} is a built-in deck and is not edited here; `recall deck new` starts one of your own.",
                key.deck()
            )?;
            return Ok(());
        };
        let line = self.find(&key).map_or(1, |(_, c)| c.line);
        let Some(editor) = self.editor.as_deref_mut() else {
            writeln!(out, "  Editing is not available in this session.")?;
            return Ok(());
        };
        if let Err(e) = editor.edit(&path, line) {
            writeln!(out, "  Could not edit {}: {e}", path.display())?;
            return Ok(());
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                writeln!(out, "  Could not read {} back: {e}", path.display())?;
                return Ok(());
            }
        };
        let source = Source {
            origin: Origin::File(path.clone()),
            text,
        };
        match crate::deck::parse(&source, &Rules::default()) {
            Ok(deck) if deck.id != key.deck() => {
                writeln!(
                    out,
                    "  The deck's id is now {:?}; the change shows from the next session on.",
                    deck.id
                )?;
            }
            Ok(deck) => {
                writeln!(out, "  Reloaded {} ({} cards).", path.display(), deck.cards.len())?;
                self.edited.retain(|d| d.id != deck.id);
                self.edited.push(deck);
            }
            Err(problems) => {
                writeln!(
                    out,
                    "  The deck has problems now; until they are fixed (:edit again) the card stays as it was:"
                )?;
                for problem in problems {
                    writeln!(out, "{problem}")?;
                }
            }
        }
        Ok(())
    }

    /// `:stats`: where the current card stands, and how the session is going.
    fn write_stats(&self, out: &mut dyn Write, answered: &[Record]) -> io::Result<()> {
        if let Some((key, _)) = self.session.current() {
            match self.session.schedule(key) {
                Some(s) => writeln!(
                    out,
                    "  {key}: repetitions {} · EF {} · interval {} day(s) · due {} · failed {} time(s)",
                    s.sm2.repetitions, s.sm2.ease, s.sm2.interval, s.due, s.sm2.lapses
                )?,
                None => writeln!(out, "  {key}: new, never answered")?,
            }
        }
        let mut grades = [0usize; 6];
        for r in answered {
            grades[usize::from(r.grade.value())] += 1;
        }
        let passed = grades[3..].iter().sum::<usize>();
        let share = (passed * 100).checked_div(answered.len()).unwrap_or(0);
        let r = self.session.remaining();
        writeln!(
            out,
            "  This session: {} answer(s), {share}% graded 3 or more · left: {} due, {} new, {} to re-drill",
            answered.len(),
            r.due,
            r.new,
            r.redrill
        )
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
    #[allow(clippy::too_many_arguments)]
    fn command(
        &mut self,
        text: &str,
        out: &mut dyn Write,
        journal: &mut dyn Journal,
        clock: &dyn Clock,
        tokens: &mut Vec<u64>,
        answered: &mut Vec<Record>,
    ) -> Result<Flow, ReplError> {
        // Every command ends with the current card shown again from the start (or the
        // next one, when the command moved on).
        let flow = match text {
            ":q" | ":quit" | ":exit" => Flow::Quit,
            ":e" | ":edit" => {
                self.edit_current(out)?;
                // Show the (possibly changed) card again from the start.
                Flow::Next
            }
            ":s" | ":skip" => {
                if let Some(key) = self.session.skip() {
                    writeln!(out, "  Skipped {key}.")?;
                }
                Flow::Next
            }
            ":b" | ":bury" | ":suspend" => {
                let at = clock.now();
                let mark = if text == ":suspend" {
                    self.session.suspend(at)
                } else {
                    self.session.bury(at)
                };
                if let Some(mark) = mark {
                    match journal.append_mark(&mark) {
                        Ok(token) => tokens.push(token),
                        Err(e) => {
                            self.session.undo();
                            return Err(e.into());
                        }
                    }
                    let said = if text == ":suspend" {
                        format!(
                            "Suspended {}; `recall unsuspend {}` brings it back.",
                            mark.card, mark.card
                        )
                    } else {
                        format!("Buried {} until tomorrow.", mark.card)
                    };
                    writeln!(out, "  {said}")?;
                }
                Flow::Next
            }
            ":stats" => {
                self.write_stats(out, answered)?;
                Flow::Next
            }
            ":u" | ":undo" => match self.session.undo() {
                Some(Undone::Answer(record)) => {
                    if let Some(token) = tokens.pop() {
                        journal.remove(token)?;
                    }
                    answered.pop();
                    writeln!(out, "  Took back grade {} for {}.", record.grade, record.card)?;
                    Flow::Next
                }
                Some(Undone::Skip(key)) => {
                    writeln!(out, "  Took back the skip of {key}.")?;
                    Flow::Next
                }
                Some(Undone::Mark(mark)) => {
                    if let Some(token) = tokens.pop() {
                        journal.remove(token)?;
                    }
                    let what = if mark.action == crate::log::Action::Bury {
                        "burying"
                    } else {
                        "suspension"
                    };
                    writeln!(out, "  Took back the {what} of {}.", mark.card)?;
                    Flow::Next
                }
                None => {
                    writeln!(out, "  Nothing to undo in this session.")?;
                    Flow::Next
                }
            },
            other => {
                writeln!(out, "  Unknown command {other:?}. Type :help for the list.")?;
                Flow::Next
            }
        };
        Ok(flow)
    }
}

pub(crate) fn legend() -> String {
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
