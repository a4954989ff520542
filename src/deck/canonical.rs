//! `recall deck fmt`: one canonical layout for deck files, comments kept.
//!
//! Structs with fields (the deck, each card) put one field per line, indented four
//! spaces a level, each followed by a comma; short lists stay on one line. Strings
//! are kept exactly as written (raw strings too), and so is every comment: a comment
//! that ended a line still ends it, one on its own line stays on its own line, and a
//! blank line before it or before a card is kept (one at most). Formatting twice
//! gives the same text as formatting once.

use super::layout::{Kind, Token, tokenize};

/// The canonical layout of a deck file's text. The text should parse as a deck; the
/// caller checks that the result still does and means the same.
pub fn format(text: &str) -> String {
    let tokens = tokenize(text);
    let (close, multi) = structure(&tokens);
    let mut printer = Printer {
        tokens: &tokens,
        text,
        close,
        multi,
        out: String::new(),
        indent: 0,
    };
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind == Kind::Comment {
            printer.own_line_comment(i, !printer.out.is_empty());
            i += 1;
        } else {
            if !printer.out.is_empty() {
                printer.newline(tokens[i].breaks_before >= 2);
            }
            i = printer.value(i);
        }
    }
    let mut out = printer.out.trim_end().to_string();
    out.push('\n');
    out
}

/// For each opening bracket: the index of its closing one, and whether it is laid out
/// on several lines (a struct with fields, anything holding a multi-line group or a
/// comment).
fn structure(tokens: &[Token]) -> (Vec<Option<usize>>, Vec<bool>) {
    let mut close = vec![None; tokens.len()];
    let mut multi = vec![false; tokens.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        match tok.kind {
            Kind::Open(_) => stack.push(i),
            Kind::Close => {
                if let Some(open) = stack.pop() {
                    close[open] = Some(i);
                    if multi[open]
                        && let Some(&parent) = stack.last()
                    {
                        multi[parent] = true;
                    }
                }
            }
            Kind::Comment => {
                for &open in &stack {
                    multi[open] = true;
                }
            }
            Kind::Colon => {
                if let Some(&open) = stack.last() {
                    multi[open] = true;
                }
            }
            _ => {}
        }
    }
    (close, multi)
}

struct Printer<'a> {
    tokens: &'a [Token],
    text: &'a str,
    close: Vec<Option<usize>>,
    multi: Vec<bool>,
    out: String,
    indent: usize,
}

