//! The learner's collection: the decks (built-in and their own) joined with the review
//! log by card key.
//!
//! This is where files are read. Everything it hands on (decks, records, schedules) is
//! plain data for the pure layers below.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::deck::{self, Card, CardKey, Deck, Origin, Problem, Rules, Source};
use crate::log::{self, Mark, Record};
use crate::roadmap::Roadmap;
use crate::sched::{Rollover, replay};

include!(concat!(env!("OUT_DIR"), "/builtin_decks.rs"));

/// Where recall keeps things and how it reads days.
#[derive(Clone, Debug)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Extra deck folders (`--decks DIR`), besides `<data dir>/decks`.
    pub deck_dirs: Vec<PathBuf>,
    pub rollover: Rollover,
}

impl Settings {
    pub fn log_path(&self) -> PathBuf {
        self.data_dir.join("reviews.log")
    }

    /// Every folder user decks are read from, the data dir's own first.
    pub fn user_deck_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.data_dir.join("decks")];
        dirs.extend(self.deck_dirs.iter().cloned());
        dirs
    }
}

/// The text of the built-in deck compiled in from `decks/<name>`.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN_DECKS.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// The built-in deck sources.
pub fn builtin_sources() -> Vec<Source> {
    BUILTIN_DECKS
        .iter()
        .map(|(name, text)| Source {
            origin: Origin::BuiltIn(name),
            text: (*text).to_string(),
        })
        .collect()
}

/// The conflict copies of the review log a file-sync tool left in the data dir.
pub fn conflict_copies(data: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(data) else {
        return Vec::new();
    };
    let mut copies: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| crate::sync::is_conflict_copy(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    copies.sort();
    copies
}

/// The `*.ron` files of a folder, sorted by name. A missing folder has none.
pub fn deck_files(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Reads one user deck file; an unreadable file is a problem at line 1.
pub fn read_source(path: &Path) -> Result<Source, Problem> {
    match fs::read(path) {
        Ok(bytes) => source_from_bytes(path, bytes),
        Err(e) => Err(Problem {
            file: path.display().to_string(),
            pos: deck::Pos::START,
            message: format!("cannot read: {e}"),
            line_text: None,
        }),
    }
}

/// A deck file's bytes as its source; bytes that are not UTF-8 are a problem at the
/// first bad byte.
pub fn source_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Source, Problem> {
    {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source {
                origin: Origin::File(path.to_path_buf()),
                text,
            }),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let line_end = bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |i| at + i);
                Err(Problem {
                    file: path.display().to_string(),
                    pos: deck::Pos::of_byte(bytes, at),
                    message: format!("not UTF-8 text (byte 0x{:02x}); save the file as UTF-8", bytes[at]),
                    line_text: Some(String::from_utf8_lossy(&bytes[line_start..line_end]).into_owned()),
                })
            }
        }
    }
}

/// Checks a set of sources as one collection: each deck on its own, then duplicate
/// deck ids across files. Built-in decks (and every deck when `strict`) are held to
/// the roadmap.
pub fn check_sources(sources: &[Source], roadmap: &Roadmap, strict: bool) -> (Vec<Deck>, Vec<Problem>) {
    let mut decks: Vec<Deck> = Vec::new();
    let mut problems = Vec::new();
    for source in sources {
        let rules = if strict || source.origin.is_builtin() {
            Rules {
                roadmap: Some(roadmap),
                complete: true,
            }
        } else {
            Rules::default()
        };
        match deck::parse(source, &rules) {
            Ok(deck) => {
                if let Some(first) = decks
                    .iter()
                    .find(|d| d.id == deck.id && d.origin.is_builtin() == deck.origin.is_builtin())
                {
                    problems.push(Problem::new(
                        &source.origin.to_string(),
                        &source.text,
                        deck::id_position(&source.text),
                        format!("duplicate deck id {:?} (also used by {})", deck.id, first.origin),
                    ));
                } else {
                    decks.push(deck);
                }
            }
            Err(found) => problems.extend(found),
        }
    }
    (decks, problems)
}

