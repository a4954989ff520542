//! `recall add`: a card from flags (for scripts) or from prompts (for people).
//!
//! Either way the fields become a checked [`Card`] here; the command then appends it
//! to the deck file with [`crate::author`] and checks the whole file again before
//! writing it.

use std::io::{self, Write};

use crate::ask;
use crate::author::new_card_id;
use crate::deck::{Card, Content, cloze};
use crate::repl::{Input, Line};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Basic,
    Reversible,
    Cloze,
    Choice,
    Typed,
}

impl Kind {
    pub const ALL: [(&'static str, Kind); 5] = [
        ("basic", Kind::Basic),
        ("reversible", Kind::Reversible),
        ("cloze", Kind::Cloze),
        ("choice", Kind::Choice),
        ("typed", Kind::Typed),
    ];

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .find(|(name, _)| *name == text.trim().to_lowercase())
            .map(|(_, k)| *k)
    }
}

/// What a card is made of, before it is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pub kind: Kind,
    pub id: Option<String>,
    pub topic: Option<String>,
    pub front: Option<String>,
    pub back: Option<String>,
    pub text: Option<String>,
    pub question: Option<String>,
    pub options: Vec<String>,
    pub correct: Vec<usize>,
    pub answers: Vec<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub points: Vec<String>,
}

fn required(value: &Option<String>, name: &str, kind: &str) -> Result<String, String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => Err(format!("a {kind} card needs --{name}")),
    }
}

/// Checks the fields and makes the card, with a new id unless one was given.
pub fn build_card(fields: &Fields, taken: &[&str]) -> Result<Card, String> {
    let content = match fields.kind {
        Kind::Basic | Kind::Reversible => {
            let kind = if fields.kind == Kind::Basic {
                "basic"
            } else {
                "reversible"
            };
            let front = required(&fields.front, "front", kind)?;
            let back = required(&fields.back, "back", kind)?;
            if fields.kind == Kind::Basic {
                Content::Basic { front, back }
            } else {
                Content::Reversible { front, back }
            }
        }
        Kind::Cloze => {
            let text = required(&fields.text, "text", "cloze")?;
            let segments = cloze::parse(&text)?;
            let numbers = cloze::numbers(&segments);
            if numbers.is_empty() {
                return Err("cloze text has no deletions: mark one as {{c1::answer}}".into());
            }
            Content::Cloze {
                text,
                segments,
                numbers,
            }
        }
        Kind::Choice => {
            let question = required(&fields.question, "question", "choice")?;
            if fields.options.len() < 2 {
                return Err("a choice card needs at least two --option".into());
            }
            if fields.correct.is_empty() {
                return Err("a choice card needs --correct (the index of a right option, from 0)".into());
            }
            if let Some(bad) = fields.correct.iter().find(|&&i| i >= fields.options.len()) {
                return Err(format!(
                    "--correct {bad} is out of range: options are numbered from 0 to {}",
                    fields.options.len() - 1
                ));
            }
            Content::Choice {
                question,
                options: fields.options.clone(),
                correct: fields.correct.clone(),
            }
        }
        Kind::Typed => {
            let question = required(&fields.question, "question", "typed")?;
            if fields.answers.is_empty() {
                return Err("a typed card needs at least one --answer".into());
            }
            Content::Typed {
                question,
                answers: fields.answers.clone(),
            }
        }
    };
    let prompt_text = match &content {
        Content::Basic { front, .. } | Content::Reversible { front, .. } => front.clone(),
        // The text as read, without the {{c1::…}} markup.
        Content::Cloze { segments, .. } => cloze::render(segments, 0).1,
        Content::Choice { question, .. } | Content::Typed { question, .. } => question.clone(),
    };
    let id = match &fields.id {
        Some(id) if taken.contains(&id.as_str()) => return Err(format!("the deck already has a card {id:?}")),
        Some(id) => id.clone(),
        None => new_card_id(&prompt_text, taken),
    };
    Ok(Card {
        id,
        topic: fields.topic.clone().filter(|t| !t.trim().is_empty()),
        content,
        notes: fields.notes.clone().filter(|n| !n.trim().is_empty()),
        tags: fields.tags.clone(),
        points: fields.points.clone(),
        line: 0,
        span: 0..0,
    })
}

