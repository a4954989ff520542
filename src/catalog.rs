//! The collection's index: every deck and card with what start-up needs to know of it
//! (ids, kinds and sides, topics, tags, where its text is in its file) but not the
//! text itself.
//!
//! A review shows a few dozen cards of perhaps a hundred thousand, so the catalog
//! holds no card text: a card is read back from its deck file (one span of bytes,
//! parsed alone) when it is shown. The catalog is the same value whether it was built
//! by parsing the deck files (a cold start) or read from the cache (a warm one), and a
//! property test holds the two to each other.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::collection::{Order, Scope};
use crate::deck::{self, Card, CardKey, Content, Deck, Facet, Origin, Problem, Rules, Source};
use crate::roadmap::Roadmap;

/// What kind a card is: enough to know its sides without its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Basic,
    Reversible,
    Cloze,
    Choice,
    Typed,
}

impl Kind {
    fn of(content: &Content) -> Kind {
        match content {
            Content::Basic { .. } => Kind::Basic,
            Content::Reversible { .. } => Kind::Reversible,
            Content::Cloze { .. } => Kind::Cloze,
            Content::Choice { .. } => Kind::Choice,
            Content::Typed { .. } => Kind::Typed,
        }
    }
}

/// One card, without its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardEntry {
    /// Where its id ends in the deck's `ids` (it starts where the previous one ends):
    /// a hundred thousand ids read back as one string, not as many.
    pub id_end: u32,
    /// An index into the deck's `topics`.
    pub topic: Option<u16>,
    pub kind: Kind,
    /// A cloze card's deletion numbers (one side each).
    pub deletions: Box<[u32]>,
    /// Indices into the deck's `tags`.
    pub tags: Box<[u16]>,
    pub line: u32,
    /// The card's bytes in its deck's text.
    pub span: (u32, u32),
}

impl CardEntry {
    /// The sides this card is studied as, as [`Card::facets`] gives them.
    pub fn facets(&self) -> Vec<Facet> {
        match self.kind {
            Kind::Reversible => vec![Facet::Main, Facet::Reverse],
            Kind::Cloze => self.deletions.iter().map(|&n| Facet::Cloze(n)).collect(),
            _ => vec![Facet::Main],
        }
    }
}

/// One deck, without its cards' text. Topics and tags are kept once per deck and
/// named by index from the cards; the cards' ids are one string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeckEntry {
    pub id: String,
    /// Every card's id, one after the other (see [`CardEntry::id_end`]).
    pub ids: String,
    pub title: String,
    pub section: Option<String>,
    pub stage: Option<u8>,
    pub topics: Vec<String>,
    pub tags: Vec<String>,
    pub cards: Vec<CardEntry>,
}

impl DeckEntry {
    /// The entry of a checked deck.
    pub fn of(deck: &Deck) -> DeckEntry {
        let mut topics: Vec<String> = Vec::new();
        let mut tags: Vec<String> = Vec::new();
        let index = |list: &mut Vec<String>, value: &str| -> u16 {
            match list.iter().position(|v| v == value) {
                Some(i) => i as u16,
                None => {
                    list.push(value.to_string());
                    (list.len() - 1) as u16
                }
            }
        };
        let mut ids = String::new();
        let cards = deck
            .cards
            .iter()
            .map(|card| CardEntry {
                id_end: {
                    ids.push_str(&card.id);
                    ids.len() as u32
                },
                topic: card.topic.as_deref().map(|t| index(&mut topics, t)),
                kind: Kind::of(&card.content),
                deletions: match &card.content {
                    Content::Cloze { numbers, .. } => numbers.clone().into_boxed_slice(),
                    _ => Box::default(),
                },
                tags: card.tags.iter().map(|t| index(&mut tags, t)).collect(),
                line: card.line as u32,
                span: (card.span.start as u32, card.span.end as u32),
            })
            .collect();
        DeckEntry {
            id: deck.id.clone(),
            ids,
            title: deck.title.clone(),
            section: deck.section.clone(),
            stage: deck.stage,
            topics,
            tags,
            cards,
        }
    }

