//! The command line: clap's types, and what they become. Each command's arguments
//! are turned into that command's options (plain values, checked where they can be
//! here), and the command runs with the shared context of [`crate::app`]. Nothing
//! below this module sees clap.

use std::io;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::add::{Fields, Kind};
use crate::app::{App, Error, Globals};
use crate::cmd;
use crate::collection::Scope;

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
    /// Make a new deck of yours from an Anki package (.apkg, .colpkg, with its review history), TSV, CSV or Markdown Q&A file
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
    /// Sync your log, decks and quiz history with your other machines through a git remote
    Sync(SyncArgs),
    /// The git merge driver for the review log, which `recall sync` sets up: merges BASE, OURS and THEIRS into OURS
    MergeDriver(MergeDriverArgs),
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
    /// The kind of card [asked when no content is given, else basic]
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
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
    /// With --deck naming a built-in deck: make a deck of yours with that id, which hides the built-in one
    #[arg(long)]
    pub replace: bool,
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
    fn options(self) -> cmd::add::AddOptions {
        cmd::add::AddOptions {
            deck: self.deck,
            kind_given: self.kind.is_some(),
            replace: self.replace,
            fields: Fields {
                kind: match self.kind.unwrap_or(KindArg::Basic) {
                    KindArg::Basic => Kind::Basic,
                    KindArg::Reversible => Kind::Reversible,
                    KindArg::Cloze => Kind::Cloze,
                    KindArg::Choice => Kind::Choice,
                    KindArg::Typed => Kind::Typed,
                },
                id: self.id,
                topic: self.topic,
                front: self.front,
                back: self.back,
                text: self.text,
                question: self.question,
                options: self.options,
                correct: self.correct,
                answers: self.answers,
                notes: self.notes,
                tags: self.tags,
                points: self.points,
            },
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
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<chrono::NaiveDate>,
}

/// A date as YYYY-MM-DD, with a message that says so when it is not one.
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-15"))
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import
    pub file: PathBuf,
    /// The id of the new deck (an existing deck is never overwritten)
    #[arg(long, value_name = "ID")]
    pub deck: String,
    /// The file's format [default: from its extension: .apkg/.colpkg apkg, .txt/.tsv anki, .csv, .md markdown]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Anki packages: only this Anki deck and its sub-decks (full name, e.g. "ML::Metrics", or its last part)
    #[arg(long, value_name = "NAME")]
    pub subdeck: Option<String>,
    /// Anki packages: also bring over the review history (Again 1, Hard 3, Good 4, Easy 5), so schedules carry on
    #[arg(long)]
    pub with_history: bool,
    /// The new deck's title [default: the file's name]
    #[arg(long)]
    pub title: Option<String>,
    /// Allow an id that names a built-in deck: your deck then takes its place everywhere
    #[arg(long)]
    pub replace: bool,
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
    /// Overwrite the output file if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FormatArg {
    /// An Anki package (.apkg or .colpkg)
    Apkg,
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
    /// Allow an id that names a built-in deck: your deck then takes its place everywhere
    #[arg(long)]
    pub replace: bool,
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
    /// Only cards with this tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

impl ScopeArgs {
    fn scope(self) -> Scope {
        Scope {
            decks: self.decks,
            sections: self.sections,
            topics: self.topics,
            tags: self.tags,
        }
    }
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
pub struct SyncArgs {
    /// The git remote: a URL, or the path of a bare repository (`git init --bare`); needed the first time only
    #[arg(long, value_name = "URL")]
    pub remote: Option<String>,
    /// First merge the copies of your review log a file-sync tool (Syncthing, Dropbox) made on a conflict, then remove them
    #[arg(long)]
    pub merge_conflict_copies: bool,
}

#[derive(Debug, Args)]
pub struct MergeDriverArgs {
    /// The common ancestor's version (git's %O)
    pub base: PathBuf,
    /// This machine's version, where the result is written (git's %A)
    pub ours: PathBuf,
    /// The other machine's version (git's %B)
    pub theirs: PathBuf,
    /// The file's name in the repository, for messages (git's %P)
    pub name: Option<String>,
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
    /// Cards as DECK/CARD (every side of the card) or DECK/CARD:rev, DECK/CARD:c2 (one side); a card id alone where it is unique
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
    /// The card, as DECK/CARD (e.g. ml/f1-formula), or its id alone where no other deck has it
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

pub fn run(cli: Cli) -> Result<(), Error> {
    if let Command::Completions(args) = &cli.command {
        // Needs no settings, so it works before anything is set up (even with a
        // broken config file).
        let mut command = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(args.shell, &mut command, "recall", &mut io::stdout());
        return Ok(());
    }
    let app = App::new(&Globals {
        data_dir: cli.global.data_dir,
        deck_dirs: cli.global.deck_dirs,
        rollover_hour: cli.global.rollover_hour,
        config: cli.global.config,
    })?;
    // Colour only where it can be seen: anstream drops the styles when stdout is not a
    // terminal or NO_COLOR is set.
    let mut out = anstream::AutoStream::auto(io::stdout().lock());
    let out = &mut out;
    let err = &mut io::stderr();
    match cli.command {
        Command::Review(a) => {
            let options = cmd::review::ReviewOptions {
                scope: a.scope.scope(),
                new_per_day: a.new_per_day,
                reviews_per_day: a.reviews_per_day,
                seed: a.seed,
            };
            cmd::review::review(&app, &options, out, err)
        }
        Command::Card(a) => cmd::card::card(&app, &a.key, a.json, out, err),
        Command::Plan(a) => cmd::plan::plan(&app, a.json, out, err),
        Command::Stats(a) => cmd::stats::stats(&app, &a.scope.scope(), a.json, out, err),
        Command::Find(a) => cmd::find::find(&app, &a.words, &a.scope.scope(), a.json, out, err),
        Command::Merge(a) => cmd::merge::merge(&app, &a.file, out, err),
        Command::Sync(a) => {
            let options = cmd::sync::SyncOptions {
                remote: a.remote,
                merge_conflict_copies: a.merge_conflict_copies,
            };
            cmd::sync::sync(&app, &options, out, err)
        }
        Command::MergeDriver(a) => cmd::sync::merge_driver(&app, [&a.base, &a.ours, &a.theirs], a.name.as_deref(), err),
        Command::Suspend(a) => cmd::hold::set(&app, &a.keys, true, out, err),
        Command::Unsuspend(a) => cmd::hold::set(&app, &a.keys, false, out, err),
        Command::Suspended(a) => cmd::hold::list(&app, a.json, out, err),
        Command::Deck(DeckCommand::Check(a)) => cmd::deck::check(&app, &a.paths, a.strict, out, err),
        Command::Deck(DeckCommand::Fmt(a)) => cmd::deck::fmt_decks(&app, &a.paths, a.check, out, err),
        Command::Deck(DeckCommand::New(a)) => cmd::deck::new_deck(&app, &a.id, a.title.as_deref(), a.replace, out, err),
        Command::Add(a) => cmd::add::add(&app, &a.options(), out, err),
        Command::Quiz(a) => {
            let a = *a;
            let options = cmd::quiz::QuizOptions {
                scope: a.scope.scope(),
                count: a.count,
                time: a.time.as_deref().map(cmd::quiz::parse_duration).transpose()?,
                seed: a.seed,
                record: a.record,
                report: a.report,
                history: a.history,
                until: a.until,
            };
            cmd::quiz::quiz(&app, &options, out, err)
        }
        Command::Import(a) => {
            let options = cmd::transfer::ImportOptions {
                file: a.file,
                deck: a.deck,
                format: a.format.map(|f| {
                    use crate::cmd::transfer::ImportFormat;
                    use crate::interchange::Format;
                    match f {
                        FormatArg::Apkg => ImportFormat::Package,
                        FormatArg::Anki => ImportFormat::Text(Format::Anki),
                        FormatArg::Csv => ImportFormat::Text(Format::Csv),
                        FormatArg::Markdown => ImportFormat::Text(Format::Markdown),
                    }
                }),
                subdeck: a.subdeck,
                with_history: a.with_history,
                title: a.title,
                replace: a.replace,
            };
            cmd::transfer::import(&app, &options, out, err)
        }
        Command::Export(a) => {
            let options = cmd::transfer::ExportOptions {
                deck: a.deck,
                markdown: matches!(a.format, ExportFormatArg::Markdown),
                output: a.output,
                force: a.force,
            };
            cmd::transfer::export(&app, &options, out, err)
        }
        // Answered above, before settings are read.
        Command::Completions(_) => Ok(()),
    }
}
