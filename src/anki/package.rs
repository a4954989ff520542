//! Reading an Anki package (`.apkg` for decks, `.colpkg` for a whole collection): a
//! zip holding an SQLite collection, in one of the layouts Anki has written:
//!
//! - `collection.anki21b` (Anki 2.1.50 and later): the collection compressed with
//!   zstd, schema 18, with note types and decks in tables of their own;
//! - `collection.anki21` (the "support older versions" export) and `collection.anki2`
//!   (Anki 2.0): plain SQLite, schema 11, with note types and decks as JSON in `col`.
//!
//! Newer packages also carry a `collection.anki2` that is only a placeholder (one note
//! asking to update Anki); the newest collection in the package is the one read.
//!
//! Packages are passed around by strangers, so nothing in one is trusted: entry names
//! that leave the package are refused, the collection is expanded to a temporary file
//! only as far as its SQLite header says it reaches (and never past
//! [`MAX_COLLECTION`]), SQLite opens it read-only with its defensive settings, and a
//! note larger than [`MAX_NOTE`] is an error rather than an allocation.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

/// The largest collection recall expands (a collection of 100,000 notes is a few
/// hundred megabytes).
pub const MAX_COLLECTION: u64 = 1 << 30;
/// The largest note (all its fields) recall reads.
pub const MAX_NOTE: usize = 1 << 20;
/// The largest value SQLite hands over at all: enough to measure a note that is too
/// large and say so, small enough that no single value fills memory.
const MAX_VALUE: usize = 64 << 20;

const PLACEHOLDER: &str = "Please update to the latest Anki version";

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("not an Anki package: it is not a zip archive ({0})")]
    NotZip(String),
    #[error("the entry {0:?} has a path that leads out of the package; refused")]
    Escapes(String),
    #[error("no Anki collection inside (no collection.anki21b, collection.anki21 or collection.anki2)")]
    NoCollection,
    #[error(
        "it holds only the placeholder collection newer Anki versions add for old ones; \
         its real collection (collection.anki21b) is missing: export the deck from Anki again"
    )]
    OnlyPlaceholder,
    #[error("{entry} would expand past {} MiB; refused (a damaged package, or a zip bomb)", limit >> 20)]
    TooLarge { entry: String, limit: u64 },
    #[error("{entry} is not an SQLite database")]
    NotSqlite { entry: String },
    #[error("{entry} is cut short: {got} of the {expected} bytes its header promises")]
    Truncated { entry: String, got: u64, expected: u64 },
    #[error("{entry} is not an Anki collection: {reason}")]
    Schema { entry: String, reason: String },
    #[error("{entry}: note {note} is {bytes} bytes, more than the {} MiB recall reads in one note", MAX_NOTE >> 20)]
    NoteTooLarge { entry: String, note: i64, bytes: i64 },
    #[error("{entry}: {reason}")]
    Damaged { entry: String, reason: String },
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Which collection a package held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `collection.anki21b`: zstd, schema 18.
    Current,
    /// `collection.anki21`: schema 11.
    Legacy21,
    /// `collection.anki2`: schema 11, as Anki 2.0 wrote it.
    Legacy2,
}

impl Layout {
    pub fn entry(self) -> &'static str {
        match self {
            Layout::Current => "collection.anki21b",
            Layout::Legacy21 => "collection.anki21",
            Layout::Legacy2 => "collection.anki2",
        }
    }
}

/// The note types Anki ships, by what they were made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stock {
    Basic,
    BasicAndReversed,
    BasicOptionalReversed,
    BasicTyping,
    Cloze,
    ImageOcclusion,
}

impl Stock {
    /// Anki's `OriginalStockKind` numbers.
    fn from_number(n: i64) -> Option<Stock> {
        Some(match n {
            1 => Stock::Basic,
            2 => Stock::BasicAndReversed,
            3 => Stock::BasicOptionalReversed,
            4 => Stock::BasicTyping,
            5 => Stock::Cloze,
            6 => Stock::ImageOcclusion,
            _ => return None,
        })
    }

