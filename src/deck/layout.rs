//! Where things are in a deck file's text.
//!
//! RON's parser reports positions only for the errors it finds itself. recall's own
//! checks (a duplicate card id, an empty answer) must point at a line and column too,
//! and the authoring commands must know where a card starts and where the card list
//! ends, so this module scans the text once more: strings and comments are skipped,
//! brackets are counted, and each card of the `cards` list is located with its fields.
//! It runs mostly on text that RON has already accepted, so it may stay simple; on a
//! file RON refused it still finds what it can (each card's extent, for checking the
//! cards one by one).

/// A 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    /// Where byte `at` of `bytes` sits, counting columns in characters of the valid
    /// text before it (for a byte that is not UTF-8, which has no position in a `str`).
    pub fn of_byte(bytes: &[u8], at: usize) -> Pos {
        let before = &bytes[..at.min(bytes.len())];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        Pos {
            line: before.iter().filter(|&&b| b == b'\n').count() + 1,
            col: String::from_utf8_lossy(&before[line_start..]).chars().count() + 1,
        }
    }
}

/// A `name: value` pair of a struct, with where its name and value start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub at: Pos,
    pub value_at: Pos,
}

/// One element of the deck's `cards` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardLayout {
    pub start: Pos,
    pub fields: Vec<Field>,
    /// Byte offsets of the card's text: its variant name to its closing bracket.
    pub span: std::ops::Range<usize>,
}

impl CardLayout {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The fields of the deck itself and the layout of each card, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub deck_fields: Vec<Field>,
    pub cards: Vec<CardLayout>,
    /// Byte offset of the `]` that closes the card list.
    pub cards_end: Option<usize>,
    /// Byte offset just after the last card, and whether a comma follows it.
    pub last_card_end: Option<usize>,
    pub trailing_comma: bool,
}

impl Layout {
    pub fn deck_field(&self, name: &str) -> Option<&Field> {
        self.deck_fields.iter().find(|f| f.name == name)
    }

    pub fn scan(text: &str) -> Layout {
        let tokens: Vec<Token> = tokenize(text).into_iter().filter(|t| t.kind != Kind::Comment).collect();
        let mut layout = Layout::default();
        let mut depth = 0usize;
        // Depth of the `cards` list's contents, once inside it.
        let mut in_cards: Option<usize> = None;
        let mut expect_item = false;
        let mut pending_cards_list = false;
        // Just after a card closed: a card starting here lacks the comma before it, and
        // is still a card of its own (for the checks that run after a syntax error).
        let mut after_card = false;
        for (i, tok) in tokens.iter().enumerate() {
            let next = tokens.get(i + 1);
            let is_field = tok.kind == Kind::Ident && matches!(next, Some(t) if t.kind == Kind::Colon);
            // A card starts with its variant name, or its `(` when written without one.
            let starts_card = matches!(tok.kind, Kind::Open(_)) || (tok.kind == Kind::Ident && !is_field);
            let card_closed_before = std::mem::take(&mut after_card);
            if starts_card && (expect_item || card_closed_before) && in_cards == Some(depth) {
                layout.cards.push(CardLayout {
                    start: tok.at,
                    fields: Vec::new(),
                    span: tok.offset..tok.end,
                });
                expect_item = false;
            }
            match tok.kind {
                Kind::Open(c) => {
                    depth += 1;
                    if pending_cards_list && c == '[' {
                        in_cards = Some(depth);
                        expect_item = true;
                    }
                    pending_cards_list = false;
                }
                Kind::Close => {
                    if in_cards == Some(depth) {
                        layout.cards_end = Some(tok.offset);
                        in_cards = None;
                    } else if in_cards.is_some_and(|d| depth == d + 1) {
                        layout.last_card_end = Some(tok.offset + 1);
                        layout.trailing_comma = false;
                        if let Some(card) = layout.cards.last_mut() {
                            card.span.end = tok.offset + 1;
                        }
                        after_card = true;
                    }
                    depth = depth.saturating_sub(1);
                }
                Kind::Comma => {
                    if in_cards == Some(depth) {
                        expect_item = true;
                        layout.trailing_comma = true;
                    }
                }
                Kind::Ident => {
                    if is_field {
                        let field = Field {
                            name: tok.text.clone(),
                            at: tok.at,
                            value_at: tokens.get(i + 2).map_or(tok.at, |t| t.at),
                        };
                        if depth == 1 {
                            pending_cards_list = field.name == "cards";
                            layout.deck_fields.push(field);
                        } else if let Some(d) = in_cards
                            && depth == d + 1
                            && let Some(card) = layout.cards.last_mut()
                        {
                            card.fields.push(field);
                        }
                    }
                }
                Kind::Colon | Kind::Other | Kind::Comment => {}
            }
        }
        layout
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Open(char),
    Close,
    Comma,
    Colon,
    Ident,
    /// A line or block comment (kept by the formatter, skipped by the scan).
    Comment,
    /// A string, number or any other atom.
    Other,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) text: String,
    pub(crate) at: Pos,
    pub(crate) offset: usize,
    /// Byte offset just after the token.
    pub(crate) end: usize,
    /// How many line breaks come between the previous token and this one.
    pub(crate) breaks_before: usize,
}

