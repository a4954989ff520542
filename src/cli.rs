//! The command line: arguments become checked settings, then each command runs
//! against the library. This is the edge where the clock, the environment, the
//! terminal and the files meet the pure core.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Local};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::add::{Fields, Kind, Prompter};
use crate::author;
use crate::collection::{self, Collection, Library, Scope, Settings};
use crate::config::Config;
use crate::deck::{CardKey, Problem, Source};
use crate::deck::{Origin, Rules};
use crate::log::{self, LogError};
use crate::plan::Plan;
use crate::repl::{self, Clock, Review};
use crate::roadmap::Roadmap;
use crate::sched::{DayLog, DayQueue, Limits, Rollover};
use crate::session::Session;

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
    /// Work with deck files
    #[command(subcommand)]
    Deck(DeckCommand),
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
    fn has_content(&self) -> bool {
        self.front.is_some() || self.back.is_some() || self.text.is_some() || self.question.is_some()
    }

    fn fields(&self) -> Fields {
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
    #[error("nothing to ask: no cards in the quiz's scope")]
    EmptyQuiz,
    #[error("quiz history {}:{line}: {reason}", path.display())]
    BadHistory { path: PathBuf, line: usize, reason: String },
    #[error("you have no decks to add to yet; create one with `recall deck new ID`")]
    NoUserDecks,
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

fn roadmap() -> Result<Roadmap, Error> {
    Roadmap::builtin().map_err(Error::Roadmap)
}

/// Loads the decks; problems in the user's decks are reported and those decks skipped.
fn library(settings: &Settings, err: &mut dyn Write) -> Result<Library, Error> {
    let library = Library::load(settings, roadmap()?);
    for problem in &library.problems {
        writeln!(err, "warning: skipping a deck: {problem}")?;
    }
    Ok(library)
}

/// The decks and the log, loaded side by side. `lock` takes the log for writing (a
/// review, or a quiz that records); otherwise it is only read.
fn open_collection(
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
fn repl_input() -> io::Result<(Box<dyn repl::Input>, usize)> {
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

fn unknown_deck(library: &Library, id: &str) -> Error {
    let known: Vec<&str> = library.decks.iter().map(|d| d.id.as_str()).collect();
    Error::UnknownDeck {
        id: id.to_string(),
        known: known.join(", "),
    }
}

pub fn run(cli: Cli) -> Result<(), Error> {
    let (settings, config) = settings(&cli.global)?;
    let clock = AppClock::from_env()?;
    // Colour only where it can be seen: anstream drops the styles when stdout is not a
    // terminal or NO_COLOR is set.
    let mut out = anstream::AutoStream::auto(io::stdout().lock());
    let mut err = io::stderr();
    match cli.command {
        Command::Review(args) => review(&settings, &config, &args, &clock, &mut out, &mut err),
        Command::Card(args) => card(&settings, &args, &mut out, &mut err),
        Command::Plan(args) => plan(&settings, &args, &mut out, &mut err),
        Command::Deck(DeckCommand::Check(args)) => check(&settings, &args, &mut out, &mut err),
        Command::Deck(DeckCommand::Fmt(args)) => fmt_decks(&settings, &args, &mut out, &mut err),
        Command::Deck(DeckCommand::New(args)) => new_deck(&settings, &args, &mut out, &mut err),
        Command::Add(args) => add(&settings, &args, &mut out, &mut err),
        Command::Quiz(args) => quiz(&settings, &config, &args, &clock, &mut out, &mut err),
        Command::Import(args) => import(&settings, &args, &mut out, &mut err),
        Command::Export(args) => export(&settings, &args, &mut out, &mut err),
    }
}

fn review(
    settings: &Settings,
    config: &Config,
    args: &ReviewArgs,
    clock: &AppClock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (collection, writer) = open_collection(settings, err, true)?;
    let scope = scope(&collection.library, &args.scope)?;
    let Some(mut writer) = writer else { return Ok(()) };
    let now = clock.now();
    let today = settings.rollover.study_day(now);
    let keys = collection::keys_of(collection.library.cards_in_order(&scope));
    let day_log = DayLog::of(&collection.records, today, settings.rollover, &collection.schedules);
    let defaults = Limits::default();
    let limits = Limits {
        new_per_day: args.new_per_day.or(config.new_per_day).unwrap_or(defaults.new_per_day),
        reviews_per_day: args
            .reviews_per_day
            .or(config.reviews_per_day)
            .unwrap_or(defaults.reviews_per_day),
    };
    let seed = args.seed.unwrap_or_else(|| today.to_epoch_days().unsigned_abs().into());
    let queue = DayQueue::build(&keys, &collection.schedules, &day_log, today, limits, seed);
    if queue.is_empty() {
        let next = keys
            .iter()
            .filter_map(|k| collection.schedules.get(k))
            .map(|s| s.due)
            .filter(|d| *d > today)
            .min();
        match next {
            Some(date) => writeln!(out, "Nothing to review today. The next card is due on {date}.")?,
            None => writeln!(out, "Nothing to review today.")?,
        }
        return Ok(());
    }
    let schedules = queue
        .due
        .iter()
        .chain(&queue.redrill)
        .filter_map(|k| collection.schedules.get(k).map(|s| (k.clone(), *s)))
        .collect();
    let mut session = Session::new(queue, schedules, settings.rollover);
    let (mut input, width) = repl_input()?;
    let mut review = Review {
        session: &mut session,
        lookup: |k: &CardKey| collection.card(k),
        width,
        seed,
        editor: Some(&mut repl::ExternalEditor),
        edited: Vec::new(),
    };
    review.run(input.as_mut(), out, &mut writer, clock)?;
    Ok(())
}

fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")?;
    Ok(())
}

/// The scope of a review or quiz, each part checked against what exists.
fn scope(library: &Library, args: &ScopeArgs) -> Result<Scope, Error> {
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

fn plan(settings: &Settings, args: &PlanArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let (collection, _) = open_collection(settings, err, false)?;
    let library = &collection.library;
    let plan = Plan::build(library, &collection.schedules);
    if args.json {
        write_json(out, &plan)?;
        return Ok(());
    }
    plan.draw(library, out)?;
    Ok(())
}

#[derive(Serialize)]
struct CardReport<'a> {
    key: String,
    deck: &'a str,
    card: &'a str,
    topic: Option<&'a str>,
    kind: &'static str,
    front: &'a str,
    back: &'a str,
    repetitions: u32,
    ef: f64,
    interval_days: u32,
    due: Option<String>,
    lapses: u32,
    reviews: Vec<ReviewReport>,
}

#[derive(Serialize)]
struct ReviewReport {
    at: String,
    grade: u8,
    answer_ms: u32,
    kind: &'static str,
}

fn card(settings: &Settings, args: &CardArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let key = CardKey::parse(&args.key).ok_or_else(|| Error::BadKey(args.key.clone()))?;
    let (collection, _) = open_collection(settings, err, false)?;
    // `deck/card` names a cloze card too: its first deletion.
    let key = match collection.card(&key) {
        Some(_) => key,
        None => collection
            .library
            .deck(key.deck())
            .and_then(|d| d.cards.iter().find(|c| c.id == key.card()))
            .and_then(|c| {
                c.facets()
                    .first()
                    .map(|f| CardKey::with_facet(key.deck(), key.card(), *f))
            })
            .unwrap_or(key),
    };
    let (deck, card) = collection
        .card(&key)
        .ok_or_else(|| Error::UnknownCard(key.to_string()))?;
    let schedule = collection.schedules.get(&key);
    let sides = card.sides(key.facet());
    let sm2 = schedule.map(|s| s.sm2).unwrap_or_default();
    let report = CardReport {
        key: key.to_string(),
        deck: &deck.id,
        card: &card.id,
        topic: card.topic.as_deref(),
        kind: card.content.kind(),
        front: &sides.0,
        back: &sides.1,
        repetitions: sm2.repetitions,
        ef: sm2.ease.as_f64(),
        interval_days: sm2.interval,
        due: schedule.map(|s| s.due.to_string()),
        lapses: sm2.lapses,
        reviews: collection
            .records
            .iter()
            .filter(|r| r.card == key)
            .map(|r| ReviewReport {
                at: r.at.to_rfc3339(),
                grade: r.grade.value(),
                answer_ms: r.answer_ms,
                kind: r.kind.as_str(),
            })
            .collect(),
    };
    if args.json {
        write_json(out, &report)?;
        return Ok(());
    }
    let topic = report.topic.map(|t| format!(", topic {t}")).unwrap_or_default();
    writeln!(
        out,
        "{}  ({}{topic}, {}:{})",
        report.key, deck.title, deck.origin, card.line
    )?;
    writeln!(out, "Q:")?;
    write!(out, "{}", crate::render::layout(report.front, 80, "  "))?;
    writeln!(out, "A:")?;
    write!(out, "{}", crate::render::layout(report.back, 80, "  "))?;
    match &report.due {
        Some(due) => writeln!(
            out,
            "Schedule: repetitions {} · EF {} · interval {} day(s) · due {due} · lapses {}",
            sm2.repetitions, sm2.ease, sm2.interval, sm2.lapses
        )?,
        None => writeln!(out, "Schedule: new (never answered)")?,
    }
    if !report.reviews.is_empty() {
        writeln!(out, "History:")?;
        for r in &report.reviews {
            writeln!(out, "  {}  grade {}  {:>6} ms  {}", r.at, r.grade, r.answer_ms, r.kind)?;
        }
    }
    Ok(())
}

fn check(settings: &Settings, args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let roadmap = roadmap()?;
    let mut sources: Vec<Source> = Vec::new();
    if args.paths.is_empty() {
        sources.extend(collection::builtin_sources());
    }
    let (files, mut problems) = deck_paths(settings, &args.paths)?;
    for file in files {
        match collection::read_source(&file) {
            // The roadmap lives beside the built-in decks; check it as what it is.
            Ok(source) if file.file_name().is_some_and(|n| n == "roadmap.ron") => {
                if let Err(problem) = Roadmap::parse(&source.origin.to_string(), &source.text) {
                    problems.push(problem);
                }
            }
            Ok(source) => sources.push(source),
            Err(problem) => problems.push(problem),
        }
    }
    let (decks, found) = collection::check_sources(&sources, &roadmap, args.strict);
    problems.extend(found);
    for problem in &problems {
        writeln!(err, "{problem}\n")?;
    }
    if !problems.is_empty() {
        return Err(Error::DeckProblems { count: problems.len() });
    }
    let cards: usize = decks.iter().map(|d| d.cards.len()).sum();
    writeln!(out, "{} deck(s), {cards} card(s): no problems", decks.len())?;
    Ok(())
}

fn new_deck(settings: &Settings, args: &NewDeckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    if !crate::deck::is_valid_id(&args.id) {
        return Err(Error::BadDeckId(args.id.clone()));
    }
    let path = settings.data_dir.join("decks").join(format!("{}.ron", args.id));
    if path.exists() {
        return Err(Error::DeckExists(path));
    }
    let library = library(settings, err)?;
    if let Some(deck) = library.deck(&args.id) {
        match &deck.origin {
            Origin::BuiltIn(_) => writeln!(
                err,
                "note: your deck {:?} will take the place of the built-in deck with that id",
                args.id
            )?,
            Origin::File(other) => return Err(Error::DeckExists(other.clone())),
        }
    }
    let title = args.title.clone().unwrap_or_else(|| args.id.clone());
    collection::write_atomic(&path, &author::skeleton(&args.id, &title)).map_err(|source| Error::File {
        path: path.clone(),
        source,
    })?;
    writeln!(out, "Created {}", path.display())?;
    Ok(())
}

fn add(settings: &Settings, args: &AddArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let library = library(settings, err)?;
    let own: Vec<&crate::deck::Deck> = library.decks.iter().filter(|d| !d.origin.is_builtin()).collect();
    let interactive = !args.has_content();
    let (mut input, _) = repl_input()?;
    let deck_id = match &args.deck {
        Some(id) => id.clone(),
        None if own.is_empty() => return Err(Error::NoUserDecks),
        None if own.len() == 1 || !interactive => match own.as_slice() {
            [only] => only.id.clone(),
            _ => return Err(Error::BadCard("name the deck with --deck".into())),
        },
        None => {
            let ids: Vec<String> = own.iter().map(|d| d.id.clone()).collect();
            input.complete_with(ids.clone());
            loop {
                match input.read_line(&format!("deck ({}) › ", ids.join(", ")), out)? {
                    repl::Line::Text(text) if ids.contains(&text.trim().to_string()) => break text.trim().to_string(),
                    repl::Line::Text(text) => writeln!(out, "  No deck of yours is called {:?}.", text.trim())?,
                    _ => return Ok(()),
                }
            }
        }
    };
    let deck = library.deck(&deck_id).ok_or_else(|| unknown_deck(&library, &deck_id))?;
    let Origin::File(path) = &deck.origin else {
        return Err(Error::BuiltInDeck(deck_id));
    };
    let fields = if interactive {
        writeln!(out, "Adding a card to {} ({}).", deck.id, path.display())?;
        let topics = library.roadmap.topics().map(|t| t.id.clone()).collect();
        match (Prompter {
            input: input.as_mut(),
            out: &mut *out,
        })
        .ask(topics)?
        {
            Some(fields) => fields,
            None => {
                writeln!(out, "\nNothing added.")?;
                return Ok(());
            }
        }
    } else {
        args.fields()
    };
    let taken: Vec<&str> = deck.cards.iter().map(|c| c.id.as_str()).collect();
    let card = crate::add::build_card(&fields, &taken).map_err(Error::BadCard)?;
    if let Some(topic) = &card.topic
        && library.roadmap.topic(topic).is_none()
        && !library
            .decks
            .iter()
            .flat_map(|d| &d.cards)
            .any(|c| c.topic.as_deref() == Some(topic))
    {
        writeln!(
            err,
            "note: topic {topic:?} is not on the roadmap; it is kept as a topic of your own"
        )?;
    }
    // Read the file afresh: it is the author's, and may have changed since loading.
    let text = std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.clone(),
        source,
    })?;
    let edited = author::append_card(&text, &author::card_to_ron(&card, &author::card_indent(&text)))
        .map_err(|why| Error::BadCard(format!("{}: {why}", path.display())))?;
    let source = Source {
        origin: Origin::File(path.clone()),
        text: edited.clone(),
    };
    if let Err(problems) = crate::deck::parse(&source, &Rules::default()) {
        for problem in problems {
            writeln!(err, "{problem}")?;
        }
        return Err(Error::EditBreaksDeck);
    }
    collection::write_atomic(path, &edited).map_err(|source| Error::File {
        path: path.clone(),
        source,
    })?;
    writeln!(out, "{}", CardKey::new(&deck.id, &card.id))?;
    Ok(())
}