/// Asks for the fields of a card, one prompt at a time, checking as it goes.
/// `Ok(None)` when the user gives up (Ctrl-C, Ctrl-D, end of input).
pub struct Prompter<'a> {
    pub input: &'a mut dyn Input,
    pub out: &'a mut dyn Write,
}

/// Marks the start and end of a multi-line answer.
const FENCE: &str = "\"\"\"";

impl Prompter<'_> {
    fn line(&mut self, prompt: &str) -> io::Result<Option<String>> {
        match self.input.read_line(prompt, self.out)? {
            Line::Text(text) => Ok(Some(text)),
            Line::Eof | Line::Interrupted => Ok(None),
        }
    }

    /// One value; `"""` on its own starts a multi-line value that ends at `"""`.
    fn value(&mut self, prompt: &str, optional: bool) -> io::Result<Option<String>> {
        loop {
            let Some(first) = self.line(prompt)? else {
                return Ok(None);
            };
            let value = if first.trim() == FENCE {
                let mut lines = Vec::new();
                loop {
                    let Some(line) = self.line("… ")? else {
                        return Ok(None);
                    };
                    if line.trim() == FENCE {
                        break;
                    }
                    lines.push(line);
                }
                lines.join("\n")
            } else {
                first.trim().to_string()
            };
            if !value.trim().is_empty() || optional {
                return Ok(Some(value));
            }
            writeln!(self.out, "  This one is required (Ctrl-C to give up).")?;
        }
    }

    /// Values one per line until an empty line.
    fn list(&mut self, prompt: &str, at_least: usize) -> io::Result<Option<Vec<String>>> {
        let mut items: Vec<String> = Vec::new();
        loop {
            let Some(item) = self.line(&format!("{prompt} {} › ", items.len() + 1))? else {
                return Ok(None);
            };
            let item = item.trim().to_string();
            if item.is_empty() {
                if items.len() >= at_least {
                    return Ok(Some(items));
                }
                writeln!(self.out, "  At least {at_least}, please.")?;
                continue;
            }
            items.push(item);
        }
    }

    /// Asks for the fields of one card. What `asking.given` holds (from flags) is
    /// kept and its prompt skipped; the previous card's kind and topic are offered as
    /// defaults.
    pub fn ask(&mut self, asking: &Asking<'_>) -> io::Result<Option<Fields>> {
        let given = asking.given;
        let mut fields = Fields {
            id: given.id.clone(),
            ..Fields::default()
        };
        let names: Vec<String> = Kind::ALL.iter().map(|(n, _)| (*n).to_string()).collect();
        let (last_kind, last_topic) = asking.last.clone().unwrap_or_default();
        fields.kind = if asking.kind_given {
            given.kind
        } else {
            self.input.complete_with(names.clone());
            let default = Kind::ALL
                .iter()
                .find(|(_, k)| *k == last_kind)
                .map_or("basic", |(n, _)| n);
            loop {
                let Some(text) = self.line(&format!("kind ({}) [{default}] › ", names.join(", ")))? else {
                    return Ok(None);
                };
                if text.trim().is_empty() {
                    break last_kind;
                }
                match Kind::parse(&text) {
                    Some(kind) => break kind,
                    None => writeln!(self.out, "  {:?} is not a kind: {}", text.trim(), names.join(", "))?,
                }
            }
        };
        fields.topic = match &given.topic {
            Some(topic) => Some(topic.clone()),
            None => {
                self.input.complete_with(asking.topics.to_vec());
                let prompt = match &last_topic {
                    Some(topic) => format!("topic (Tab completes; - for none) [{topic}] › "),
                    None => "topic (optional, Tab completes) › ".to_string(),
                };
                loop {
                    let Some(topic) = self.value(&prompt, true)? else {
                        return Ok(None);
                    };
                    match topic.as_str() {
                        "" => break last_topic.clone(),
                        "-" => break None,
                        t if crate::deck::is_valid_id(t) => break Some(t.to_string()),
                        t => {
                            writeln!(
                                self.out,
                                "  {t:?} is not a topic id (letters, digits, '-', '_', '.'). Known topics:"
                            )?;
                            let list = crate::render::layout(&asking.topics.join(", "), 80, "    ");
                            write!(self.out, "{list}")?;
                        }
                    }
                }
            }
        };
        self.input.complete_with(Vec::new());
        writeln!(
            self.out,
            "  (For several lines, type {FENCE} on its own line, then end with {FENCE}.)"
        )?;
        match fields.kind {
            Kind::Basic | Kind::Reversible => {
                let Some(front) = self.value("front › ", false)? else {
                    return Ok(None);
                };
                let Some(back) = self.value("back › ", false)? else {
                    return Ok(None);
                };
                (fields.front, fields.back) = (Some(front), Some(back));
            }
            Kind::Cloze => loop {
                let Some(text) = self.value("text with {{c1::deletions}} › ", false)? else {
                    return Ok(None);
                };
                match cloze::parse(&text).map(|s| cloze::numbers(&s)) {
                    Ok(numbers) if !numbers.is_empty() => {
                        fields.text = Some(text);
                        break;
                    }
                    Ok(_) => writeln!(self.out, "  No deletions: mark one as {{{{c1::answer}}}}.")?,
                    Err(why) => writeln!(self.out, "  {why}")?,
                }
            },
            Kind::Choice => {
                let Some(question) = self.value("question › ", false)? else {
                    return Ok(None);
                };
                let Some(options) = self.list("option", 2)? else {
                    return Ok(None);
                };
                for (i, option) in options.iter().enumerate() {
                    writeln!(self.out, "  {}) {option}", ask::option_letter(i))?;
                }
                let correct = loop {
                    let Some(text) = self.line("correct (letters, e.g. b or a c) › ")? else {
                        return Ok(None);
                    };
                    match ask::parse_choice(&text, options.len()) {
                        Ok(chosen) if !chosen.is_empty() => break chosen,
                        Ok(_) => writeln!(self.out, "  Name at least one.")?,
                        Err(why) => writeln!(self.out, "  {why}")?,
                    }
                };
                (fields.question, fields.options, fields.correct) = (Some(question), options, correct);
            }
            Kind::Typed => {
                let Some(question) = self.value("question › ", false)? else {
                    return Ok(None);
                };
                let Some(answers) = self.list("accepted answer", 1)? else {
                    return Ok(None);
                };
                (fields.question, fields.answers) = (Some(question), answers);
            }
        }
        fields.notes = match &given.notes {
            Some(notes) => Some(notes.clone()),
            None => {
                let Some(notes) = self.value("notes (optional) › ", true)? else {
                    return Ok(None);
                };
                Some(notes).filter(|n| !n.is_empty())
            }
        };
        fields.tags = if given.tags.is_empty() {
            let Some(tags) = self.value("tags (optional, separated by spaces or commas) › ", true)? else {
                return Ok(None);
            };
            tags.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        } else {
            given.tags.clone()
        };
        fields.points = if given.points.is_empty() {
            let Some(points) = self.list("key point (optional, empty to finish)", 0)? else {
                return Ok(None);
            };
            points
        } else {
            given.points.clone()
        };
        Ok(Some(fields))
    }

    /// Whether to add another card (Enter says yes). `None` at the end of input.
    pub fn another(&mut self, deck: &str) -> io::Result<bool> {
        loop {
            let Some(text) = self.line(&format!("Add another card to {deck}? [Y/n] › "))? else {
                return Ok(false);
            };
            match text.trim().to_lowercase().as_str() {
                "" | "y" | "yes" => return Ok(true),
                "n" | "no" | "q" | ":q" | ":quit" => return Ok(false),
                _ => writeln!(self.out, "  y or n, please.")?,
            }
        }
    }
}

