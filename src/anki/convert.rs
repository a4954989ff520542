//! An Anki collection's notes as recall cards, and its review log as recall answers.
//! Pure: the package is read in [`super::package`], the deck and the log are written
//! by `recall import`.
//!
//! Notes become cards by note type: Basic → basic; Basic (and reversed card) →
//! reversible; Basic (optional reversed card) → reversible when its third field ("Add
//! Reverse") is filled, else basic; Cloze → cloze (Anki's `{{c1::…::hint}}` is
//! recall's syntax too; a second field becomes the card's notes); Basic (type in the
//! answer) → typed; any other note type → basic from its first two fields, counted in
//! the summary with the fields left out. A stock note type that was given more fields
//! than it ships with counts as another note type.
//!
//! Anki's answer buttons map to SM-2 grades: Again → 1, Hard → 3, Good → 4, Easy → 5.
//! A manual reschedule (ease 0) is not an answer and is left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::anki::html::{self, Text};
use crate::anki::package::{Note, Package, Stock};
use crate::author::new_card_id;
use crate::deck::{Card, CardKey, Content, Facet};
use crate::interchange::{card, cloze_content};
use crate::sm2::Grade;

/// What to take from a package.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// The recall deck the cards go to (their keys start with it).
    pub deck: &'a str,
    /// Only the cards in this Anki deck (and its sub-decks).
    pub subdeck: Option<&'a str>,
    /// Ids of the cards the deck already has: a note whose card is there is not
    /// made again (a package imported a second time adds only what is new).
    pub existing: &'a [String],
}

/// One answer from Anki's review log, for recall's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// Milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    pub key: CardKey,
    pub grade: Grade,
    pub answer_ms: u32,
}

/// What an import made and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Notes in scope (the whole package, or the sub-deck asked for).
    pub notes: usize,
    /// Notes whose card the deck already has.
    pub already: usize,
    /// New cards by kind.
    pub made: BTreeMap<&'static str, usize>,
    /// Other note types, by name: notes made into basic cards, and the fields of
    /// theirs left out.
    pub other_types: BTreeMap<String, (usize, usize)>,
    /// Notes that made no card, with why.
    pub skipped: Vec<String>,
    /// Media files the cards refer to (recall shows the reference, not the file).
    pub media: BTreeSet<String>,
    /// Review-log entries that are not answers recall can use, by reason.
    pub answers_left_out: BTreeMap<&'static str, usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Converted {
    pub cards: Vec<Card>,
    /// The history of every card in scope (new and already imported): importing it
    /// again adds nothing, since a merge keeps each answer once.
    pub answers: Vec<Answer>,
    pub summary: Summary,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error("no Anki deck named {name:?} in the package; its decks: {}", .decks.join(", "))]
    UnknownSubdeck { name: String, decks: Vec<String> },
    #[error("{name:?} names several Anki decks ({}); give the full name", .decks.join(", "))]
    AmbiguousSubdeck { name: String, decks: Vec<String> },
}

/// Anki's answer buttons as SM-2 grades.
pub fn grade(ease: i64) -> Option<Grade> {
    match ease {
        1 => Grade::new(1),
        2 => Grade::new(3),
        3 => Grade::new(4),
        4 => Grade::new(5),
        _ => None,
    }
}

/// How a note type's notes become cards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Basic,
    Reversible,
    OptionalReverse,
    Cloze,
    Typed,
    /// Basic from the first two fields.
    Other,
    ImageOcclusion,
}

fn shape(notetype: &crate::anki::package::Notetype) -> Shape {
    let fields = notetype.fields.len();
    let typed = notetype.templates.iter().any(|q| q.contains("{{type:"));
    match (notetype.stock, notetype.cloze) {
        (Some(Stock::ImageOcclusion), _) => Shape::ImageOcclusion,
        (_, true) => Shape::Cloze,
        (Some(Stock::Basic), false) if fields == 2 => Shape::Basic,
        (Some(Stock::BasicAndReversed), false) if fields == 2 && notetype.templates.len() == 2 => Shape::Reversible,
        (Some(Stock::BasicOptionalReversed), false) if fields == 3 && notetype.templates.len() == 2 => {
            Shape::OptionalReverse
        }
        (Some(Stock::BasicTyping), false) if fields == 2 && typed => Shape::Typed,
        _ => Shape::Other,
    }
}

