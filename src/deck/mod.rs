//! Decks: the RON format people write, and the checks that turn a file into cards.
//!
//! A deck file is authored by hand, so everything here is about being easy to write
//! and precise about mistakes: every problem names the file, line and column and
//! quotes the line. The same checks serve `recall deck check` and loading for review,
//! so a deck that checks clean is a deck that loads.

pub mod canonical;
pub mod cloze;
pub mod layout;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use ron::extensions::Extensions;
use serde::Deserialize;

use crate::roadmap::Roadmap;
pub use layout::{Layout, Pos};

/// Where a deck's text came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary from the repository's `decks/` folder (the file name).
    BuiltIn(&'static str),
    /// A file of the user's.
    File(PathBuf),
}

impl Origin {
    pub fn is_builtin(&self) -> bool {
        matches!(self, Origin::BuiltIn(_))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn(name) => write!(f, "decks/{name}"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A deck file's text with its origin.
#[derive(Clone, Debug)]
pub struct Source {
    pub origin: Origin,
    pub text: String,
}

/// A checked deck.
#[derive(Clone, Debug, PartialEq)]
pub struct Deck {
    pub id: String,
    pub title: String,
    pub section: Option<String>,
    pub stage: Option<u8>,
    pub cards: Vec<Card>,
    pub origin: Origin,
}

/// A checked card.
#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    pub id: String,
    pub topic: Option<String>,
    pub content: Content,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    /// Key points a full answer covers, shown after the reveal as a checklist.
    pub points: Vec<String>,
    /// The line the card starts on, for editors and error messages.
    pub line: usize,
    /// Where the card's text is in its deck file (variant name to closing bracket),
    /// so one card can be read again without the rest; empty for a card not read
    /// from a file.
    pub span: std::ops::Range<usize>,
}

/// What a card asks and answers, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    Basic {
        front: String,
        back: String,
    },
    /// Two cards: front → back and back → front, each with its own schedule.
    Reversible {
        front: String,
        back: String,
    },
    /// One card per deletion number, in Anki's `{{c1::answer::hint}}` syntax.
    Cloze {
        text: String,
        segments: Vec<cloze::Segment>,
        numbers: Vec<u32>,
    },
    /// Options with one or more correct ones (indices from 0); auto-graded.
    Choice {
        question: String,
        options: Vec<String>,
        correct: Vec<usize>,
    },
    /// Accepted answers, compared ignoring case, spacing and Unicode form; auto-graded.
    Typed {
        question: String,
        answers: Vec<String>,
    },
}

impl Content {
    pub fn kind(&self) -> &'static str {
        match self {
            Content::Basic { .. } => "basic",
            Content::Reversible { .. } => "reversible",
            Content::Cloze { .. } => "cloze",
            Content::Choice { .. } => "choice",
            Content::Typed { .. } => "typed",
        }
    }
}

/// One studyable side of a card. Each facet has its own schedule and key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Facet {
    Main,
    /// Back → front of a reversible card.
    Reverse,
    /// Deletion number n of a cloze card.
    Cloze(u32),
}

impl Facet {
    /// The key suffix after `:`; the main facet has none, so a basic card's key is
    /// just `deck/card`. `:` cannot appear in ids, so suffixes never collide with them.
    pub fn suffix(self) -> Option<String> {
        match self {
            Facet::Main => None,
            Facet::Reverse => Some("rev".into()),
            Facet::Cloze(n) => Some(format!("c{n}")),
        }
    }

    fn from_suffix(suffix: &str) -> Option<Facet> {
        if suffix == "rev" {
            return Some(Facet::Reverse);
        }
        let n: u32 = suffix.strip_prefix('c')?.parse().ok()?;
        (n > 0 && !suffix.starts_with("c0")).then_some(Facet::Cloze(n))
    }
}

impl Card {
    /// The facets this card is studied as.
    pub fn facets(&self) -> Vec<Facet> {
        match &self.content {
            Content::Reversible { .. } => vec![Facet::Main, Facet::Reverse],
            Content::Cloze { numbers, .. } => numbers.iter().map(|&n| Facet::Cloze(n)).collect(),
            _ => vec![Facet::Main],
        }
    }

