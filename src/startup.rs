//! Start-up from the files: the catalog of every deck and the progress the review log
//! gives, each from the cache where the files have not changed since it was written,
//! and from the files otherwise (which then refresh the cache).
//!
//! A warm start reads each deck file once to hash it, a compiled entry per deck, one
//! stored replay of the log and the few lines appended since; nothing is parsed or
//! replayed again. What it returns is the same as a cold start's: the catalog and the
//! progress equal what parsing every deck and replaying the whole log give.

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cache::{self, Cache, Stamp};
use crate::catalog::{self, Catalog, DeckEntry};
use crate::collection::{self, Settings};
use crate::deck::{self, Origin, Problem, Rules, Source};
use crate::log::{self, LogError, Writer};
use crate::progress::{Progress, Stored};
use crate::roadmap::Roadmap;

/// A user's deck file, compiled.
#[derive(Serialize, Deserialize)]
struct CachedDeck {
    path: String,
    stamp: Stamp,
    deck: DeckEntry,
}

/// The built-in decks, compiled, for the texts (and roadmap) that hash to `key`.
#[derive(Serialize, Deserialize)]
struct CachedBuiltins {
    key: u64,
    decks: Vec<(String, DeckEntry)>,
}

/// The log's progress as of its first `log_len` bytes (written with the progress
/// borrowed, `P` = [`crate::progress::StoredRef`]; read back owned, `P` = [`Stored`]).
#[derive(Serialize, Deserialize)]
struct CachedProgress<P = Stored> {
    rollover: u32,
    log_len: u64,
    log_hash: u64,
    /// Lines in those bytes, so warnings about later lines give the file's numbers.
    lines: u64,
    /// The unreadable lines found in those bytes, said again at every start.
    warnings: Vec<String>,
    progress: P,
}

fn builtin_key(roadmap_text: &str) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(roadmap_text.as_bytes());
    for source in collection::builtin_sources() {
        hasher.update(source.origin.to_string().as_bytes());
        hasher.update(source.text.as_bytes());
    }
    hasher.digest()
}

/// The built-in decks' entries, from the cache or by parsing them.
fn builtin_entries(roadmap: &Roadmap, cache: Option<&Cache>) -> Vec<(Source, Result<DeckEntry, Vec<Problem>>)> {
    let sources = collection::builtin_sources();
    let key = builtin_key(crate::roadmap::BUILTIN);
    if let Some(cached) = cache.and_then(|c| c.read::<CachedBuiltins>(&c.builtin_file()))
        && cached.key == key
        && cached.decks.len() == sources.len()
    {
        return sources
            .into_iter()
            .zip(cached.decks)
            .map(|(source, (_, deck))| (source, Ok(deck)))
            .collect();
    }
    let rules = Rules {
        roadmap: Some(roadmap),
        complete: true,
    };
    let units: Vec<(Source, Result<DeckEntry, Vec<Problem>>)> = sources
        .into_iter()
        .map(|source| {
            let entry = deck::parse(&source, &rules).map(|d| DeckEntry::of(&d));
            (source, entry)
        })
        .collect();
    if let Some(cache) = cache
        && units.iter().all(|(_, r)| r.is_ok())
    {
        let decks = units
            .iter()
            .filter_map(|(s, r)| r.as_ref().ok().map(|d| (s.origin.to_string(), d.clone())))
            .collect();
        cache.write(&cache.builtin_file(), &CachedBuiltins { key, decks });
    }
    units
}