/// Which cards a command works on: all, or narrowed by decks, sections, topics and
/// tags. Several values of one kind widen (any of these sections); kinds narrow each
/// other (these sections, and of them these decks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub decks: Vec<String>,
    pub sections: Vec<String>,
    pub topics: Vec<String>,
    pub tags: Vec<String>,
}

impl Scope {
    /// How the scope reads in a report: "the whole roadmap", or e.g. "section ml, tags a, b".
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (what, values) in [
            ("deck", &self.decks),
            ("section", &self.sections),
            ("topic", &self.topics),
            ("tag", &self.tags),
        ] {
            if !values.is_empty() {
                let plural = if values.len() > 1 { "s" } else { "" };
                parts.push(format!("{what}{plural} {}", values.join(", ")));
            }
        }
        if parts.is_empty() {
            "the whole roadmap".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// The decks available for study, with the problems of those that were skipped.
#[derive(Debug)]
pub struct Library {
    pub roadmap: Roadmap,
    /// Built-in decks first (a user deck with a built-in id takes its place), then the
    /// user's own in folder and file order.
    pub decks: Vec<Deck>,
    pub problems: Vec<Problem>,
}

impl Library {
    pub fn load(settings: &Settings, roadmap: Roadmap) -> Library {
        let mut sources = builtin_sources();
        let mut problems = Vec::new();
        for dir in settings.user_deck_dirs() {
            match deck_files(&dir) {
                Ok(files) => {
                    for file in files {
                        match read_source(&file) {
                            Ok(source) => sources.push(source),
                            Err(problem) => problems.push(problem),
                        }
                    }
                }
                Err(e) => problems.push(Problem {
                    file: dir.display().to_string(),
                    pos: deck::Pos::START,
                    message: format!("cannot read deck folder: {e}"),
                    line_text: None,
                }),
            }
        }
        let (all, found) = check_sources(&sources, &roadmap, false);
        problems.extend(found);
        let mut decks: Vec<Deck> = Vec::new();
        for deck in all {
            match decks.iter().position(|d| d.id == deck.id) {
                // Only a user deck can meet an earlier deck of the same id here: the
                // built-in one, which it replaces in place.
                Some(i) => decks[i] = deck,
                None => decks.push(deck),
            }
        }
        Library {
            roadmap,
            decks,
            problems,
        }
    }

    pub fn deck(&self, id: &str) -> Option<&Deck> {
        self.decks.iter().find(|d| d.id == id)
    }

    /// The roadmap section a card belongs to: its topic's section, else its deck's.
    pub fn section_of<'s>(&'s self, deck: &'s Deck, card: &'s Card) -> Option<&'s str> {
        section_of(&self.roadmap, card.topic.as_deref(), deck.section.as_deref())
    }

    /// The cards in `scope` in roadmap order: stage, then section, then topic, then
    /// deck and card order. Cards without a roadmap topic follow at their deck's stage
    /// (user decks without a stage come last).
    pub fn cards_in_order(&self, scope: &Scope) -> Vec<(&Deck, &Card)> {
        let mut order = Order::new(&self.roadmap, scope);
        for (d, deck) in self.decks.iter().enumerate() {
            for (c, card) in deck.cards.iter().enumerate() {
                order.offer(
                    (d, c),
                    &deck.id,
                    deck.section.as_deref(),
                    deck.stage,
                    card.topic.as_deref(),
                    card.tags.iter().map(String::as_str),
                );
            }
        }
        order
            .finish()
            .into_iter()
            .map(|(d, c)| (&self.decks[d], &self.decks[d].cards[c]))
            .collect()
    }
}

/// The roadmap section of a card with this topic in a deck of this section: the
/// topic's section where the roadmap has the topic, else the deck's.
pub fn section_of<'s>(roadmap: &'s Roadmap, topic: Option<&str>, deck_section: Option<&'s str>) -> Option<&'s str> {
    topic
        .and_then(|t| roadmap.sections.iter().find(|s| s.topics.iter().any(|x| x.id == t)))
        .map(|s| s.id.as_str())
        .or(deck_section)
}