    /// The question and answer text of a facet (choice options are listed by the
    /// front end, which shuffles them).
    /// Every piece of text on the card: what `recall find` searches.
    pub fn texts(&self) -> Vec<&str> {
        let mut texts: Vec<&str> = vec![self.id.as_str()];
        match &self.content {
            Content::Basic { front, back } | Content::Reversible { front, back } => {
                texts.extend([front.as_str(), back.as_str()])
            }
            Content::Cloze { text, .. } => texts.push(text),
            Content::Choice { question, options, .. } => {
                texts.push(question);
                texts.extend(options.iter().map(String::as_str));
            }
            Content::Typed { question, answers } => {
                texts.push(question);
                texts.extend(answers.iter().map(String::as_str));
            }
        }
        texts.extend(self.topic.as_deref());
        texts.extend(self.notes.as_deref());
        texts.extend(self.tags.iter().map(String::as_str));
        texts.extend(self.points.iter().map(String::as_str));
        texts
    }

    /// Whether every word (lower case) starts a word somewhere on the card, ignoring
    /// case: `heap` finds "heaps" and "min-heap", not "cheap".
    pub fn matches(&self, words: &[String]) -> bool {
        let text = self.texts().join("\n").to_lowercase();
        words.iter().all(|w| starts_a_word(&text, w))
    }

    pub fn sides(&self, facet: Facet) -> (String, String) {
        match (&self.content, facet) {
            (Content::Basic { front, back } | Content::Reversible { front, back }, Facet::Reverse) => {
                (back.clone(), front.clone())
            }
            (Content::Basic { front, back } | Content::Reversible { front, back }, _) => (front.clone(), back.clone()),
            (Content::Cloze { segments, numbers, .. }, facet) => {
                let n = match facet {
                    Facet::Cloze(n) => n,
                    _ => numbers.first().copied().unwrap_or(1),
                };
                cloze::render(segments, n)
            }
            (
                Content::Choice {
                    question,
                    options,
                    correct,
                },
                _,
            ) => {
                let right: Vec<&str> = correct
                    .iter()
                    .filter_map(|&i| options.get(i).map(String::as_str))
                    .collect();
                (question.clone(), right.join("\n"))
            }
            (Content::Typed { question, answers }, _) => (question.clone(), answers.join(" / ")),
        }
    }
}

/// Whether `word` occurs in `text` at the start of a word (not after a letter or digit).
fn starts_a_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return true;
    }
    text.match_indices(word)
        .any(|(at, _)| !text[..at].chars().next_back().is_some_and(char::is_alphanumeric))
}

/// A card's identity across decks and the review log: `deck/card`, with a facet
/// suffix for the second side of a reversible card (`deck/card:rev`) and each cloze
/// deletion (`deck/card:c2`). Progress is keyed by it alone, so editing a card's text,
/// reordering cards or renaming the file keeps the card's history.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardKey(String);

impl CardKey {
    pub fn new(deck: &str, card: &str) -> CardKey {
        let mut key = String::with_capacity(deck.len() + card.len() + 1);
        key.push_str(deck);
        key.push('/');
        key.push_str(card);
        CardKey(key)
    }

    pub fn with_facet(deck: &str, card: &str, facet: Facet) -> CardKey {
        match facet {
            Facet::Main => CardKey::new(deck, card),
            facet => {
                let suffix = facet.suffix().unwrap_or_default();
                let mut key = String::with_capacity(deck.len() + card.len() + suffix.len() + 2);
                key.push_str(deck);
                key.push('/');
                key.push_str(card);
                key.push(':');
                key.push_str(&suffix);
                CardKey(key)
            }
        }
    }

    /// A key from its text, as [`CardKey::parse`], keeping the string it is given.
    pub fn from_string(text: String) -> Option<CardKey> {
        CardKey::is_valid(&text).then_some(CardKey(text))
    }

    /// A key from its text, `None` unless both ids are valid (and the facet known).
    pub fn parse(text: &str) -> Option<CardKey> {
        CardKey::is_valid(text).then(|| CardKey(text.to_string()))
    }