impl Printer<'_> {
    fn source(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        self.text[t.offset..t.end].trim_end()
    }

    fn newline(&mut self, blank: bool) {
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed);
        if blank && !self.out.ends_with("\n\n") && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.push('\n');
        self.out.push_str(&"    ".repeat(self.indent));
    }

    fn own_line_comment(&mut self, i: usize, after_something: bool) {
        if after_something {
            self.newline(self.tokens[i].breaks_before >= 2);
        }
        let comment = self.source(i).to_string();
        self.out.push_str(&comment);
    }

    /// Comments inside a value (rare): each written where it stands, then a new line.
    fn inner_comments(&mut self, mut i: usize) -> usize {
        while self.tokens.get(i).is_some_and(|t| t.kind == Kind::Comment) {
            let comment = self.source(i).to_string();
            self.out.push_str(&comment);
            self.newline(false);
            i += 1;
        }
        i
    }

    /// Writes the value starting at token `i`; returns the index after it.
    fn value(&mut self, i: usize) -> usize {
        let i = self.inner_comments(i);
        let Some(tok) = self.tokens.get(i) else { return i };
        match tok.kind {
            Kind::Open(_) => self.group(i),
            _ => {
                let atom = self.source(i).to_string();
                self.out.push_str(&atom);
                // A struct or variant name directly followed by its parenthesis.
                match self.tokens.get(i + 1) {
                    Some(next) if next.kind == Kind::Open('(') && next.breaks_before == 0 && next.offset == tok.end => {
                        self.group(i + 1)
                    }
                    _ => i + 1,
                }
            }
        }
    }

    /// Writes a bracketed group starting at its opening token `open`.
    fn group(&mut self, open: usize) -> usize {
        let Some(close) = self.close[open] else {
            // Unbalanced: write the rest as it is.
            let rest = self.text[self.tokens[open].offset..].to_string();
            self.out.push_str(&rest);
            return self.tokens.len();
        };
        let open_text = self.source(open).to_string();
        let close_text = self.source(close).to_string();
        self.out.push_str(&open_text);
        if !self.multi[open] {
            let mut i = open + 1;
            while i < close {
                i = self.item(i);
                if self.tokens[i].kind == Kind::Comma {
                    i += 1;
                    if i < close {
                        self.out.push_str(", ");
                    }
                }
            }
            self.out.push_str(&close_text);
            return close + 1;
        }
        self.indent += 1;
        let mut i = open + 1;
        let mut first = true;
        let mut after_item = false;
        while i < close {
            let tok = &self.tokens[i];
            if tok.kind == Kind::Comment {
                if after_item && tok.breaks_before == 0 {
                    self.out.push(' ');
                    let comment = self.source(i).to_string();
                    self.out.push_str(&comment);
                } else {
                    self.newline(!first && tok.breaks_before >= 2);
                    let comment = self.source(i).to_string();
                    self.out.push_str(&comment);
                }
                first = false;
                after_item = false;
                i += 1;
                continue;
            }
            if tok.kind == Kind::Comma {
                // A stray comma (e.g. after a comment); the item already has one.
                i += 1;
                continue;
            }
            self.newline(!first && tok.breaks_before >= 2);
            i = self.item(i);
            self.out.push(',');
            if i < close && self.tokens[i].kind == Kind::Comma {
                i += 1;
            }
            first = false;
            after_item = true;
        }
        self.indent -= 1;
        self.newline(false);
        self.out.push_str(&close_text);
        close + 1
    }

    /// One element of a group: `name: value` or a value.
    fn item(&mut self, i: usize) -> usize {
        let is_field =
            self.tokens[i].kind == Kind::Ident && self.tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Colon);
        if is_field {
            let name = self.source(i).to_string();
            self.out.push_str(&name);
            self.out.push_str(": ");
            return self.value(i + 2);
        }
        self.value(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSY: &str = r##"// Head comment

Deck(id:"d",   title: "T", // trailing on title
  cards:[ Basic(id:"a",front:"Q",back:r#"raw
  keeps   spacing"#, tags:[ "x","y" ,]),

    // about b
    Basic( id: "b", front: "Q2", back: "A2" )
  ]
)
// tail
"##;

    const CANONICAL: &str = r##"// Head comment

Deck(
    id: "d",
    title: "T", // trailing on title
    cards: [
        Basic(
            id: "a",
            front: "Q",
            back: r#"raw
  keeps   spacing"#,
            tags: ["x", "y"],
        ),

        // about b
        Basic(
            id: "b",
            front: "Q2",
            back: "A2",
        ),
    ],
)
// tail
"##;

    #[test]
    fn formats_to_the_canonical_layout_keeping_comments() {
        assert_eq!(format(MESSY), CANONICAL);
    }

    #[test]
    fn formatting_is_idempotent() {
        assert_eq!(format(CANONICAL), CANONICAL);
        let skeleton = crate::author::skeleton("mine", "Mine");
        assert_eq!(format(&format(&skeleton)), format(&skeleton));
    }

    #[test]
    fn numbers_and_lists_of_numbers_stay_whole() {
        let text = "Deck(id: \"d\", title: \"T\", stage: 12, cards: [Choice(id: \"c\", question: \"Q\", options: [\"a\", \"b\"], correct: [0, 1])])\n";
        let out = format(text);
        assert!(out.contains("    stage: 12,\n"), "{out}");
        assert!(out.contains("            correct: [0, 1],\n"), "{out}");
    }
}