/// One user deck file's entry: from the cache if the file is unchanged, else parsed
/// (and the cache refreshed).
fn user_entry(path: &Path, cache: Option<&Cache>) -> (Source, Result<DeckEntry, Vec<Problem>>) {
    let unreadable = |message: String| Problem {
        file: path.display().to_string(),
        pos: deck::Pos::START,
        message,
        line_text: None,
    };
    let origin = Origin::File(path.to_path_buf());
    let read = fs::read(path).and_then(|bytes| fs::metadata(path).map(|meta| (bytes, meta)));
    let (bytes, meta) = match read {
        Ok(read) => read,
        Err(e) => {
            let source = Source {
                origin,
                text: String::new(),
            };
            return (source, Err(vec![unreadable(format!("cannot read: {e}"))]));
        }
    };
    let stamp = Stamp::of(&bytes, &meta);
    let file = cache.map(|c| c.deck_file(path));
    if let (Some(cache), Some(file)) = (cache, &file)
        && let Some(cached) = cache.read::<CachedDeck>(file)
        && cached.stamp == stamp
        && cached.path == path.display().to_string()
    {
        // The text is not needed: an unchanged deck has no problems to report.
        return (
            Source {
                origin,
                text: String::new(),
            },
            Ok(cached.deck),
        );
    }
    let source = match collection::source_from_bytes(path, bytes) {
        Ok(source) => source,
        Err(problem) => {
            return (
                Source {
                    origin,
                    text: String::new(),
                },
                Err(vec![problem]),
            );
        }
    };
    let entry = deck::parse(&source, &Rules::default()).map(|d| DeckEntry::of(&d));
    if let (Some(cache), Some(file), Ok(deck)) = (cache, &file, &entry) {
        cache.write(
            file,
            &CachedDeck {
                path: path.display().to_string(),
                stamp,
                deck: deck.clone(),
            },
        );
    }
    (source, entry)
}

/// The catalog of the built-in decks and the user's, as [`collection::Library::load`]
/// would have them, but without card text.
pub fn catalog(settings: &Settings, roadmap: Roadmap, cache: Option<&Cache>) -> Catalog {
    let mut units = builtin_entries(&roadmap, cache);
    let (files, mut problems) = catalog::user_deck_files(&settings.user_deck_dirs());
    units.extend(files.iter().map(|path| user_entry(path, cache)));
    let (decks, found) = catalog::assemble(units, |origin| match origin {
        Origin::File(path) => fs::read_to_string(path).unwrap_or_default(),
        Origin::BuiltIn(name) => collection::builtin_text(name).unwrap_or_default().to_string(),
    });
    problems.extend(found);
    Catalog::new(roadmap, decks, problems)
}

/// How the log is opened: locked for a session that writes, or only read.
pub enum LogAccess {
    Lock,
    Read,
}

/// What to store in the cache for a progress that moved on: the log it replays, up to
/// where. Written by [`remember`], which the caller may run off the path to the
/// first card (a review writes it while the learner reads the question).
#[must_use]
pub struct Remember {
    cache: Cache,
    log_len: u64,
    log_hash: u64,
    lines: u64,
    warnings: Vec<String>,
}

/// Writes the progress to the cache, as of what `remember` says it replays.
pub fn remember(progress: &Progress, remember: Remember, rollover: crate::sched::Rollover) {
    let Remember {
        cache,
        log_len,
        log_hash,
        lines,
        warnings,
    } = remember;
    cache.write(
        &cache.progress_file(),
        &CachedProgress {
            rollover: rollover.hour(),
            log_len,
            log_hash,
            lines,
            warnings,
            progress: Stored::of(progress),
        },
    );
}

/// The log's progress, its warnings, the locked writer when asked for one, and what
/// the cache should remember when the progress moved past it.
pub type Opened = (Progress, Vec<String>, Option<Writer>, Option<Remember>);

