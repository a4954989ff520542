//! Anki fields are HTML; recall's cards are text. html2text does the reading (line
//! breaks, lists, entities, tables); images become `[image: FILE]` and Anki's sound
//! tags `[sound: FILE]`, so the reference stays visible on the card and is reported.

use html2text::render::TextDecorator;

/// A field's text, and the media files it refers to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub media: Vec<String>,
}

/// Wide enough that html2text never wraps: the terminal wraps cards when it shows them.
const NO_WRAP: usize = 1 << 20;

/// The text of an Anki field.
pub fn to_text(field: &str) -> Text {
    let mut media = Vec::new();
    // Sound tags are Anki's own syntax, not HTML: `[sound:file.mp3]`.
    let mut html = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(start) = rest.find("[sound:") {
        let Some(end) = rest[start..].find(']') else { break };
        let file = rest[start + 7..start + end].trim();
        media.push(file.to_string());
        html.push_str(&rest[..start]);
        html.push_str(&format!("[sound: {}]", escape(file)));
        rest = &rest[start + end + 1..];
    }
    html.push_str(rest);
    let rendered = html2text::config::with_decorator(Plain)
        .allow_width_overflow()
        .empty_img_mode(html2text::config::ImageRenderMode::ShowAlways)
        .string_from_read(html.as_bytes(), NO_WRAP)
        .unwrap_or_else(|_| strip_tags(&html));
    let text = tidy(&rendered);
    let mut at = 0;
    while let Some(start) = text[at..].find("[image: ") {
        let start = at + start + 8;
        let Some(end) = text[start..].find(']') else { break };
        media.push(text[start..start + end].to_string());
        at = start + end;
    }
    Text { text, media }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The last resort for HTML html2text gives up on: the text between tags.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Trailing spaces off each line, no-break spaces as spaces, at most one blank line in
/// a row, none at either end.
fn tidy(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.replace('\u{a0}', " ").trim_end().to_string();
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

/// html2text's plain rendering, without the marks it adds around emphasis and links
/// (a card shows text as the author wrote it) and with images named by their file.
#[derive(Clone, Debug, Default)]
struct Plain;

impl TextDecorator for Plain {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    fn decorate_image(&mut self, src: &str, _title: &str) -> (String, ()) {
        (format!("[image: {src}]"), ())
    }
    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }
    fn quote_prefix(&self) -> String {
        "> ".to_string()
    }
    fn unordered_item_prefix(&self) -> String {
        "- ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        Plain
    }
    fn decorate_superscript_start(&self) -> (String, ()) {
        ("^".to_string(), ())
    }
    fn decorate_superscript_end(&self) -> String {
        String::new()
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<html2text::render::TaggedLine<()>> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html).text
    }

    #[test]
    fn line_breaks_lists_and_entities_become_text() {
        assert_eq!(
            text("TP / (TP + FP)<br>the share of positive predictions"),
            "TP / (TP + FP)\nthe share of positive predictions"
        );
        assert_eq!(
            text("<ul><li>too many parameters</li><li>too little data</li></ul><div>Fix: L2&nbsp;&amp; dropout</div>"),
            "- too many parameters\n- too little data\nFix: L2 & dropout"
        );
        assert_eq!(text("<b>precision</b> &lt; 1"), "precision < 1");
        assert_eq!(text("<ol><li>one</li><li>two</li></ol>"), "1. one\n2. two");
        assert_eq!(text("plain text, no tags"), "plain text, no tags");
    }

    #[test]
    fn cloze_deletions_and_code_keep_their_text() {
        assert_eq!(
            text("F1 = {{c1::2PR / (P + R)::formula}}, the {{c2::<i>harmonic</i>}} mean"),
            "F1 = {{c1::2PR / (P + R)::formula}}, the {{c2::harmonic}} mean"
        );
        assert_eq!(text("<code>x &gt;= 0</code>"), "x >= 0");
    }

    #[test]
    fn images_and_sounds_are_named_and_reported() {
        let field = to_text(r#"Which curve? <img src="roc.png"> [sound:gil.mp3]"#);
        assert_eq!(field.text, "Which curve? [image: roc.png] [sound: gil.mp3]");
        assert_eq!(field.media, ["gil.mp3", "roc.png"]);
    }
}
