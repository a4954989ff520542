//! `recall import` of Anki packages through the real binary: the packages in
//! `tests/fixtures/anki` (made by Anki's own code, see the README there), packages
//! re-packed from them, and hostile ones built here.

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

mod support;
use support::{Run, User};

const NOW: &str = "2026-10-20T09:00:00+00:00";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/anki")
        .join(name)
}

fn import(user: &User, file: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["import", file.to_str().expect("utf-8"), "--deck", "anki"];
    args.extend(extra);
    let mut command = user.command(NOW, &args);
    // Anki stores UTC; the log shows each answer at the machine's offset.
    command.env("TZ", "UTC");
    support::run(command, "")
}

/// The entries of a zip, by name.
fn entries(package: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(fs::File::open(package).expect("open")).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("read");
            (entry.name().expect("name").to_string(), bytes)
        })
        .collect()
}

/// A zip of these entries, written to `dir/name`.
fn package(dir: &Path, name: &str, entries: &[(&str, &[u8])]) -> PathBuf {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (entry, bytes) in entries {
        zip.start_file(
            *entry,
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .expect("start");
        zip.write_all(bytes).expect("write");
    }
    let bytes = zip.finish().expect("finish").into_inner();
    let path = dir.join(name);
    fs::write(&path, bytes).expect("write package");
    path
}

fn card(user: &User, key: &str) -> serde_json::Value {
    let run = user.run(NOW, &["card", key, "--json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("json")
}

#[test]
fn a_package_imports_every_note_type_with_tags_media_and_history() {
    let user = User::new();
    let run = import(&user, &fixture("ml-interview.apkg"), &["--with-history"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.contains("Read 9 note(s) from "), "{out}");
    assert!(
        out.contains("Made 9 card(s) in ") && out.contains(": 5 basic, 1 cloze, 2 reversible, 1 typed."),
        "{out}"
    );
    assert!(out.contains("1 note(s) of type \"Vocab\" became basic cards"), "{out}");
    assert!(
        out.contains("2 media file(s)") && out.contains("gil.mp3, roc.png"),
        "{out}"
    );
    assert!(
        out.contains("History: 10 answer(s) imported, 2 of them re-drills"),
        "{out}"
    );
    assert!(out.contains("1 reschedules, not answers"), "{out}");

    let deck = fs::read_to_string(user.path().join("decks/anki.ron")).expect("deck");
    for expected in [
        "front: \"What does precision measure?\"",
        "tags: [\"metrics\", \"ml::basics\", \"Metrics\"]",
        "- too many parameters\n- too little data\nFix: regularization (L2, dropout)",
        "text: \"F1 = {{c1::2PR / (P + R)::formula}}, the {{c2::harmonic}} mean of precision and recall\"",
        "notes: \"Not the arithmetic mean.\"",
        "answers: [\"kubectl get pods\"]",
        "front: \"Which curve is this? [image: roc.png]\"",
        "back: \"Global Interpreter Lock [sound: gil.mp3]\"",
    ] {
        assert!(deck.contains(expected), "missing {expected:?} in\n{deck}");
    }
    let check = user.run(NOW, &["deck", "check"], "");
    assert_eq!(check.code, 0, "{}", check.stderr);

    // The history replays through SM-2: Good, Good (a re-drill) on day one; Again
    // and Good three days later; Easy a week after that.
    let precision = card(&user, "anki/precision-measure-ydxtp2");
    assert_eq!(
        precision["reviews"].as_array().expect("reviews").len(),
        5,
        "{precision}"
    );
    assert_eq!(precision["lapses"], 1);
    assert_eq!(precision["repetitions"], 1);
    assert_eq!(precision["due"], "2026-10-12");
    let log = fs::read_to_string(user.log_path()).expect("log");
    assert!(
        log.contains("2026-10-01T09:21:00+00:00\tanki/gil-k6k9ry:rev\t3\t7500\treview"),
        "{log}"
    );
    assert!(log.contains("anki/f1-2pr-p-rippzz:c2\t5\t9500\treview"), "{log}");

    // The legacy layout of the same package: nothing new, nothing doubled.
    let again = import(&user, &fixture("ml-interview-legacy.apkg"), &["--with-history"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("(collection.anki21, the legacy layout)"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("already has every note of the package"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("every answer is already in your log"),
        "{}",
        again.stdout
    );
    assert_eq!(fs::read_to_string(user.log_path()).expect("log"), log);
    assert_eq!(
        fs::read_to_string(user.path().join("decks/anki.ron")).expect("deck"),
        deck
    );
}

#[test]
fn a_whole_collection_or_one_of_its_decks() {
    let user = User::new();
    let run = import(&user, &fixture("collection-legacy.colpkg"), &["--subdeck", "Metrics"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Made 3 card(s)"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("holds 7 answer(s) for these cards; `--with-history` brings them over"),
        "{}",
        run.stdout
    );
    assert!(!user.log_path().exists(), "no history without --with-history");

    let other = User::new();
    let run = import(&other, &fixture("collection.colpkg"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Made 9 card(s)"), "{}", run.stdout);
    // Cards in the decks below the common one are tagged with their sub-deck.
    let deck = fs::read_to_string(other.path().join("decks/anki.ron")).expect("deck");
    assert!(deck.contains("tags: [\"k8s\", \"Systems\"]"), "{deck}");

    let unknown = import(&User::new(), &fixture("collection.colpkg"), &["--subdeck", "Vision"]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown
            .stderr
            .contains("no Anki deck named \"Vision\" in the package; its decks: Default, ML Interview, ML Interview::Metrics, ML Interview::Systems"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn anki_2_0_packages_and_placeholder_only_packages() {
    let user = User::new();
    let legacy = entries(&fixture("ml-interview-legacy.apkg"));
    let collection = &legacy.iter().find(|(n, _)| n == "collection.anki21").expect("anki21").1;
    // Anki 2.0 wrote the same schema under the older name, with nothing else.
    let old = package(user.path(), "old.apkg", &[("collection.anki2", collection)]);
    let run = import(&user, &old, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("(collection.anki2, Anki 2.0's layout)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Made 9 card(s)"), "{}", run.stdout);

    let current = entries(&fixture("ml-interview.apkg"));
    let placeholder = &current.iter().find(|(n, _)| n == "collection.anki2").expect("anki2").1;
    let only = package(
        user.path(),
        "only.apkg",
        &[("collection.anki2", placeholder), ("meta", b"\x08\x03")],
    );
    let other = User::new();
    let run = import(&other, &only, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("only the placeholder collection"), "{}", run.stderr);
    assert!(!other.path().join("decks").exists());
}

/// Packages from strangers: each refused with a message naming the problem, and
/// nothing written.
#[test]
fn hostile_packages_are_refused_and_nothing_is_written() {
    let user = User::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let dir = dir.path();
    let real = entries(&fixture("ml-interview-legacy.apkg"));
    let collection = real
        .iter()
        .find(|(n, _)| n == "collection.anki21")
        .expect("anki21")
        .1
        .clone();

    let mut sqlite_header = collection[..100].to_vec();
    // The header's database size, in pages: 4 GiB at 4 KiB pages.
    sqlite_header[28..32].copy_from_slice(&(1u32 << 20).to_be_bytes());
    let zeros = vec![0u8; 64 << 20];

    let cases: Vec<(PathBuf, &str)> = vec![
        (
            {
                let path = dir.join("text.apkg");
                fs::write(&path, "Front\tBack\n").expect("write");
                path
            },
            "not an Anki package: it is not a zip archive",
        ),
        (
            package(
                dir,
                "escape.apkg",
                &[("../../escape.txt", b"x"), ("collection.anki21", &collection)],
            ),
            "the entry \"../../escape.txt\" has a path that leads out of the package",
        ),
        (
            package(dir, "empty.apkg", &[("media", b"{}")]),
            "no Anki collection inside",
        ),
        (
            // 64 MiB of zeros, deflated to a few kilobytes.
            package(dir, "bomb.apkg", &[("collection.anki21", &zeros)]),
            "collection.anki21 is not an SQLite database",
        ),
        (
            package(dir, "huge.apkg", &[("collection.anki21", &sqlite_header)]),
            "collection.anki21 would expand past 1024 MiB",
        ),
        (
            package(
                dir,
                "cut.apkg",
                &[("collection.anki21", &collection[..collection.len() / 2])],
            ),
            "collection.anki21 is cut short",
        ),
        (
            package(
                dir,
                "schema.apkg",
                &[(
                    "collection.anki21",
                    &sqlite_file(&[
                        "CREATE TABLE col (ver INTEGER, models TEXT, decks TEXT)",
                        "INSERT INTO col VALUES (11, '{}', '{}')",
                    ]),
                )],
            ),
            "collection.anki21 is not an Anki collection: no such table: notes",
        ),
        (
            package(
                dir,
                "bigfield.apkg",
                &[(
                    "collection.anki21",
                    &sqlite_file(&[
                        "CREATE TABLE col (ver INTEGER, models TEXT, decks TEXT)",
                        "INSERT INTO col VALUES (11, '{}', '{}')",
                        "CREATE TABLE notes (id INTEGER, guid TEXT, mid INTEGER, tags TEXT, flds TEXT)",
                        "INSERT INTO notes VALUES (7, 'g', 1, '', 'q' || char(31) || hex(zeroblob(1048576)))",
                    ]),
                )],
            ),
            "note 7 is 2097154 bytes, more than the 1 MiB recall reads in one note",
        ),
        (
            package(
                dir,
                "garbage.apkg",
                &[("collection.anki21", &{
                    let mut bytes = collection.clone();
                    for b in &mut bytes[4096..8192] {
                        *b = 0xA5;
                    }
                    bytes
                })],
            ),
            "collection.anki21: the database is damaged (SQLite's check: ",
        ),
    ];
    for (file, expected) in &cases {
        let run = import(&user, file, &["--with-history"]);
        assert_eq!(run.code, 1, "{}: {}{}", file.display(), run.stdout, run.stderr);
        assert!(
            run.stderr.contains(expected),
            "{}: expected {expected:?} in\n{}",
            file.display(),
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert!(!user.path().join("decks").exists(), "{}", file.display());
        assert!(!user.log_path().exists(), "{}", file.display());
    }
}

/// An SQLite database file made by these statements.
fn sqlite_file(statements: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.db");
    let db = rusqlite::Connection::open(&path).expect("open");
    for statement in statements {
        db.execute_batch(statement).expect("statement");
    }
    drop(db);
    fs::read(&path).expect("read")
}

#[test]
fn a_review_holding_the_log_stops_an_import_with_history_before_anything_is_written() {
    let user = User::new();
    user.deck(
        "two.ron",
        r#"Deck(id: "two", title: "Two", cards: [Basic(id: "a", front: "Q", back: "A"), Basic(id: "b", front: "Q2", back: "A2")])"#,
    );
    let (mut review, stdin) = support::hold_log(user.command(NOW, &["review", "--deck", "two"]), &user.log_path());
    let run = import(&user, &fixture("ml-interview.apkg"), &["--with-history"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("already in use"), "{}", run.stderr);
    assert!(!user.path().join("decks/anki.ron").exists());
    drop(stdin);
    review.wait().expect("review ends");
}