/// The progress the review log gives, with the warnings about its text, and the
/// locked writer when asked for one. The cache's replay is used when it is a replay
/// of this very log's first bytes (same length at least, same hash); only the lines
/// after them are read and applied. Anything else (no cache, a log rewritten by a
/// merge, an undo, a hand edit or another device) replays the whole log.
pub fn progress(settings: &Settings, access: LogAccess, cache: Option<&Cache>) -> Result<Opened, LogError> {
    let path = settings.log_path();
    let io_err = |e: io::Error| LogError::Io {
        path: path.clone(),
        source: e,
    };
    let mut warnings = Vec::new();
    let writer = match access {
        LogAccess::Lock => {
            let (writer, repaired) = Writer::lock(&path)?;
            warnings.extend(repaired);
            Some(writer)
        }
        LogAccess::Read => None,
    };
    let mut file = match fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Progress::default(), warnings, writer, None)),
        Err(e) => return Err(io_err(e)),
    };
    let rollover = settings.rollover;
    let cached = cache
        .and_then(|c| c.read::<CachedProgress>(&c.progress_file()))
        .filter(|c| c.rollover == rollover.hour());
    // The cached replay stands if the log still starts with the bytes it replayed.
    let mut resumed = None;
    if let Some(cached) = cached
        && let Some(hasher) = cache::hash_from(&mut file, cached.log_len).map_err(io_err)?
        && hasher.digest() == cached.log_hash
        && let Some(progress) = cached.progress.clone().progress()
    {
        resumed = Some((cached, hasher, progress));
    }
    let (start, lines, mut hasher, mut progress) = match resumed {
        Some((cached, hasher, progress)) => {
            warnings.splice(0..0, cached.warnings);
            (cached.log_len, cached.lines, hasher, progress)
        }
        None => {
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            (0, 0, xxhash_rust::xxh3::Xxh3::new(), Progress::default())
        }
    };
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(io_err)?;
    let text = String::from_utf8_lossy(&tail);
    let parsed = log::parse_from(&path, &text, usize::try_from(lines).unwrap_or(usize::MAX) + 1)?;
    progress.apply(&parsed.records, &parsed.marks, rollover);
    let prefix_warnings = warnings.len();
    warnings.extend(parsed.warnings.iter().cloned());
    if let Some(torn) = &parsed.torn {
        warnings.push(format!(
            "review log {}: the last line is incomplete ({torn:?}), probably cut off by a killed process; \
             ignored here, and removed at the next `recall review`",
            path.display()
        ));
    }
    // Remember the replay up to the last complete line, if it moved on.
    let complete = &tail[..parsed.complete_len];
    let mut update = None;
    if let Some(cache) = cache
        && (start == 0 || !complete.is_empty())
    {
        hasher.update(complete);
        update = Some(Remember {
            cache: cache.clone(),
            log_len: start + complete.len() as u64,
            log_hash: hasher.digest(),
            lines: lines + complete.iter().filter(|&&b| b == b'\n').count() as u64,
            warnings: warnings[..prefix_warnings]
                .iter()
                .chain(&parsed.warnings)
                .filter(|w| w.contains("unreadable"))
                .cloned()
                .collect(),
        });
    }
    Ok((progress, warnings, writer, update))
}

/// Whether the data dir's cache may be used (and written): `RECALL_NO_CACHE` set to
/// anything but empty turns it off, for measuring a cold start and for tests.
pub fn cache_for(data_dir: &Path) -> Option<Cache> {
    match std::env::var_os("RECALL_NO_CACHE") {
        Some(v) if !v.is_empty() => None,
        _ => Some(Cache::new(data_dir)),
    }
}

#[cfg(test)]
mod tests {
    //! A warm start must be a cold start, faster: for random decks and logs and random
    //! sequences of appends, undos, merges, torn lines and deck edits, what start-up
    //! returns from the cache equals what it returns with no cache at all.

    use super::*;
    use crate::catalog::Entry;
    use crate::sched::Rollover;
    use proptest::prelude::*;

    /// What a start gives: the decks, their problems, the progress, the log's warnings.
    type Started = (Vec<Entry>, Vec<String>, Progress, Vec<String>);

