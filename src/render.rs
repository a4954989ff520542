//! Card text on a terminal: escaped, wrapped, code kept as written.
//!
//! Deck files are untrusted text. A card could carry terminal control sequences that
//! would move the cursor, change colours or retitle the window, so every control
//! character is shown escaped (`\u{1b}`) and never reaches the terminal raw.

use unicode_width::UnicodeWidthStr;

/// Replaces every control character except newline and tab with its Rust escape.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Where highlighted text starts and ends in text given to [`layout`]: characters of
/// Unicode's private use area, which no card text means, replaced by the caller with
/// a style once the text is wrapped (escape codes would be escaped, and would count as
/// width).
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

/// Whether a line of card text opens or closes a fenced code block (```).
pub fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// Card text laid out for a terminal `width` columns wide, each line prefixed by
/// `indent`. Prose paragraphs are wrapped (counting the display width of wide and
/// combining characters); fenced code blocks (```) keep their lines as written, set
/// in by two more columns, and the fence lines themselves are not shown.
pub fn layout(text: &str, width: usize, indent: &str) -> String {
    let text = escape_controls(text);
    let usable = width.saturating_sub(indent.width()).max(20);
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        let line = line.replace('\t', "    ");
        if is_fence(&line) {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(indent);
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
            continue;
        }
        if line.trim().is_empty() {
            out.push('\n');
            continue;
        }
        let options = textwrap::Options::new(usable)
            .initial_indent(indent)
            .subsequent_indent(indent)
            .break_words(true);
        for wrapped in textwrap::wrap(&line, options) {
            out.push_str(&wrapped);
            out.push('\n');
        }
    }
    out
}

/// One line of a report wrapped to `width` columns: continuation lines hang under the
/// line's own indent plus two, so an item's wrapped text stays visibly its own.
/// The result ends with a newline.
pub fn hanging(line: &str, width: usize) -> String {
    if line.width() <= width {
        return format!("{line}\n");
    }
    let rest = line.trim_start_matches(' ');
    let indent = " ".repeat(line.len() - rest.len());
    let more = format!("{indent}  ");
    let options = textwrap::Options::new(width.max(20))
        .initial_indent(&indent)
        .subsequent_indent(&more)
        .break_words(true);
    let mut out = String::new();
    for wrapped in textwrap::wrap(rest, options) {
        out.push_str(&wrapped);
        out.push('\n');
    }
    out
}

/// A duration as people say it: `25s`, `1m 05s`, `1h 02m`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

/// The first line of `text`, escaped and cut to `width` columns at a word, with `…`
/// where it was cut.
pub fn one_line(text: &str, width: usize) -> String {
    let line = escape_controls(text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim());
    let cut = text.lines().filter(|l| !l.trim().is_empty()).count() > 1;
    if line.width() <= width && !cut {
        return line;
    }
    let mut kept = String::new();
    for word in line.split(' ') {
        let next = if kept.is_empty() {
            word.to_string()
        } else {
            format!("{kept} {word}")
        };
        if next.width() + 1 > width {
            break;
        }
        kept = next;
    }
    if kept.is_empty() {
        // One long word: cut it by characters.
        for c in line.chars() {
            if kept.width() + c.to_string().width() + 1 > width {
                break;
            }
            kept.push(c);
        }
    }
    format!("{}…", kept.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\u{1b}[2Jb\u{7}\n"), "a\\u{1b}[2Jb\\u{7}\n");
    }

    #[test]
    fn prose_wraps_and_code_does_not() {
        let text = "one two three four five six seven eight nine ten eleven twelve\n```python\nx = [i for i in range(100)]  # a long line that must not wrap at all\n```\nend";
        let out = layout(text, 24, "  ");
        assert_eq!(
            out,
            "  one two three four\n  five six seven eight\n  nine ten eleven\n  twelve\n    x = [i for i in range(100)]  # a long line that must not wrap at all\n  end\n"
        );
    }

    #[test]
    fn report_lines_wrap_under_their_own_indent() {
        assert_eq!(hanging("  short", 20), "  short\n");
        assert_eq!(
            hanging("  ml/b (grade 1): What is the bias-variance trade-off?", 30),
            "  ml/b (grade 1): What is the\n    bias-variance trade-off?\n"
        );
        assert!(hanging(&"x ".repeat(100), 30).lines().all(|l| l.width() <= 30));
    }

    #[test]
    fn durations_read_as_spoken() {
        let shown: Vec<String> = [0, 25, 60, 95, 3600, 3725].map(duration).into();
        assert_eq!(shown, ["0s", "25s", "1m 00s", "1m 35s", "1h 00m", "1h 02m"]);
    }

    #[test]
    fn one_line_cuts_at_a_word() {
        assert_eq!(one_line("short", 20), "short");
        assert_eq!(
            one_line("What is the bias-variance trade-off, exactly?", 20),
            "What is the…"
        );
        assert_eq!(one_line("first\nsecond", 20), "first…");
        assert_eq!(one_line("abcdefghijklmnopqrstuvwxyz", 10), "abcdefghi…");
        assert!(one_line("What is the bias-variance trade-off, exactly?", 20).width() <= 20);
    }

    #[test]
    fn wide_characters_count_double() {
        let out = layout("漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字", 20, "");
        assert!(out.lines().all(|l| l.width() <= 20), "{out}");
    }
}
