//! The command line: arguments become checked settings, then each command runs
//! against the library. This is the edge where the clock, the environment, the
//! terminal and the files meet the pure core.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Local};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::add::{Fields, Kind};
use crate::cmd;
use crate::collection::{self, Collection, Library, Scope, Settings};
use crate::config::Config;
use crate::deck::{Origin, Problem, Rules, Source};
use crate::log::{self, LogError};
use crate::repl::{self, Clock};
use crate::roadmap::Roadmap;
use crate::sched::Rollover;

const ABOUT: &str = "Spaced repetition in the terminal, with the ML engineer roadmap built in.";

#[derive(Debug, Parser)]
#[command(name = "recall", version, about = ABOUT, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Where the review log and your own decks live [default: the XDG data dir, e.g. ~/.local/share/recall]
    #[arg(long, global = true, env = "RECALL_HOME", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Also read decks from this folder (may be given more than once)
    #[arg(long = "decks", global = true, value_name = "DIR")]
    pub deck_dirs: Vec<PathBuf>,
    /// The hour (0-23, local time) at which a new study day begins [default: 4]
    #[arg(long, global = true, value_name = "HOUR")]
    pub rollover_hour: Option<u32>,
    /// The config file [default: the XDG config dir, e.g. ~/.config/recall/config.ron]
    #[arg(long, global = true, env = "RECALL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review the cards due today, then new ones, in an interactive session
    Review(ReviewArgs),
    /// Show a card with its schedule and answer history
    Card(CardArgs),
    /// Find the cards that mention every word given (in any field, ignoring case)
    Find(FindArgs),
    /// A timed mock interview over the roadmap, weighted toward your weak cards
    #[command(after_help = crate::quiz::WEIGHT_RULE)]
    Quiz(Box<QuizArgs>),
    /// Add a card to one of your decks, from flags or by answering prompts
    Add(Box<AddArgs>),
    /// Make a new deck of yours from an Anki TSV, CSV or Markdown Q&A file
    Import(ImportArgs),
    /// Write a deck as Anki-importable TSV or as Markdown
    Export(ExportArgs),
    /// Show the roadmap's stages, sections and topics with your progress through each
    Plan(PlanArgs),
    /// Counts by deck and section, a 30-day forecast, a review heatmap, retention, streak and readiness
    #[command(after_help = crate::stats::EXPLAINED)]
    Stats(StatsArgs),
    /// Merge another device's review log into yours: every answer and mark of both, in time order
    Merge(MergeArgs),
    /// Take cards out of your reviews until you bring them back
    Suspend(HoldArgs),
    /// Bring suspended cards (leeches too) back into your reviews
    Unsuspend(HoldArgs),
    /// List suspended cards, leeches and the cards buried today
    Suspended(SuspendedArgs),
    /// Work with deck files
    #[command(subcommand)]
    Deck(DeckCommand),
    /// Print a shell completion script, e.g. `recall completions bash > ~/.local/share/bash-completion/completions/recall`
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The deck to add to (one of yours) [asked when not given]
    #[arg(long, value_name = "ID")]
    pub deck: Option<String>,
    /// The kind of card
    #[arg(long, value_enum, default_value_t = KindArg::Basic)]
    pub kind: KindArg,
    /// The card id [default: made from the question]
    #[arg(long)]
    pub id: Option<String>,
    /// A topic id (e.g. ml.metrics)
    #[arg(long)]
    pub topic: Option<String>,
    /// Basic and reversible cards: the question side
    #[arg(long)]
    pub front: Option<String>,
    /// Basic and reversible cards: the answer side
    #[arg(long)]
    pub back: Option<String>,
    /// Cloze cards: text with {{c1::deletions}}
    #[arg(long)]
    pub text: Option<String>,
    /// Choice and typed cards: the question
    #[arg(long)]
    pub question: Option<String>,
    /// Choice cards: an option (repeat for each)
    #[arg(long = "option", value_name = "TEXT")]
    pub options: Vec<String>,
    /// Choice cards: the index of a correct option, from 0 (repeat for several)
    #[arg(long, value_name = "N")]
    pub correct: Vec<usize>,
    /// Typed cards: an accepted answer (repeat for several)
    #[arg(long = "answer", value_name = "TEXT")]
    pub answers: Vec<String>,
    /// Notes shown after the answer
    #[arg(long)]
    pub notes: Option<String>,
    /// A tag (repeat for several)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A key point a full answer covers (repeat for several)
    #[arg(long = "point", value_name = "TEXT")]
    pub points: Vec<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum KindArg {
    Basic,
    Reversible,
    Cloze,
    Choice,
    Typed,
}

