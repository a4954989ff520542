//! The optional config file, `~/.config/recall/config.ron` (or `--config FILE`):
//!
//! ```ron
//! Config(
//!     new_per_day: 20,          // new cards a day
//!     reviews_per_day: 200,     // reviews a day
//!     rollover_hour: 4,         // when a study day begins (0-23, local time)
//!     deck_dirs: ["/home/me/notes/decks"],   // more deck folders
//!     interview: "2026-12-15",  // `recall quiz` plans toward this date
//!     decks: {                  // limits of a deck's own, within the overall ones
//!         "dl": (new_per_day: 5),
//!         "mine": (new_per_day: 10, reviews_per_day: 50),
//!     },
//! )
//! ```
//!
//! Every field is optional and recall works with no file at all. Flags on the command
//! line win over the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ron::extensions::Extensions;
use serde::Deserialize;

use crate::deck::{Pos, Problem};
use crate::sched::DeckLimits;

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename = "Config")]
pub struct Config {
    #[serde(default)]
    pub new_per_day: Option<usize>,
    #[serde(default)]
    pub reviews_per_day: Option<usize>,
    #[serde(default)]
    pub rollover_hour: Option<u32>,
    #[serde(default)]
    pub deck_dirs: Vec<PathBuf>,
    #[serde(default)]
    pub interview: Option<NaiveDate>,
    /// Daily limits of a deck's own, by deck id.
    #[serde(default)]
    pub decks: HashMap<String, DeckLimits>,
}

impl Config {
    /// Reads the config at `path`; a missing file is the default config.
    pub fn load(path: &Path) -> Result<Config, Problem> {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(Problem {
                    file,
                    pos: Pos::START,
                    message: format!("cannot read: {e}"),
                    line_text: None,
                });
            }
        };
        Config::parse(&file, &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Config, Problem> {
        let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
        let config: Config = options.from_str(text).map_err(|e| {
            let pos = Pos {
                line: e.span.start.line.max(1),
                col: e.span.start.col.max(1),
            };
            Problem::new(file, text, pos, crate::deck::ron_message(&e.code))
        })?;
        if let Some(hour) = config.rollover_hour
            && hour > 23
        {
            let at = text.find("rollover_hour").map_or(Pos::START, |offset| {
                let before = &text[..offset];
                Pos {
                    line: before.matches('\n').count() + 1,
                    col: before.rsplit('\n').next().map_or(0, str::len) + 1,
                }
            });
            return Err(Problem::new(
                file,
                text,
                at,
                format!("rollover_hour {hour} is out of range: use 0 to 23"),
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_optional_and_errors_have_positions() {
        assert_eq!(Config::parse("c.ron", "Config()"), Ok(Config::default()));
        let full = Config::parse(
            "c.ron",
            "Config(new_per_day: 5, reviews_per_day: 50, rollover_hour: 3, deck_dirs: [\"/d\"], interview: \"2026-12-15\")",
        )
        .expect("valid");
        assert_eq!(full.new_per_day, Some(5));
        assert_eq!(full.interview, "2026-12-15".parse().ok());
        let decks = Config::parse("c.ron", "Config(decks: {\"dl\": (new_per_day: 5)})").expect("valid");
        assert_eq!(decks.decks["dl"].new_per_day, Some(5));
        assert_eq!(decks.decks["dl"].reviews_per_day, None);
        let typo = Config::parse("c.ron", "Config(decks: {\"dl\": (new: 5)})").expect_err("unknown field");
        assert!(typo.message.contains("new"), "{}", typo.message);
        let bad = Config::parse("c.ron", "Config(\n  new_per_dya: 5,\n)").expect_err("unknown field");
        assert_eq!((bad.pos.line, bad.pos.col), (2, 3));
        assert!(bad.message.contains("new_per_dya"), "{}", bad.message);
        let hour = Config::parse("c.ron", "Config(\n    rollover_hour: 24)").expect_err("range");
        assert_eq!(
            hour.to_string(),
            "c.ron:2:5: rollover_hour 24 is out of range: use 0 to 23\n 2 |     rollover_hour: 24)\n   |     ^"
        );
    }
}
