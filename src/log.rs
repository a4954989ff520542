//! The review log: the one source of truth about what a learner has done.
//!
//! One line per answer, appended and fsync'd before the next card is shown:
//!
//! ```text
//! # recall review log v1
//! 2026-11-24T09:15:02+01:00→ml/f1-formula→4→5230→review
//! ```
//!
//! (fields separated by tabs, shown here as →: time with its UTC offset, card key, grade, answer time in milliseconds, and
//! `review` for the day's first, scheduling answer or `redrill` for a same-day repeat).
//!
//! What a learner says about a card besides answering it is a mark, a line of three
//! fields: `2026-11-24T09:16:40+01:00→ml/f1-formula→bury` (also `suspend`, `unsuspend`,
//! and `leech` for the suspension recall makes itself when a card reaches
//! [`crate::sched::LEECH_LAPSES`] failures).
//! Every card's schedule is the replay of this file through SM-2, so undo is removing
//! the last line, and nothing else on disk can disagree with it.
//!
//! A process killed mid-write can leave a last line without its newline; that line
//! is reported and cut off when the log is next opened for writing, and every
//! complete line is kept. Writers hold an exclusive OS lock on the file for the whole
//! session, so a second session is refused instead of interleaving its answers.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SecondsFormat};

use crate::deck::CardKey;
use crate::sm2::Grade;

pub const HEADER: &str = "# recall review log v1";
pub const VERSION_PREFIX: &str = "# recall review log v";

/// Whether an answer moved the schedule (the day's first answer to a card) or was a
/// same-day re-drill (SM-2 step 7), which is logged but changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnswerKind {
    Review,
    Redrill,
}

impl AnswerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Review => "review",
            AnswerKind::Redrill => "redrill",
        }
    }
}

/// One answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub at: DateTime<FixedOffset>,
    pub card: CardKey,
    pub grade: Grade,
    pub answer_ms: u32,
    pub kind: AnswerKind,
}

impl Record {
    pub fn to_line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\n",
            self.at.to_rfc3339_opts(SecondsFormat::Secs, false),
            self.card,
            self.grade,
            self.answer_ms,
            self.kind.as_str()
        )
    }

    pub fn parse_line(line: &str) -> Result<Record, String> {
        let mut fields = line.split('\t');
        let mut next = |what: &str| fields.next().ok_or_else(|| format!("missing {what}"));
        let at = next("time")?;
        let at = DateTime::parse_from_rfc3339(at).map_err(|e| format!("bad time {at:?}: {e}"))?;
        let card = next("card key")?;
        let card = CardKey::parse(card).ok_or_else(|| format!("bad card key {card:?}"))?;
        let grade = next("grade")?;
        let grade = grade
            .parse::<u8>()
            .ok()
            .and_then(Grade::new)
            .ok_or_else(|| format!("bad grade {grade:?}"))?;
        let ms = next("answer time")?;
        let answer_ms = ms.parse().map_err(|_| format!("bad answer time {ms:?}"))?;
        let kind = match next("kind")? {
            "review" => AnswerKind::Review,
            "redrill" => AnswerKind::Redrill,
            other => return Err(format!("bad kind {other:?}")),
        };
        if fields.next().is_some() {
            return Err("too many fields".into());
        }
        Ok(Record {
            at,
            card,
            grade,
            answer_ms,
            kind,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("review log {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "review log {} is already in use by another recall session; finish that one first",
        path.display()
    )]
    InUse { path: PathBuf },
    #[error("review log {} was written by a newer recall (format {found:?}); upgrade recall to read it", path.display())]
    NewerFormat { path: PathBuf, found: String },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> LogError + '_ {
    move |source| LogError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a mark does to its card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Not shown again until the next study day.
    Bury,
    /// Not shown at all until unsuspended.
    Suspend,
    /// Suspended by recall because the card keeps being failed.
    Leech,
    /// Back in the reviews.
    Unsuspend,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Bury => "bury",
            Action::Suspend => "suspend",
            Action::Leech => "leech",
            Action::Unsuspend => "unsuspend",
        }
    }
}

/// A card buried, suspended or brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub at: DateTime<FixedOffset>,
    pub card: CardKey,
    pub action: Action,
}