    /// Whether `text` is a card key as [`CardKey::parse`] reads them, in one pass
    /// over its bytes (it runs on every line of the log in `recall stats`).
    pub fn is_valid_key(text: &str) -> bool {
        /// The bytes ids are made of, by byte value.
        const ID: [bool; 256] = {
            let mut table = [false; 256];
            let mut c = 0;
            while c < 256 {
                let b = c as u8;
                table[c] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
                c += 1;
            }
            table
        };
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() && ID[b[i] as usize] {
            i += 1;
        }
        if i == 0 || i == b.len() || b[i] != b'/' {
            return false;
        }
        let card_start = i + 1;
        i = card_start;
        while i < b.len() && ID[b[i] as usize] {
            i += 1;
        }
        if i == card_start {
            return false;
        }
        match b.get(i) {
            None => true,
            Some(b':') => Facet::from_suffix(&text[i + 1..]).is_some(),
            Some(_) => false,
        }
    }

    fn is_valid(text: &str) -> bool {
        let Some((deck, card)) = text.split_once('/') else {
            return false;
        };
        let (card, facet_ok) = match card.split_once(':') {
            Some((card, suffix)) => (card, Facet::from_suffix(suffix).is_some()),
            None => (card, true),
        };
        is_valid_id(deck) && is_valid_id(card) && facet_ok
    }

    pub fn deck(&self) -> &str {
        self.0.split_once('/').map_or("", |(d, _)| d)
    }

    /// The card id, without the facet.
    pub fn card(&self) -> &str {
        let card = self.0.split_once('/').map_or("", |(_, c)| c);
        card.split_once(':').map_or(card, |(c, _)| c)
    }

    pub fn facet(&self) -> Facet {
        self.0
            .split_once(':')
            .and_then(|(_, s)| Facet::from_suffix(s))
            .unwrap_or(Facet::Main)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the file format allows, as serde reads it. Kept apart from [`Deck`] so the
/// format can stay terse while the domain types stay strict.
mod format {
    use super::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename = "Deck")]
    pub struct DeckFile {
        pub id: String,
        pub title: String,
        #[serde(default)]
        pub section: Option<String>,
        #[serde(default)]
        pub stage: Option<u8>,
        #[serde(default)]
        pub cards: Vec<CardFile>,
    }

    #[derive(Deserialize)]
    pub enum CardFile {
        Basic(TwoSided),
        Reversible(TwoSided),
        Cloze(Cloze),
        Choice(Choice),
        Typed(Typed),
    }

    /// Fields every kind has.
    pub struct Common {
        pub id: String,
        pub topic: Option<String>,
        pub notes: Option<String>,
        pub tags: Vec<String>,
        pub points: Vec<String>,
    }

    macro_rules! kind {
        ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct $name {
                pub id: String,
                #[serde(default)]
                pub topic: Option<String>,
                $(pub $field: $ty,)*
                #[serde(default)]
                pub notes: Option<String>,
                #[serde(default)]
                pub tags: Vec<String>,
                #[serde(default)]
                pub points: Vec<String>,
            }

            impl $name {
                pub fn common(&self) -> Common {
                    Common {
                        id: self.id.clone(),
                        topic: self.topic.clone(),
                        notes: self.notes.clone(),
                        tags: self.tags.clone(),
                        points: self.points.clone(),
                    }
                }
            }
        };
    }

    kind!(TwoSided {
        front: String,
        back: String
    });
    kind!(Cloze { text: String });
    kind!(Choice { question: String, options: Vec<String>, correct: Vec<usize> });
    kind!(Typed { question: String, answers: Vec<String> });
}

/// One problem in a deck file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub pos: Pos,
    pub message: String,
    /// The text of the offending line, when there is one.
    pub line_text: Option<String>,
}

impl Problem {
    pub fn new(file: &str, text: &str, pos: Pos, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            pos,
            message: message.into(),
            line_text: text.lines().nth(pos.line.saturating_sub(1)).map(str::to_string),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.pos.line, self.pos.col, self.message)?;
        if let Some(line) = &self.line_text {
            let number = self.pos.line.to_string();
            let pad = " ".repeat(number.len());
            let line = crate::render::escape_controls(line);
            let caret_pad: String = line
                .chars()
                .take(self.pos.col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n {number} | {line}\n {pad} | {caret_pad}^")?;
        }
        Ok(())
    }
}

/// What a deck must satisfy beyond the format.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rules<'a> {
    /// The roadmap, for decks that must follow it (the built-in ones).
    pub roadmap: Option<&'a Roadmap>,
    /// Built-in decks fill every field: section, stage and each card's topic.
    pub complete: bool,
}

/// Deck and card ids become part of card keys (`deck/card`) in the review log, so
/// they are kept to characters that need no quoting anywhere.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