    /// The English names Anki gives its note types, for collections made before
    /// note types recorded what they were made from.
    fn from_name(name: &str) -> Option<Stock> {
        Some(match name {
            "Basic" => Stock::Basic,
            "Basic (and reversed card)" => Stock::BasicAndReversed,
            "Basic (optional reversed card)" => Stock::BasicOptionalReversed,
            "Basic (type in the answer)" => Stock::BasicTyping,
            "Cloze" => Stock::Cloze,
            "Image Occlusion" => Stock::ImageOcclusion,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notetype {
    pub name: String,
    /// Anki's cloze kind: one card per deletion number.
    pub cloze: bool,
    /// What it was made from, as recorded, else as its name says.
    pub stock: Option<Stock>,
    pub fields: Vec<String>,
    /// Each card template's question format (`{{Front}}`, `{{type:Back}}`, ...).
    pub templates: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub id: i64,
    pub guid: String,
    pub notetype: i64,
    pub fields: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Card {
    pub id: i64,
    pub note: i64,
    /// Its home deck (a card in a filtered deck counts in the deck it came from).
    pub deck: i64,
    /// Which template made it; for a cloze note, the deletion number less one.
    pub ord: u32,
}

/// One line of Anki's review log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Review {
    /// When, in milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    pub card: i64,
    /// 1 Again, 2 Hard, 3 Good, 4 Easy; 0 for a manual reschedule.
    pub ease: i64,
    /// How long the answer took, in milliseconds.
    pub time_ms: i64,
    /// 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: i64,
}

/// What recall reads of a collection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    pub notetypes: HashMap<i64, Notetype>,
    /// Deck names, levels joined with `::`.
    pub decks: HashMap<i64, String>,
    pub notes: Vec<Note>,
    pub cards: Vec<Card>,
    pub revlog: Vec<Review>,
}

/// Reads the package at `path`, and which layout its collection had.
pub fn read(path: &Path) -> Result<(Package, Layout), PackageError> {
    read_from(File::open(path)?)
}

/// Reads a package from any seekable bytes (a file, or a fuzzer's input).
pub fn read_from<R: Read + Seek>(reader: R) -> Result<(Package, Layout), PackageError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| PackageError::NotZip(e.to_string()))?;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| PackageError::NotZip(e.to_string()))?;
        if entry.enclosed_name().is_none() {
            return Err(PackageError::Escapes(
                String::from_utf8_lossy(entry.name_raw()).into_owned(),
            ));
        }
    }
    let present = |layout: Layout| zip.index_for_name(layout.entry()).is_some();
    let layouts: Vec<Layout> = [Layout::Current, Layout::Legacy21, Layout::Legacy2]
        .into_iter()
        .filter(|&l| present(l))
        .collect();
    let Some(&layout) = layouts.first() else {
        return Err(PackageError::NoCollection);
    };
    let entry = layout.entry();
    let temp = tempfile::NamedTempFile::new()?;
    {
        let file = zip.by_name(entry).map_err(|e| damaged(entry, e.to_string()))?;
        let mut out = io::BufWriter::new(temp.as_file());
        if layout == Layout::Current {
            let decoder = zstd::stream::read::Decoder::new(file).map_err(|e| damaged(entry, e.to_string()))?;
            expand(entry, decoder, &mut out)?;
        } else {
            expand(entry, file, &mut out)?;
        }
        out.flush()?;
    }
    let db = open(entry, temp.path())?;
    if layout == Layout::Legacy2 && is_placeholder(&db) {
        return Err(PackageError::OnlyPlaceholder);
    }
    let package = read_collection(entry, &db)?;
    Ok((package, layout))
}

fn damaged(entry: &str, reason: impl Into<String>) -> PackageError {
    PackageError::Damaged {
        entry: entry.to_string(),
        reason: reason.into(),
    }
}

