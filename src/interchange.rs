//! Import and export: Anki's "Notes in Plain Text", CSV with a header row, and
//! Markdown Q&A.
//!
//! Anki TSV export maps each kind to the Anki note type that studies it the same way
//! (Basic, Basic (and reversed card), Cloze, Basic (type in the answer)); a choice card
//! becomes a Basic note with its options listed. The card id travels in the GUID
//! column and the topic as a `topic::ID` tag, so a deck exported and imported again
//! keeps every card. Markdown is for reading (`## question`, then the answer) and
//! carries each card's RON in an HTML comment, so it too round-trips exactly.

use crate::author::{card_to_ron, new_card_id, ron_string};
use crate::deck::{self, Card, Content, Deck, Origin, Rules, Source, cloze};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Anki,
    Csv,
    Markdown,
}

impl Format {
    /// The format a file name suggests: `.txt`/`.tsv` Anki, `.csv` CSV, `.md` Markdown.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "tsv" => Some(Format::Anki),
            "csv" => Some(Format::Csv),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// A line of the input that did not become a card, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub line: u64,
    pub why: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    pub cards: Vec<Card>,
    pub skipped: Vec<Skipped>,
}

impl Imported {
    fn skip(&mut self, line: u64, why: impl Into<String>) {
        self.skipped.push(Skipped { line, why: why.into() });
    }

    /// Adds a card, giving it a unique id (its own when it has a free, valid one).
    fn push(&mut self, mut card: Card, wanted_id: Option<String>) {
        let taken: Vec<&str> = self.cards.iter().map(|c| c.id.as_str()).collect();
        card.id = match wanted_id {
            Some(id) if deck::is_valid_id(&id) && !taken.contains(&id.as_str()) => id,
            _ => {
                let (question, _) = card.sides(deck::Facet::Main);
                new_card_id(&question, &taken)
            }
        };
        self.cards.push(card);
    }
}

pub(crate) fn card(content: Content) -> Card {
    Card {
        id: String::new(),
        topic: None,
        content,
        notes: None,
        tags: Vec::new(),
        points: Vec::new(),
        line: 0,
        span: 0..0,
    }
}

pub(crate) fn cloze_content(text: String) -> Result<Content, String> {
    let segments = cloze::parse(&text)?;
    let numbers = cloze::numbers(&segments);
    if numbers.is_empty() {
        return Err("cloze text without deletions".into());
    }
    Ok(Content::Cloze {
        text,
        segments,
        numbers,
    })
}

// ---------------------------------------------------------------- Anki

const NOTES_MARK: &str = "\n\nNotes: ";
const POINTS_MARK: &str = "\n\nKey points:\n";
const ALSO_MARK: &str = "\n\nAlso accepted: ";

fn anki_tag(tag: &str) -> String {
    tag.split_whitespace().collect::<Vec<_>>().join("_")
}

/// The back of a note: the answer, then key points and notes under markers that the
/// import reads back.
fn back_with_extras(back: &str, card: &Card) -> String {
    let mut out = back.to_string();
    if !card.points.is_empty() {
        out.push_str(POINTS_MARK);
        let points: Vec<String> = card.points.iter().map(|p| format!("- {p}")).collect();
        out.push_str(&points.join("\n"));
    }
    if let Some(notes) = &card.notes {
        out.push_str(NOTES_MARK);
        out.push_str(notes);
    }
    out
}

/// Splits the extras written by [`back_with_extras`] off a back field.
fn split_extras(back: &str, card: &mut Card) -> String {
    let mut back = back.to_string();
    if let Some(i) = back.rfind(NOTES_MARK) {
        card.notes = Some(back[i + NOTES_MARK.len()..].to_string());
        back.truncate(i);
    }
    if let Some(i) = back.rfind(POINTS_MARK) {
        card.points = back[i + POINTS_MARK.len()..]
            .lines()
            .map(|l| l.trim_start_matches("- ").to_string())
            .collect();
        back.truncate(i);
    }
    back
}

