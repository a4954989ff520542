//! Writing decks: the skeleton of a new deck, cards as RON text, and appending a card
//! to a deck file without disturbing anything else in it.
//!
//! Deck files are the author's: their comments, blank lines and layout are kept byte
//! for byte. A card is appended by inserting its text before the `]` that closes the
//! card list (and a comma after the last card if it had none); nothing else moves.

use crate::deck::{Card, Content, Layout};

/// A new deck file: no cards yet, and an example of every kind in comments.
pub fn skeleton(id: &str, title: &str) -> String {
    format!(
        r###"// {title}: a recall deck. Check it with `recall deck check`; add cards with
// `recall add --deck {id}` or by hand. Comments like these are kept by every command.
Deck(
    id: {id_str},
    title: {title_str},
    // section: "ml",      // optional: a roadmap section (see `recall plan`)
    // stage: 2,           // optional: a roadmap stage, 1-5
    cards: [
        // Every card has an `id` (unique in this deck; progress is keyed by it) and may
        // have `topic`, `notes`, `tags: ["..."]` and `points: ["..."]` (key points a
        // full answer covers, offered as a checklist after the reveal).
        //
        // Basic(id: "f1", topic: "ml.metrics", front: "F1 from P and R?", back: "F1 = 2·P·R / (P + R)"),
        // Reversible(id: "cap-fr", front: "Capital of France", back: "Paris"),
        // Cloze(id: "gil", text: "The {{{{c1::GIL}}}} lets one thread run {{{{c2::bytecode::what?}}}} at a time."),
        // Choice(id: "adamw", question: "Which optimizer decouples weight decay?",
        //        options: ["Adam", "AdamW", "SGD"], correct: [1]),   // indices from 0
        // Typed(id: "f1-name", question: "Harmonic mean of P and R?", answers: ["F1", "F1 score"]),
        //
        // Multi-line text and code: raw strings keep newlines, fenced code stays unwrapped.
        // Basic(id: "no-grad", front: "Inference without autograd?", back: r#"```python
        // with torch.no_grad():
        //     y = model(x)
        // ```"#),
    ],
)
"###,
        id_str = ron_string(id),
        title_str = ron_string(title),
    )
}