/// The short, stable part of a card id made from a note: a hash of its guid, which
/// Anki keeps for the note's whole life and across exports.
fn guid_tag(guid: &str) -> String {
    let mut n = xxhash_rust::xxh3::xxh3_64(guid.as_bytes());
    let mut tag = String::new();
    for _ in 0..6 {
        let digit = (n % 36) as u32;
        tag.push(char::from_digit(digit, 36).unwrap_or('0'));
        n /= 36;
    }
    tag
}

/// Cloze text with its markup taken out, for making an id from its words.
fn cloze_words(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{c") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        rest = after[digits..].strip_prefix("::").unwrap_or(&after[digits..]);
    }
    out.push_str(rest);
    out.replace("}}", " ").replace("::", " ")
}

pub fn convert(package: &Package, options: &Options<'_>) -> Result<Converted, ConvertError> {
    let deck_name = |id: i64| package.decks.get(&id).map_or("", String::as_str);
    // Each note's cards by template ordinal, and the deck of its first card.
    let mut cards_of: HashMap<i64, Vec<(u32, i64)>> = HashMap::new();
    for c in &package.cards {
        cards_of.entry(c.note).or_default().push((c.ord, c.id));
    }
    let mut home: HashMap<i64, &str> = HashMap::new();
    for c in &package.cards {
        let entry = home.entry(c.note).or_insert(deck_name(c.deck));
        // The first template's card decides (ordinal 0 is the note's main card).
        if c.ord == 0 {
            *entry = deck_name(c.deck);
        }
    }
    let root = match options.subdeck {
        Some(name) => Some(subdeck(package, name)?),
        None => None,
    };
    let within = |deck: &str| match &root {
        Some(root) => deck == root || deck.starts_with(&format!("{root}::")),
        None => true,
    };
    let notes: Vec<&Note> = package
        .notes
        .iter()
        .filter(|n| within(home.get(&n.id).copied().unwrap_or("")))
        .collect();
    // Deck tags are paths below the deepest deck every note is in.
    let common = root
        .clone()
        .unwrap_or_else(|| common_ancestor(notes.iter().map(|n| home.get(&n.id).copied().unwrap_or(""))));

    let mut converted = Converted::default();
    converted.summary.notes = notes.len();
    // Which recall key each Anki card id answers to.
    let mut keys: HashMap<i64, CardKey> = HashMap::new();
    let mut taken: Vec<String> = options.existing.to_vec();
    for note in notes {
        let describe = || {
            let first = note.fields.first().map(|f| html::to_text(f).text).unwrap_or_default();
            let first: String = first.chars().take(40).collect();
            format!("note {} ({first:?})", note.id)
        };
        let Some(notetype) = package.notetypes.get(&note.notetype) else {
            converted
                .summary
                .skipped
                .push(format!("{}: its note type is missing from the package", describe()));
            continue;
        };
        let shape = shape(notetype);
        let fields: Vec<Text> = note.fields.iter().map(|f| html::to_text(f)).collect();
        let field = |i: usize| fields.get(i).map_or("", |f| f.text.trim());
        let content = match shape {
            Shape::ImageOcclusion => {
                converted.summary.skipped.push(format!(
                    "{}: image occlusion cards are images, and recall shows text",
                    describe()
                ));
                continue;
            }
            Shape::Cloze => cloze_content(field(0).to_string()),
            Shape::Typed => Ok(Content::Typed {
                question: field(0).to_string(),
                answers: vec![field(1).to_string()],
            }),
            Shape::Reversible => Ok(Content::Reversible {
                front: field(0).to_string(),
                back: field(1).to_string(),
            }),
            Shape::OptionalReverse if !field(2).is_empty() => Ok(Content::Reversible {
                front: field(0).to_string(),
                back: field(1).to_string(),
            }),
            Shape::Basic | Shape::OptionalReverse | Shape::Other => Ok(Content::Basic {
                front: field(0).to_string(),
                back: field(1).to_string(),
            }),
        };
        let empty = match &content {
            Ok(Content::Basic { front, back } | Content::Reversible { front, back }) => {
                (front.is_empty() || back.is_empty()).then_some("an empty side")
            }
            Ok(Content::Typed { question, answers }) => {
                (question.is_empty() || answers.iter().any(String::is_empty)).then_some("an empty side")
            }
            _ => None,
        };
        let content = match (content, empty) {
            (Ok(content), None) => content,
            (Ok(_), Some(why)) => {
                converted.summary.skipped.push(format!("{}: {why}", describe()));
                continue;
            }
            (Err(why), _) => {
                converted.summary.skipped.push(format!("{}: {why}", describe()));
                continue;
            }
        };
        let tag = guid_tag(&note.guid);
        let suffix = format!("-{tag}");
        let existing = options.existing.iter().find(|id| id.ends_with(&suffix));
        let id = match existing {
            Some(id) => id.clone(),
            None => {
                let question = match &content {
                    Content::Cloze { text, .. } => cloze_words(text),
                    Content::Basic { front, .. } | Content::Reversible { front, .. } => front.clone(),
                    Content::Typed { question, .. } | Content::Choice { question, .. } => question.clone(),
                };
                let words = new_card_id(&question, &[]);
                let words: Vec<&str> = words.split('-').take(3).collect();
                let id = format!("{}{suffix}", words.join("-"));
                let refs: Vec<&str> = taken.iter().map(String::as_str).collect();
                let id = if refs.contains(&id.as_str()) {
                    new_card_id(&id, &refs)
                } else {
                    id
                };
                taken.push(id.clone());
                id
            }
        };
        // Map each of the note's Anki cards to the side of the recall card it is.
        for &(ord, anki_card) in cards_of.get(&note.id).map_or(&[][..], Vec::as_slice) {
            let facet = match (&content, ord) {
                (Content::Cloze { numbers, .. }, ord) if numbers.contains(&(ord + 1)) => Some(Facet::Cloze(ord + 1)),
                (Content::Reversible { .. }, 1) => Some(Facet::Reverse),
                (Content::Cloze { .. }, _) => None,
                (_, 0) => Some(Facet::Main),
                _ => None,
            };
            if let Some(facet) = facet {
                keys.insert(anki_card, CardKey::with_facet(options.deck, &id, facet));
            }
        }
        if existing.is_some() {
            converted.summary.already += 1;
            continue;
        }
        for f in &fields {
            converted.summary.media.extend(f.media.iter().cloned());
        }
        if shape == Shape::Other {
            let entry = converted.summary.other_types.entry(notetype.name.clone()).or_default();
            entry.0 += 1;
            entry.1 += fields.iter().skip(2).filter(|f| !f.text.trim().is_empty()).count();
        }
        let mut made = card(content);
        made.id = id;
        if shape == Shape::Cloze && !field(1).is_empty() {
            made.notes = Some(field(1).to_string());
        }
        made.tags = note.tags.clone();
        let deck = home.get(&note.id).copied().unwrap_or("");
        if let Some(below) = deck_tag(deck, &common) {
            made.tags.push(below);
        }
        *converted.summary.made.entry(made.content.kind()).or_default() += 1;
        converted.cards.push(made);
    }
    for review in &package.revlog {
        let Some(key) = keys.get(&review.card) else {
            *converted
                .summary
                .answers_left_out
                .entry("for cards not imported")
                .or_default() += 1;
            continue;
        };
        // Manual reschedules (type 4) and "set due date" / forget (type 5) are not answers.
        let Some(grade) = grade(review.ease).filter(|_| review.kind <= 3) else {
            *converted
                .summary
                .answers_left_out
                .entry("reschedules, not answers")
                .or_default() += 1;
            continue;
        };
        converted.answers.push(Answer {
            at_ms: review.at_ms,
            key: key.clone(),
            grade,
            answer_ms: u32::try_from(review.time_ms.max(0)).unwrap_or(u32::MAX),
        });
    }
    Ok(converted)
}

