//! `recall plan`: the roadmap drawn with the learner's progress through it.
//!
//! Pure: it takes the library and the schedules and returns counts; drawing goes to
//! any `impl Write`.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::catalog::Catalog;
use crate::deck::CardKey;
use crate::roadmap::Roadmap;
use crate::sched::Maturity;

/// Card counts by maturity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub cards: usize,
    pub new: usize,
    pub learning: usize,
    pub mature: usize,
}

impl Counts {
    fn add(&mut self, maturity: Maturity) {
        self.cards += 1;
        match maturity {
            Maturity::New => self.new += 1,
            Maturity::Learning => self.learning += 1,
            Maturity::Mature => self.mature += 1,
        }
    }

    fn merge(&mut self, other: Counts) {
        self.cards += other.cards;
        self.new += other.new;
        self.learning += other.learning;
        self.mature += other.mature;
    }

    /// The share of cards mastered (mature), 0–100.
    pub fn mastered_percent(self) -> u32 {
        if self.cards == 0 {
            return 0;
        }
        u32::try_from(self.mature * 100 / self.cards).unwrap_or(100)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopicRow {
    pub id: String,
    pub title: String,
    pub section: String,
    pub stage: u8,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageRow {
    pub number: u8,
    pub title: String,
    pub duration: String,
    pub focus: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub stages: Vec<StageRow>,
    pub topics: Vec<TopicRow>,
    /// Cards of the user's own decks whose topic is not on the roadmap.
    pub outside: Counts,
    /// The roadmap's cards as written in the decks. The counts above are of sides: a
    /// reversible card is studied as two, a cloze card as one per deletion.
    pub cards_written: usize,
}

impl Plan {
    /// The plan of the decks in the catalog (every card: the plan has no scope).
    pub fn build(catalog: &Catalog, schedules: &crate::sched::Schedules) -> Plan {
        let roadmap = &catalog.roadmap;
        let mut by_topic: HashMap<&str, Counts> = HashMap::new();
        let mut outside = Counts::default();
        let mut cards_written = 0;
        for entry in &catalog.decks {
            let deck = &entry.deck;
            // Whether each of the deck's topics is on the roadmap, worked out once.
            let on_roadmap: Vec<bool> = deck.topics.iter().map(|t| roadmap.topic(t).is_some()).collect();
            for (c, card) in deck.cards.iter().enumerate() {
                let topic = card
                    .topic
                    .filter(|&t| on_roadmap[usize::from(t)])
                    .map(|t| deck.topics[usize::from(t)].as_str());
                if topic.is_some() {
                    cards_written += 1;
                }
                let id = deck.card_id(c);
                for facet in card.facets() {
                    let maturity = Maturity::of(schedules.get(&CardKey::with_facet(&deck.id, id, facet)));
                    match topic {
                        Some(topic) => by_topic.entry(topic).or_default().add(maturity),
                        None => outside.add(maturity),
                    }
                }
            }
        }
        let topics: Vec<TopicRow> = roadmap
            .sections
            .iter()
            .flat_map(|section| {
                section.topics.iter().map(|topic| TopicRow {
                    id: topic.id.clone(),
                    title: topic.title.clone(),
                    section: section.id.clone(),
                    stage: topic.stage,
                    counts: by_topic.get(topic.id.as_str()).copied().unwrap_or_default(),
                })
            })
            .collect();
        let stages = roadmap
            .stages
            .iter()
            .map(|stage| {
                let mut counts = Counts::default();
                for t in topics.iter().filter(|t| t.stage == stage.number) {
                    counts.merge(t.counts);
                }
                StageRow {
                    number: stage.number,
                    title: stage.title.clone(),
                    duration: stage.duration.clone(),
                    focus: stage.focus.clone(),
                    counts,
                }
            })
            .collect();
        Plan {
            cards_written,
            stages,
            topics,
            outside,
        }
    }

    /// Draws the plan: each stage with its sections and topics, counts and a bar of
    /// the share mastered.
    pub fn draw(&self, roadmap: &Roadmap, out: &mut dyn Write) -> io::Result<()> {
        let mut total = Counts::default();
        for stage in &self.stages {
            total.merge(stage.counts);
        }
        writeln!(
            out,
            "The ML engineer roadmap: {} sides to study ({} cards) · {} new · {} learning · {} mature ({}% mastered)",
            total.cards,
            self.cards_written,
            total.new,
            total.learning,
            total.mature,
            total.mastered_percent()
        )?;
        // The id column fits the longest topic id, the title takes the rest of the 41
        // columns the two share, so the counts line up under the section headers.
        let id_width = self.topics.iter().map(|t| t.id.width()).max().unwrap_or(0).max(14);
        let title_width = 41usize.saturating_sub(id_width).max(10);
        for stage in &self.stages {
            writeln!(out)?;
            writeln!(
                out,
                "Stage {} · {} ({}): {}  {}",
                stage.number,
                stage.title,
                stage.duration,
                stage.focus,
                bar(stage.counts)
            )?;
            for section in &roadmap.sections {
                let rows: Vec<&TopicRow> = self
                    .topics
                    .iter()
                    .filter(|t| t.stage == stage.number && t.section == section.id)
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                writeln!(
                    out,
                    "  {:<45} sides new lrn mat  mastered",
                    format!("{} · {}", section.id, section.title)
                )?;
                for row in rows {
                    // The roadmap's titles say "Name: details"; the name fits the column.
                    let name = row.title.split(':').next().unwrap_or(&row.title);
                    let title = clip(name, title_width);
                    let pad = " ".repeat(title_width.saturating_sub(title.width()));
                    writeln!(
                        out,
                        "    {:<id_width$} {title}{pad} {:>4} {:>3} {:>3} {:>3}  {}",
                        row.id,
                        row.counts.cards,
                        row.counts.new,
                        row.counts.learning,
                        row.counts.mature,
                        bar(row.counts)
                    )?;
                }
            }
        }
        if self.outside.cards > 0 {
            writeln!(out)?;
            writeln!(
                out,
                "Outside the roadmap: {} sides · {} new · {} learning · {} mature",
                self.outside.cards, self.outside.new, self.outside.learning, self.outside.mature
            )?;
        }
        Ok(())
    }
}

/// Ten cells: mastered (█), learning (▒), new (░), and the mastered share.
fn bar(counts: Counts) -> String {
    const CELLS: usize = 10;
    if counts.cards == 0 {
        return format!("{} –", "·".repeat(CELLS));
    }
    let mature = counts.mature * CELLS / counts.cards;
    let learning = ((counts.mature + counts.learning) * CELLS / counts.cards).saturating_sub(mature);
    let new = CELLS - mature - learning;
    format!(
        "{}{}{} {:>3}%",
        "█".repeat(mature),
        "▒".repeat(learning),
        "░".repeat(new),
        counts.mastered_percent()
    )
}

fn clip(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) >= width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_show_mature_then_learning_then_new() {
        let c = Counts {
            cards: 10,
            new: 5,
            learning: 3,
            mature: 2,
        };
        assert_eq!(bar(c), "██▒▒▒░░░░░  20%");
        assert_eq!(bar(Counts::default()), "·········· –");
    }

    #[test]
    fn long_titles_are_clipped_to_the_column() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