const ID_RULE: &str = "use letters, digits, '-', '_' and '.'";

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Where a RON error points, made useful to an author: a missing comma is reported
/// at the end of the line that lacks it, not at the start of the next item.
fn ron_error_pos(text: &str, e: &ron::error::SpannedError) -> Pos {
    let pos = Pos {
        line: e.span.start.line.max(1),
        col: e.span.start.col.max(1),
    };
    if !matches!(e.code, ron::Error::ExpectedComma) {
        return pos;
    }
    // The last line before the error with code on it (comments aside).
    let lines: Vec<&str> = text.lines().collect();
    let mut line = pos.line;
    let mut col_limit = pos.col.saturating_sub(1);
    while line >= 1 {
        let Some(full) = lines.get(line - 1) else { break };
        let before: String = full.chars().take(col_limit).collect();
        let code = before.split("//").next().unwrap_or("").trim_end();
        if !code.is_empty() {
            return Pos {
                line,
                col: code.chars().count() + 1,
            };
        }
        line -= 1;
        col_limit = usize::MAX;
    }
    pos
}

/// Parses and checks one deck file. All problems of the file are returned, not just
/// the first: when RON stops at a syntax error, each card is still read on its own
/// and checked, so one run lists every problem parsing allows.
pub fn parse(source: &Source, rules: &Rules<'_>) -> Result<Deck, Vec<Problem>> {
    let file = source.origin.to_string();
    let text = source.text.as_str();
    let raw: format::DeckFile = match ron_options().from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let first = Problem::new(&file, text, ron_error_pos(text, &e), ron_message(&e.code));
            return Err(recover(&file, text, rules, first));
        }
    };
    // Most decks check clean: find the cards' places with the quick scan, and only
    // when there are problems pay for every field's position to report them.
    let spans = layout::card_spans(text);
    let places: Vec<Place<'_>> = spans
        .iter()
        .map(|span| Place {
            start: Pos {
                line: span.line,
                col: 1,
            },
            span: span.bytes.clone(),
            fields: None,
        })
        .collect();
    match check_deck(source, raw, &Layout::default(), &places, rules) {
        Ok(deck) => Ok(deck),
        Err(_) => {
            let layout = Layout::scan(text);
            let places: Vec<Place<'_>> = layout
                .cards
                .iter()
                .map(|card| Place {
                    start: card.start,
                    span: card.span.clone(),
                    fields: Some(card),
                })
                .collect();
            let raw = ron_options()
                .from_str(text)
                .map_err(|e| vec![Problem::new(&file, text, ron_error_pos(text, &e), ron_message(&e.code))])?;
            check_deck(source, raw, &layout, &places, rules)
        }
    }
}

/// Parses and checks one card's text, as found at `span` (starting on `line`) of
/// the deck `file`: a card read back on its own, without the rest of its deck.
pub fn parse_card(
    text: &str,
    file: &str,
    line: usize,
    span: std::ops::Range<usize>,
    rules: &Rules<'_>,
) -> Result<Card, Vec<Problem>> {
    let raw: format::CardFile = ron_options().from_str(text).map_err(|e| {
        let pos = ron_error_pos(text, &e);
        vec![Problem {
            file: file.to_string(),
            pos: Pos {
                line: line + pos.line - 1,
                col: pos.col,
            },
            message: ron_message(&e.code),
            line_text: None,
        }]
    })?;
    let mut problems = Vec::new();
    let place = Place {
        start: Pos { line, col: 1 },
        span,
        fields: None,
    };
    let card = check_card(raw, Some(&place), rules, &mut HashMap::new(), &mut |pos, message| {
        problems.push(Problem {
            file: file.to_string(),
            pos,
            message,
            line_text: None,
        })
    });
    if problems.is_empty() { Ok(card) } else { Err(problems) }
}

/// Where a card is, as far as it is known: its start and bytes, and (to report
/// problems) where each of its fields is.
struct Place<'a> {
    start: Pos,
    span: std::ops::Range<usize>,
    fields: Option<&'a layout::CardLayout>,
}