/// What the prompts start from.
pub struct Asking<'a> {
    /// Topic ids Tab completes and a refused topic lists.
    pub topics: &'a [String],
    /// Fields given as flags: their prompts are skipped.
    pub given: &'a Fields,
    /// Whether `--kind` was given (the kind prompt is skipped).
    pub kind_given: bool,
    /// The kind and topic of the card added just before, offered as defaults.
    pub last: Option<(Kind, Option<String>)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::Piped;

    #[test]
    fn flags_make_a_checked_card() {
        let fields = Fields {
            kind: Kind::Choice,
            question: Some("Which?".into()),
            options: vec!["x".into(), "y".into()],
            correct: vec![2],
            ..Fields::default()
        };
        assert_eq!(
            build_card(&fields, &[]).expect_err("out of range"),
            "--correct 2 is out of range: options are numbered from 0 to 1"
        );
        let fields = Fields {
            front: Some("Q?".into()),
            back: Some("A".into()),
            ..Fields::default()
        };
        assert_eq!(build_card(&fields, &["q"]).expect("basic").id, "q-2");
        let fields = Fields {
            kind: Kind::Cloze,
            text: Some("The {{c1::GIL}} locks".into()),
            ..Fields::default()
        };
        assert_eq!(build_card(&fields, &[]).expect("cloze").id, "gil-locks");
        assert!(
            build_card(&Fields::default(), &[])
                .expect_err("empty")
                .contains("--front")
        );
    }

    #[test]
    fn prompts_ask_for_each_field_and_check_as_they_go() {
        let script = "cloze\nwhat topic?\nml.metrics\nno deletion\nF1 is the {{c1::harmonic}} mean\n\"\"\"\nline one\nline two\n\"\"\"\nformula, f1\nfirst point\n\n";
        let mut input = Piped(script.as_bytes());
        let mut out = Vec::new();
        let fields = Prompter {
            input: &mut input,
            out: &mut out,
        }
        .ask(&Asking {
            topics: &[],
            given: &Fields::default(),
            kind_given: false,
            last: None,
        })
        .expect("io")
        .expect("fields");
        assert_eq!(fields.kind, Kind::Cloze);
        assert_eq!(fields.topic.as_deref(), Some("ml.metrics"));
        assert_eq!(fields.text.as_deref(), Some("F1 is the {{c1::harmonic}} mean"));
        assert_eq!(fields.notes.as_deref(), Some("line one\nline two"));
        assert_eq!(fields.tags, ["formula", "f1"]);
        assert_eq!(fields.points, ["first point"]);
        let shown = String::from_utf8(out).expect("utf-8");
        assert!(shown.contains("No deletions"), "{shown}");
        assert!(shown.contains("\"what topic?\" is not a topic id"), "{shown}");
    }

    #[test]
    fn flags_given_skip_their_prompts_and_the_last_card_sets_the_defaults() {
        let given = Fields {
            kind: Kind::Choice,
            topic: Some("ml.metrics".into()),
            ..Fields::default()
        };
        let mut input = Piped("Which?\nx\ny\n\nb\n\n\n\n".as_bytes());
        let mut out = Vec::new();
        let fields = Prompter {
            input: &mut input,
            out: &mut out,
        }
        .ask(&Asking {
            topics: &[],
            given: &given,
            kind_given: true,
            last: None,
        })
        .expect("io")
        .expect("fields");
        assert_eq!(fields.kind, Kind::Choice);
        assert_eq!(fields.question.as_deref(), Some("Which?"));
        assert_eq!(fields.correct, [1]);
        let shown = String::from_utf8(out).expect("utf-8");
        assert!(!shown.contains("kind ("), "{shown}");
        assert!(!shown.contains("topic ("), "{shown}");
        // A second card: Enter keeps the last kind and topic.
        let mut input = Piped("\n\nQ?\nA\n\n\n\n".as_bytes());
        let mut out = Vec::new();
        let fields = Prompter {
            input: &mut input,
            out: &mut out,
        }
        .ask(&Asking {
            topics: &[],
            given: &Fields::default(),
            kind_given: false,
            last: Some((Kind::Reversible, Some("py.gil".into()))),
        })
        .expect("io")
        .expect("fields");
        assert_eq!(fields.kind, Kind::Reversible);
        assert_eq!(fields.topic.as_deref(), Some("py.gil"));
        let shown = String::from_utf8(out).expect("utf-8");
        assert!(shown.contains("[reversible] › "), "{shown}");
        assert!(shown.contains("[py.gil] › "), "{shown}");
    }
}