/// Copies an entry's bytes out, as far as the SQLite header they start with says the
/// database reaches: a stream that is not SQLite, claims more than
/// [`MAX_COLLECTION`] or ends early stops with an error, never after filling memory
/// or disk.
fn expand(entry: &str, mut input: impl Read, out: &mut impl Write) -> Result<(), PackageError> {
    let mut header = [0u8; 100];
    let mut got = 0;
    while got < header.len() {
        match input.read(&mut header[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(damaged(entry, e.to_string())),
        }
    }
    if got < header.len() || &header[..16] != b"SQLite format 3\0" {
        return Err(PackageError::NotSqlite {
            entry: entry.to_string(),
        });
    }
    // The page size (1 stands for 65,536) and the database's size in pages.
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
    let expected = page_size * pages;
    if !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two() || pages == 0 {
        return Err(PackageError::NotSqlite {
            entry: entry.to_string(),
        });
    }
    if expected > MAX_COLLECTION {
        return Err(PackageError::TooLarge {
            entry: entry.to_string(),
            limit: MAX_COLLECTION,
        });
    }
    out.write_all(&header)?;
    let rest = expected - header.len() as u64;
    let copied = io::copy(&mut input.by_ref().take(rest), out).map_err(|e| damaged(entry, e.to_string()))?;
    if copied < rest {
        return Err(PackageError::Truncated {
            entry: entry.to_string(),
            got: copied + header.len() as u64,
            expected,
        });
    }
    Ok(())
}

/// Opens the expanded collection read-only, as SQLite advises for a database from
/// someone else: no trust in its schema, every page checked as it is read, and no
/// value longer than a note may be.
fn open(entry: &str, path: &Path) -> Result<Connection, PackageError> {
    let sql = |e: rusqlite::Error| damaged(entry, e.to_string());
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(sql)?;
    db.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(sql)?;
    db.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .map_err(sql)?;
    db.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE as i32)
        .map_err(sql)?;
    // Anki's schema 18 orders names with a collation of its own, which its
    // indexes need to be read (and checked).
    db.create_collation("unicase", |a: &str, b: &str| {
        a.chars()
            .flat_map(char::to_lowercase)
            .cmp(b.chars().flat_map(char::to_lowercase))
    })
    .map_err(sql)?;
    db.pragma_update(None, "cell_size_check", true).map_err(sql)?;
    db.pragma_update(None, "mmap_size", 0).map_err(sql)?;
    let check: Vec<String> = db
        .prepare("PRAGMA quick_check(3)")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                PackageError::NotSqlite {
                    entry: entry.to_string(),
                }
            }
            e => sql(e),
        })?;
    if check != ["ok"] {
        let said: Vec<&str> = check
            .iter()
            .flat_map(|c| c.lines())
            .filter(|l| !l.starts_with("***"))
            .take(3)
            .collect();
        return Err(damaged(
            entry,
            format!("the database is damaged (SQLite's check: {})", said.join("; ")),
        ));
    }
    Ok(db)
}

fn is_placeholder(db: &Connection) -> bool {
    let notes: Vec<String> = db
        .prepare("SELECT flds FROM notes LIMIT 2")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_default();
    matches!(notes.as_slice(), [only] if only.starts_with(PLACEHOLDER))
}

/// What is wrong with a collection whose tables or columns are not Anki's.
fn schema(entry: &str) -> impl Fn(rusqlite::Error) -> PackageError + '_ {
    move |e| match e {
        rusqlite::Error::SqliteFailure(f, Some(message))
            if f.code == rusqlite::ErrorCode::Unknown && message.starts_with("no such") =>
        {
            PackageError::Schema {
                entry: entry.to_string(),
                reason: message,
            }
        }
        rusqlite::Error::InvalidColumnType(_, name, kind) => PackageError::Schema {
            entry: entry.to_string(),
            reason: format!("column {name} holds {kind}"),
        },
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::TooBig => PackageError::Damaged {
            entry: entry.to_string(),
            reason: format!("a value larger than the {} MiB recall reads", MAX_VALUE >> 20),
        },
        e => damaged(entry, e.to_string()),
    }
}

