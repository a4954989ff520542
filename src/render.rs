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

/// Whether a line of card text opens or closes a fenced code block (```).
pub fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// Card text laid out for a terminal `width` columns wide, each line prefixed by
/// `indent`. Prose paragraphs are wrapped (counting the display width of wide and
/// combining characters); fenced code blocks (```) keep their lines as written.
pub fn layout(text: &str, width: usize, indent: &str) -> String {
    let text = escape_controls(text);
    let usable = width.saturating_sub(indent.width()).max(20);
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        let line = line.replace('\t', "    ");
        let fence = is_fence(&line);
        if fence || in_code {
            if fence {
                in_code = !in_code;
            }
            out.push_str(indent);
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
            "  one two three four\n  five six seven eight\n  nine ten eleven\n  twelve\n  ```python\n  x = [i for i in range(100)]  # a long line that must not wrap at all\n  ```\n  end\n"
        );
    }

    #[test]
    fn wide_characters_count_double() {
        let out = layout("漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字", 20, "");
        assert!(out.lines().all(|l| l.width() <= 20), "{out}");
    }
}