/// Anki's "Notes in Plain Text" (tab-separated, with the header lines Anki reads).
pub fn export_anki(deck: &Deck) -> String {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .from_writer(Vec::new());
    let mut rows: Vec<[String; 5]> = Vec::new();
    for card in &deck.cards {
        let (notetype, front, back) = match &card.content {
            Content::Basic { front, back } => ("Basic", front.clone(), back_with_extras(back, card)),
            Content::Reversible { front, back } => {
                ("Basic (and reversed card)", front.clone(), back_with_extras(back, card))
            }
            Content::Cloze { text, .. } => (
                "Cloze",
                text.clone(),
                back_with_extras("", card).trim_start().to_string(),
            ),
            Content::Typed { question, answers } => {
                let mut back = answers.first().cloned().unwrap_or_default();
                if answers.len() > 1 {
                    back.push_str(ALSO_MARK);
                    back.push_str(&answers[1..].join(" | "));
                }
                (
                    "Basic (type in the answer)",
                    question.clone(),
                    back_with_extras(&back, card),
                )
            }
            Content::Choice {
                question,
                options,
                correct,
            } => {
                let listed: Vec<String> = options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| format!("{}) {o}", crate::ask::option_letter(i)))
                    .collect();
                let right: Vec<String> = correct
                    .iter()
                    .filter_map(|&i| options.get(i).map(|o| format!("{}) {o}", crate::ask::option_letter(i))))
                    .collect();
                (
                    "Basic",
                    format!("{question}\n{}", listed.join("\n")),
                    back_with_extras(&right.join("\n"), card),
                )
            }
        };
        let mut tags: Vec<String> = card.tags.iter().map(|t| anki_tag(t)).collect();
        if let Some(topic) = &card.topic {
            tags.push(format!("topic::{}", anki_tag(topic)));
        }
        rows.push([
            format!("recall:{}/{}", deck.id, card.id),
            notetype.to_string(),
            front,
            back,
            tags.join(" "),
        ]);
    }
    for row in &rows {
        // Writing to a Vec cannot fail; a failure would only drop a row, never panic.
        let _ = writer.write_record(row);
    }
    let body = writer
        .into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    format!("#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#tags column:5\n{body}")
}