/// A cursor over the text that keeps the line and column of where it stands.
struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    pos: Pos,
}

impl Cursor<'_> {
    fn bump(&mut self) -> Option<(usize, char)> {
        let (i, c) = self.chars.next()?;
        if c == '\n' {
            self.pos.line += 1;
            self.pos.col = 1;
        } else {
            self.pos.col += 1;
        }
        Some((i, c))
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }
}

pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut cur = Cursor {
        chars: text.char_indices().peekable(),
        pos: Pos::START,
    };
    let mut tokens = Vec::new();
    let mut breaks = 0;
    while let Some(c) = cur.peek() {
        let at = cur.pos;
        let Some((offset, _)) = cur.bump() else { break };
        let kind = match c {
            '\n' => {
                breaks += 1;
                continue;
            }
            c if c.is_whitespace() => continue,
            '/' if cur.peek() == Some('/') => {
                while cur.peek().is_some_and(|c| c != '\n') {
                    cur.bump();
                }
                Kind::Comment
            }
            '/' if cur.peek() == Some('*') => {
                skip_block_comment(&mut cur);
                Kind::Comment
            }
            '"' => {
                skip_string(&mut cur);
                Kind::Other
            }
            'r' if matches!(cur.peek(), Some('#' | '"')) => {
                skip_raw_string(&mut cur);
                Kind::Other
            }
            '(' | '[' | '{' => Kind::Open(c),
            ')' | ']' | '}' => Kind::Close,
            ',' => Kind::Comma,
            ':' => Kind::Colon,
            c if c.is_alphabetic() || c == '_' => {
                while cur.peek().is_some_and(|n| n.is_alphanumeric() || n == '_') {
                    cur.bump();
                }
                Kind::Ident
            }
            _ => {
                // Numbers and other atoms: one token up to the next delimiter.
                while cur
                    .peek()
                    .is_some_and(|n| n.is_alphanumeric() || matches!(n, '.' | '_' | '+' | '-'))
                {
                    cur.bump();
                }
                Kind::Other
            }
        };
        let end = cur.chars.peek().map_or(text.len(), |&(i, _)| i);
        let text_of = if kind == Kind::Ident {
            text[offset..end].to_string()
        } else {
            String::new()
        };
        tokens.push(Token {
            kind,
            text: text_of,
            at,
            offset,
            end,
            breaks_before: breaks,
        });
        breaks = 0;
    }
    tokens
}