impl Mark {
    pub fn to_line(&self) -> String {
        format!(
            "{}\t{}\t{}\n",
            self.at.to_rfc3339_opts(SecondsFormat::Secs, false),
            self.card,
            self.action.as_str()
        )
    }

    pub fn parse_line(line: &str) -> Result<Mark, String> {
        let fields: Vec<&str> = line.split('\t').collect();
        let [at, card, action] = fields[..] else {
            return Err(format!("a mark has 3 fields, not {}", fields.len()));
        };
        let at = DateTime::parse_from_rfc3339(at).map_err(|e| format!("bad time {at:?}: {e}"))?;
        let card = CardKey::parse(card).ok_or_else(|| format!("bad card key {card:?}"))?;
        let action = match action {
            "bury" => Action::Bury,
            "suspend" => Action::Suspend,
            "leech" => Action::Leech,
            "unsuspend" => Action::Unsuspend,
            other => return Err(format!("bad mark {other:?}")),
        };
        Ok(Mark { at, card, action })
    }
}

/// The records of a log, and what was wrong with its text.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    /// Buries, suspensions and their reversal, in the order they were made.
    pub marks: Vec<Mark>,
    /// Human-readable warnings: unreadable lines (kept in the file, skipped) and a torn
    /// last line.
    pub warnings: Vec<String>,
    /// Length in bytes of the text up to the end of the last complete line.
    pub complete_len: usize,
    /// The torn last line, if the text does not end with a newline.
    pub torn: Option<String>,
}

/// Parses a log's text. Pure, so the torn-line and bad-line rules are tested directly.
pub fn parse(path: &Path, text: &str) -> Result<Parsed, LogError> {
    parse_from(path, text, 1)
}

/// Parses part of a log's text whose first line is line `first_line` of the file (the
/// tail after what a cached replay has seen), so warnings name the file's own lines.
pub fn parse_from(path: &Path, text: &str, first_line: usize) -> Result<Parsed, LogError> {
    let mut parsed = Parsed::default();
    let complete_len = text.rfind('\n').map_or(0, |i| i + 1);
    parsed.complete_len = complete_len;
    if complete_len < text.len() {
        parsed.torn = Some(text[complete_len..].to_string());
    }
    parsed.records.reserve(complete_len / 48);
    for (index, line) in text[..complete_len].lines().enumerate() {
        if let Some(version) = line.strip_prefix(VERSION_PREFIX) {
            if version.trim() != "1" {
                return Err(LogError::NewerFormat {
                    path: path.to_path_buf(),
                    found: line.to_string(),
                });
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Answers have five fields, marks three.
        let read = if line.matches('\t').count() == 2 {
            Mark::parse_line(line).map(|mark| parsed.marks.push(mark))
        } else {
            Record::parse_line(line).map(|record| parsed.records.push(record))
        };
        match read {
            Ok(()) => {}
            Err(why) => parsed.warnings.push(format!(
                "review log {}:{}: unreadable record skipped ({why}); the line is left in the file",
                path.display(),
                index + first_line
            )),
        }
    }
    Ok(parsed)
}

/// One answer as a reader of the whole log needs it (`recall stats`): its study day,
/// card key, grade and whether it scheduled, borrowed from the log's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer<'t> {
    pub day: chrono::NaiveDate,
    pub card: &'t str,
    pub grade: Grade,
    pub review: bool,
}

/// A log's text read in one pass, borrowing from it: what [`parse`] gives, but with
/// answers as [`Answer`]s rather than records, for a reader of the whole log that
/// keeps nothing per answer (`recall stats`).
#[derive(Debug, Default)]
pub struct Scan<'t> {
    pub answers: Vec<Answer<'t>>,
    pub marks: Vec<Mark>,
    /// The same warnings [`read`] gives: unreadable lines, a torn last line.
    pub warnings: Vec<String>,
}