/// Strips the HTML Anki exports with `#html:true`: line breaks and blocks become
/// newlines, other tags go, the common entities are decoded.
fn strip_html(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br") || tag == "div" || tag == "/p" {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// Reads Anki's "Notes in Plain Text" export.
pub fn import_anki(text: &str) -> Imported {
    let mut imported = Imported::default();
    let mut separator = b'\t';
    let mut html = false;
    let (mut tags_col, mut notetype_col, mut guid_col, mut deck_col) = (None, None, None, None);
    let mut header_lines = 0u64;
    for line in text.lines() {
        let Some(header) = line.strip_prefix('#') else { break };
        header_lines += 1;
        let Some((key, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let column = || value.parse::<usize>().ok().filter(|&c| c > 0).map(|c| c - 1);
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => {
                separator = match value.to_ascii_lowercase().as_str() {
                    "tab" | "\\t" => b'\t',
                    "comma" | "," => b',',
                    "semicolon" | ";" => b';',
                    "space" | " " => b' ',
                    "pipe" | "|" => b'|',
                    "colon" | ":" => b':',
                    other => other.bytes().next().unwrap_or(b'\t'),
                }
            }
            "html" => html = value.eq_ignore_ascii_case("true"),
            "tags column" => tags_col = column(),
            "notetype column" => notetype_col = column(),
            "guid column" => guid_col = column(),
            "deck column" => deck_col = column(),
            _ => {}
        }
    }
    let body: String = text
        .lines()
        .skip(usize::try_from(header_lines).unwrap_or(0))
        .collect::<Vec<_>>()
        .join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line()) + header_lines;
                imported.skip(line, format!("unreadable row: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line()) + header_lines;
        let get = |col: Option<usize>| col.and_then(|c| record.get(c)).map(str::to_string);
        let special = [tags_col, notetype_col, guid_col, deck_col];
        let mut fields: Vec<String> = record
            .iter()
            .enumerate()
            .filter(|(i, _)| !special.contains(&Some(*i)))
            .map(|(_, f)| if html { strip_html(f) } else { f.to_string() })
            .collect();
        while fields.last().is_some_and(|f| f.is_empty()) && fields.len() > 2 {
            fields.pop();
        }
        let notetype = get(notetype_col).unwrap_or_default().to_lowercase();
        let front = fields.first().cloned().unwrap_or_default();
        let back = fields.get(1).cloned().unwrap_or_default();
        if front.trim().is_empty() {
            imported.skip(line, "the first field (front or text) is empty");
            continue;
        }
        let mut new = card(Content::Basic {
            front: String::new(),
            back: String::new(),
        });
        let is_cloze = notetype.contains("cloze") || (notetype_col.is_none() && front.contains("{{c"));
        new.content = if is_cloze {
            match cloze_content(front) {
                Ok(content) => {
                    let extra = split_extras(&format!("\n\n{back}"), &mut new);
                    if !extra.trim().is_empty() && new.notes.is_none() {
                        new.notes = Some(extra.trim().to_string());
                    }
                    content
                }
                Err(why) => {
                    imported.skip(line, why);
                    continue;
                }
            }
        } else {
            let back = split_extras(&back, &mut new);
            if back.trim().is_empty() {
                imported.skip(line, "the back is empty (a note needs a front and a back)");
                continue;
            }
            if notetype.contains("reversed") {
                Content::Reversible { front, back }
            } else if notetype.contains("type in") {
                let mut answers = Vec::new();
                match back.split_once(ALSO_MARK) {
                    Some((first, others)) => {
                        answers.push(first.to_string());
                        answers.extend(others.split(" | ").map(str::to_string));
                    }
                    None => answers.push(back),
                }
                Content::Typed {
                    question: front,
                    answers,
                }
            } else {
                Content::Basic { front, back }
            }
        };
        for tag in get(tags_col).unwrap_or_default().split_whitespace() {
            match tag.strip_prefix("topic::") {
                Some(topic) => new.topic = Some(topic.to_string()),
                None => new.tags.push(tag.to_string()),
            }
        }
        let wanted = get(guid_col).and_then(|g| g.rsplit_once('/').map(|(_, id)| id.to_string()));
        imported.push(new, wanted);
    }
    imported
}

// ---------------------------------------------------------------- CSV

/// Reads CSV with a header row naming the columns: `front` (or `question`) and `back`
/// (or `answer`) are required; `id`, `topic`, `notes` and `tags` (space-separated) are
/// optional.
pub fn import_csv(text: &str) -> Imported {
    let mut imported = Imported::default();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            imported.skip(1, format!("unreadable header row: {e}"));
            return imported;
        }
    };
    let find = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(front_col), Some(back_col)) = (find(&["front", "question"]), find(&["back", "answer"])) else {
        imported.skip(
            1,
            format!(
                "the header row needs `front` and `back` columns, found: {}",
                headers.join(", ")
            ),
        );
        return imported;
    };
    let (id_col, topic_col, notes_col, tags_col) = (find(&["id"]), find(&["topic"]), find(&["notes"]), find(&["tags"]));
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                imported.skip(e.position().map_or(0, |p| p.line()), format!("unreadable row: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |col: Option<usize>| col.and_then(|c| record.get(c)).map(str::trim).filter(|v| !v.is_empty());
        let (Some(front), Some(back)) = (get(Some(front_col)), get(Some(back_col))) else {
            imported.skip(line, "empty front or back");
            continue;
        };
        let mut new = card(Content::Basic {
            front: front.to_string(),
            back: back.to_string(),
        });
        new.topic = get(topic_col).map(str::to_string);
        new.notes = get(notes_col).map(str::to_string);
        new.tags = get(tags_col)
            .map(|t| t.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        imported.push(new, get(id_col).map(str::to_string));
    }
    imported
}

// ---------------------------------------------------------------- Markdown

const RON_OPEN: &str = "<!-- recall: ";
const RON_CLOSE: &str = " -->";

/// Markdown Q&A: `# title`, then per card `## question` and the answer, with the card's
/// RON in an HTML comment (invisible when rendered) for exact re-import.
pub fn export_markdown(deck: &Deck) -> String {
    let mut out = format!("# {}\n", deck.title);
    for card in &deck.cards {
        let (question, answer) = card.sides(deck::Facet::Main);
        let heading = question.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        out.push_str(&format!("\n## {heading}\n\n"));
        match &card.content {
            Content::Choice { options, correct, .. } => {
                for (i, option) in options.iter().enumerate() {
                    let mark = if correct.contains(&i) { "x" } else { " " };
                    out.push_str(&format!("- [{mark}] {option}\n"));
                }
            }
            Content::Typed { answers, .. } => out.push_str(&format!("Answer: {}\n", answers.join(" | "))),
            _ => out.push_str(&format!("{answer}\n")),
        }
        if !card.points.is_empty() {
            out.push_str("\nKey points:\n");
            for point in &card.points {
                out.push_str(&format!("- {point}\n"));
            }
        }
        if let Some(notes) = &card.notes {
            out.push('\n');
            for line in notes.lines() {
                out.push_str(&format!("> {line}\n"));
            }
        }
        let ron = card_to_ron(card, "");
        if !ron.contains("-->") {
            out.push_str(&format!(
                "\n{RON_OPEN}{}{RON_CLOSE}\n",
                ron.trim_end().trim_end_matches(',')
            ));
        }
    }
    out
}

/// One card from its RON text, checked like a deck file's.
fn card_from_ron(ron: &str) -> Result<Card, String> {
    let text = format!("Deck(id: \"import\", title: \"import\", cards: [\n{ron}\n])");
    let source = Source {
        origin: Origin::File("import".into()),
        text,
    };
    match deck::parse(&source, &Rules::default()) {
        Ok(mut deck) if deck.cards.len() == 1 => Ok(deck.cards.remove(0)),
        Ok(_) => Err("the recall comment does not hold exactly one card".into()),
        Err(problems) => Err(problems.first().map_or("invalid card".into(), |p| p.message.clone())),
    }
}

/// Reads Markdown Q&A: each `## ` heading is a question, the text under it the answer.
pub fn import_markdown(text: &str) -> Imported {
    let mut imported = Imported::default();
    let mut sections: Vec<(u64, String, Vec<&str>)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            sections.push((index as u64 + 1, heading.trim().to_string(), Vec::new()));
        } else if let Some(section) = sections.last_mut() {
            section.2.push(line);
        }
    }
    for (line, heading, body) in sections {
        let body = body.join("\n");
        if let Some(start) = body.find(RON_OPEN)
            && let Some(len) = body[start..].find(RON_CLOSE)
        {
            match card_from_ron(&body[start + RON_OPEN.len()..start + len]) {
                Ok(card) => {
                    let id = card.id.clone();
                    imported.push(card, Some(id));
                }
                Err(why) => imported.skip(line, format!("the recall comment is not a valid card: {why}")),
            }
            continue;
        }
        let answer = body.trim();
        if heading.is_empty() {
            imported.skip(line, "empty question heading");
        } else if answer.is_empty() {
            imported.skip(line, "no answer under the question");
        } else {
            imported.push(
                card(Content::Basic {
                    front: heading,
                    back: answer.to_string(),
                }),
                None,
            );
        }
    }
    imported
}