/// The checks of a deck as RON read it; `layout` and `places` say where things are.
fn check_deck(
    source: &Source,
    raw: format::DeckFile,
    layout: &Layout,
    places: &[Place<'_>],
    rules: &Rules<'_>,
) -> Result<Deck, Vec<Problem>> {
    let file = source.origin.to_string();
    let text = source.text.as_str();
    let mut problems = Vec::new();
    let mut report = |pos: Pos, message: String| problems.push(Problem::new(&file, text, pos, message));
    let deck_at = |name: &str| layout.deck_field(name).map_or(Pos::START, |f| f.value_at);

    if !is_valid_id(&raw.id) {
        report(deck_at("id"), format!("deck id {:?} is not valid: {ID_RULE}", raw.id));
    }
    if raw.title.trim().is_empty() {
        report(deck_at("title"), "empty `title`".into());
    }
    match raw.stage {
        Some(stage) if !(1..=Roadmap::MAX_STAGE).contains(&stage) => report(
            deck_at("stage"),
            format!(
                "stage {stage} is out of range: the roadmap has stages 1 to {}",
                Roadmap::MAX_STAGE
            ),
        ),
        None if rules.complete => report(
            Pos::START,
            "missing field `stage` (built-in decks name their roadmap stage)".into(),
        ),
        _ => {}
    }
    match &raw.section {
        Some(section) => {
            if let Some(roadmap) = rules.roadmap
                && roadmap.section(section).is_none()
            {
                report(
                    deck_at("section"),
                    format!("unknown section {section:?}: not in the roadmap"),
                );
            }
        }
        None if rules.complete => report(
            Pos::START,
            "missing field `section` (built-in decks name their roadmap section)".into(),
        ),
        None => {}
    }

    let mut cards: Vec<Card> = Vec::with_capacity(raw.cards.len());
    // Card id → the line it was first used on (decks can hold thousands of cards).
    let mut first_use: HashMap<String, usize> = HashMap::new();
    for (index, raw_card) in raw.cards.into_iter().enumerate() {
        cards.push(check_card(
            raw_card,
            places.get(index),
            rules,
            &mut first_use,
            &mut report,
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Deck {
        id: raw.id,
        title: raw.title,
        section: raw.section,
        stage: raw.stage,
        cards,
        origin: source.origin.clone(),
    })
}

/// After a syntax error: every card the scan can find is parsed alone and checked, so
/// the author sees the problems of the whole file at once. `first` (RON's error for
/// the file) is kept unless a card's own parse reports the same place.
fn recover(file: &str, text: &str, rules: &Rules<'_>, first: Problem) -> Vec<Problem> {
    let layout = Layout::scan(text);
    let mut problems: Vec<Problem> = Vec::new();
    let mut first_use: HashMap<String, usize> = HashMap::new();
    for card_layout in &layout.cards {
        let Some(card_text) = text.get(card_layout.span.clone()) else {
            continue;
        };
        match ron_options().from_str::<format::CardFile>(card_text) {
            Ok(raw_card) => {
                let mut report = |pos: Pos, message: String| problems.push(Problem::new(file, text, pos, message));
                let place = Place {
                    start: card_layout.start,
                    span: card_layout.span.clone(),
                    fields: Some(card_layout),
                };
                check_card(raw_card, Some(&place), rules, &mut first_use, &mut report);
            }
            Err(e) => {
                // The error's place within the card, moved to its place in the file.
                let inner = ron_error_pos(card_text, &e);
                let pos = if inner.line == 1 {
                    Pos {
                        line: card_layout.start.line,
                        col: card_layout.start.col + inner.col - 1,
                    }
                } else {
                    Pos {
                        line: card_layout.start.line + inner.line - 1,
                        col: inner.col,
                    }
                };
                problems.push(Problem::new(file, text, pos, ron_message(&e.code)));
            }
        }
    }
    if !problems.iter().any(|p| p.pos == first.pos) {
        problems.push(first);
    }
    problems.sort_by_key(|p| (p.pos.line, p.pos.col));
    problems
}

/// Checks one card as read by RON and makes the domain card; problems go to `report`
/// with the position of the field at fault.
fn check_card(
    raw_card: format::CardFile,
    place: Option<&Place<'_>>,
    rules: &Rules<'_>,
    first_use: &mut HashMap<String, usize>,
    report: &mut dyn FnMut(Pos, String),
) -> Card {
    let start = place.map_or(Pos::START, |p| p.start);
    let at = |name: &str| {
        place
            .and_then(|p| p.fields)
            .and_then(|c| c.field(name))
            .map_or(start, |f| f.value_at)
    };
    let (common, content, texts) = match raw_card {
        format::CardFile::Basic(c) => {
            let texts = vec![("front", c.front.clone()), ("back", c.back.clone())];
            (
                c.common(),
                Content::Basic {
                    front: c.front,
                    back: c.back,
                },
                texts,
            )
        }
        format::CardFile::Reversible(c) => {
            let texts = vec![("front", c.front.clone()), ("back", c.back.clone())];
            (
                c.common(),
                Content::Reversible {
                    front: c.front,
                    back: c.back,
                },
                texts,
            )
        }
        format::CardFile::Cloze(c) => {
            let segments = match cloze::parse(&c.text) {
                Ok(segments) => segments,
                Err(why) => {
                    report(at("text"), format!("cloze text of card {:?}: {why}", c.id));
                    Vec::new()
                }
            };
            let numbers = cloze::numbers(&segments);
            if numbers.is_empty() && !segments.is_empty() {
                report(
                    at("text"),
                    format!("cloze card {:?} has no deletions: mark one as {{{{c1::answer}}}}", c.id),
                );
            }
            let texts = vec![("text", c.text.clone())];
            (
                c.common(),
                Content::Cloze {
                    text: c.text,
                    segments,
                    numbers,
                },
                texts,
            )
        }
        format::CardFile::Choice(c) => {
            let mut texts = vec![("question", c.question.clone())];
            texts.extend(c.options.iter().map(|o| ("options", o.clone())));
            if c.options.len() < 2 {
                report(
                    at("options"),
                    format!("choice card {:?} needs at least two options", c.id),
                );
            }
            if c.correct.is_empty() {
                report(at("correct"), format!("choice card {:?} names no correct option", c.id));
            }
            for &i in &c.correct {
                if i >= c.options.len() {
                    report(
                        at("correct"),
                        format!(
                            "correct option {i} of card {:?} is out of range: options are numbered from 0 to {}",
                            c.id,
                            c.options.len().saturating_sub(1)
                        ),
                    );
                }
            }
            let mut correct = c.correct.clone();
            correct.sort_unstable();
            correct.dedup();
            (
                c.common(),
                Content::Choice {
                    question: c.question,
                    options: c.options,
                    correct,
                },
                texts,
            )
        }
        format::CardFile::Typed(c) => {
            let mut texts = vec![("question", c.question.clone())];
            texts.extend(c.answers.iter().map(|a| ("answers", a.clone())));
            if c.answers.is_empty() {
                report(
                    at("answers"),
                    format!("typed card {:?} accepts no answer: list at least one", c.id),
                );
            }
            (
                c.common(),
                Content::Typed {
                    question: c.question,
                    answers: c.answers,
                },
                texts,
            )
        }
    };
    let id = &common.id;
    if !is_valid_id(id) {
        report(at("id"), format!("card id {id:?} is not valid: {ID_RULE}"));
    } else if let Some(first) = first_use.get(id) {
        report(
            at("id"),
            format!("duplicate card id {id:?} (first used on line {first})"),
        );
    } else {
        first_use.insert(id.clone(), start.line);
    }
    for (name, value) in &texts {
        if value.trim().is_empty() {
            report(at(name), format!("empty `{name}` in card {id:?}"));
        }
    }
    if common.notes.as_deref().is_some_and(|n| n.trim().is_empty()) {
        report(
            at("notes"),
            format!("empty `notes` in card {id:?} (leave the field out instead)"),
        );
    }
    if common.points.iter().any(|p| p.trim().is_empty()) {
        report(at("points"), format!("empty key point in card {id:?}"));
    }
    match &common.topic {
        Some(topic) if topic.trim().is_empty() => report(at("topic"), format!("empty `topic` in card {id:?}")),
        Some(topic) => {
            if let Some(roadmap) = rules.roadmap
                && roadmap.topic(topic).is_none()
            {
                report(at("topic"), format!("unknown topic {topic:?}: not in the roadmap"));
            }
        }
        None if rules.complete => report(
            start,
            format!("missing field `topic` in card {id:?} (built-in cards name their roadmap topic)"),
        ),
        None => {}
    }
    Card {
        id: common.id,
        topic: common.topic,
        content,
        notes: common.notes,
        tags: common.tags,
        points: common.points,
        line: start.line,
        span: place.map_or(0..0, |p| p.span.clone()),
    }
}

/// RON's error text, made to read as a sentence about the deck file.
pub(crate) fn ron_message(code: &ron::Error) -> String {
    let text = code.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid RON".to_string(),
    }
}

/// Where the `id` of a deck is written, for problems that involve several files.
pub fn id_position(text: &str) -> Pos {
    Layout::scan(text).deck_field("id").map_or(Pos::START, |f| f.value_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            origin: Origin::File(PathBuf::from("my.ron")),
            text: text.to_string(),
        }
    }

    fn problems(text: &str) -> Vec<String> {
        match parse(&source(text), &Rules::default()) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .iter()
                .map(|p| format!("{}:{} {}", p.pos.line, p.pos.col, p.message))
                .collect(),
        }
    }

    #[test]
    fn the_quick_key_check_agrees_with_parse() {
        for text in [
            "ml/f1",
            "ml/f1:c2",
            "ml/f1:rev",
            "ml/f1:c0",
            "ml/f1:c+5",
            "ml/f1:c4294967295",
            "ml/f1:c4294967296",
            "ml/",
            "/f1",
            "ml",
            "ml/f 1",
            "ml/f1:",
            "ml/f1:x",
            "m.l/f-1_2",
            "ml/f1/x",
            "ml/f1:c1:c2",
            "é/x",
        ] {
            assert_eq!(CardKey::is_valid_key(text), CardKey::parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn search_words_match_the_start_of_words_only() {
        let deck = parse(
            &source("Deck(id: \"d\", title: \"T\", cards: [Basic(id: \"a\", front: \"What do heaps cost?\", back: \"A min-heap is cheap\")])"),
            &Rules::default(),
        )
        .expect("valid");
        let card = &deck.cards[0];
        let find = |w: &str| card.matches(&[w.to_string()]);
        assert!(find("heap"), "heaps");
        assert!(find("min-heap"));
        assert!(find("che"));
        assert!(!find("eap"), "inside a word");
        assert!(!find("heaps cost money"));
    }

    #[test]
    fn a_minimal_user_deck_parses() {
        let deck = parse(
            &source("Deck(id: \"mine\", title: \"Mine\", cards: [Basic(id: \"a\", front: \"Q\", back: \"A\", notes: \"n\")])"),
            &Rules::default(),
        )
        .expect("valid");
        assert_eq!(deck.cards.len(), 1);
        assert_eq!(deck.cards[0].notes.as_deref(), Some("n"));
        assert_eq!(deck.section, None);
    }

    #[test]
    fn semantic_problems_point_at_the_value() {
        let text = "Deck(\n  id: \"d\",\n  title: \"T\",\n  cards: [\n    Basic(id: \"a\", front: \"Q\", back: \"A\"),\n    Basic(id: \"a\", front: \" \", back: \"A\"),\n  ],\n)\n";
        assert_eq!(
            problems(text),
            [
                "6:15 duplicate card id \"a\" (first used on line 5)",
                "6:27 empty `front` in card \"a\""
            ]
        );
    }

    #[test]
    fn unknown_fields_are_reported_by_ron_with_a_position() {
        let text = "Deck(\n  id: \"d\",\n  title: \"T\",\n  cards: [Basic(id: \"a\", front: \"Q\", back: \"A\", hint: \"x\")],\n)\n";
        let found = problems(text);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("4:"), "{found:?}");
        assert!(found[0].contains("hint"), "{found:?}");
    }

    #[test]
    fn problem_display_quotes_the_line_with_a_caret() {
        let text = "Deck(\n  id: \"bad id\",\n  title: \"T\",\n)\n";
        let err = parse(&source(text), &Rules::default()).expect_err("invalid id");
        assert_eq!(
            err[0].to_string(),
            "my.ron:2:7: deck id \"bad id\" is not valid: use letters, digits, '-', '_' and '.'\n 2 |   id: \"bad id\",\n   |       ^"
        );
    }

    #[test]
    fn complete_decks_need_section_stage_and_topics() {
        let text = "Deck(id: \"d\", title: \"T\", cards: [Basic(id: \"a\", front: \"Q\", back: \"A\")])";
        let err = parse(
            &source(text),
            &Rules {
                roadmap: None,
                complete: true,
            },
        )
        .expect_err("incomplete");
        let messages: Vec<&str> = err.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
    }
}
