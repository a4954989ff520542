//! The review REPL: question, reveal, grade, next.
//!
//! The loop is written against three small seams so it runs the same on a terminal,
//! on piped stdin and in tests: [`Input`] gives lines (rustyline on a terminal, a
//! plain reader otherwise), output goes to any `impl Write`, and answers go to a
//! [`Journal`] (the review log) before the next card is shown. Dates come from a
//! [`Clock`], so `RECALL_NOW` makes a whole session's schedule reproducible, while
//! durations come from its monotonic side and stay real.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::time::Duration;

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
use crate::session::{Outcome, Phase, Remaining, Session, Undone};
use crate::sm2::Grade;

// Styles are written as escape codes; the caller's stream drops them when the output
// is not a terminal or NO_COLOR is set (anstream).
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const QUESTION: Style = Style::new().bold();
pub(crate) const WRONG_STYLE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)));
pub(crate) const OUTCOME: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Green)));
/// A cloze card's deleted text in its answer.
pub(crate) const HIGHLIGHT: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Cyan)));

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
    /// The date and time: study days, and the time written with each answer.
    fn now(&self) -> DateTime<FixedOffset>;
    /// A reading of a monotonic clock from any fixed origin, for durations (answer
    /// times, a quiz's time limit, a session's length). It moves even when `now` is
    /// fixed, and never goes back.
    fn monotonic(&self) -> Duration;
}