    /// The id of the deck's card number `index`.
    pub fn card_id(&self, index: usize) -> &str {
        let start = index
            .checked_sub(1)
            .and_then(|i| self.cards.get(i))
            .map_or(0, |c| c.id_end as usize);
        let end = self.cards.get(index).map_or(start, |c| c.id_end as usize);
        self.ids.get(start..end).unwrap_or_default()
    }

    pub fn topic(&self, card: &CardEntry) -> Option<&str> {
        card.topic
            .and_then(|t| self.topics.get(usize::from(t)))
            .map(String::as_str)
    }

    pub fn tags<'s>(&'s self, card: &'s CardEntry) -> impl Iterator<Item = &'s str> {
        card.tags
            .iter()
            .filter_map(|&t| self.tags.get(usize::from(t)).map(String::as_str))
    }
}

/// A deck in the catalog, with where its text is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub deck: DeckEntry,
    pub origin: Origin,
}

/// Every deck available for study, without card text.
#[derive(Debug)]
pub struct Catalog {
    pub roadmap: Roadmap,
    /// Built-in decks first (a user deck with a built-in id takes its place), then the
    /// user's own, in folder and file order, as [`crate::collection::Library`] has them.
    pub decks: Vec<Entry>,
    pub problems: Vec<Problem>,
}

impl Catalog {
    pub fn new(roadmap: Roadmap, decks: Vec<Entry>, problems: Vec<Problem>) -> Catalog {
        Catalog {
            roadmap,
            decks,
            problems,
        }
    }

    pub fn deck(&self, id: &str) -> Option<&Entry> {
        self.decks.iter().find(|d| d.deck.id == id)
    }

    /// Every studyable key in `scope` in roadmap order, with its deck's id and the
    /// section it counts under (its topic's, else its deck's, else the deck itself).
    pub fn keys_with_groups(&self, scope: &Scope) -> Vec<(CardKey, &str, &str)> {
        let mut order = Order::new(&self.roadmap, scope);
        for (d, entry) in self.decks.iter().enumerate() {
            let deck = &entry.deck;
            for (c, card) in deck.cards.iter().enumerate() {
                order.offer(
                    (d, c),
                    &deck.id,
                    deck.section.as_deref(),
                    deck.stage,
                    deck.topic(card),
                    deck.tags(card),
                );
            }
        }
        // Each deck's sections by topic index, worked out once per deck and topic.
        let sections: Vec<Vec<&str>> = self
            .decks
            .iter()
            .map(|entry| {
                let deck = &entry.deck;
                let of = |topic: Option<&str>| {
                    crate::collection::section_of(&self.roadmap, topic, deck.section.as_deref()).unwrap_or(&deck.id)
                };
                // Index 0 for a card without a topic, then one per topic.
                std::iter::once(of(None))
                    .chain(deck.topics.iter().map(|t| of(Some(t))))
                    .collect()
            })
            .collect();
        let mut keys = Vec::new();
        for (d, c) in order.finish() {
            let deck = &self.decks[d].deck;
            let card = &deck.cards[c];
            let id = deck.card_id(c);
            let section = sections[d][card.topic.map_or(0, |t| usize::from(t) + 1)];
            for f in card.facets() {
                keys.push((CardKey::with_facet(&deck.id, id, f), deck.id.as_str(), section));
            }
        }
        keys
    }

    /// Every studyable key in `scope`, in roadmap order (as
    /// [`crate::collection::Library::cards_in_order`] and [`crate::collection::keys_of`]).
    pub fn keys_in_order(&self, scope: &Scope) -> Vec<CardKey> {
        self.keys_with_groups(scope)
            .into_iter()
            .map(|(key, _, _)| key)
            .collect()
    }