/// Reads a log's text as [`parse`] does, line for line: the same lines are answers,
/// marks or unreadable (with the same warnings). The timestamps recall writes are
/// read by position; any other line goes through [`Record::parse_line`].
pub fn scan<'t>(path: &Path, text: &'t str, rollover: crate::sched::Rollover) -> Result<Scan<'t>, LogError> {
    let complete = text.rfind('\n').map_or(0, |i| i + 1);
    let mut scan = Scan::default();
    // The date last read: a log's lines come in runs of one day.
    let mut last_date: Option<(&str, chrono::NaiveDate)> = None;
    let mut start = 0;
    // Lines found with memchr: a log is tens of megabytes read in one pass.
    for (index, end) in memchr::memchr_iter(b'\n', &text.as_bytes()[..complete]).enumerate() {
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        start = end + 1;
        if let Some(version) = line.strip_prefix(VERSION_PREFIX) {
            if version.trim() != "1" {
                return Err(LogError::NewerFormat {
                    path: path.to_path_buf(),
                    found: line.to_string(),
                });
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(answer) = quick_answer(line, rollover, &mut last_date) {
            scan.answers.push(answer);
            continue;
        }
        let read = if line.matches('\t').count() == 2 {
            Mark::parse_line(line).map(|mark| scan.marks.push(mark))
        } else {
            Record::parse_line(line).map(|record| {
                let card_at = line.find('\t').map_or(0, |i| i + 1);
                scan.answers.push(Answer {
                    day: rollover.study_day(record.at),
                    card: &line[card_at..card_at + record.card.as_str().len()],
                    grade: record.grade,
                    review: record.kind == AnswerKind::Review,
                });
            })
        };
        if let Err(why) = read {
            scan.warnings.push(format!(
                "review log {}:{}: unreadable record skipped ({why}); the line is left in the file",
                path.display(),
                index + 1
            ));
        }
    }
    if complete < text.len() {
        scan.warnings.push(torn_warning(path, &text[complete..]));
    }
    Ok(scan)
}

/// The warning for a torn last line, left alone by a reader that only looks.
fn torn_warning(path: &Path, torn: &str) -> String {
    format!(
        "review log {}: the last line is incomplete ({torn:?}), probably cut off by a killed process; \
         ignored here, and removed at the next `recall review`",
        path.display()
    )
}

/// The answers of a log's text in order, as [`scan`] reads them.
pub fn answers(text: &str, rollover: crate::sched::Rollover) -> impl Iterator<Item = Answer<'_>> {
    scan(Path::new(""), text, rollover)
        .map(|s| s.answers)
        .unwrap_or_default()
        .into_iter()
}

/// An answer line in the form recall writes it (`2026-11-24T09:15:02+01:00`, then
/// the fields), read by position; `None` for anything else.
fn quick_answer<'t>(
    line: &'t str,
    rollover: crate::sched::Rollover,
    last_date: &mut Option<(&'t str, chrono::NaiveDate)>,
) -> Option<Answer<'t>> {
    let b = line.as_bytes();
    if b.len() < 26 || b[25] != b'\t' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range]
            .iter()
            .try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let shape = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':'), (22, b':')];
    if shape.iter().any(|&(i, c)| b[i] != c) || !matches!(b[19], b'+' | b'-') {
        return None;
    }
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let (off_h, off_m) = (digits(20..22)?, digits(23..25)?);
    if hour > 23 || minute > 59 || second > 59 || off_h > 23 || off_m > 59 {
        return None;
    }
    let date_text = &line[..10];
    let date = match last_date {
        Some((text, date)) if *text == date_text => *date,
        _ => {
            let date =
                chrono::NaiveDate::from_ymd_opt(i32::try_from(digits(0..4)?).ok()?, digits(5..7)?, digits(8..10)?)?;
            *last_date = Some((date_text, date));
            date
        }
    };
    let rest = &line[26..];
    let tab = memchr::memchr(b'\t', rest.as_bytes())?;
    let (card, rest) = (&rest[..tab], &rest[tab + 1..]);
    let (grade, rest) = rest.split_at_checked(2)?;
    let grade = grade.strip_suffix('\t')?;
    let tab = memchr::memchr(b'\t', rest.as_bytes())?;
    let (ms, kind) = (&rest[..tab], &rest[tab + 1..]);
    if !crate::deck::CardKey::is_valid_key(card) {
        return None;
    }
    let grade = match grade.as_bytes() {
        [g @ b'0'..=b'5'] => Grade::new(g - b'0')?,
        _ => return None,
    };
    // An answer time is a u32 of milliseconds: nine digits or fewer always are one.
    if ms.is_empty() || ms.len() > 9 || !ms.bytes().all(|d| d.is_ascii_digit()) {
        ms.parse::<u32>().ok()?;
    }
    let review = match kind {
        "review" => true,
        "redrill" => false,
        _ => return None,
    };
    // The study day is the date of the local time less the rollover hours.
    let day = if hour < rollover.hour() { date.pred_opt()? } else { date };
    Some(Answer {
        day,
        card,
        grade,
        review,
    })
}