/// Puts cards in roadmap order and keeps those in a scope: the one rule for every
/// view of the decks (the full library, the start-up catalog).
///
/// The order is stage, section, topic, then the order the cards were offered in (deck,
/// then card). Cards are kept in one bucket per place on the roadmap, in the order
/// they came; the buckets are then put in roadmap order. A hundred thousand cards
/// need no comparison sort, and a topic's rank is looked up once.
pub struct Order<'a, T> {
    roadmap: &'a Roadmap,
    scope: &'a Scope,
    /// Topic → its bucket (none for a topic that is not on the roadmap).
    topics: HashMap<String, Option<usize>, rustc_hash::FxBuildHasher>,
    /// Cards without a roadmap topic, by deck stage → their bucket.
    stages: HashMap<Option<u8>, usize, rustc_hash::FxBuildHasher>,
    buckets: Vec<((u8, usize, usize), Vec<T>)>,
}

impl<'a, T> Order<'a, T> {
    pub fn new(roadmap: &'a Roadmap, scope: &'a Scope) -> Self {
        Order {
            roadmap,
            scope,
            topics: HashMap::default(),
            stages: HashMap::default(),
            buckets: Vec::new(),
        }
    }

    fn bucket(&mut self, rank: (u8, usize, usize)) -> usize {
        self.buckets.push((rank, Vec::new()));
        self.buckets.len() - 1
    }

    /// Offers a card (in deck and card order); it is kept if it is in scope.
    pub fn offer<'t>(
        &mut self,
        card: T,
        deck: &str,
        deck_section: Option<&str>,
        deck_stage: Option<u8>,
        topic: Option<&str>,
        mut tags: impl Iterator<Item = &'t str>,
    ) {
        let scope = self.scope;
        if !scope.decks.is_empty() && !scope.decks.iter().any(|d| d == deck) {
            return;
        }
        if !scope.topics.is_empty() && !topic.is_some_and(|t| scope.topics.iter().any(|x| x == t)) {
            return;
        }
        if !scope.tags.is_empty() && !tags.any(|t| scope.tags.iter().any(|x| x == t)) {
            return;
        }
        if !scope.sections.is_empty()
            && !section_of(self.roadmap, topic, deck_section).is_some_and(|s| scope.sections.iter().any(|x| x == s))
        {
            return;
        }
        // A topic on the roadmap ranks by it; any other card by its deck's stage
        // (a deck without one last).
        let by_topic = match topic {
            Some(t) => match self.topics.get(t) {
                Some(&b) => b,
                None => {
                    let rank = self.roadmap.topic_rank(t);
                    let b = (rank.0 != u8::MAX).then(|| self.bucket(rank));
                    self.topics.insert(t.to_string(), b);
                    b
                }
            },
            None => None,
        };
        let bucket = match by_topic {
            Some(b) => b,
            None => match self.stages.get(&deck_stage) {
                Some(&b) => b,
                None => {
                    let stage = deck_stage.unwrap_or(Roadmap::MAX_STAGE + 1);
                    let b = self.bucket((stage, usize::MAX, usize::MAX));
                    self.stages.insert(deck_stage, b);
                    b
                }
            },
        };
        self.buckets[bucket].1.push(card);
    }

    /// The cards kept, in order.
    pub fn finish(mut self) -> Vec<T> {
        // Buckets of equal rank (cards without a topic in decks of one stage, say)
        // keep the order they were opened in: a stable sort.
        self.buckets.sort_by_key(|(rank, _)| *rank);
        self.buckets.into_iter().flat_map(|(_, cards)| cards).collect()
    }
}

/// Every studyable key of the cards given, in their order (a reversible card gives
/// two keys, a cloze card one per deletion).
pub fn keys_of<'a>(cards: impl IntoIterator<Item = (&'a Deck, &'a Card)>) -> Vec<CardKey> {
    cards
        .into_iter()
        .flat_map(|(d, c)| c.facets().into_iter().map(|f| CardKey::with_facet(&d.id, &c.id, f)))
        .collect()
}

