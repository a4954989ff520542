//! Cloze deletions in Anki's syntax: `{{c1::answer}}` or `{{c1::answer::hint}}`.
//!
//! Using Anki's syntax means cloze notes move between recall and Anki unchanged. A
//! cloze card yields one card per deletion number; the others are shown filled in.

/// A piece of cloze text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Deletion {
        number: u32,
        answer: String,
        hint: Option<String>,
    },
}

/// Splits cloze text into text and deletions. The error says what is wrong and at
/// which character offset.
pub fn parse(text: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            segments.push(Segment::Text(rest[..start].to_string()));
        }
        let body = &rest[start + 2..];
        let Some(end) = body.find("}}") else {
            return Err(format!("unclosed `{{{{` at character {}", offset + start));
        };
        let inner = &body[..end];
        let Some(after_c) = inner.strip_prefix('c') else {
            return Err(format!("`{{{{{inner}}}}}` is not a deletion: write {{{{c1::answer}}}}"));
        };
        let digits: String = after_c.chars().take_while(char::is_ascii_digit).collect();
        let number: u32 = digits
            .parse()
            .map_err(|_| format!("`{{{{{inner}}}}}` has no deletion number"))?;
        if number == 0 {
            return Err(format!("`{{{{{inner}}}}}`: deletion numbers start at c1"));
        }
        let Some(content) = after_c[digits.len()..].strip_prefix("::") else {
            return Err(format!("`{{{{{inner}}}}}` lacks `::` after c{number}"));
        };
        if content.contains("{{") {
            return Err(format!("nested deletion in `{{{{{inner}}}}}`"));
        }
        let (answer, hint) = match content.split_once("::") {
            Some((a, h)) => (a, Some(h.to_string())),
            None => (content, None),
        };
        if answer.trim().is_empty() {
            return Err(format!("deletion c{number} is empty"));
        }
        segments.push(Segment::Deletion {
            number,
            answer: answer.to_string(),
            hint,
        });
        let consumed = start + 2 + end + 2;
        offset += consumed;
        rest = &rest[consumed..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Text(rest.to_string()));
    }
    Ok(segments)
}

/// The deletion numbers used, sorted and without repeats.
pub fn numbers(segments: &[Segment]) -> Vec<u32> {
    let mut numbers: Vec<u32> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Deletion { number, .. } => Some(*number),
            Segment::Text(_) => None,
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// The question and the answer for deletion `hide`: the question shows `[…]` (or
/// `[hint]`) where it is, the answer shows it in brackets; other deletions are shown
/// filled in.
pub fn render(segments: &[Segment], hide: u32) -> (String, String) {
    let mut question = String::new();
    let mut answer = String::new();
    for segment in segments {
        match segment {
            Segment::Text(text) => {
                question.push_str(text);
                answer.push_str(text);
            }
            Segment::Deletion {
                number,
                answer: shown,
                hint,
            } if *number == hide => {
                question.push_str(&format!("[{}]", hint.as_deref().unwrap_or("…")));
                answer.push_str(&format!("[{shown}]"));
            }
            Segment::Deletion { answer: shown, .. } => {
                question.push_str(shown);
                answer.push_str(shown);
            }
        }
    }
    (question, answer)
}

/// The answer for deletion `hide` with `open` and `close` around each place it was
/// deleted (inside the brackets the plain answer shows), so a terminal can highlight it.
pub fn render_marked(segments: &[Segment], hide: u32, open: char, close: char) -> String {
    let mut answer = String::new();
    for segment in segments {
        match segment {
            Segment::Text(text) => answer.push_str(text),
            Segment::Deletion {
                number, answer: shown, ..
            } if *number == hide => answer.push_str(&format!("{open}[{shown}]{close}")),
            Segment::Deletion { answer: shown, .. } => answer.push_str(shown),
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_deletion_is_asked_with_the_others_filled_in() {
        let segments = parse("The {{c1::GIL}} serializes {{c2::bytecode::what?}}; {{c1::GIL}} again.").expect("valid");
        assert_eq!(numbers(&segments), [1, 2]);
        assert_eq!(
            render(&segments, 1),
            (
                "The […] serializes bytecode; […] again.".into(),
                "The [GIL] serializes bytecode; [GIL] again.".into()
            )
        );
        assert_eq!(render(&segments, 2).0, "The GIL serializes [what?]; GIL again.");
        assert_eq!(
            render_marked(&segments, 2, '<', '>'),
            "The GIL serializes <[bytecode]>; GIL again."
        );
    }

    #[test]
    fn malformed_deletions_are_explained() {
        assert_eq!(
            parse("a {{c1::b").expect_err("malformed"),
            "unclosed `{{` at character 2"
        );
        assert!(parse("{{x}}").expect_err("malformed").contains("not a deletion"));
        assert!(parse("{{c0::x}}").expect_err("malformed").contains("start at c1"));
        assert!(parse("{{c1:x}}").expect_err("malformed").contains("lacks `::`"));
        assert!(parse("{{c1::}}").expect_err("malformed").contains("empty"));
        assert_eq!(parse("no deletions").map(|s| numbers(&s)), Ok(vec![]));
    }
}