impl AddArgs {
    /// Whether the card's content came with the command (a script), not from prompts.
    pub(crate) fn has_content(&self) -> bool {
        self.front.is_some() || self.back.is_some() || self.text.is_some() || self.question.is_some()
    }

    pub(crate) fn fields(&self) -> Fields {
        Fields {
            kind: match self.kind {
                KindArg::Basic => Kind::Basic,
                KindArg::Reversible => Kind::Reversible,
                KindArg::Cloze => Kind::Cloze,
                KindArg::Choice => Kind::Choice,
                KindArg::Typed => Kind::Typed,
            },
            id: self.id.clone(),
            topic: self.topic.clone(),
            front: self.front.clone(),
            back: self.back.clone(),
            text: self.text.clone(),
            question: self.question.clone(),
            options: self.options.clone(),
            correct: self.correct.clone(),
            answers: self.answers.clone(),
            notes: self.notes.clone(),
            tags: self.tags.clone(),
            points: self.points.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct QuizArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// How many questions [default: 20, or the day's share of an interview plan]
    #[arg(short = 'n', value_name = "N")]
    pub count: Option<usize>,
    /// A time limit: 15m, 90s, 1h (a bare number is minutes)
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Seed for the choice of questions: the same seed and log give the same quiz
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Also log each answer as a review, so it moves the SM-2 schedule
    #[arg(long)]
    pub record: bool,
    /// Also write the report as Markdown to this file
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// List past quizzes with their scores and each section's trend
    #[arg(long)]
    pub history: bool,
    /// An interview date (YYYY-MM-DD): quiz toward covering every card in scope by then
    #[arg(long, value_name = "DATE")]
    pub until: Option<chrono::NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import
    pub file: PathBuf,
    /// The id of the new deck (an existing deck is never overwritten)
    #[arg(long, value_name = "ID")]
    pub deck: String,
    /// The file's format [default: from its extension: .txt/.tsv anki, .csv, .md markdown]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// The new deck's title [default: the file's name]
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The deck to export
    #[arg(long, value_name = "ID")]
    pub deck: String,
    /// anki: "Notes in Plain Text" for File > Import in Anki; markdown: Q&A for reading
    #[arg(long, value_enum)]
    pub format: ExportFormatArg,
    /// Write here instead of to standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FormatArg {
    Anki,
    Csv,
    Markdown,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ExportFormatArg {
    Anki,
    Markdown,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or folders [default: your deck folders]
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that are not formatted and exit 1 if there are any
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct NewDeckArgs {
    /// The new deck's id (letters, digits, '-', '_', '.')
    pub id: String,
    /// Its title [default: the id]
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Print JSON for scripts: per topic id, section, stage, cards, new, learning, mature
    #[arg(long)]
    pub json: bool,
}

/// Narrowing a review or a quiz. Each may be given several times.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// Only this deck (repeatable)
    #[arg(long = "deck", value_name = "ID")]
    pub decks: Vec<String>,
    /// Only this roadmap section, e.g. ml (repeatable)
    #[arg(long = "section", value_name = "ID")]
    pub sections: Vec<String>,
    /// Only this topic, e.g. ml.metrics (repeatable)
    #[arg(long = "topic", value_name = "ID")]
    pub topics: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// At most this many new cards a day [default: 20, or the config's]
    #[arg(long = "new", value_name = "N")]
    pub new_per_day: Option<usize>,
    /// At most this many reviews a day [default: 200, or the config's]
    #[arg(long = "reviews", value_name = "N")]
    pub reviews_per_day: Option<usize>,
    /// Seed for the order of cards due on the same day [default: the date]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Print JSON for scripts: totals, sections, decks, forecast, heatmap, retention, streak
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The other device's reviews.log (a copy, e.g. from a sync folder)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// Words every card found mentions
    #[arg(required = true, value_name = "WORD")]
    pub words: Vec<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Print JSON for scripts: key, topic, kind, question, status, due
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct HoldArgs {
    /// Cards as DECK/CARD (every side of the card) or DECK/CARD:rev, DECK/CARD:c2 (one side)
    #[arg(required = true, value_name = "KEY")]
    pub keys: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SuspendedArgs {
    /// Print JSON for scripts: key, hold (suspended, leech, buried), since, failures, front
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CardArgs {
    /// The card, as DECK/CARD (e.g. ml/f1-formula)
    pub key: String,
    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum DeckCommand {
    /// Create a deck file in your deck folder, with an example of every kind of card
    New(NewDeckArgs),
    /// Rewrite deck files in the canonical layout, keeping every comment
    Fmt(FmtArgs),
    /// Check deck files and report every problem with file:line:col
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check [default: the built-in decks and your deck folders]
    pub paths: Vec<PathBuf>,
    /// Hold the files to the built-in decks' rules: section, stage and topics from the roadmap
    #[arg(long)]
    pub strict: bool,
}

/// Everything that can stop a command, with the text the user sees.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Repl(#[from] repl::ReplError),
    #[error("{0}")]
    Roadmap(Problem),
    #[error("config {0}")]
    Config(Problem),
    #[error(
        "RECALL_NOW={value:?} is not an RFC 3339 time with a UTC offset (e.g. 2026-11-24T09:00:00+01:00): {reason}"
    )]
    BadNow { value: String, reason: String },
    #[error("--rollover-hour {0} is out of range: use an hour from 0 to 23")]
    BadRollover(u32),
    #[error("no deck with id {id:?}; decks: {known}")]
    UnknownDeck { id: String, known: String },
    #[error("no {what} {id:?} in the roadmap or your decks")]
    UnknownScope { what: &'static str, id: String },
    #[error("{0:?} is not a card key: write it as DECK/CARD, e.g. ml/f1-formula")]
    BadKey(String),
    #[error("no card {0}")]
    UnknownCard(String),
    #[error("no data directory: set RECALL_HOME or pass --data-dir ({0})")]
    NoDataDir(String),
    #[error("{count} problem(s) in deck files")]
    DeckProblems { count: usize },
    #[error("{0}")]
    Output(#[from] io::Error),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{0:?} is not a valid deck id: use letters, digits, '-', '_' and '.'")]
    BadDeckId(String),
    #[error("{} already exists; recall never overwrites a deck file", .0.display())]
    DeckExists(PathBuf),
    #[error("deck {0:?} is built into recall and cannot be edited; start your own with `recall deck new`")]
    BuiltInDeck(String),
    #[error("cannot add this card: {0}")]
    BadCard(String),
    #[error("the deck file would not check after the edit, so it was left as it was")]
    EditBreaksDeck,
    #[error("{count} deck file(s) are not formatted; run `recall deck fmt`")]
    Unformatted { count: usize },
    #[error("formatting {0} would change what the deck means, so it was left alone; please report this")]
    FormatChangesMeaning(PathBuf),
    #[error("cannot tell the format of {0} from its name; say --format anki, csv or markdown")]
    UnknownFormat(PathBuf),
    #[error("{file}: nothing to import ({skipped} line(s) skipped)")]
    NothingImported { file: PathBuf, skipped: usize },
    #[error("--time {0:?} is not a duration: write 15m, 90s or 1h")]
    BadDuration(String),
    #[error(
        "nothing to ask: no cards in the quiz's scope (suspended cards are left out; `recall suspended` lists them)"
    )]
    EmptyQuiz,
    #[error("quiz history {}:{line}: {reason}", path.display())]
    BadHistory { path: PathBuf, line: usize, reason: String },
    #[error("you have no decks to add to yet; create one with `recall deck new ID`")]
    NoUserDecks,
    #[error("{0}\nnothing was merged: a rewritten log would lose that line, so fix or remove it first")]
    UnreadableLog(String),
    #[error("{} is your own review log; merge another device's copy of it", .0.display())]
    MergeSelf(PathBuf),
}

impl Error {
    /// Whether the error is only the reader of our output going away (`recall plan |
    /// head`), which is their choice and not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = source {
            if let Some(io) = e.downcast_ref::<io::Error>()
                && io.kind() == io::ErrorKind::BrokenPipe
            {
                return true;
            }
            source = e.source();
        }
        false
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::BadNow { .. } | Error::BadRollover(_) | Error::BadKey(_) | Error::BadDuration(_) => 2,
            _ => 1,
        }
    }
}

/// The clock at the edge: the system's, or a fixed `RECALL_NOW`.
pub enum AppClock {
    System,
    Fixed(DateTime<FixedOffset>),
}

impl AppClock {
    pub fn from_env() -> Result<AppClock, Error> {
        match std::env::var("RECALL_NOW") {
            Ok(value) if !value.trim().is_empty() => DateTime::parse_from_rfc3339(value.trim())
                .map(AppClock::Fixed)
                .map_err(|e| Error::BadNow {
                    value,
                    reason: e.to_string(),
                }),
            _ => Ok(AppClock::System),
        }
    }
}

impl Clock for AppClock {
    fn now(&self) -> DateTime<FixedOffset> {
        match self {
            AppClock::System => Local::now().fixed_offset(),
            AppClock::Fixed(at) => *at,
        }
    }
}

fn settings(global: &GlobalArgs) -> Result<(Settings, Config), Error> {
    use etcetera::BaseStrategy;
    let config_path = match &global.config {
        Some(path) => path.clone(),
        None => etcetera::choose_base_strategy()
            .map_err(|e| Error::NoDataDir(e.to_string()))?
            .config_dir()
            .join("recall/config.ron"),
    };
    let config = Config::load(&config_path).map_err(Error::Config)?;
    let hour = global
        .rollover_hour
        .or(config.rollover_hour)
        .unwrap_or(Rollover::DEFAULT.hour());
    let rollover = Rollover::new(hour).ok_or(Error::BadRollover(hour))?;
    let data_dir = match &global.data_dir {
        Some(dir) => dir.clone(),
        None => etcetera::choose_base_strategy()
            .map_err(|e| Error::NoDataDir(e.to_string()))?
            .data_dir()
            .join("recall"),
    };
    let mut deck_dirs = config.deck_dirs.clone();
    deck_dirs.extend(global.deck_dirs.iter().cloned());
    Ok((
        Settings {
            data_dir,
            deck_dirs,
            rollover,
        },
        config,
    ))
}

pub(crate) fn roadmap() -> Result<Roadmap, Error> {
    Roadmap::builtin().map_err(Error::Roadmap)
}

/// Loads the decks; problems in the user's decks are reported and those decks skipped.
pub(crate) fn library(settings: &Settings, err: &mut dyn Write) -> Result<Library, Error> {
    let library = Library::load(settings, roadmap()?);
    for problem in &library.problems {
        writeln!(err, "warning: skipping a deck: {problem}")?;
    }
    Ok(library)
}

/// The decks and the log, loaded side by side. `lock` takes the log for writing (a
/// review, or a quiz that records); otherwise it is only read.
pub(crate) fn open_collection(
    settings: &Settings,
    err: &mut dyn Write,
    lock: bool,
) -> Result<(Collection, Option<log::Writer>), Error> {
    let path = settings.log_path();
    let (collection, writer, warnings) = Collection::load(settings, roadmap()?, || {
        if lock {
            log::Writer::open(&path).map(|(writer, parsed)| (Some(writer), parsed))
        } else {
            log::read(&path).map(|parsed| (None, parsed))
        }
    })?;
    for problem in &collection.library.problems {
        writeln!(err, "warning: skipping a deck: {problem}")?;
    }
    for warning in &warnings {
        writeln!(err, "warning: {warning}")?;
    }
    Ok((collection, writer))
}

/// Where the REPL reads from, and the width it wraps to: rustyline and the terminal's
/// width when both ends are a terminal; plain lines from stdin and 80 columns otherwise
/// (scripts, tests, pipes).
pub(crate) fn repl_input() -> io::Result<(Box<dyn repl::Input>, usize)> {
    let stdin = io::stdin();
    if stdin.is_terminal() && io::stdout().is_terminal() {
        Ok((Box::new(repl::Terminal::new()?), textwrap::termwidth()))
    } else {
        let width = if io::stdout().is_terminal() {
            textwrap::termwidth()
        } else {
            80
        };
        Ok((Box::new(repl::Piped(stdin.lock())), width))
    }
}

/// Writes a deck file (atomically) only if its new text checks as a deck; otherwise
/// reports the problems and leaves the file as it was.
pub(crate) fn write_checked_deck(path: &std::path::Path, text: &str, err: &mut dyn Write) -> Result<(), Error> {
    let source = Source {
        origin: Origin::File(path.to_path_buf()),
        text: text.to_string(),
    };
    if let Err(problems) = crate::deck::parse(&source, &Rules::default()) {
        for problem in problems {
            writeln!(err, "{problem}")?;
        }
        return Err(Error::EditBreaksDeck);
    }
    collection::write_atomic(path, text).map_err(|source| Error::File {
        path: path.to_path_buf(),
        source,
    })
}

pub(crate) fn unknown_deck(library: &Library, id: &str) -> Error {
    let known: Vec<&str> = library.decks.iter().map(|d| d.id.as_str()).collect();
    Error::UnknownDeck {
        id: id.to_string(),
        known: known.join(", "),
    }
}

pub fn run(cli: Cli) -> Result<(), Error> {
    if let Command::Completions(args) = &cli.command {
        // Needs no settings, so it works before anything is set up (even with a
        // broken config file).
        let mut command = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(args.shell, &mut command, "recall", &mut io::stdout());
        return Ok(());
    }
    let (settings, config) = settings(&cli.global)?;
    let clock = AppClock::from_env()?;
    // Colour only where it can be seen: anstream drops the styles when stdout is not a
    // terminal or NO_COLOR is set.
    let mut out = anstream::AutoStream::auto(io::stdout().lock());
    let mut err = io::stderr();
    match cli.command {
        Command::Review(args) => cmd::review::review(&settings, &config, &args, &clock, &mut out, &mut err),
        Command::Card(args) => cmd::card::card(&settings, &args, &clock, &mut out, &mut err),
        Command::Plan(args) => cmd::plan::plan(&settings, &args, &mut out, &mut err),
        Command::Stats(args) => cmd::stats::stats(&settings, &args, &clock, &mut out, &mut err),
        Command::Find(args) => cmd::find::find(&settings, &args, &clock, &mut out, &mut err),
        Command::Merge(args) => cmd::merge::merge(&settings, &args.file, &mut out, &mut err),
        Command::Suspend(args) => cmd::hold::set(&settings, &args.keys, true, &clock, &mut out, &mut err),
        Command::Unsuspend(args) => cmd::hold::set(&settings, &args.keys, false, &clock, &mut out, &mut err),
        Command::Suspended(args) => cmd::hold::list(&settings, args.json, &clock, &mut out, &mut err),
        Command::Deck(DeckCommand::Check(args)) => cmd::deck::check(&settings, &args, &mut out, &mut err),
        Command::Deck(DeckCommand::Fmt(args)) => cmd::deck::fmt_decks(&settings, &args, &mut out, &mut err),
        Command::Deck(DeckCommand::New(args)) => cmd::deck::new_deck(&settings, &args, &mut out, &mut err),
        Command::Add(args) => cmd::add::add(&settings, &args, &mut out, &mut err),
        Command::Quiz(args) => cmd::quiz::quiz(&settings, &config, &args, &clock, &mut out, &mut err),
        Command::Import(args) => cmd::transfer::import(&settings, &args, &mut out, &mut err),
        Command::Export(args) => cmd::transfer::export(&settings, &args, &mut out, &mut err),
        // Answered above, before settings are read.
        Command::Completions(_) => Ok(()),
    }
}

pub(crate) fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")?;
    Ok(())
}