fn read_collection(entry: &str, db: &Connection) -> Result<Package, PackageError> {
    let bad = schema(entry);
    let version: i64 = db.query_row("SELECT ver FROM col", [], |r| r.get(0)).map_err(&bad)?;
    let (notetypes, decks) = if version >= 15 {
        (
            notetypes_from_tables(db).map_err(&bad)?,
            decks_from_table(db).map_err(&bad)?,
        )
    } else {
        let (models, decks): (String, String) = db
            .query_row("SELECT models, decks FROM col", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(&bad)?;
        (
            notetypes_from_json(&models).map_err(|reason| PackageError::Schema {
                entry: entry.to_string(),
                reason,
            })?,
            decks_from_json(&decks).map_err(|reason| PackageError::Schema {
                entry: entry.to_string(),
                reason,
            })?,
        )
    };
    let large: Option<(i64, i64)> = db
        .query_row(
            "SELECT id, length(CAST(flds AS BLOB)) + length(CAST(tags AS BLOB)) AS size FROM notes \
             WHERE size > ?1 LIMIT 1",
            [MAX_NOTE as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .map_err(&bad)?;
    if let Some((note, bytes)) = large {
        return Err(PackageError::NoteTooLarge {
            entry: entry.to_string(),
            note,
            bytes,
        });
    }
    let notes = db
        .prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| {
                let tags: String = r.get(3)?;
                let fields: String = r.get(4)?;
                Ok(Note {
                    id: r.get(0)?,
                    guid: r.get(1)?,
                    notetype: r.get(2)?,
                    fields: fields.split('\x1f').map(str::to_string).collect(),
                    tags: tags.split_whitespace().map(str::to_string).collect(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(&bad)?;
    let cards = db
        .prepare("SELECT id, nid, did, odid, ord FROM cards ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| {
                let (deck, home): (i64, i64) = (r.get(2)?, r.get(3)?);
                Ok(Card {
                    id: r.get(0)?,
                    note: r.get(1)?,
                    deck: if home != 0 { home } else { deck },
                    ord: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(u32::MAX),
                })
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(&bad)?;
    let revlog = db
        .prepare("SELECT id, cid, ease, time, type FROM revlog ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok(Review {
                    at_ms: r.get(0)?,
                    card: r.get(1)?,
                    ease: r.get(2)?,
                    time_ms: r.get(3)?,
                    kind: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(&bad)?;
    Ok(Package {
        notetypes,
        decks,
        notes,
        cards,
        revlog,
    })
}

/// A note type's settings in schema 18 (a protobuf message; the rest is skipped).
#[derive(Clone, PartialEq, prost::Message)]
struct NotetypeConfig {
    #[prost(int32, tag = "1")]
    kind: i32,
    #[prost(int32, tag = "9")]
    original_stock_kind: i32,
}

/// A card template's settings in schema 18.
#[derive(Clone, PartialEq, prost::Message)]
struct TemplateConfig {
    #[prost(string, tag = "1")]
    q_format: String,
}

fn notetypes_from_tables(db: &Connection) -> rusqlite::Result<HashMap<i64, Notetype>> {
    let mut notetypes = HashMap::new();
    let mut rows = db.prepare("SELECT id, name, config FROM notetypes")?;
    for row in rows.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?))
    })? {
        let (id, name, config) = row?;
        // A config that does not decode is read as a plain note type's.
        let config = <NotetypeConfig as prost::Message>::decode(config.as_slice()).unwrap_or_default();
        let stock = Stock::from_number(i64::from(config.original_stock_kind)).or_else(|| Stock::from_name(&name));
        notetypes.insert(
            id,
            Notetype {
                name,
                cloze: config.kind == 1,
                stock,
                fields: Vec::new(),
                templates: Vec::new(),
            },
        );
    }
    let mut fields = db.prepare("SELECT ntid, name FROM fields ORDER BY ntid, ord")?;
    for row in fields.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, name) = row?;
        if let Some(notetype) = notetypes.get_mut(&id) {
            notetype.fields.push(name);
        }
    }
    let mut templates = db.prepare("SELECT ntid, config FROM templates ORDER BY ntid, ord")?;
    for row in templates.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))? {
        let (id, config) = row?;
        let config = <TemplateConfig as prost::Message>::decode(config.as_slice()).unwrap_or_default();
        if let Some(notetype) = notetypes.get_mut(&id) {
            notetype.templates.push(config.q_format);
        }
    }
    Ok(notetypes)
}

fn decks_from_table(db: &Connection) -> rusqlite::Result<HashMap<i64, String>> {
    let mut rows = db.prepare("SELECT id, name FROM decks")?;
    rows.query_map([], |r| {
        let name: String = r.get(1)?;
        // Schema 18 separates a deck's levels with 0x1f; Anki shows them with `::`.
        Ok((r.get(0)?, name.replace('\x1f', "::")))
    })?
    .collect()
}

#[derive(serde::Deserialize)]
struct JsonNotetype {
    name: String,
    #[serde(rename = "type", default)]
    kind: i64,
    #[serde(rename = "originalStockKind", default)]
    original_stock_kind: i64,
    #[serde(default)]
    flds: Vec<JsonField>,
    #[serde(default)]
    tmpls: Vec<JsonTemplate>,
}

#[derive(serde::Deserialize)]
struct JsonField {
    name: String,
    #[serde(default)]
    ord: i64,
}

#[derive(serde::Deserialize)]
struct JsonTemplate {
    #[serde(default)]
    qfmt: String,
    #[serde(default)]
    ord: i64,
}

#[derive(serde::Deserialize)]
struct JsonDeck {
    name: String,
}

fn notetypes_from_json(text: &str) -> Result<HashMap<i64, Notetype>, String> {
    let parsed: HashMap<String, JsonNotetype> =
        serde_json::from_str(text).map_err(|e| format!("its note types do not read as JSON ({e})"))?;
    let mut notetypes = HashMap::new();
    for (id, mut notetype) in parsed {
        let id: i64 = id.parse().map_err(|_| format!("note type id {id:?} is not a number"))?;
        notetype.flds.sort_by_key(|f| f.ord);
        notetype.tmpls.sort_by_key(|t| t.ord);
        let stock = Stock::from_number(notetype.original_stock_kind).or_else(|| Stock::from_name(&notetype.name));
        notetypes.insert(
            id,
            Notetype {
                name: notetype.name,
                cloze: notetype.kind == 1,
                stock,
                fields: notetype.flds.into_iter().map(|f| f.name).collect(),
                templates: notetype.tmpls.into_iter().map(|t| t.qfmt).collect(),
            },
        );
    }
    Ok(notetypes)
}

fn decks_from_json(text: &str) -> Result<HashMap<i64, String>, String> {
    let parsed: HashMap<String, JsonDeck> =
        serde_json::from_str(text).map_err(|e| format!("its decks do not read as JSON ({e})"))?;
    parsed
        .into_iter()
        .map(|(id, deck)| {
            let id: i64 = id.parse().map_err(|_| format!("deck id {id:?} is not a number"))?;
            Ok((id, deck.name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> (Package, Layout) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/anki")
            .join(name);
        read(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn both_layouts_read_the_same_collection() {
        let (current, layout) = fixture("ml-interview.apkg");
        assert_eq!(layout, Layout::Current);
        let (legacy, layout) = fixture("ml-interview-legacy.apkg");
        assert_eq!(layout, Layout::Legacy21);
        assert_eq!(current.notes, legacy.notes);
        assert_eq!(current.cards, legacy.cards);
        assert_eq!(current.revlog, legacy.revlog);
        assert_eq!(current.notes.len(), 9);
        assert_eq!(current.revlog.len(), 11);
        let names = |p: &Package| {
            let mut names: Vec<(String, Option<Stock>, bool, usize)> = p
                .notetypes
                .values()
                .filter(|n| p.notes.iter().any(|note| p.notetypes.get(&note.notetype) == Some(n)))
                .map(|n| (n.name.clone(), n.stock, n.cloze, n.fields.len()))
                .collect();
            names.sort();
            names
        };
        assert_eq!(names(&current), names(&legacy));
        assert!(names(&current).contains(&("Cloze".to_string(), Some(Stock::Cloze), true, 2)));
        assert!(current.decks.values().any(|d| d == "ML Interview::Metrics"));
        assert!(legacy.decks.values().any(|d| d == "ML Interview::Metrics"));
    }

    #[test]
    fn what_is_not_a_collection_is_refused_before_it_is_expanded() {
        let mut sink = Vec::new();
        let not_sqlite = expand("c", io::repeat(0).take(1 << 40), &mut sink);
        assert!(
            matches!(not_sqlite, Err(PackageError::NotSqlite { .. })),
            "{not_sqlite:?}"
        );
        assert!(sink.is_empty());

        let mut header = [0u8; 100];
        header[..16].copy_from_slice(b"SQLite format 3\0");
        header[16..18].copy_from_slice(&4096u16.to_be_bytes());
        header[28..32].copy_from_slice(&u32::MAX.to_be_bytes());
        let huge = expand("c", io::Cursor::new(header.to_vec()).chain(io::repeat(0)), &mut sink);
        assert!(matches!(huge, Err(PackageError::TooLarge { .. })), "{huge:?}");
        assert!(sink.is_empty());

        header[28..32].copy_from_slice(&3u32.to_be_bytes());
        let short = expand("c", io::Cursor::new(header.to_vec()), &mut sink);
        assert!(
            matches!(
                short,
                Err(PackageError::Truncated {
                    got: 100,
                    expected: 12288,
                    ..
                })
            ),
            "{short:?}"
        );
        let mut sink = Vec::new();
        let bomb = expand("c", io::Cursor::new(header.to_vec()).chain(io::repeat(7)), &mut sink);
        assert!(bomb.is_ok());
        assert_eq!(sink.len(), 12288, "stops where the header says the database ends");
    }
}