/// The deck files named on the command line (folders give their `*.ron`), or every
/// file in the user's deck folders. Problems reading folders are returned, not fatal.
fn deck_paths(settings: &Settings, paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Problem>), Error> {
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

fn fmt_decks(settings: &Settings, args: &FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let (files, mut problems) = deck_paths(settings, &args.paths)?;
    let mut unformatted = 0;
    for file in files
        .iter()
        .filter(|f| f.file_name().is_none_or(|n| n != "roadmap.ron"))
    {
        let source = match collection::read_source(file) {
            Ok(source) => source,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let before = match crate::deck::parse(&source, &Rules::default()) {
            Ok(deck) => deck,
            Err(found) => {
                problems.extend(found);
                continue;
            }
        };
        let formatted = crate::deck::canonical::format(&source.text);
        if formatted == source.text {
            continue;
        }
        // Formatting moves text, never meaning: the result must be the same deck.
        let after = crate::deck::parse(
            &Source {
                origin: source.origin.clone(),
                text: formatted.clone(),
            },
            &Rules::default(),
        );
        let same = after.is_ok_and(|after| {
            let strip = |mut d: crate::deck::Deck| {
                d.cards.iter_mut().for_each(|c| c.line = 0);
                d
            };
            strip(after) == strip(before)
        });
        if !same {
            return Err(Error::FormatChangesMeaning(file.clone()));
        }
        unformatted += 1;
        if args.check {
            writeln!(out, "{}: not formatted", file.display())?;
        } else {
            collection::write_atomic(file, &formatted).map_err(|source| Error::File {
                path: file.clone(),
                source,
            })?;
            writeln!(out, "{}: formatted", file.display())?;
        }
    }
    for problem in &problems {
        writeln!(err, "{problem}\n")?;
    }
    if !problems.is_empty() {
        return Err(Error::DeckProblems { count: problems.len() });
    }
    if args.check && unformatted > 0 {
        return Err(Error::Unformatted { count: unformatted });
    }
    if unformatted == 0 {
        writeln!(out, "{} deck file(s) already formatted", files.len())?;
    }
    Ok(())
}

fn import(settings: &Settings, args: &ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    use crate::interchange::{self, Format};
    if !crate::deck::is_valid_id(&args.deck) {
        return Err(Error::BadDeckId(args.deck.clone()));
    }
    let format = match args.format {
        Some(FormatArg::Anki) => Format::Anki,
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Markdown) => Format::Markdown,
        None => args
            .file
            .extension()
            .and_then(|e| Format::from_extension(&e.to_string_lossy()))
            .ok_or_else(|| Error::UnknownFormat(args.file.clone()))?,
    };
    let path = settings.data_dir.join("decks").join(format!("{}.ron", args.deck));
    if path.exists() {
        return Err(Error::DeckExists(path));
    }
    let library = library(settings, err)?;
    if let Some(deck) = library.deck(&args.deck)
        && let Origin::File(other) = &deck.origin
    {
        return Err(Error::DeckExists(other.clone()));
    }
    let bytes = std::fs::read(&args.file).map_err(|source| Error::File {
        path: args.file.clone(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let imported = interchange::import(format, &text);
    for skipped in &imported.skipped {
        writeln!(
            err,
            "{}:{}: skipped: {}",
            args.file.display(),
            skipped.line,
            skipped.why
        )?;
    }
    if imported.cards.is_empty() {
        return Err(Error::NothingImported {
            file: args.file.clone(),
            skipped: imported.skipped.len(),
        });
    }
    let title = args.title.clone().unwrap_or_else(|| {
        args.file
            .file_stem()
            .map_or(args.deck.clone(), |s| s.to_string_lossy().into_owned())
    });
    let name = args
        .file
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let deck_text = interchange::deck_text(&args.deck, &title, &format!("Imported from {name}."), &imported.cards);
    // The new file must check like any deck before it is written.
    let source = Source {
        origin: Origin::File(path.clone()),
        text: deck_text.clone(),
    };
    if let Err(problems) = crate::deck::parse(&source, &Rules::default()) {
        for problem in problems {
            writeln!(err, "{problem}")?;
        }
        return Err(Error::EditBreaksDeck);
    }
    collection::write_atomic(&path, &deck_text).map_err(|source| Error::File {
        path: path.clone(),
        source,
    })?;
    writeln!(
        out,
        "Imported {} card(s) into {} ({} line(s) skipped).",
        imported.cards.len(),
        path.display(),
        imported.skipped.len()
    )?;
    Ok(())
}

fn export(settings: &Settings, args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let library = library(settings, err)?;
    let deck = library
        .deck(&args.deck)
        .ok_or_else(|| unknown_deck(&library, &args.deck))?;
    let text = match args.format {
        ExportFormatArg::Anki => crate::interchange::export_anki(deck),
        ExportFormatArg::Markdown => crate::interchange::export_markdown(deck),
    };
    match &args.output {
        Some(path) => {
            collection::write_atomic(path, &text).map_err(|source| Error::File {
                path: path.clone(),
                source,
            })?;
            writeln!(err, "Wrote {} card(s) to {}", deck.cards.len(), path.display())?;
        }
        None => write!(out, "{text}")?,
    }
    Ok(())
}

/// `15m`, `90s`, `1h`; a bare number is minutes.
fn parse_duration(text: &str) -> Result<chrono::TimeDelta, Error> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], t[i..].trim()),
        None => (t, "m"),
    };
    let n: i64 = number.parse().map_err(|_| Error::BadDuration(text.to_string()))?;
    let delta = match unit {
        "s" | "sec" => chrono::TimeDelta::seconds(n),
        "m" | "min" => chrono::TimeDelta::minutes(n),
        "h" => chrono::TimeDelta::hours(n),
        _ => return Err(Error::BadDuration(text.to_string())),
    };
    if n <= 0 {
        return Err(Error::BadDuration(text.to_string()));
    }
    Ok(delta)
}