    #[derive(Clone, Debug)]
    enum Step {
        /// Answers appended to the log: (card number, grade, minutes later).
        Answer(Vec<(u8, u8, u16)>),
        /// A bury or a suspension of a card.
        Mark(u8, bool),
        /// The last line taken off (an undo).
        Undo,
        /// The log rewritten: its answer lines sorted (as a merge writes a log).
        Rewrite,
        /// A killed process: half a line at the end.
        Torn,
        /// A deck file changed: a card added or one's text edited.
        EditDeck(u8, bool),
        /// A start, warm and cold, compared.
        Start,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => prop::collection::vec((0u8..12, 0u8..=5, 1u16..3000), 1..6).prop_map(Step::Answer),
            1 => (0u8..12, any::<bool>()).prop_map(|(c, s)| Step::Mark(c, s)),
            1 => Just(Step::Undo),
            1 => Just(Step::Rewrite),
            1 => Just(Step::Torn),
            1 => (0u8..3, any::<bool>()).prop_map(|(d, add)| Step::EditDeck(d, add)),
            3 => Just(Step::Start),
        ]
    }

    struct World {
        dir: tempfile::TempDir,
        minutes: i64,
        cards: [usize; 3],
        edits: usize,
    }

    impl World {
        fn new() -> World {
            let world = World {
                dir: tempfile::tempdir().expect("dir"),
                minutes: 0,
                cards: [3, 2, 4],
                edits: 0,
            };
            for d in 0..3 {
                world.write_deck(d);
            }
            fs::write(world.log(), format!("{}\n", log::HEADER)).expect("log");
            world
        }

        fn settings(&self) -> Settings {
            Settings {
                data_dir: self.dir.path().to_path_buf(),
                deck_dirs: Vec::new(),
                rollover: Rollover::DEFAULT,
            }
        }

        fn log(&self) -> std::path::PathBuf {
            self.dir.path().join("reviews.log")
        }

        fn write_deck(&self, d: usize) {
            let mut text = format!("Deck(id: \"d{d}\", title: \"Deck {d}\", cards: [\n");
            for c in 0..self.cards[d] {
                let card = match c % 3 {
                    0 => format!(
                        "Basic(id: \"c{c}\", topic: \"ml.metrics\", front: \"Q{c} {}\", back: \"A\")",
                        self.edits
                    ),
                    1 => format!("Reversible(id: \"c{c}\", tags: [\"t{d}\"], front: \"F{c}\", back: \"B\")"),
                    _ => format!("Cloze(id: \"c{c}\", text: \"{{{{c1::x}}}} and {{{{c2::y}}}} {c}\")"),
                };
                text.push_str(&format!("    {card},\n"));
            }
            text.push_str("])\n");
            let decks = self.dir.path().join("decks");
            fs::create_dir_all(&decks).expect("decks");
            fs::write(decks.join(format!("d{d}.ron")), text).expect("deck");
        }

        fn key(&self, n: u8) -> String {
            let d = usize::from(n) % 3;
            // Some keys name cards no deck has (any more): the log keeps them.
            format!("d{d}/c{}", usize::from(n) / 3)
        }

        fn append(&self, line: &str) {
            use std::io::Write as _;
            let mut file = fs::OpenOptions::new().append(true).open(self.log()).expect("log");
            file.write_all(line.as_bytes()).expect("append");
        }

        fn apply(&mut self, step: &Step) {
            let start = chrono::DateTime::parse_from_rfc3339("2026-11-01T08:00:00+01:00").expect("time");
            match step {
                Step::Answer(answers) => {
                    for &(card, grade, gap) in answers {
                        self.minutes += i64::from(gap);
                        let at = (start + chrono::TimeDelta::minutes(self.minutes)).to_rfc3339();
                        self.append(&format!("{at}\t{}\t{grade}\t1000\treview\n", self.key(card)));
                    }
                }
                Step::Mark(card, suspend) => {
                    self.minutes += 1;
                    let at = (start + chrono::TimeDelta::minutes(self.minutes)).to_rfc3339();
                    let action = if *suspend { "suspend" } else { "bury" };
                    self.append(&format!("{at}\t{}\t{action}\n", self.key(*card)));
                }
                Step::Undo => {
                    let text = fs::read_to_string(self.log()).expect("log");
                    let body = text.trim_end_matches('\n');
                    if let Some(cut) = body.rfind('\n') {
                        fs::write(self.log(), &text[..=cut]).expect("undo");
                    }
                }
                Step::Rewrite => {
                    let text = fs::read_to_string(self.log()).expect("log");
                    let mut lines: Vec<&str> = text.lines().skip(1).collect();
                    lines.sort_unstable();
                    let mut rewritten = format!("{}\n", log::HEADER);
                    for line in lines {
                        rewritten.push_str(line);
                        rewritten.push('\n');
                    }
                    fs::write(self.log(), rewritten).expect("rewrite");
                }
                Step::Torn => self.append("2026-11-30T09:00:00+01:00\td0/c"),
                Step::EditDeck(d, add) => {
                    let d = usize::from(*d);
                    if *add {
                        self.cards[d] += 1;
                    }
                    self.edits += 1;
                    self.write_deck(d);
                }
                Step::Start => {}
            }
        }

        /// Start-up with and without the cache.
        fn start(&self) -> [Started; 2] {
            let settings = self.settings();
            let cache = Cache::new(self.dir.path());
            let run = |cache: Option<&Cache>| {
                let catalog = catalog(&settings, Roadmap::builtin().expect("roadmap"), cache);
                let (progress, warnings, _, update) = super::progress(&settings, LogAccess::Read, cache).expect("log");
                if let Some(update) = update {
                    remember(&progress, update, settings.rollover);
                }
                let problems = catalog.problems.iter().map(ToString::to_string).collect();
                (catalog.decks, problems, progress, warnings)
            };
            [run(Some(&cache)), run(None)]
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn a_warm_start_returns_what_a_cold_start_does(steps in prop::collection::vec(step(), 1..25)) {
            let mut world = World::new();
            for step in &steps {
                // A torn line is repaired by the next session; a read-only start
                // reports it, warm or cold alike.
                world.apply(step);
                if matches!(step, Step::Start) {
                    let [warm, cold] = world.start();
                    prop_assert_eq!(&warm.0, &cold.0);
                    prop_assert_eq!(&warm.1, &cold.1);
                    prop_assert_eq!(&warm.2, &cold.2);
                    prop_assert_eq!(&warm.3, &cold.3);
                }
            }
            let [warm, cold] = world.start();
            prop_assert_eq!(warm.0, cold.0);
            prop_assert_eq!(warm.2, cold.2);
            prop_assert_eq!(warm.3, cold.3);
        }
    }

    #[test]
    fn a_cache_that_cannot_be_trusted_is_ignored() {
        let mut world = World::new();
        world.apply(&Step::Answer(vec![(0, 4, 10), (1, 2, 20), (3, 5, 30)]));
        let [first, cold] = world.start();
        assert_eq!(first.2, cold.2);
        let cache = Cache::new(world.dir.path());
        // Cut short, scribbled on, or written by a future recall: each is ignored.
        for damage in [
            |b: &mut Vec<u8>| b.truncate(b.len() / 2),
            |b: &mut Vec<u8>| b.iter_mut().skip(20).step_by(7).for_each(|x| *x ^= 0x55),
            |b: &mut Vec<u8>| b[8] = 99,
        ] {
            for file in [cache.progress_file(), cache.builtin_file()] {
                let mut bytes = fs::read(&file).expect("cache file");
                damage(&mut bytes);
                fs::write(&file, bytes).expect("damage");
            }
            let [warm, cold] = world.start();
            assert_eq!(warm.0, cold.0);
            assert_eq!(warm.2, cold.2);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_data_dir_that_cannot_be_written_still_starts() {
        use std::os::unix::fs::PermissionsExt;
        let mut world = World::new();
        world.apply(&Step::Answer(vec![(0, 4, 10), (2, 3, 20)]));
        let dir = world.dir.path();
        fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).expect("read-only");
        let [warm, cold] = world.start();
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).expect("writable again");
        assert_eq!(warm.0, cold.0);
        assert_eq!(warm.2, cold.2);
        // Root can write anywhere; where the permission held, nothing was cached.
        if !dir.join("cache").exists() {
            assert!(!Cache::new(dir).progress_file().exists());
        }
    }
}