/// The decks and the log, joined.
#[derive(Debug)]
pub struct Collection {
    pub library: Library,
    pub records: Vec<Record>,
    /// Buries and suspensions, in log order.
    pub marks: Vec<Mark>,
    pub schedules: crate::sched::Schedules,
    index: HashMap<CardKey, (usize, usize)>,
}

impl Collection {
    /// Loads the decks while another thread reads the log (with `read_log`) and
    /// replays it: the two are independent, and at 100,000 cards and a million
    /// reviews each takes a few hundred milliseconds. `read_log` returns what the
    /// caller needs back (the locked writer for a review) with the parsed log.
    pub fn load<T: Send, E: Send>(
        settings: &Settings,
        roadmap: Roadmap,
        read_log: impl FnOnce() -> Result<(T, log::Parsed), E> + Send,
    ) -> Result<(Collection, T, Vec<String>), E> {
        let rollover = settings.rollover;
        let (library, read) = std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                read_log().map(|(t, parsed)| {
                    let schedules = replay(&parsed.records, rollover);
                    (t, parsed, schedules)
                })
            });
            let library = Library::load(settings, roadmap);
            (library, reader.join())
        });
        // The reader only panics on a bug; surface it as one rather than hide it.
        let (t, parsed, schedules) = match read {
            Ok(result) => result?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        Ok((
            Collection::with_schedules(library, parsed.records, parsed.marks, schedules),
            t,
            parsed.warnings,
        ))
    }

    fn with_schedules(
        library: Library,
        records: Vec<Record>,
        marks: Vec<Mark>,
        schedules: crate::sched::Schedules,
    ) -> Collection {
        let mut index = HashMap::new();
        for (d, deck) in library.decks.iter().enumerate() {
            for (c, card) in deck.cards.iter().enumerate() {
                for facet in card.facets() {
                    index.insert(CardKey::with_facet(&deck.id, &card.id, facet), (d, c));
                }
            }
        }
        Collection {
            library,
            records,
            marks,
            schedules,
            index,
        }
    }

    pub fn card(&self, key: &CardKey) -> Option<(&Deck, &Card)> {
        let &(d, c) = self.index.get(key)?;
        let deck = self.library.decks.get(d)?;
        Some((deck, deck.cards.get(c)?))
    }
}