fn quiz_history_path(settings: &Settings) -> PathBuf {
    settings.data_dir.join("quizzes.jsonl")
}

fn read_quiz_history(settings: &Settings) -> Result<Vec<crate::quiz::QuizRecord>, Error> {
    let path = quiz_history_path(settings);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::File { path, source }),
    };
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // A torn last line (a killed process) is not an error: that quiz was not kept.
        match serde_json::from_str(line) {
            Ok(record) => records.push(record),
            Err(_) if i + 1 == text.lines().count() && !text.ends_with('\n') => {}
            Err(e) => {
                return Err(Error::BadHistory {
                    path,
                    line: i + 1,
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(records)
}

fn append_quiz_history(settings: &Settings, record: &crate::quiz::QuizRecord) -> Result<(), Error> {
    use std::io::Write as _;
    let path = quiz_history_path(settings);
    let fail = |source| Error::File {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(&settings.data_dir).map_err(fail)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(fail)?;
    let line = serde_json::to_string(record).map_err(io::Error::other).map_err(fail)?;
    file.write_all(format!("{line}\n").as_bytes()).map_err(fail)?;
    file.sync_data().map_err(fail)?;
    Ok(())
}

fn quiz(
    settings: &Settings,
    config: &Config,
    args: &QuizArgs,
    clock: &AppClock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    use crate::quiz::{self as q, Candidate, Plan, QuizRecord};
    use crate::repl::quiz::{Question, Quiz, Recording};
    let history = read_quiz_history(settings)?;
    if args.history {
        q::history(&history, out)?;
        return Ok(());
    }
    let limit = args.time.as_deref().map(parse_duration).transpose()?;
    // The log is only locked (and written) when the quiz records.
    let (collection, mut writer) = open_collection(settings, err, args.record)?;
    let scope = scope(&collection.library, &args.scope)?;
    let now = clock.now();
    let today = settings.rollover.study_day(now);
    let library = &collection.library;
    let mut candidates = Vec::new();
    let mut cards = Vec::new();
    for (deck, card) in library.cards_in_order(&scope) {
        let section = library.section_of(deck, card).unwrap_or(&deck.id).to_string();
        // Cards without a topic are grouped by their deck.
        let topic = card.topic.clone().unwrap_or_else(|| deck.id.clone());
        for facet in card.facets() {
            let key = CardKey::with_facet(&deck.id, &card.id, facet);
            let schedule = collection.schedules.get(&key).copied();
            candidates.push(Candidate {
                key,
                topic: topic.clone(),
                section: section.clone(),
                schedule,
            });
            cards.push((deck, card));
        }
    }
    if candidates.is_empty() {
        return Err(Error::EmptyQuiz);
    }
    let mut scope_text: Vec<String> = Vec::new();
    for (what, values) in [
        ("deck", &scope.decks),
        ("section", &scope.sections),
        ("topic", &scope.topics),
    ] {
        if !values.is_empty() {
            let plural = if values.len() > 1 { "s" } else { "" };
            scope_text.push(format!("{what}{plural} {}", values.join(", ")));
        }
    }
    let scope_text = if scope_text.is_empty() {
        "the whole roadmap".to_string()
    } else {
        scope_text.join(", ")
    };
    let plan = args.until.or(config.interview).map(|until| {
        let scope_keys: Vec<CardKey> = candidates.iter().map(|c| c.key.clone()).collect();
        let until_text = until.to_string();
        let asked: std::collections::HashSet<String> = history
            .iter()
            .filter(|r| r.scope.ends_with(&format!("until {until_text}")))
            .flat_map(|r| r.answers.iter().map(|a| a.key.clone()))
            .collect();
        (until, Plan::new(&scope_keys, &asked, today, until))
    });
    let scope_text = match &plan {
        Some((until, _)) => format!("{scope_text}, until {until}"),
        None => scope_text,
    };
    if let Some((until, plan)) = &plan {
        writeln!(
            out,
            "Plan to {until}: {} of {} cards asked so far; {} a day covers the rest in {} day(s).",
            plan.covered(),
            plan.total,
            plan.per_day,
            plan.days_left.max(0)
        )?;
    }
    let n = args
        .count
        .unwrap_or_else(|| plan.as_ref().map_or(20, |(_, p)| p.per_day));
    let seed = args.seed.unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        (nanos % u128::from(u64::MAX)) as u64
    });
    let picked = q::sample(&candidates, n, today, seed, plan.as_ref().map(|(_, p)| &p.uncovered));
    let questions: Vec<Question<'_>> = picked
        .iter()
        .map(|&i| Question {
            key: candidates[i].key.clone(),
            deck: cards[i].0.id.clone(),
            card: cards[i].1,
            topic: candidates[i].topic.clone(),
            section: candidates[i].section.clone(),
        })
        .collect();
    let day_log = crate::sched::DayLog::of(&collection.records, today, settings.rollover, &collection.schedules);
    let recording = writer.as_mut().map(|w| Recording {
        journal: w as &mut dyn repl::Journal,
        answered_today: day_log.answered.iter().cloned().collect(),
    });
    let (mut input, width) = repl_input()?;
    let planned = questions.len();
    let mut run = Quiz {
        questions,
        limit,
        width,
        seed,
        recording,
    };
    let (answers, seconds) = run.run(input.as_mut(), out, clock)?;
    let record = QuizRecord {
        at: now.to_rfc3339(),
        seed,
        scope: scope_text,
        planned,
        seconds,
        answers,
    };
    writeln!(out)?;
    q::report(&record, false, out)?;
    if let Some(path) = &args.report {
        let mut text = Vec::new();
        q::report(&record, true, &mut text)?;
        collection::write_atomic(path, &String::from_utf8_lossy(&text)).map_err(|source| Error::File {
            path: path.clone(),
            source,
        })?;
        writeln!(out, "\nReport written to {}", path.display())?;
    }
    if !record.answers.is_empty() {
        append_quiz_history(settings, &record)?;
    }
    if !args.record {
        writeln!(
            out,
            "\nYour review schedule is unchanged (--record would log these answers as reviews)."
        )?;
    }
    Ok(())
}
