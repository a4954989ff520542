//! The roadmap: the learning track the built-in decks follow.
//!
//! It is data (`decks/roadmap.ron`, compiled in) rather than code so the track can be
//! improved without touching the program. It gives every topic a stage and a place in
//! the order in which a learner meets new cards.

use serde::Deserialize;

use crate::deck::{Pos, Problem};

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub number: u8,
    pub title: String,
    pub duration: String,
    pub focus: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub topics: Vec<Topic>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub stage: u8,
    pub title: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Roadmap {
    pub stages: Vec<Stage>,
    pub sections: Vec<Section>,
}

/// The roadmap shipped with recall.
pub const BUILTIN: &str = include_str!("../decks/roadmap.ron");
pub const BUILTIN_FILE: &str = "decks/roadmap.ron";

impl Roadmap {
    pub const MAX_STAGE: u8 = 5;

    pub fn parse(file: &str, text: &str) -> Result<Roadmap, Problem> {
        let roadmap: Roadmap = ron::from_str(text).map_err(|e| {
            let pos = Pos {
                line: e.span.start.line.max(1),
                col: e.span.start.col.max(1),
            };
            Problem::new(file, text, pos, crate::deck::ron_message(&e.code))
        })?;
        let mut seen = std::collections::HashSet::new();
        for section in &roadmap.sections {
            for topic in &section.topics {
                let fault = if !seen.insert(topic.id.as_str()) {
                    Some("duplicate topic id")
                } else if !topic.id.starts_with(&format!("{}.", section.id)) {
                    Some("topic id does not start with its section's id")
                } else if !(1..=Self::MAX_STAGE).contains(&topic.stage) {
                    Some("stage out of range")
                } else {
                    None
                };
                if let Some(fault) = fault {
                    let pos = find(text, &format!("\"{}\"", topic.id));
                    return Err(Problem::new(file, text, pos, format!("{fault}: {:?}", topic.id)));
                }
            }
        }
        Ok(roadmap)
    }

    /// The roadmap compiled into the binary. It is checked by the test suite, so a
    /// failure here is a build defect, reported as an error rather than a panic.
    pub fn builtin() -> Result<Roadmap, Problem> {
        Roadmap::parse(BUILTIN_FILE, BUILTIN)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics().find(|t| t.id == id)
    }

    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.sections.iter().flat_map(|s| s.topics.iter())
    }

    /// The rank of a topic in learning order: its stage, then the section's place,
    /// then the topic's place. Unknown topics rank after every known one.
    pub fn topic_rank(&self, id: &str) -> (u8, usize, usize) {
        for (s, section) in self.sections.iter().enumerate() {
            if let Some((t, topic)) = section.topics.iter().enumerate().find(|(_, t)| t.id == id) {
                return (topic.stage, s, t);
            }
        }
        (u8::MAX, usize::MAX, usize::MAX)
    }
}

fn find(text: &str, needle: &str) -> Pos {
    text.find(needle).map_or(Pos::START, |offset| {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Pos { line, col }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_roadmap_is_valid_and_complete() {
        let roadmap = Roadmap::builtin().expect("valid roadmap");
        assert_eq!(roadmap.stages.len(), 5);
        assert_eq!(roadmap.sections.len(), 10);
        assert_eq!(roadmap.topics().count(), 79);
        assert_eq!(roadmap.topic_rank("de.sql").0, 1);
        assert!(roadmap.topic_rank("cs.ds") < roadmap.topic_rank("ml.metrics"));
    }
}