/// Milliseconds between two monotonic readings, for the log's answer times.
pub(crate) fn millis(from: Duration, to: Duration) -> u32 {
    u32::try_from(to.saturating_sub(from).as_millis()).unwrap_or(u32::MAX)
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
    /// What is still waiting today when the session ends.
    pub left: Remaining,
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

/// Where the review loop finds the cards it shows.
pub trait CardSource {
    /// The card a key names, with its deck's id and origin; its text is read when
    /// asked for (a catalog reads it from the deck file). `None` if there is no
    /// such card, or it can no longer be read.
    fn card(&self, key: &CardKey) -> Option<(String, Origin, Card)>;
}

/// The review loop.
pub struct Review<'a> {
    pub session: &'a mut Session,
    /// Finds a card's deck and content by key.
    pub cards: &'a dyn CardSource,
    /// The width to wrap to, asked before each card: the terminal may be resized.
    pub width: &'a dyn Fn() -> usize,
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

impl Review<'_> {
    pub fn run(
        &mut self,
        input: &mut dyn Input,
        out: &mut dyn Write,
        journal: &mut dyn Journal,
        clock: &dyn Clock,
    ) -> Result<Summary, ReplError> {
        let started = clock.monotonic();
        let mut tokens: Vec<u64> = Vec::new();
        let mut answered: Vec<Record> = Vec::new();
        let intro = "Enter shows the answer, then grade it 0–5. Type :help for commands.";
        write!(out, "{}", crate::render::layout(intro, (self.width)(), ""))?;
        while let Some((key, phase)) = self.session.current() {
            let key = key.clone();
            let flow = self.one_card(&key, phase, input, out, journal, clock, &mut tokens, &mut answered)?;
            if let Flow::Quit = flow {
                break;
            }
        }
        let mut summary = Summary {
            answers: answered.len(),
            seconds: i64::try_from(clock.monotonic().saturating_sub(started).as_secs()).unwrap_or(i64::MAX),
            left: self.session.remaining(),
            ..Summary::default()
        };
        let mut cards: Vec<&CardKey> = answered.iter().map(|r| &r.card).collect();
        cards.sort();
        cards.dedup();
        summary.cards = cards.len();
        for r in &answered {
            summary.grades[usize::from(r.grade.value())] += 1;
        }
        write_summary(out, &summary, (self.width)())?;
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
        let shown_at = clock.monotonic();
        let width = (self.width)();
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
            legend: legend(self.session.preview(clock.now()).as_ref()),
            seed: self.seed ^ answered.len() as u64,
            width: self.width,
        };
        let grade = match card::ask(&showing, input, out)? {
            card::Asked::Graded(grade) => grade,
            card::Asked::End => return Ok(Flow::Quit),
            card::Asked::Command(text) => return self.command(&text, out, journal, clock, tokens, answered),
        };
        let at = clock.now();
        let ms = millis(shown_at, clock.monotonic());
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
                crate::render::layout(&text, width, "  ")
            )?;
            return Ok(Flow::Next);
        }
        // A failure must not look like a success: red below 3, green from 3.
        let style = if grade.value() < 3 { WRONG_STYLE } else { OUTCOME };
        let said = match (done.schedule, done.redrill) {
            (Some(s), redrill) => {
                let days = s.sm2.interval;
                let plural = if days == 1 { "" } else { "s" };
                let again = if redrill {
                    "; once more at the end of this session"
                } else {
                    ""
                };
                format!("→ next review in {days} day{plural}, on {}{again}", s.due)
            }
            (None, true) => "→ once more at the end of this session".to_string(),
            (None, false) => "→ done for today".to_string(),
        };
        writeln!(out, "  {style}{said}{style:#}")?;
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
        self.cards.card(key).map(|(deck, _, card)| (deck, card))
    }

    /// `:edit`: the current card's deck file in the editor, then reloaded and checked.
    fn edit_current(&mut self, out: &mut dyn Write) -> Result<(), ReplError> {
        let Some((key, _)) = self.session.current() else {
            return Ok(());
        };
        let key = key.clone();
        let origin = match self.edited.iter().find(|d| d.id == key.deck()) {
            Some(deck) => Some(deck.origin.clone()),
            None => self.cards.card(&key).map(|(_, origin, _)| origin),
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
            ":h" | ":help" | ":?" => {
                write_help(out, COMMANDS, (self.width)())?;
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

/// The grades in a word each, for the one-line legend.
fn short_meaning(grade: Grade) -> &'static str {
    match grade.value() {
        0 => "blank",
        1 => "wrong",
        2 => "almost",
        3 => "hard",
        4 => "good",
        _ => "easy",
    }
}

/// SM-2's own words for each grade (Wozniak, 1990), for `:help`.
fn full_meaning(grade: Grade) -> &'static str {
    match grade.value() {
        0 => "complete blackout",
        1 => "incorrect response; the correct one remembered",
        2 => "incorrect response, where the correct one seemed easy to recall",
        3 => "correct response recalled with serious difficulty",
        4 => "correct response after a hesitation",
        _ => "perfect response",
    }
}

/// An interval as short as a legend needs: `6d`, `4mo`, `3y`.
fn short_interval(days: u32) -> String {
    match days {
        0..100 => format!("{days}d"),
        100..730 => format!("{}mo", (f64::from(days) / 30.44).round()),
        _ => format!("{}y", (f64::from(days) / 365.25).round()),
    }
}

/// The one-line grade legend. With a preview it says what each grade will do to this
/// card, as Anki labels its buttons: `0 blank · 1 wrong · 2 almost → today │ 3 hard
/// 6d · 4 good 15d · 5 easy 17d` (at most 78 columns, so it fits 80 with its indent);
/// for a re-drill, which grades end it for today.
pub(crate) fn legend(preview: Option<&[Outcome; 6]>) -> String {
    let named = |g: Grade| format!("{g} {}", short_meaning(g));
    let Some(preview) = preview else {
        return Grade::all().map(named).collect::<Vec<_>>().join(" · ");
    };
    let (fail, pass): (Vec<Grade>, Vec<Grade>) = Grade::all().partition(|g| g.value() < 3);
    let fails = fail.iter().map(|&g| named(g)).collect::<Vec<_>>().join(" · ");
    if preview.iter().all(|o| o.interval.is_none()) {
        // A re-drill: grades below 4 bring it back once more, 4 and 5 end it.
        let (again, done): (Vec<Grade>, Vec<Grade>) =
            Grade::all().partition(|g| preview[usize::from(g.value())].again_today);
        let list = |grades: Vec<Grade>| grades.into_iter().map(named).collect::<Vec<_>>().join(" · ");
        return format!("{} → again │ {} → done today", list(again), list(done));
    }
    let passes: Vec<String> = pass
        .iter()
        .map(|&g| match preview[usize::from(g.value())].interval {
            Some(days) => format!("{} {}", named(g), short_interval(days)),
            None => named(g),
        })
        .collect();
    format!("{fails} → today │ {}", passes.join(" · "))
}

/// `:help`: the commands, aligned, and what each grade means in SM-2.
pub(crate) fn write_help(out: &mut dyn Write, commands: &[(&str, &str)], width: usize) -> io::Result<()> {
    let widest = commands.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    for (name, what) in commands {
        writeln!(out, "  {name:<widest$}  {what}")?;
    }
    writeln!(out, "  Grades (SM-2):")?;
    for g in Grade::all() {
        writeln!(out, "    {g} {:<7} {}", short_meaning(g), full_meaning(g))?;
    }
    let after = "Before you grade, the legend shows the next interval each grade gives; 0-2 bring the card back \
                 today and tomorrow, 3 today once more.";
    write!(out, "{}", crate::render::layout(after, width, "  "))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_summary(out: &mut dyn Write, s: &Summary, width: usize) -> io::Result<()> {
    writeln!(out)?;
    if s.answers == 0 {
        writeln!(out, "No answers this session.")?;
    } else {
        writeln!(
            out,
            "Session over: {}, {} in {}.",
            plural(s.cards, "card", "cards"),
            plural(s.answers, "answer", "answers"),
            crate::render::duration(s.seconds)
        )?;
        let grades: Vec<String> = s.grades.iter().enumerate().map(|(g, n)| format!("{g}: {n}")).collect();
        writeln!(out, "Grades  {}", grades.join("  "))?;
    }
    let left = s.left;
    if left.total() == 0 {
        writeln!(out, "Nothing more is due today.")?;
    } else {
        let mut waiting = Vec::new();
        if left.due > 0 {
            waiting.push(format!("{} due", left.due));
        }
        if left.new > 0 {
            waiting.push(format!("{} new", left.new));
        }
        if left.redrill > 0 {
            waiting.push(plural(left.redrill, "re-drill", "re-drills"));
        }
        let text = format!(
            "Still waiting today: {}; `recall review` goes on where you stopped.",
            waiting.join(", ")
        );
        write!(out, "{}", crate::render::layout(&text, width, ""))?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn preview(intervals: [u32; 6]) -> [Outcome; 6] {
        std::array::from_fn(|g| Outcome {
            interval: Some(intervals[g]),
            again_today: g < 4,
        })
    }

    #[test]
    fn the_legend_says_what_each_grade_does_and_fits_80_columns() {
        assert_eq!(
            legend(Some(&preview([1, 1, 1, 6, 6, 6]))),
            "0 blank · 1 wrong · 2 almost → today │ 3 hard 6d · 4 good 6d · 5 easy 6d"
        );
        assert_eq!(short_interval(99), "99d");
        assert_eq!(short_interval(100), "3mo");
        assert_eq!(short_interval(36_500), "100y");
        // The widest intervals still leave room for the two-column indent.
        for days in [99, 729, 36_500] {
            let text = legend(Some(&preview([1, 1, 1, days, days, days])));
            assert!(text.width() <= 78, "{text}: {}", text.width());
        }
        let redrill: [Outcome; 6] = std::array::from_fn(|g| Outcome {
            interval: None,
            again_today: g < 4,
        });
        assert_eq!(
            legend(Some(&redrill)),
            "0 blank · 1 wrong · 2 almost · 3 hard → again │ 4 good · 5 easy → done today"
        );
        assert_eq!(legend(None), "0 blank · 1 wrong · 2 almost · 3 hard · 4 good · 5 easy");
    }
}