/// The scope of a review or quiz, each part checked against what exists.
pub(crate) fn scope(library: &Library, args: &ScopeArgs) -> Result<Scope, Error> {
    for id in &args.decks {
        if library.deck(id).is_none() {
            return Err(unknown_deck(library, id));
        }
    }
    for id in &args.sections {
        if library.roadmap.section(id).is_none() && !library.decks.iter().any(|d| d.section.as_deref() == Some(id)) {
            return Err(Error::UnknownScope {
                what: "section",
                id: id.clone(),
            });
        }
    }
    let mut cards = library.decks.iter().flat_map(|d| d.cards.iter());
    for id in &args.topics {
        if library.roadmap.topic(id).is_none() && !cards.any(|c| c.topic.as_deref() == Some(id)) {
            return Err(Error::UnknownScope {
                what: "topic",
                id: id.clone(),
            });
        }
    }
    Ok(Scope {
        decks: args.decks.clone(),
        sections: args.sections.clone(),
        topics: args.topics.clone(),
    })
}

/// The deck files named on the command line (folders give their `*.ron`), or every
/// file in the user's deck folders. Problems reading folders are returned, not fatal.
pub(crate) fn deck_paths(settings: &Settings, paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Problem>), Error> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if paths.is_empty() {
        for dir in settings.user_deck_dirs() {
            files.extend(collection::deck_files(&dir).map_err(|source| Error::File {
                path: dir.clone(),
                source,
            })?);
        }
        return Ok((files, problems));
    }
    for path in paths {
        if path.is_dir() {
            match collection::deck_files(path) {
                Ok(found) => files.extend(found),
                Err(e) => problems.push(Problem {
                    file: path.display().to_string(),
                    pos: crate::deck::Pos::START,
                    message: format!("cannot read folder: {e}"),
                    line_text: None,
                }),
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok((files, problems))
}