/// A string as a RON literal: a raw string when it spans lines (so code keeps its
/// shape in the file), an escaped one otherwise.
pub fn ron_string(text: &str) -> String {
    if text.contains('\n') && !text.contains("\"#") && !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return format!("r#\"{text}\"#");
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn string_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| ron_string(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// A card as RON, each field on its own line, indented by `indent` (the card's own
/// line) plus four spaces for its fields.
pub fn card_to_ron(card: &Card, indent: &str) -> String {
    let mut fields: Vec<(&str, String)> = vec![("id", ron_string(&card.id))];
    if let Some(topic) = &card.topic {
        fields.push(("topic", ron_string(topic)));
    }
    let kind = match &card.content {
        Content::Basic { front, back } | Content::Reversible { front, back } => {
            fields.push(("front", ron_string(front)));
            fields.push(("back", ron_string(back)));
            if matches!(card.content, Content::Basic { .. }) {
                "Basic"
            } else {
                "Reversible"
            }
        }
        Content::Cloze { text, .. } => {
            fields.push(("text", ron_string(text)));
            "Cloze"
        }
        Content::Choice {
            question,
            options,
            correct,
        } => {
            fields.push(("question", ron_string(question)));
            fields.push(("options", string_list(options)));
            let correct: Vec<String> = correct.iter().map(ToString::to_string).collect();
            fields.push(("correct", format!("[{}]", correct.join(", "))));
            "Choice"
        }
        Content::Typed { question, answers } => {
            fields.push(("question", ron_string(question)));
            fields.push(("answers", string_list(answers)));
            "Typed"
        }
    };
    if let Some(notes) = &card.notes {
        fields.push(("notes", ron_string(notes)));
    }
    if !card.tags.is_empty() {
        fields.push(("tags", string_list(&card.tags)));
    }
    if !card.points.is_empty() {
        fields.push(("points", string_list(&card.points)));
    }
    let mut out = format!("{indent}{kind}(\n");
    for (name, value) in fields {
        out.push_str(&format!("{indent}    {name}: {value},\n"));
    }
    out.push_str(&format!("{indent}),\n"));
    out
}

/// The deck text with `card_text` (from [`card_to_ron`]) appended to the card list.
/// `Err` when the text has no card list to append to.
pub fn append_card(text: &str, card_text: &str) -> Result<String, String> {
    let layout = Layout::scan(text);
    let Some(end) = layout.cards_end else {
        return Err("the deck has no `cards: [...]` list to add to".into());
    };
    let mut out = String::with_capacity(text.len() + card_text.len() + 2);
    let mut rest_from = 0;
    if let Some(last) = layout.last_card_end
        && !layout.trailing_comma
    {
        out.push_str(&text[..last]);
        out.push(',');
        rest_from = last;
    }
    // Insert at the start of the `]` line when it stands alone, else just before it.
    let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let alone = text[line_start..end].trim().is_empty();
    if alone {
        out.push_str(&text[rest_from..line_start]);
        out.push_str(card_text);
        out.push_str(&text[line_start..]);
    } else {
        out.push_str(&text[rest_from..end]);
        out.push('\n');
        out.push_str(card_text);
        out.push_str(&text[end..]);
    }
    Ok(out)
}

/// The indentation of cards in a deck: that of its first card, else eight spaces.
pub fn card_indent(text: &str) -> String {
    Layout::scan(text)
        .cards
        .first()
        .map_or("        ".to_string(), |c| " ".repeat(c.start.col.saturating_sub(1)))
}

/// Words that carry no meaning in a card's id: question words, articles, auxiliaries
/// and the commonest prepositions. "What does dropout do at training time?" is
/// `dropout-training-time`, not `what-does-dropout-do-at`.
const STOP_WORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "could", "did", "do", "does", "for", "from",
    "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "of", "on", "or", "should", "so", "than", "that",
    "the", "their", "them", "then", "there", "these", "this", "to", "was", "we", "were", "what", "when", "where",
    "which", "who", "why", "will", "with", "would", "you", "your",
];

/// How many meaningful words an id keeps: enough to tell cards apart, short enough to
/// type (`recall card DECK/ID`).
const ID_WORDS: usize = 4;

/// A card id made from its question: its first meaningful words (stop words dropped),
/// lower-case, joined by '-', made unique among `taken` with a number.
pub fn new_card_id(question: &str, taken: &[&str]) -> String {
    // "Python's" is one word, not "python-s".
    let words: Vec<String> = question
        .replace(['\'', '’'], "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let meaningful: Vec<&String> = words.iter().filter(|w| !STOP_WORDS.contains(&w.as_str())).collect();
    // A question of stop words only ("What is it?") keeps its words rather than none.
    let chosen: Vec<&String> = if meaningful.is_empty() {
        words.iter().collect()
    } else {
        meaningful
    };
    let base = match chosen.as_slice() {
        [] => "card".to_string(),
        chosen => chosen
            .iter()
            .take(ID_WORDS)
            .map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join("-"),
    };
    if !taken.contains(&base.as_str()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(&id.as_str()))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Origin, Rules, Source, parse};

    fn card(content: Content) -> Card {
        Card {
            id: "new".into(),
            topic: Some("ml.metrics".into()),
            content,
            notes: Some("two\nlines".into()),
            tags: vec![],
            points: vec!["a \"quoted\" point".into()],
            line: 0,
            span: 0..0,
        }
    }

    fn reparse(text: &str) -> crate::deck::Deck {
        let source = Source {
            origin: Origin::File("t.ron".into()),
            text: text.to_string(),
        };
        parse(&source, &Rules::default()).expect("valid after the edit")
    }

    #[test]
    fn the_skeleton_is_a_valid_empty_deck() {
        let deck = reparse(&skeleton("mine", "My \"own\" deck"));
        assert_eq!(
            (deck.id.as_str(), deck.title.as_str(), deck.cards.len()),
            ("mine", "My \"own\" deck", 0)
        );
    }

    #[test]
    fn appending_keeps_every_other_byte_and_adds_a_missing_comma() {
        let text = "// head\nDeck(\n  id: \"d\", title: \"T\", // why\n  cards: [\n    Basic(id: \"a\", front: \"Q\", back: \"A\") // last\n    // tail comment\n  ],\n)\n";
        let new = card_to_ron(
            &card(Content::Basic {
                front: "F".into(),
                back: "B".into(),
            }),
            "    ",
        );
        let out = append_card(text, &new).expect("append");
        assert_eq!(
            out,
            format!(
                "// head\nDeck(\n  id: \"d\", title: \"T\", // why\n  cards: [\n    Basic(id: \"a\", front: \"Q\", back: \"A\"), // last\n    // tail comment\n{new}  ],\n)\n"
            )
        );
        let deck = reparse(&out);
        assert_eq!(deck.cards.len(), 2);
        assert_eq!(deck.cards[1].notes.as_deref(), Some("two\nlines"));
        assert_eq!(deck.cards[1].points, ["a \"quoted\" point"]);
    }

    #[test]
    fn every_kind_round_trips_through_its_ron() {
        let kinds = [
            Content::Reversible {
                front: "F".into(),
                back: "B".into(),
            },
            Content::Cloze {
                text: "The {{c1::GIL}}".into(),
                segments: vec![],
                numbers: vec![],
            },
            Content::Choice {
                question: "Q".into(),
                options: vec!["x".into(), "y".into()],
                correct: vec![1],
            },
            Content::Typed {
                question: "Q".into(),
                answers: vec!["a".into(), "b".into()],
            },
        ];
        for content in kinds {
            let text = skeleton("d", "T");
            let out = append_card(&text, &card_to_ron(&card(content.clone()), "        ")).expect("append");
            let deck = reparse(&out);
            let got = &deck.cards[0].content;
            assert_eq!(got.kind(), content.kind());
            if let (Content::Cloze { text: a, .. }, Content::Cloze { text: b, .. }) = (got, &content) {
                assert_eq!(a, b);
            } else {
                assert_eq!(got, &content);
            }
        }
    }

    #[test]
    fn ids_come_from_the_question_and_stay_unique() {
        assert_eq!(new_card_id("What is the F1 score, exactly?", &[]), "f1-score-exactly");
        assert_eq!(new_card_id("What is the F1 score?", &["f1-score"]), "f1-score-2");
        assert_eq!(new_card_id("¿?", &[]), "card");
        assert_eq!(new_card_id("Python's GIL?", &[]), "pythons-gil");
        // Stop words go, the key terms stay, whole words only.
        assert_eq!(
            new_card_id("What does dropout do at training time?", &[]),
            "dropout-training-time"
        );
        assert_eq!(
            new_card_id("How do you choose K in k-means clustering with the elbow method?", &[]),
            "choose-k-k-means"
        );
        assert_eq!(new_card_id("What is it?", &[]), "what-is-it");
    }
}