/// The Anki deck a `--subdeck` name stands for: its full name (any case), or the last
/// part(s) of exactly one deck's name.
fn subdeck(package: &Package, name: &str) -> Result<String, ConvertError> {
    let mut decks: Vec<String> = package.decks.values().cloned().collect();
    decks.sort();
    let wanted = name.trim().to_lowercase();
    if let Some(exact) = decks.iter().find(|d| d.to_lowercase() == wanted) {
        return Ok(exact.clone());
    }
    let ends: Vec<String> = decks
        .iter()
        .filter(|d| d.to_lowercase().ends_with(&format!("::{wanted}")))
        .cloned()
        .collect();
    match ends.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(ConvertError::UnknownSubdeck {
            name: name.to_string(),
            decks,
        }),
        _ => Err(ConvertError::AmbiguousSubdeck {
            name: name.to_string(),
            decks: ends,
        }),
    }
}

/// The deepest deck path every name is in (`""` when they share none).
fn common_ancestor<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else {
        return String::new();
    };
    let mut common: Vec<&str> = first.split("::").collect();
    for name in names {
        let parts: Vec<&str> = name.split("::").collect();
        let shared = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        common.truncate(shared);
    }
    common.join("::")
}

/// A card's deck as a tag: its path below `root`, spaces as `_` (Anki's tags have
/// none); `None` for a card in `root` itself.
fn deck_tag(deck: &str, root: &str) -> Option<String> {
    let below = if root.is_empty() {
        deck
    } else {
        deck.strip_prefix(root)?.strip_prefix("::")?
    };
    (!below.is_empty()).then(|| below.split_whitespace().collect::<Vec<_>>().join("_"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::package::{self, Card as AnkiCard, Notetype, Review};

    fn notetype(name: &str, stock: Option<Stock>, cloze: bool, fields: &[&str], templates: &[&str]) -> Notetype {
        Notetype {
            name: name.to_string(),
            cloze,
            stock,
            fields: fields.iter().map(|f| f.to_string()).collect(),
            templates: templates.iter().map(|t| t.to_string()).collect(),
        }
    }

    /// A package with one note of each type, one card per template (cloze: per
    /// deletion), in decks `Top`, `Top::A` and `Top::B`.
    fn package() -> Package {
        let mut p = Package::default();
        p.decks.insert(1, "Top".into());
        p.decks.insert(2, "Top::A".into());
        p.decks.insert(3, "Top::B Side".into());
        p.notetypes.insert(
            10,
            notetype("Basic", Some(Stock::Basic), false, &["Front", "Back"], &["{{Front}}"]),
        );
        p.notetypes.insert(
            11,
            notetype(
                "Basic (and reversed card)",
                Some(Stock::BasicAndReversed),
                false,
                &["Front", "Back"],
                &["{{Front}}", "{{Back}}"],
            ),
        );
        p.notetypes.insert(
            12,
            notetype(
                "Basic (optional reversed card)",
                Some(Stock::BasicOptionalReversed),
                false,
                &["Front", "Back", "Add Reverse"],
                &["{{Front}}", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}"],
            ),
        );
        p.notetypes.insert(
            13,
            notetype(
                "Cloze",
                Some(Stock::Cloze),
                true,
                &["Text", "Back Extra"],
                &["{{cloze:Text}}"],
            ),
        );
        p.notetypes.insert(
            14,
            notetype(
                "Basic (type in the answer)",
                Some(Stock::BasicTyping),
                false,
                &["Front", "Back"],
                &["{{Front}}\n{{type:Back}}"],
            ),
        );
        p.notetypes.insert(
            15,
            notetype(
                "Vocab",
                Some(Stock::Basic),
                false,
                &["Term", "Meaning", "Example"],
                &["{{Term}}"],
            ),
        );
        p.notetypes.insert(
            16,
            notetype(
                "Image Occlusion",
                Some(Stock::ImageOcclusion),
                true,
                &["Occlusion", "Image"],
                &[""],
            ),
        );
        // Id, guid, fields, tags, note type, card ordinals.
        type Row<'a> = (i64, &'a str, &'a [&'a str], &'a [&'a str], i64, &'a [u32]);
        let notes: [Row; 8] = [
            (
                100,
                "guid-basic",
                &["What does <b>precision</b> measure?", "TP / (TP + FP)"],
                &["metrics"],
                10,
                &[0],
            ),
            (101, "guid-rev", &["GIL", "Global Interpreter Lock"], &[], 11, &[0, 1]),
            (
                102,
                "guid-opt-on",
                &["DDP", "DistributedDataParallel", "y"],
                &[],
                12,
                &[0, 1],
            ),
            (
                103,
                "guid-opt-off",
                &["FSDP", "Fully Sharded Data Parallel", ""],
                &[],
                12,
                &[0],
            ),
            (
                104,
                "guid-cloze",
                &["F1 = {{c1::2PR/(P+R)}}, the {{c2::harmonic}} mean", "Not arithmetic."],
                &[],
                13,
                &[0, 1],
            ),
            (
                105,
                "guid-typed",
                &["kubectl lists pods?", "kubectl get pods"],
                &["k8s"],
                14,
                &[0],
            ),
            (106, "guid-vocab", &["epoch", "one pass", "10 epochs"], &[], 15, &[0]),
            (
                107,
                "guid-io",
                &["{{c1::image-occlusion:rect}}", "<img src=\"x.png\">"],
                &[],
                16,
                &[0],
            ),
        ];
        for (i, (id, guid, fields, tags, notetype, ords)) in notes.into_iter().enumerate() {
            p.notes.push(Note {
                id,
                guid: guid.to_string(),
                notetype,
                fields: fields.iter().map(|f| f.to_string()).collect(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
            });
            for &ord in ords {
                p.cards.push(AnkiCard {
                    id: id * 10 + i64::from(ord),
                    note: id,
                    deck: [1, 2, 3][i % 3],
                    ord,
                });
            }
        }
        p
    }

    fn options<'a>(existing: &'a [String]) -> Options<'a> {
        Options {
            deck: "anki",
            subdeck: None,
            existing,
        }
    }

    #[test]
    fn each_note_type_becomes_its_kind_of_card() {
        let converted = convert(&package(), &options(&[])).expect("converts");
        let kinds: Vec<(&str, &str)> = converted
            .cards
            .iter()
            .map(|c| (c.content.kind(), c.id.as_str()))
            .collect();
        assert_eq!(kinds.len(), 7, "{kinds:?}");
        assert_eq!(
            kinds.iter().map(|k| k.0).collect::<Vec<_>>(),
            ["basic", "reversible", "reversible", "basic", "cloze", "typed", "basic"]
        );
        assert!(kinds[0].1.starts_with("precision-measure-"), "{kinds:?}");
        assert!(kinds[4].1.starts_with("f1-2pr-p-"), "{kinds:?}");
        let s = &converted.summary;
        assert_eq!(s.notes, 8);
        assert_eq!(s.made.get("basic"), Some(&3));
        assert_eq!(s.other_types.get("Vocab"), Some(&(1, 1)));
        assert_eq!(s.skipped.len(), 1);
        assert!(s.skipped[0].contains("image occlusion"), "{:?}", s.skipped);
        let cloze = &converted.cards[4];
        assert_eq!(cloze.notes.as_deref(), Some("Not arithmetic."));
        assert!(
            matches!(&converted.cards[5].content, Content::Typed { answers, .. } if answers == &["kubectl get pods"])
        );
        assert_eq!(
            converted.cards[0].content,
            Content::Basic {
                front: "What does precision measure?".into(),
                back: "TP / (TP + FP)".into()
            }
        );
    }

    #[test]
    fn sub_decks_become_tags_or_the_whole_scope() {
        let converted = convert(&package(), &options(&[])).expect("converts");
        let tags: Vec<Vec<String>> = converted.cards.iter().map(|c| c.tags.clone()).collect();
        assert_eq!(tags[0], ["metrics"], "a card in the top deck keeps only its own tags");
        assert_eq!(tags[1], ["A"]);
        assert_eq!(tags[2], ["B_Side"]);

        let p = package();
        let only_a = Options {
            subdeck: Some("a"),
            ..options(&[])
        };
        let converted = convert(&p, &only_a).expect("converts");
        assert_eq!(converted.summary.notes, 3);
        assert!(converted.cards.iter().all(|c| c.tags.iter().all(|t| t != "A")));
        let unknown = Options {
            subdeck: Some("Nope"),
            ..options(&[])
        };
        assert_eq!(
            convert(&p, &unknown),
            Err(ConvertError::UnknownSubdeck {
                name: "Nope".into(),
                decks: vec!["Top".into(), "Top::A".into(), "Top::B Side".into()],
            })
        );
    }

    #[test]
    fn the_review_log_maps_buttons_to_grades_and_cards_to_sides() {
        let mut p = package();
        let review = |at_ms, card, ease, kind| Review {
            at_ms,
            card,
            ease,
            time_ms: 4200,
            kind,
        };
        p.revlog = vec![
            review(1_000, 1000, 1, 0), // basic, Again
            review(2_000, 1011, 2, 1), // reversible's reverse, Hard
            review(3_000, 1041, 3, 1), // cloze 2, Good
            review(4_000, 1050, 4, 1), // typed, Easy
            review(5_000, 1050, 0, 4), // manual reschedule
            review(6_000, 1070, 3, 0), // image occlusion: not imported
        ];
        let converted = convert(&p, &options(&[])).expect("converts");
        let answers: Vec<(String, u8)> = converted
            .answers
            .iter()
            .map(|a| (a.key.to_string(), a.grade.value()))
            .collect();
        let id = |i: usize| converted.cards[i].id.clone();
        assert_eq!(
            answers,
            [
                (format!("anki/{}", id(0)), 1),
                (format!("anki/{}:rev", id(1)), 3),
                (format!("anki/{}:c2", id(4)), 4),
                (format!("anki/{}", id(5)), 5),
            ]
        );
        assert_eq!(converted.answers[0].answer_ms, 4200);
        assert_eq!(
            converted.summary.answers_left_out.get("reschedules, not answers"),
            Some(&1)
        );
        assert_eq!(
            converted.summary.answers_left_out.get("for cards not imported"),
            Some(&1)
        );
    }

    #[test]
    fn a_second_import_makes_only_what_is_new_and_keeps_the_ids() {
        let p = package();
        let first = convert(&p, &options(&[])).expect("converts");
        let ids: Vec<String> = first.cards.iter().map(|c| c.id.clone()).collect();
        let again = convert(&p, &options(&ids)).expect("converts");
        assert!(again.cards.is_empty());
        assert_eq!(again.summary.already, 7);
        let mut grown = p.clone();
        grown.notes.push(Note {
            id: 200,
            guid: "guid-new".into(),
            notetype: 10,
            fields: vec!["New question".into(), "New answer".into()],
            tags: vec![],
        });
        let third = convert(&grown, &options(&ids)).expect("converts");
        assert_eq!(third.cards.len(), 1);
        assert_eq!(third.summary.already, 7);
        // The same package always gives the same ids.
        assert_eq!(convert(&p, &options(&[])).expect("converts").cards, first.cards);
        let _ = package::Layout::Current;
    }
}