/// Reads a log without locking or changing it (for commands that only look). A
/// missing file is an empty log.
pub fn read(path: &Path) -> Result<Parsed, LogError> {
    let text = match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_err(path)(e)),
    };
    let mut parsed = parse(path, &text)?;
    if let Some(torn) = &parsed.torn {
        parsed.warnings.push(torn_warning(path, torn));
    }
    Ok(parsed)
}

/// The log opened for a session: locked, repaired, appended to durably.
#[derive(Debug)]
pub struct Writer {
    file: File,
    path: PathBuf,
    len: u64,
}

impl Writer {
    /// Opens (creating if needed) and locks the log, repairs a torn last line and
    /// returns the records. Fails with [`LogError::InUse`] if another process holds it.
    pub fn open(path: &Path) -> Result<(Writer, Parsed), LogError> {
        let (mut writer, repaired) = Writer::lock(path)?;
        let mut bytes = Vec::new();
        writer.file.seek(SeekFrom::Start(0)).map_err(io_err(path))?;
        writer.file.read_to_end(&mut bytes).map_err(io_err(path))?;
        let mut parsed = parse(path, &String::from_utf8_lossy(&bytes))?;
        parsed.warnings.extend(repaired);
        Ok((writer, parsed))
    }

    /// Opens (creating if needed) and locks the log, and repairs a torn last line,
    /// without reading the rest: for a start-up that replays only the log's tail.
    /// Returns the repair's warning, if there was one.
    pub fn lock(path: &Path) -> Result<(Writer, Option<String>), LogError> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err(path))?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io_err(path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LogError::InUse {
                    path: path.to_path_buf(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io_err(path)(e)),
        }
        let len = file.metadata().map_err(io_err(path))?.len();
        let mut writer = Writer {
            file,
            path: path.to_path_buf(),
            len,
        };
        let (complete, torn) = writer.last_complete_line()?;
        let mut warning = None;
        if let Some(torn) = torn {
            writer.truncate_to(complete)?;
            warning = Some(format!(
                "review log {}: the last line was incomplete ({torn:?}), probably cut off by a killed process; \
                 removed it, every complete record is kept",
                path.display()
            ));
        }
        if writer.len == 0 {
            writer.write_durably(format!("{HEADER}\n").as_bytes())?;
        }
        Ok((writer, warning))
    }

    /// The length of the log up to the end of its last complete line, and the text
    /// after it (a line cut off by a killed process), reading back from the end only
    /// as far as the last newline.
    fn last_complete_line(&mut self) -> Result<(u64, Option<String>), LogError> {
        let path = self.path.clone();
        let mut end = self.len;
        let mut tail: Vec<u8> = Vec::new();
        while end > 0 {
            let start = end.saturating_sub(4096);
            let mut chunk = vec![0; (end - start) as usize];
            self.file.seek(SeekFrom::Start(start)).map_err(io_err(&path))?;
            self.file.read_exact(&mut chunk).map_err(io_err(&path))?;
            if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
                let complete = start + i as u64 + 1;
                chunk.drain(..=i);
                chunk.extend_from_slice(&tail);
                let torn = (!chunk.is_empty()).then(|| String::from_utf8_lossy(&chunk).into_owned());
                return Ok((complete, torn));
            }
            chunk.extend_from_slice(&tail);
            tail = chunk;
            end = start;
        }
        let torn = (!tail.is_empty()).then(|| String::from_utf8_lossy(&tail).into_owned());
        Ok((0, torn))
    }

    /// The log's length in bytes (all complete lines).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the log holds nothing at all (not even its header).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends a record and syncs it to disk. Returns the log's length before the
    /// append: passing it to [`Writer::truncate_to`] takes the record back.
    pub fn append(&mut self, record: &Record) -> Result<u64, LogError> {
        self.append_line(&record.to_line())
    }

    /// Appends a mark durably, like [`Writer::append`].
    pub fn append_mark(&mut self, mark: &Mark) -> Result<u64, LogError> {
        self.append_line(&mark.to_line())
    }

    fn append_line(&mut self, line: &str) -> Result<u64, LogError> {
        let before = self.len;
        if let Err(e) = self.write_durably(line.as_bytes()) {
            // Leave no partial line behind a failed write (a full disk, say).
            let _ = self.truncate_to(before);
            return Err(e);
        }
        Ok(before)
    }

    fn write_durably(&mut self, bytes: &[u8]) -> Result<(), LogError> {
        let path = self.path.clone();
        self.file.seek(SeekFrom::Start(self.len)).map_err(io_err(&path))?;
        self.file.write_all(bytes).map_err(io_err(&path))?;
        self.file.sync_data().map_err(io_err(&path))?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Cuts the log back to `len` bytes, durably (used by undo and by repair).
    pub fn truncate_to(&mut self, len: u64) -> Result<(), LogError> {
        let path = self.path.clone();
        self.file.set_len(len).map_err(io_err(&path))?;
        self.file.sync_all().map_err(io_err(&path))?;
        self.len = len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(at: &str, card: &str, grade: u8) -> Record {
        Record {
            at: DateTime::parse_from_rfc3339(at).expect("time"),
            card: CardKey::parse(card).expect("key"),
            grade: Grade::new(grade).expect("grade"),
            answer_ms: 1200,
            kind: AnswerKind::Review,
        }
    }

    #[test]
    fn the_quick_answer_reader_agrees_with_the_parser_on_every_line() {
        use crate::sched::Rollover;
        let text = "# recall review log v1\n\
            2026-11-24T09:15:02+01:00\tml/f1\t4\t1200\treview\n\
            2026-11-24T03:59:59-05:30\tml/f1:c2\t2\t0\tredrill\n\
            2026-11-24T09:15:02.250+01:00\tml/x\t5\t1\treview\n\
            2026-11-24T09:15:02Z\tml/y\t3\t1\treview\n\
            2026-02-30T09:15:02+01:00\tml/bad-date\t3\t1\treview\n\
            2026-11-24T09:15:02+01:00\tml/f1\t6\t1200\treview\n\
            2026-11-24T09:15:02+01:00\tno key\t4\t1200\treview\n\
            2026-11-24T09:16:40+01:00\tml/f1\tbury\n\
            2026-11-24T09:15:02+01:00\tml/torn\t4";
        for hour in [0, 4, 23] {
            let rollover = Rollover::new(hour).expect("hour");
            let parsed = parse(Path::new("l"), text).expect("v1");
            let expected: Vec<(chrono::NaiveDate, String, u8, bool)> = parsed
                .records
                .iter()
                .map(|r| {
                    (
                        rollover.study_day(r.at),
                        r.card.to_string(),
                        r.grade.value(),
                        r.kind == AnswerKind::Review,
                    )
                })
                .collect();
            let quick: Vec<(chrono::NaiveDate, String, u8, bool)> = answers(text, rollover)
                .map(|a| (a.day, a.card.to_string(), a.grade.value(), a.review))
                .collect();
            assert_eq!(quick, expected, "rollover {hour}");
            assert_eq!(quick.len(), 4);
        }
    }

    #[test]
    fn a_scan_reads_every_line_as_parse_and_read_do() {
        use crate::sched::Rollover;
        let text = format!(
            "{HEADER}\n2026-11-24T09:15:02+01:00\tml/f1\t4\t1200\treview\nnonsense\n\
             2026-11-24T09:16:40+01:00\tml/f1\tbury\n2026-11-24T09:16:40+01:00\tml/f1\tforget\n\
             2026-11-24T09:15:02.5Z\tml/f2\t1\t9\tredrill\n2026-11-24T09:17"
        );
        let path = Path::new("reviews.log");
        let scanned = scan(path, &text, Rollover::DEFAULT).expect("v1");
        let parsed = read_text(path, &text);
        assert_eq!(scanned.marks, parsed.marks);
        assert_eq!(scanned.warnings, parsed.warnings);
        assert_eq!(scanned.answers.len(), parsed.records.len());
        assert!(scan(path, "# recall review log v9\n", Rollover::DEFAULT).is_err());
    }

    /// What [`read`] gives for a text, without a file.
    fn read_text(path: &Path, text: &str) -> Parsed {
        let mut parsed = parse(path, text).expect("v1");
        if let Some(torn) = &parsed.torn {
            parsed.warnings.push(torn_warning(path, torn));
        }
        parsed
    }

    #[test]
    fn a_record_round_trips_through_its_line() {
        let r = record("2026-11-24T09:15:02+01:00", "ml/f1", 4);
        assert_eq!(r.to_line(), "2026-11-24T09:15:02+01:00\tml/f1\t4\t1200\treview\n");
        assert_eq!(Record::parse_line(r.to_line().trim_end()), Ok(r));
    }

    #[test]
    fn a_torn_last_line_is_set_apart_and_bad_lines_are_reported() {
        let text = format!("{HEADER}\n2026-11-24T09:15:02+01:00\tml/f1\t4\t10\treview\nnonsense\n2026-11-24T09:16");
        let parsed = parse(Path::new("r.log"), &text).expect("v1");
        assert_eq!(parsed.records.len(), 1);
        assert_eq!(parsed.torn.as_deref(), Some("2026-11-24T09:16"));
        assert_eq!(parsed.complete_len, text.len() - "2026-11-24T09:16".len());
        assert_eq!(parsed.warnings.len(), 1);
        assert!(parsed.warnings[0].contains("r.log:3"), "{:?}", parsed.warnings);
    }

    #[test]
    fn marks_round_trip_and_sit_beside_answers() {
        let mark = Mark {
            at: DateTime::parse_from_rfc3339("2026-11-24T09:16:40+01:00").expect("time"),
            card: CardKey::parse("ml/f1:c2").expect("key"),
            action: Action::Leech,
        };
        assert_eq!(mark.to_line(), "2026-11-24T09:16:40+01:00\tml/f1:c2\tleech\n");
        let text = format!(
            "{HEADER}\n{}{}2026-11-24T09:17:00+01:00\td/a\tforget\n",
            record("2026-11-24T09:15:02+01:00", "ml/f1", 4).to_line(),
            mark.to_line()
        );
        let parsed = parse(Path::new("r.log"), &text).expect("v1");
        assert_eq!(parsed.records.len(), 1);
        assert_eq!(parsed.marks, [mark]);
        assert_eq!(parsed.warnings.len(), 1);
        assert!(parsed.warnings[0].contains("r.log:4") && parsed.warnings[0].contains("forget"));
    }

    #[test]
    fn a_newer_format_is_refused() {
        assert!(matches!(
            parse(Path::new("r.log"), "# recall review log v2\n"),
            Err(LogError::NewerFormat { .. })
        ));
    }

    #[test]
    fn writer_appends_repairs_undoes_and_locks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/reviews.log");
        let (mut writer, parsed) = Writer::open(&path).expect("open");
        assert!(parsed.records.is_empty());
        let first = writer
            .append(&record("2026-11-24T09:00:00+00:00", "d/a", 5))
            .expect("append");
        let second = writer
            .append(&record("2026-11-24T09:01:00+00:00", "d/b", 3))
            .expect("append");
        assert!(matches!(Writer::open(&path), Err(LogError::InUse { .. })));
        writer.truncate_to(second).expect("undo");
        assert!(first < second);
        drop(writer);
        let mut text = fs::read_to_string(&path).expect("read");
        assert_eq!(
            text,
            format!("{HEADER}\n2026-11-24T09:00:00+00:00\td/a\t5\t1200\treview\n")
        );
        text.push_str("2026-11-24T09:02:00+00:00\td/");
        fs::write(&path, &text).expect("tear");
        let (_writer, parsed) = Writer::open(&path).expect("reopen");
        assert_eq!(parsed.records.len(), 1);
        assert_eq!(parsed.warnings.len(), 1);
        assert!(fs::read_to_string(&path).expect("read").ends_with("review\n"));
    }
}