fn skip_block_comment(cur: &mut Cursor<'_>) {
    cur.bump(); // the '*'
    let mut depth = 1;
    while let Some((_, c)) = cur.bump() {
        match c {
            '*' if cur.peek() == Some('/') => {
                cur.bump();
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            '/' if cur.peek() == Some('*') => {
                cur.bump();
                depth += 1;
            }
            _ => {}
        }
    }
}

fn skip_string(cur: &mut Cursor<'_>) {
    while let Some((_, c)) = cur.bump() {
        match c {
            '\\' => {
                cur.bump();
            }
            '"' => return,
            _ => {}
        }
    }
}

fn skip_raw_string(cur: &mut Cursor<'_>) {
    let mut hashes = 0;
    while cur.peek() == Some('#') {
        cur.bump();
        hashes += 1;
    }
    if cur.peek() != Some('"') {
        return; // a raw identifier, not a string
    }
    cur.bump();
    'body: while let Some((_, c)) = cur.bump() {
        if c == '"' {
            for _ in 0..hashes {
                if cur.peek() != Some('#') {
                    continue 'body;
                }
                cur.bump();
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r##"// a deck
Deck(
    id: "d", /* block /* nested */ comment */
    title: "T: with (brackets] and \" quotes",
    cards: [
        Basic(id: "a", front: "x", back: r#"raw "( string"#),
        // cards: [ in a comment
        Basic(
            id: "b",
            front: "ünïcode",
            back: "",
        ),
    ],
)
"##;

    #[test]
    fn finds_cards_and_fields() {
        let layout = Layout::scan(TEXT);
        let names: Vec<&str> = layout.deck_fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "title", "cards"]);
        assert_eq!(layout.cards.len(), 2);
        assert_eq!(layout.cards[0].start, Pos { line: 6, col: 9 });
        assert_eq!(layout.cards[1].start, Pos { line: 8, col: 9 });
        let back = layout.cards[1].field("back").expect("back");
        assert_eq!(back.at, Pos { line: 11, col: 13 });
        assert_eq!(back.value_at, Pos { line: 11, col: 19 });
        let front = layout.cards[0].field("front").expect("front");
        assert_eq!(front.value_at, Pos { line: 6, col: 31 });
        assert!(layout.trailing_comma);
        let last = layout.last_card_end.expect("last card");
        assert!(TEXT[..last].ends_with("back: \"\",\n        )"));
        let end = layout.cards_end.expect("end");
        assert_eq!(&TEXT[end..end + 1], "]");
        assert!(TEXT[..end].ends_with("),\n    "));
    }
}

/// Where one card of a deck's `cards` list is: its bytes (variant name to closing
/// bracket) and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardSpan {
    pub bytes: std::ops::Range<usize>,
    pub line: usize,
}

/// The cards of a deck file RON has accepted, found in one pass over its bytes with no
/// allocation but the result: what loading a deck needs (each card's line, and where
/// its text is for the cache), at a fraction of the cost of [`Layout::scan`], which
/// also records every field and is kept for problem reports and editing.
pub fn card_spans(text: &str) -> Vec<CardSpan> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut depth = 0usize;
    // Depth of the card list's items, once inside `cards: [`.
    let mut list: Option<usize> = None;
    let mut expect_card = false;
    // At deck level (depth 1), the last identifier seen, to recognise `cards:`.
    let mut after_cards_field = false;
    let mut last_ident_cards = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut nest = 1;
                i += 2;
                while i < bytes.len() && nest > 0 {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    if bytes[i..].starts_with(b"*/") {
                        nest -= 1;
                        i += 2;
                    } else if bytes[i..].starts_with(b"/*") {
                        nest += 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            _ => {}
        }
        // A token starts here: maybe a card.
        if expect_card && list == Some(depth) && b != b',' && b != b']' {
            spans.push(CardSpan { bytes: i..i, line });
            expect_card = false;
        }
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 1;
                last_ident_cards = false;
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'#' | b'"')) => {
                let mut j = i + 1;
                let mut hashes = 0;
                while bytes.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if bytes.get(j) == Some(&b'"') {
                    j += 1;
                    loop {
                        match bytes.get(j) {
                            None => break,
                            Some(b'\n') => line += 1,
                            Some(b'"')
                                if bytes[j + 1..].iter().take(hashes).filter(|&&h| h == b'#').count() == hashes =>
                            {
                                j += 1 + hashes;
                                break;
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                }
                i = j;
                last_ident_cards = false;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if b == b'[' && after_cards_field {
                    list = Some(depth);
                    expect_card = true;
                }
                after_cards_field = false;
                i += 1;
            }
            b')' | b']' | b'}' => {
                if list == Some(depth) {
                    list = None;
                } else if list.is_some_and(|d| depth == d + 1)
                    && let Some(card) = spans.last_mut()
                {
                    card.bytes.end = i + 1;
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b',' => {
                if list == Some(depth) {
                    expect_card = true;
                }
                i += 1;
            }
            b':' => {
                after_cards_field = depth == 1 && last_ident_cards;
                last_ident_cards = false;
                i += 1;
            }
            _ => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                last_ident_cards = &bytes[start..i] == b"cards";
            }
        }
    }
    spans
}

#[cfg(test)]
mod span_tests {
    use super::*;

    #[test]
    fn card_spans_agree_with_the_full_scan() {
        let text = r##"// a deck
Deck(
    id: "d", title: "T /* not a comment */",
    cards: [
        Basic(id: "a", front: "Q [with] (brackets)", back: "A"), // trailing
        /* a block
           comment */
        Basic(
            id: "b",
            front: r#"raw "quoted" ) ] string
spanning lines"#,
            back: "B",
        ),
        Cloze(id: "c", text: "{{c1::x}}"),
    ],
)
"##;
        let spans = card_spans(text);
        let layout = Layout::scan(text);
        assert_eq!(spans.len(), 3);
        for (span, card) in spans.iter().zip(&layout.cards) {
            assert_eq!(span.line, card.start.line);
            assert_eq!(span.bytes, card.span);
        }
        assert!(text[spans[1].bytes.clone()].starts_with("Basic(\n            id: \"b\""));
        assert!(text[spans[1].bytes.clone()].ends_with("\"B\",\n        )"));
    }
}