pub fn import(format: Format, text: &str) -> Imported {
    match format {
        Format::Anki => import_anki(text),
        Format::Csv => import_csv(text),
        Format::Markdown => import_markdown(text),
    }
}

/// A new deck file holding `cards`.
pub fn deck_text(id: &str, title: &str, origin_note: &str, cards: &[Card]) -> String {
    let mut out = format!(
        "// {origin_note}\nDeck(\n    id: {},\n    title: {},\n    cards: [\n",
        ron_string(id),
        ron_string(title)
    );
    for card in cards {
        out.push_str(&card_to_ron(card, "        "));
    }
    out.push_str("    ],\n)\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Deck {
        let text = r#"Deck(id: "s", title: "Sample", cards: [
            Basic(id: "b", topic: "ml.metrics", front: "F1?", back: "2PR/(P+R)\nharmonic", notes: "a note", tags: ["formula", "two words"], points: ["harmonic", "range 0-1"]),
            Reversible(id: "r", front: "Capital of France", back: "Paris"),
            Cloze(id: "c", text: "The {{c1::GIL}} and \"quotes\"\tand tabs", notes: "extra"),
            Typed(id: "t", question: "Harmonic mean of P and R?", answers: ["F1", "F1 score"]),
            Choice(id: "ch", question: "Best?", options: ["x", "y"], correct: [1]),
        ])"#;
        deck::parse(
            &Source {
                origin: Origin::File("s.ron".into()),
                text: text.into(),
            },
            &Rules::default(),
        )
        .expect("sample deck")
    }

    fn strip(mut cards: Vec<Card>) -> Vec<Card> {
        cards.iter_mut().for_each(|c| {
            c.line = 0;
            c.span = 0..0;
        });
        cards
    }

    #[test]
    fn anki_round_trip_keeps_every_card() {
        let deck = sample();
        let tsv = export_anki(&deck);
        assert!(tsv.starts_with("#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#tags column:5\n"));
        let back = import_anki(&tsv);
        assert_eq!(back.skipped, []);
        let mut expected = strip(deck.cards.clone());
        // Anki has no choice note type: the choice card comes back as a basic card.
        expected[4].content = Content::Basic {
            front: "Best?\na) x\nb) y".into(),
            back: "b) y".into(),
        };
        // Tags cannot hold spaces in Anki.
        expected[0].tags[1] = "two_words".into();
        assert_eq!(strip(back.cards), expected);
    }

    #[test]
    fn markdown_round_trip_is_exact_and_reads_plain_qa() {
        let deck = sample();
        let md = export_markdown(&deck);
        assert!(md.starts_with("# Sample\n\n## F1?\n\n2PR/(P+R)\nharmonic\n"), "{md}");
        assert!(md.contains("- [ ] x\n- [x] y\n"), "{md}");
        let back = import_markdown(&md);
        assert_eq!(back.skipped, []);
        assert_eq!(strip(back.cards), strip(deck.cards));
        let plain = import_markdown("# Notes\n\n## What is MSE?\n\nMean squared error.\n\n## Empty?\n\n## Cloze?\nx\n");
        assert_eq!(plain.cards.len(), 2);
        assert_eq!(plain.cards[0].id, "mse");
        assert_eq!(
            plain.skipped,
            [Skipped {
                line: 7,
                why: "no answer under the question".into()
            }]
        );
    }

    #[test]
    fn anki_html_exports_and_bad_rows_are_handled() {
        let text = "#separator:tab\n#html:true\nFront<br>two\tBack &amp; more<div>x</div>\n\tno front\nonly front\n{{c1::cloze}} text\t\n";
        let imported = import_anki(text);
        assert_eq!(imported.cards.len(), 2);
        assert_eq!(
            imported.cards[0].content,
            Content::Basic {
                front: "Front\ntwo".into(),
                back: "Back & more\nx".into()
            }
        );
        assert!(matches!(imported.cards[1].content, Content::Cloze { .. }));
        let lines: Vec<u64> = imported.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [4, 5]);
    }

    #[test]
    fn csv_needs_front_and_back_columns_and_reports_rows() {
        let imported = import_csv("question,answer,topic,tags\n\"What, with comma?\",Yes,ml.metrics,a b\n,missing,,\n");
        assert_eq!(imported.cards.len(), 1);
        assert_eq!(imported.cards[0].topic.as_deref(), Some("ml.metrics"));
        assert_eq!(imported.cards[0].tags, ["a", "b"]);
        assert_eq!(
            imported.skipped,
            [Skipped {
                line: 3,
                why: "empty front or back".into()
            }]
        );
        let bad = import_csv("q,a\nx,y\n");
        assert!(
            bad.skipped[0].why.contains("needs `front` and `back`"),
            "{:?}",
            bad.skipped
        );
    }
}