    /// The deck and card a key names, if the catalog has that side of that card. A
    /// review looks up only the few cards it shows, so this scans the key's deck
    /// rather than keeping an index of every key.
    pub fn entry(&self, key: &CardKey) -> Option<(&Entry, &CardEntry)> {
        let entry = self.deck(key.deck())?;
        let index = (0..entry.deck.cards.len()).find(|&i| entry.deck.card_id(i) == key.card())?;
        let card = &entry.deck.cards[index];
        card.facets().contains(&key.facet()).then_some((entry, card))
    }
}

/// A card's text, read back from its deck (one span of the file, parsed alone).
pub fn read_card(origin: &Origin, card: &CardEntry) -> Result<Card, Problem> {
    let (start, end) = (card.span.0 as usize, card.span.1 as usize);
    let trouble = |message: String| Problem {
        file: origin.to_string(),
        pos: deck::Pos {
            line: card.line as usize,
            col: 1,
        },
        message,
        line_text: None,
    };
    let text = match origin {
        Origin::BuiltIn(name) => crate::collection::builtin_text(name)
            .and_then(|t| t.get(start..end))
            .map(str::to_string)
            .ok_or_else(|| trouble("not in the built-in decks".into()))?,
        Origin::File(path) => read_span(path, start, end).map_err(|e| trouble(format!("cannot read the card: {e}")))?,
    };
    deck::parse_card(
        &text,
        &origin.to_string(),
        card.line as usize,
        start..end,
        &Rules::default(),
    )
    .map_err(|mut problems| problems.remove(0))
}

fn read_span(path: &Path, start: usize, end: usize) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(start as u64))?;
    let mut bytes = vec![0; end.saturating_sub(start)];
    file.read_exact(&mut bytes)?;
    String::from_utf8(bytes).map_err(std::io::Error::other)
}

/// The sources a catalog is built from: the built-in decks' texts and the user's deck
/// files, as [`crate::collection::Library::load`] reads them.
pub fn user_deck_files(dirs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        match crate::collection::deck_files(dir) {
            Ok(found) => files.extend(found),
            Err(e) => problems.push(Problem {
                file: dir.display().to_string(),
                pos: deck::Pos::START,
                message: format!("cannot read deck folder: {e}"),
                line_text: None,
            }),
        }
    }
    (files, problems)
}

/// Puts checked decks together as the library does: a user deck with a built-in
/// deck's id takes its place; two decks of one kind with one id are a problem (whose
/// position needs the deck's text: a unit read from the cache has none, and
/// `text_of` reads it again).
pub fn assemble(
    units: Vec<(Source, Result<DeckEntry, Vec<Problem>>)>,
    text_of: impl Fn(&Origin) -> String,
) -> (Vec<Entry>, Vec<Problem>) {
    let mut decks: Vec<Entry> = Vec::new();
    let mut problems = Vec::new();
    for (source, result) in units {
        let deck = match result {
            Ok(deck) => deck,
            Err(found) => {
                problems.extend(found);
                continue;
            }
        };
        let builtin = source.origin.is_builtin();
        match decks.iter().position(|d| d.deck.id == deck.id) {
            Some(i) if decks[i].origin.is_builtin() == builtin => {
                let text = if source.text.is_empty() {
                    text_of(&source.origin)
                } else {
                    source.text
                };
                problems.push(Problem::new(
                    &source.origin.to_string(),
                    &text,
                    deck::id_position(&text),
                    format!("duplicate deck id {:?} (also used by {})", deck.id, decks[i].origin),
                ))
            }
            Some(i) => {
                decks[i] = Entry {
                    deck,
                    origin: source.origin,
                }
            }
            None => decks.push(Entry {
                deck,
                origin: source.origin,
            }),
        }
    }
    (decks, problems)
}

impl crate::repl::CardSource for Catalog {
    fn card(&self, key: &CardKey) -> Option<(String, Origin, Card)> {
        let (entry, card) = self.entry(key)?;
        let card = read_card(&entry.origin, card).ok()?;
        Some((entry.deck.id.clone(), entry.origin.clone(), card))
    }
}
