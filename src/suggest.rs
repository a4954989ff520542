//! "Did you mean …?" for names typed on the command line: card keys, deck ids,
//! topics, sections and tags. strsim's Jaro–Winkler similarity (the measure clap uses
//! for mistyped flags) favours a shared beginning, which is how ids go wrong: a
//! dropped or swapped letter near the end, a missing plural.

/// How alike two names must be to be offered: below this the "suggestion" is more
/// likely to confuse than help.
const LEAST_SIMILARITY: f64 = 0.8;

/// The candidate most like `typed`, if any is close enough. Ties go to the first.
pub fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == typed {
            continue;
        }
        let score = strsim::jaro_winkler(typed, candidate);
        if score >= LEAST_SIMILARITY && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The tail of an error message: `; did you mean X?`, or nothing.
pub fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_deref()
        .map(|s| format!("; did you mean {s}?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_the_name_meant() {
        let keys = ["cs/hash-table-complexity", "cs/heap", "ml/f1-formula"];
        assert_eq!(
            nearest("cs/hash-table-complexty", keys),
            Some("cs/hash-table-complexity")
        );
        assert_eq!(nearest("ml.metric", ["ml.metrics", "ml.math"]), Some("ml.metrics"));
        assert_eq!(nearest("mine", ["mien", "ml"]), Some("mien"));
    }

    #[test]
    fn nothing_is_offered_when_nothing_is_close() {
        assert_eq!(nearest("kubernetes", ["ml", "cs", "py"]), None);
        assert_eq!(nearest("x", std::iter::empty()), None);
        assert_eq!(did_you_mean(&None), "");
        assert_eq!(did_you_mean(&Some("a".into())), "; did you mean a?");
    }
}