/// Replaces a file's contents atomically: a temporary file beside it, synced, then
/// renamed over it, so a crash leaves either the old file or the new one.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or("deck".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.recall-tmp"));
    let mut file = fs::File::create(&temp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, path)?;
    // Make the rename itself durable.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod builtin_decks {
    //! The shipped decks are part of the product: these tests hold them to the
    //! roadmap's coverage and to the same checks a user's deck gets.

    use super::*;
    use std::collections::{BTreeMap, HashMap};

    fn library() -> (Vec<Deck>, Roadmap) {
        let roadmap = Roadmap::builtin().expect("roadmap");
        let (decks, problems) = check_sources(&builtin_sources(), &roadmap, true);
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            problems.is_empty(),
            "built-in decks have problems:\n{}",
            shown.join("\n")
        );
        (decks, roadmap)
    }

    #[test]
    fn every_section_has_its_deck_and_every_topic_its_minimum_of_cards() {
        let (decks, roadmap) = library();
        for section in &roadmap.sections {
            let deck = decks.iter().find(|d| d.id == section.id);
            assert!(
                deck.is_some_and(|d| d.section.as_deref() == Some(&section.id)),
                "no deck for section {}",
                section.id
            );
        }
        let mut per_topic: BTreeMap<&str, usize> = BTreeMap::new();
        for card in decks.iter().flat_map(|d| &d.cards) {
            *per_topic.entry(card.topic.as_deref().unwrap_or("")).or_default() += 1;
        }
        let key_topics = ["ml.metrics", "py.gil", "dl.ddp", "ops.kserve", "sd.canary"];
        // The topics interviews probe most (wave 2): new ones at least 10 cards, and
        // the deepened ones at least 6 more than the 8 (features, observability, drift
        // and CI/CD: 7) they had.
        let wave_two = [
            ("ml.basics", 10),
            ("ml.unsupervised", 10),
            ("ml.dimred", 10),
            ("ml.imbalance", 10),
            ("ml.timeseries", 10),
            ("dl.basics", 10),
            ("dl.training", 10),
            ("dl.generative", 10),
            ("spec.recsys", 10),
            ("spec.nlp", 14),
            ("spec.cv", 14),
            ("dl.arch", 14),
            ("ml.classic", 14),
            ("ml.ensembles", 14),
            ("ml.features", 13),
            ("py.perf", 10),
            ("ops.k8s", 10),
            ("ops.gpu", 10),
            ("ops.security", 10),
            ("ops.cost", 10),
            ("ops.cloud", 10),
            ("ops.observability", 13),
            ("ops.drift", 13),
            ("ops.cicd", 13),
        ];
        let mut short = Vec::new();
        for topic in roadmap.topics() {
            let wave = wave_two.iter().find(|(id, _)| *id == topic.id).map(|(_, n)| *n);
            let need = if key_topics.contains(&topic.id.as_str()) {
                8
            } else {
                wave.unwrap_or(3)
            };
            let have = per_topic.get(topic.id.as_str()).copied().unwrap_or(0);
            if have < need {
                short.push(format!("{}: {have} of {need}", topic.id));
            }
        }
        assert!(short.is_empty(), "topics short of cards: {short:?}");
        let total: usize = per_topic.values().sum();
        assert!(total >= 1000, "{total} cards in all, want at least 1000");
    }

    #[test]
    fn no_two_cards_ask_the_same_question() {
        let (decks, _) = library();
        let mut seen: HashMap<String, String> = HashMap::new();
        for deck in &decks {
            for card in &deck.cards {
                let (question, _) = card.sides(crate::deck::Facet::Main);
                let normal: String = question
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect();
                let key = format!("{}/{}", deck.id, card.id);
                if let Some(first) = seen.insert(normal, key.clone()) {
                    panic!("{key} asks the same question as {first}");
                }
            }
        }
    }

    /// An answer is meant to be said aloud in an interview: about 60 words at
    /// most, with reasoning and sources in `notes`. Code blocks do not count,
    /// since they are read, not recited.
    #[test]
    fn every_answer_is_short_enough_to_recite() {
        const MOST_WORDS: usize = 60;
        let (decks, _) = library();
        let mut long = Vec::new();
        for deck in &decks {
            for card in &deck.cards {
                let (_, answer) = card.sides(crate::deck::Facet::Main);
                let mut in_code = false;
                let mut words = 0;
                for line in answer.lines() {
                    if crate::render::is_fence(line) {
                        in_code = !in_code;
                    } else if !in_code {
                        words += line.split_whitespace().count();
                    }
                }
                if words > MOST_WORDS {
                    long.push(format!("{}/{}: {words} words", deck.id, card.id));
                }
            }
        }
        assert!(long.is_empty(), "answers over {MOST_WORDS} words: {long:?}");
    }

    #[test]
    fn new_cards_follow_the_roadmap_from_stage_one() {
        let (_, roadmap) = library();
        let settings = Settings {
            data_dir: PathBuf::from("/nonexistent/recall"),
            deck_dirs: Vec::new(),
            rollover: Rollover::DEFAULT,
        };
        let library = Library::load(&settings, roadmap);
        let order = library.cards_in_order(&Scope::default());
        let stages: Vec<u8> = order
            .iter()
            .map(|(_, c)| {
                c.topic
                    .as_deref()
                    .and_then(|t| library.roadmap.topic(t))
                    .map_or(0, |t| t.stage)
            })
            .collect();
        assert!(stages.windows(2).all(|w| w[0] <= w[1]), "stages out of order");
        assert_eq!(stages.first(), Some(&1));
        // Within stage 1 the track starts with CS fundamentals, as the seeds do.
        assert_eq!(order.first().and_then(|(_, c)| c.topic.as_deref()), Some("cs.ds"));
    }
}
