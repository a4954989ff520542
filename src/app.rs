//! What every command shares, and nothing of how it was asked for: the settings (from
//! the environment, the config file and the global options), the clock, opening the
//! decks and the review log, checking a scope, writing JSON, and the error type with
//! its exit codes.
//!
//! `cli` turns command-line arguments into these values and the options of each
//! command; the commands in `cmd` use this module and never see clap. So the
//! dependencies run one way: `main` → `cli` → `cmd` → `app` → the library.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Local, NaiveDate};
use serde::Serialize;

use crate::collection::{self, Collection, Library, Scope, Settings};
use crate::config::Config;
use crate::deck::{CardKey, Origin, Problem, Rules, Source};
use crate::log::{self, LogError};
use crate::repl::{self, Clock};
use crate::roadmap::Roadmap;
use crate::sched::Rollover;
use crate::suggest;

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
    #[error("no deck with id {id:?}{}; decks: {known}", suggest::did_you_mean(.suggestion))]
    UnknownDeck {
        id: String,
        known: String,
        suggestion: Option<String>,
    },
    #[error("no {what} {id:?} in the roadmap or your decks{}", suggest::did_you_mean(.suggestion))]
    UnknownScope {
        what: &'static str,
        id: String,
        suggestion: Option<String>,
    },
    #[error("{0:?} is not a card key: write it as DECK/CARD, e.g. ml/f1-formula")]
    BadKey(String),
    #[error("no card {key}{}", suggest::did_you_mean(.suggestion))]
    UnknownCard { key: String, suggestion: Option<String> },
    #[error("{name:?} names a card in several decks ({}); write it as DECK/CARD", .keys.join(", "))]
    AmbiguousCard { name: String, keys: Vec<String> },
    #[error("no data directory: set RECALL_HOME or pass --data-dir ({0})")]
    NoDataDir(String),
    #[error("{count} problem(s) in deck files")]
    DeckProblems { count: usize },
    #[error("no deck files in {}", .0.display())]
    NoDeckFiles(PathBuf),
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
    #[error(
        "{id:?} is a built-in deck: a deck of yours with that id would hide its cards from review, plan, stats \
         and quiz; choose another id, or pass --replace if replacing the built-in deck is what you want"
    )]
    ReplacesBuiltIn { id: String },
    #[error("{} already exists; pass --force to overwrite it", .0.display())]
    OutputExists(PathBuf),
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
    #[error(
        "{}:{line}:{col}: not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8 and import it again",
        file.display()
    )]
    NotUtf8 {
        file: PathBuf,
        line: usize,
        col: usize,
        byte: u8,
    },
    #[error("--time {0:?} is not a duration: write 15m, 90s or 1h")]
    BadDuration(String),
    #[error("--until {0} is in the past: give the interview date (YYYY-MM-DD), today or later")]
    PastDate(NaiveDate),
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
    #[error(
        "{} is not a recall review log: its first line is not the header `{}`; nothing was merged",
        .0.display(), log::HEADER
    )]
    NotALog(PathBuf),
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    #[error(
        "{} is not set up to sync yet: run `recall sync --remote URL` once, with a git URL or the path of a \
         bare repository (`git init --bare`) both machines can reach",
        .0.display()
    )]
    SyncNotSetUp(PathBuf),
    #[error("{} has no remote to sync with: run `recall sync --remote URL` once", .0.display())]
    SyncNoRemote(PathBuf),
    #[error(
        "a git merge is in progress in {}: finish it (`git commit`) or give it up (`git merge --abort`) there, \
         then sync again",
        .0.display()
    )]
    MergeInProgress(PathBuf),
    #[error("{} is on no branch (a detached HEAD): `git switch main` there, then sync again", .0.display())]
    DetachedHead(PathBuf),
    #[error(
        "{}:{line}: a git conflict marker; finish resolving the conflict in this deck (keep the right lines \
         between <<<<<<< and >>>>>>>, check it with `recall deck check`), then sync again",
        file.display()
    )]
    ConflictMarker { file: PathBuf, line: usize },
    #[error(
        "could not reach {remote}: {message}\nnothing was sent or received{}",
        if *.committed { "; your changes are committed here and go out with the next sync" } else { "" }
    )]
    Unreachable {
        remote: String,
        message: String,
        committed: bool,
    },
    #[error("could not send to {remote}: {message}\nyour changes are committed here and go out with the next sync")]
    PushFailed { remote: String, message: String },
    #[error(
        "both machines changed {files}, so the sync stopped before merging: every file is as it was, your changes \
         are committed here and were not sent.{detail}\nTo resolve it with git:\n  cd {dir}\n  git merge {tracking}    \
         (marks each conflict in the files)\n  edit the files: keep the right lines between <<<<<<< and >>>>>>>; \
         `recall deck check` a deck\n  git add {files} && git commit\n  recall sync",
        files = .files.join(" "),
        dir = .dir.display(),
        detail = if .detail.is_empty() { String::new() } else { format!("\n{}", .detail) }
    )]
    SyncConflict {
        dir: PathBuf,
        files: Vec<String>,
        tracking: String,
        detail: String,
    },
    #[error("{}: --subdeck and --with-history are for Anki packages (.apkg, .colpkg)", .0.display())]
    PackageOnly(PathBuf),
    #[error("{}: {source}", file.display())]
    Package {
        file: PathBuf,
        #[source]
        source: crate::anki::package::PackageError,
    },
    #[error("{}: {source}", file.display())]
    Convert {
        file: PathBuf,
        #[source]
        source: crate::anki::convert::ConvertError,
    },
    #[error("{}: nothing to import: {notes} note(s) read, {skipped} skipped", file.display())]
    NothingInPackage {
        file: PathBuf,
        notes: usize,
        skipped: usize,
    },
    #[error("merge-driver: {0}\nthe logs were not merged, so git reports a conflict in the review log")]
    DriverFailed(String),
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

    /// 2 for a malformed value on the command line or in the environment, 1 for
    /// everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::BadNow { .. } | Error::BadRollover(_) | Error::BadKey(_) | Error::BadDuration(_) => 2,
            _ => 1,
        }
    }

    pub(crate) fn file(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
        move |source| Error::File {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The clock at the edge: the system's, or a fixed `RECALL_NOW` for dates. Durations
/// always come from the monotonic clock, so a fixed date still times answers and
/// quizzes truly.
pub struct AppClock {
    fixed: Option<DateTime<FixedOffset>>,
    origin: Instant,
}

impl AppClock {
    pub fn system() -> AppClock {
        AppClock {
            fixed: None,
            origin: Instant::now(),
        }
    }

    pub fn from_env() -> Result<AppClock, Error> {
        let mut clock = AppClock::system();
        if let Ok(value) = std::env::var("RECALL_NOW")
            && !value.trim().is_empty()
        {
            let at = DateTime::parse_from_rfc3339(value.trim()).map_err(|e| Error::BadNow {
                value: value.clone(),
                reason: e.to_string(),
            })?;
            clock.fixed = Some(at);
        }
        Ok(clock)
    }
}

impl Clock for AppClock {
    fn now(&self) -> DateTime<FixedOffset> {
        match self.fixed {
            None => Local::now().fixed_offset(),
            Some(at) => at,
        }
    }

    fn monotonic(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// The options every command takes, before they are checked.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    pub data_dir: Option<PathBuf>,
    pub deck_dirs: Vec<PathBuf>,
    pub rollover_hour: Option<u32>,
    pub config: Option<PathBuf>,
}

/// A command's context: where things are, the config, the clock.
pub struct App {
    pub settings: Settings,
    pub config: Config,
    pub clock: AppClock,
}

impl App {
    /// Reads the config file and the environment and checks the global options.
    pub fn new(globals: &Globals) -> Result<App, Error> {
        use etcetera::BaseStrategy;
        let config_path = match &globals.config {
            Some(path) => path.clone(),
            None => etcetera::choose_base_strategy()
                .map_err(|e| Error::NoDataDir(e.to_string()))?
                .config_dir()
                .join("recall/config.ron"),
        };
        let config = Config::load(&config_path).map_err(Error::Config)?;
        let hour = globals
            .rollover_hour
            .or(config.rollover_hour)
            .unwrap_or(Rollover::DEFAULT.hour());
        let rollover = Rollover::new(hour).ok_or(Error::BadRollover(hour))?;
        let data_dir = match &globals.data_dir {
            Some(dir) => dir.clone(),
            None => etcetera::choose_base_strategy()
                .map_err(|e| Error::NoDataDir(e.to_string()))?
                .data_dir()
                .join("recall"),
        };
        let mut deck_dirs = config.deck_dirs.clone();
        deck_dirs.extend(globals.deck_dirs.iter().cloned());
        let clock = AppClock::from_env()?;
        Ok(App {
            settings: Settings {
                data_dir,
                deck_dirs,
                rollover,
            },
            config,
            clock,
        })
    }

    pub fn now(&self) -> DateTime<FixedOffset> {
        self.clock.now()
    }

    /// The study day it is now (it starts at the rollover hour).
    pub fn today(&self) -> NaiveDate {
        self.settings.rollover.study_day(self.now())
    }

    /// Loads the decks; a broken deck of the user's is reported in one line and skipped.
    pub fn library(&self, err: &mut dyn Write) -> Result<Library, Error> {
        let library = Library::load(&self.settings, roadmap()?);
        report_skipped(&library.problems, err)?;
        Ok(library)
    }

    /// The decks and the log, loaded side by side. `lock` takes the log for writing (a
    /// review, or a quiz that records); otherwise it is only read.
    pub fn open_collection(&self, err: &mut dyn Write, lock: bool) -> Result<(Collection, Option<log::Writer>), Error> {
        let path = self.settings.log_path();
        let (collection, writer, warnings) = Collection::load(&self.settings, roadmap()?, || {
            if lock {
                log::Writer::open(&path).map(|(writer, parsed)| (Some(writer), parsed))
            } else {
                log::read(&path).map(|parsed| (None, parsed))
            }
        })?;
        report_skipped(&collection.library.problems, err)?;
        warn_about_conflict_copies(&self.settings.data_dir, err)?;
        for warning in &warnings {
            writeln!(err, "warning: {warning}")?;
        }
        Ok((collection, writer))
    }

    /// The catalog of decks, from the cache where the deck files are unchanged.
    pub fn open_catalog(&self, err: &mut dyn Write) -> Result<crate::catalog::Catalog, Error> {
        let cache = crate::startup::cache_for(&self.settings.data_dir);
        let catalog = crate::startup::catalog(&self.settings, roadmap()?, cache.as_ref());
        report_skipped(&catalog.problems, err)?;
        warn_about_conflict_copies(&self.settings.data_dir, err)?;
        Ok(catalog)
    }

    /// The catalog of decks and the log's progress, from the cache where the files
    /// are unchanged: what start-up needs, without card text or the whole log.
    /// `lock` takes the log for writing (a review).
    pub fn open_progress(
        &self,
        err: &mut dyn Write,
        lock: bool,
    ) -> Result<
        (
            crate::catalog::Catalog,
            crate::progress::Progress,
            Option<log::Writer>,
            Option<crate::startup::Remember>,
        ),
        Error,
    > {
        use crate::startup::{self, LogAccess};
        let cache = startup::cache_for(&self.settings.data_dir);
        let access = if lock { LogAccess::Lock } else { LogAccess::Read };
        let roadmap = roadmap()?;
        // The decks and the log are independent: read them side by side.
        let (catalog, progress) = std::thread::scope(|scope| {
            let reader = scope.spawn(|| startup::progress(&self.settings, access, cache.as_ref()));
            let catalog = startup::catalog(&self.settings, roadmap, cache.as_ref());
            (catalog, reader.join())
        });
        let (progress, warnings, writer, update) = match progress {
            Ok(result) => result?,
            // The reader only panics on a bug; surface it as one rather than hide it.
            Err(panic) => std::panic::resume_unwind(panic),
        };
        report_skipped(&catalog.problems, err)?;
        warn_about_conflict_copies(&self.settings.data_dir, err)?;
        for warning in &warnings {
            writeln!(err, "warning: {warning}")?;
        }
        Ok((catalog, progress, writer, update))
    }

    /// The deck files named (folders give their `*.ron`), or every file in the user's
    /// deck folders. Problems reading folders are returned, not fatal; a folder named
    /// that holds no deck file is an error.
    pub fn deck_paths(&self, paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<Problem>), Error> {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        if paths.is_empty() {
            for dir in self.settings.user_deck_dirs() {
                files.extend(collection::deck_files(&dir).map_err(Error::file(&dir))?);
            }
            return Ok((files, problems));
        }
        for path in paths {
            if path.is_dir() {
                match collection::deck_files(path) {
                    Ok(found) if found.is_empty() => return Err(Error::NoDeckFiles(path.clone())),
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

    /// Where a new deck of the user's with this id goes, refused if that would
    /// overwrite a file or, without `replace`, hide a built-in deck.
    pub fn new_deck_path(&self, library: &Library, id: &str, replace: bool) -> Result<PathBuf, Error> {
        if !crate::deck::is_valid_id(id) {
            return Err(Error::BadDeckId(id.to_string()));
        }
        let path = self.settings.data_dir.join("decks").join(format!("{id}.ron"));
        if path.exists() {
            return Err(Error::DeckExists(path));
        }
        match library.deck(id).map(|d| &d.origin) {
            Some(Origin::File(other)) => Err(Error::DeckExists(other.clone())),
            Some(Origin::BuiltIn(_)) if !replace => Err(Error::ReplacesBuiltIn { id: id.to_string() }),
            _ => Ok(path),
        }
    }
}

pub fn roadmap() -> Result<Roadmap, Error> {
    Roadmap::builtin().map_err(Error::Roadmap)
}

/// One line per broken deck file, not one per problem: the file is skipped, and
/// `recall deck check` lists what is wrong with it.
fn report_skipped(problems: &[Problem], err: &mut dyn Write) -> io::Result<()> {
    let mut files: Vec<(&str, usize)> = Vec::new();
    for problem in problems {
        match files.iter_mut().find(|(f, _)| *f == problem.file) {
            Some((_, n)) => *n += 1,
            None => files.push((&problem.file, 1)),
        }
    }
    for (file, count) in files {
        let problems = if count == 1 { "problem" } else { "problems" };
        writeln!(
            err,
            "warning: skipping {file}: {count} {problems}; run `recall deck check {file}`"
        )?;
    }
    Ok(())
}

/// Tells the learner about conflict copies whose answers are not in their log.
fn warn_about_conflict_copies(data: &Path, err: &mut dyn Write) -> io::Result<()> {
    let copies = collection::conflict_copies(data);
    if copies.is_empty() {
        return Ok(());
    }
    for copy in &copies {
        writeln!(
            err,
            "warning: {} is a conflict copy of your review log, made by a file-sync tool; its answers are not in your log",
            copy.display()
        )?;
    }
    writeln!(
        err,
        "  merge {} with `recall sync --merge-conflict-copies` (or `recall merge FILE`, then delete the copy)",
        if copies.len() == 1 { "it" } else { "them" }
    )
}

/// Where the REPL reads from: rustyline when both ends are a terminal, plain lines
/// from stdin otherwise (scripts, tests, pipes).
pub fn repl_input() -> io::Result<Box<dyn repl::Input>> {
    let stdin = io::stdin();
    if stdin.is_terminal() && io::stdout().is_terminal() {
        Ok(Box::new(repl::Terminal::new()?))
    } else {
        Ok(Box::new(repl::Piped(stdin.lock())))
    }
}

/// The width to wrap to, read afresh each time it is asked (a terminal can be
/// resized mid-session): the terminal's, or 80 columns when output is not one.
pub fn terminal_width() -> usize {
    if io::stdout().is_terminal() {
        textwrap::termwidth()
    } else {
        80
    }
}

/// Writes a deck file (atomically) only if its new text checks as a deck; otherwise
/// reports the problems and leaves the file as it was.
pub fn write_checked_deck(path: &Path, text: &str, err: &mut dyn Write) -> Result<(), Error> {
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
    collection::write_atomic(path, text).map_err(Error::file(path))
}

pub fn unknown_deck(library: &impl Names, id: &str) -> Error {
    let known: Vec<&str> = library.deck_ids();
    Error::UnknownDeck {
        id: id.to_string(),
        known: known.join(", "),
        suggestion: suggest::nearest(id, known.iter().copied()).map(str::to_string),
    }
}

pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")?;
    Ok(())
}

/// The names a scope can use: what the full library and the start-up catalog both
/// know.
pub trait Names {
    fn roadmap(&self) -> &Roadmap;
    fn deck_ids(&self) -> Vec<&str>;
    /// Sections named by decks (besides the roadmap's).
    fn deck_sections(&self) -> Vec<&str>;
    /// Every topic and every tag the cards use (with repeats).
    fn card_topics(&self) -> Vec<&str>;
    fn card_tags(&self) -> Vec<&str>;
}

impl Names for Library {
    fn roadmap(&self) -> &Roadmap {
        &self.roadmap
    }
    fn deck_ids(&self) -> Vec<&str> {
        self.decks.iter().map(|d| d.id.as_str()).collect()
    }
    fn deck_sections(&self) -> Vec<&str> {
        self.decks.iter().filter_map(|d| d.section.as_deref()).collect()
    }
    fn card_topics(&self) -> Vec<&str> {
        self.decks
            .iter()
            .flat_map(|d| &d.cards)
            .filter_map(|c| c.topic.as_deref())
            .collect()
    }
    fn card_tags(&self) -> Vec<&str> {
        self.decks
            .iter()
            .flat_map(|d| &d.cards)
            .flat_map(|c| c.tags.iter().map(String::as_str))
            .collect()
    }
}

impl Names for crate::catalog::Catalog {
    fn roadmap(&self) -> &Roadmap {
        &self.roadmap
    }
    fn deck_ids(&self) -> Vec<&str> {
        self.decks.iter().map(|d| d.deck.id.as_str()).collect()
    }
    fn deck_sections(&self) -> Vec<&str> {
        self.decks.iter().filter_map(|d| d.deck.section.as_deref()).collect()
    }
    // A deck lists each of its topics and tags once.
    fn card_topics(&self) -> Vec<&str> {
        self.decks
            .iter()
            .flat_map(|d| d.deck.topics.iter().map(String::as_str))
            .collect()
    }
    fn card_tags(&self) -> Vec<&str> {
        self.decks
            .iter()
            .flat_map(|d| d.deck.tags.iter().map(String::as_str))
            .collect()
    }
}

/// A scope with each part checked against what exists; a near miss gets a suggestion.
pub fn check_scope(known: &impl Names, scope: &Scope) -> Result<Scope, Error> {
    let decks = known.deck_ids();
    for id in &scope.decks {
        if !decks.contains(&id.as_str()) {
            return Err(unknown_deck(known, id));
        }
    }
    let roadmap = known.roadmap();
    let sections: Vec<&str> = roadmap
        .sections
        .iter()
        .map(|s| s.id.as_str())
        .chain(known.deck_sections())
        .collect();
    for id in &scope.sections {
        if !sections.contains(&id.as_str()) {
            return Err(Error::UnknownScope {
                what: "section",
                id: id.clone(),
                suggestion: suggest::nearest(id, sections.iter().copied()).map(str::to_string),
            });
        }
    }
    let card_topics = known.card_topics();
    for id in &scope.topics {
        if roadmap.topic(id).is_none() && !card_topics.contains(&id.as_str()) {
            let topics = roadmap
                .topics()
                .map(|t| t.id.as_str())
                .chain(card_topics.iter().copied());
            return Err(Error::UnknownScope {
                what: "topic",
                id: id.clone(),
                suggestion: suggest::nearest(id, topics).map(str::to_string),
            });
        }
    }
    let card_tags = known.card_tags();
    for tag in &scope.tags {
        if !card_tags.contains(&tag.as_str()) {
            return Err(Error::UnknownScope {
                what: "tag",
                id: tag.clone(),
                suggestion: suggest::nearest(tag, card_tags.iter().copied()).map(str::to_string),
            });
        }
    }
    Ok(scope.clone())
}

/// A card named on the command line, as the key it stands for: `deck/card`,
/// `deck/card:rev` or `deck/card:c2`, or a card id alone (with or without its facet)
/// when exactly one deck has a card with that id. A name that matches nothing gets
/// the nearest key as a suggestion; a bare id several decks use is refused with their
/// keys. The card itself is known to exist; the facet is checked by the caller.
pub fn card_named(library: &Library, name: &str) -> Result<CardKey, Error> {
    let name = name.trim();
    let all_keys = || {
        library
            .decks
            .iter()
            .flat_map(|d| d.cards.iter().map(move |c| CardKey::new(&d.id, &c.id)))
    };
    if name.contains('/') {
        let key = CardKey::parse(name).ok_or_else(|| Error::BadKey(name.to_string()))?;
        if library
            .deck(key.deck())
            .is_some_and(|d| d.cards.iter().any(|c| c.id == key.card()))
        {
            return Ok(key);
        }
        let keys: Vec<CardKey> = all_keys().collect();
        let plain = CardKey::new(key.deck(), key.card());
        return Err(Error::UnknownCard {
            key: name.to_string(),
            suggestion: suggest::nearest(plain.as_str(), keys.iter().map(CardKey::as_str)).map(str::to_string),
        });
    }
    let (id, facet) = match name.split_once(':') {
        Some((id, facet)) => (id, Some(facet)),
        None => (name, None),
    };
    if !crate::deck::is_valid_id(id) {
        return Err(Error::BadKey(name.to_string()));
    }
    let found: Vec<CardKey> = all_keys().filter(|k| k.card() == id).collect();
    let with_facet = |key: &CardKey| match facet {
        Some(facet) => format!("{key}:{facet}"),
        None => key.to_string(),
    };
    match found.as_slice() {
        [one] => CardKey::parse(&with_facet(one)).ok_or_else(|| Error::BadKey(name.to_string())),
        [] => {
            let keys: Vec<CardKey> = all_keys().collect();
            let suggestion = suggest::nearest(id, keys.iter().map(CardKey::card))
                .and_then(|card| keys.iter().find(|k| k.card() == card))
                .map(with_facet);
            Err(Error::UnknownCard {
                key: name.to_string(),
                suggestion,
            })
        }
        many => Err(Error::AmbiguousCard {
            name: name.to_string(),
            keys: many.iter().map(with_facet).collect(),
        }),
    }
}
