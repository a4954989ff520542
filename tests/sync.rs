//! `recall sync` between machines, offline: each machine is a data dir of its own and
//! the remote is a bare repository in a temp dir, reached by path or by `file://`.
//! Git runs with no system or global config, as on a machine where it was never set up.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::{Run, User};

/// Three cards answered on one machine first, two of another deck on the other.
const ONE: &str = r#"Deck(
    id: "one",
    title: "One",
    cards: [
        Basic(id: "a", front: "Question A", back: "Answer A"),
        Basic(id: "b", front: "Question B", back: "Answer B"),
        Basic(id: "c", front: "Question C", back: "Answer C"),
    ],
)
"#;

const TWO: &str = r#"Deck(
    id: "two",
    title: "Two",
    cards: [
        Basic(id: "d", front: "Question D", back: "Answer D"),
        Basic(id: "e", front: "Question E", back: "Answer E"),
    ],
)
"#;

const DAY1: &str = "2026-11-24T09:00:00+00:00";
const DAY2: &str = "2026-11-25T09:00:00+00:00";
const DAY3: &str = "2026-11-26T09:00:00+00:00";

/// Where git's global config would be: nowhere.
fn no_global_config(dir: &Path) -> PathBuf {
    dir.join("no-gitconfig")
}

struct World {
    remote: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let remote = tempfile::tempdir().expect("tempdir");
        git(remote.path(), &["init", "--quiet", "--bare"]);
        World { remote }
    }

    fn path(&self) -> String {
        self.remote.path().to_str().expect("utf-8").to_string()
    }

    fn url(&self) -> String {
        format!("file://{}", self.path())
    }
}

/// A machine: a user whose recall and git see no git config but the data dir's own.
struct Machine {
    user: User,
}

impl Machine {
    fn new() -> Machine {
        Machine { user: User::new() }
    }

    fn dir(&self) -> &Path {
        self.user.path()
    }

    fn command(&self, now: &str, args: &[&str]) -> Command {
        let mut cmd = self.user.command(now, args);
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", no_global_config(self.dir()));
        cmd
    }

    fn run(&self, now: &str, args: &[&str], stdin: &str) -> Run {
        support::run(self.command(now, args), stdin)
    }

    fn sync(&self, args: &[&str]) -> Run {
        let mut all = vec!["sync"];
        all.extend(args);
        self.run(DAY3, &all, "")
    }

    fn synced(&self, args: &[&str]) -> String {
        let run = self.sync(args);
        assert_eq!(run.code, 0, "sync failed:\n{}\n{}", run.stdout, run.stderr);
        run.stdout
    }

    fn review(&self, now: &str, deck: &str, stdin: &str) {
        let run = self.run(now, &["review", "--deck", deck], stdin);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    fn log(&self) -> String {
        fs::read_to_string(self.user.log_path()).expect("log")
    }

    fn card(&self, key: &str) -> serde_json::Value {
        let run = self.run(DAY3, &["card", key, "--json"], "");
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).expect("json")
    }

    fn git(&self, args: &[&str]) -> String {
        git(self.dir(), args)
    }

    /// Every file outside `.git`, with its bytes.
    fn tree(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, root: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in fs::read_dir(dir).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.file_name().is_some_and(|n| n == ".git") {
                    continue;
                }
                if path.is_dir() {
                    walk(&path, root, files);
                } else {
                    let bytes = fs::read(&path).expect("read");
                    files.insert(path.strip_prefix(root).expect("inside").to_path_buf(), bytes);
                }
            }
        }
        let mut files = BTreeMap::new();
        walk(self.dir(), self.dir(), &mut files);
        files
    }
}

/// A laptop and a desktop that have both synced once with a fresh remote: the laptop
/// first, with deck `one`; the desktop by `file://` URL.
fn pair(world: &World) -> (Machine, Machine) {
    let laptop = Machine::new();
    let desktop = Machine::new();
    laptop.user.deck("one.ron", ONE);
    laptop.synced(&["--remote", &world.path()]);
    desktop.synced(&["--remote", &world.url()]);
    (laptop, desktop)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", no_global_config(dir))
        .output()
        .expect("git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// The answer lines of a log (without its header).
fn answers(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.matches('\t').count() == 4).collect()
}

#[test]
fn two_machines_review_and_sync_until_both_logs_are_the_same() {
    let world = World::new();
    let laptop = Machine::new();
    let desktop = Machine::new();
    laptop.user.deck("one.ron", ONE);
    laptop.user.deck("two.ron", TWO);

    laptop.review(DAY1, "one", "\n5\n\n4\n\n5\n");
    let out = laptop.synced(&["--remote", &world.path()]);
    assert!(
        out.contains("Committed here: 3 answers, decks one, two added."),
        "{out}"
    );
    assert!(out.contains("Sent to "), "{out}");

    // The desktop reaches the same remote by URL, gets everything, and reviews the
    // other deck's two cards and one of the laptop's, the next day.
    let out = desktop.synced(&["--remote", &world.url()]);
    assert!(out.contains("3 answers, decks one, two added."), "{out}");
    assert_eq!(desktop.log(), laptop.log());
    desktop.review(DAY2, "two", "\n3\n\n5\n");
    desktop.review(DAY2, "one", "\n4\n:quit\n");
    let out = desktop.synced(&[]);
    assert!(out.contains("Committed here: 3 answers."), "{out}");
    assert!(out.contains("Sent to "), "{out}");

    let out = laptop.synced(&[]);
    assert!(out.contains("Received from "), "{out}");
    assert!(out.contains(": 3 answers."), "{out}");

    assert_eq!(laptop.log(), desktop.log());
    let log = laptop.log();
    let lines = answers(&log);
    assert_eq!(lines.len(), 6, "{log}");
    let mut unique = lines.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 6, "an answer doubled:\n{log}");
    for key in ["one/a", "one/b", "one/c", "two/d", "two/e"] {
        assert_eq!(laptop.card(key), desktop.card(key), "{key}");
    }

    // Nothing left to do on either side.
    let head = laptop.git(&["rev-parse", "HEAD"]);
    for machine in [&laptop, &desktop] {
        let out = machine.synced(&[]);
        assert!(out.starts_with("Up to date with "), "{out}");
    }
    assert_eq!(laptop.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(desktop.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(laptop.log(), log);
    // The cache and the merge backups stay on their machine.
    let tracked = laptop.git(&["ls-files"]);
    assert_eq!(
        tracked.lines().collect::<Vec<_>>(),
        [
            ".gitattributes",
            ".gitignore",
            "decks/one.ron",
            "decks/two.ron",
            "reviews.log"
        ]
    );
}

#[test]
fn answers_on_both_machines_before_either_syncs_merge_without_a_conflict() {
    let world = World::new();
    let (laptop, desktop) = pair(&world);

    // The same morning, each reviews the whole deck; the desktop an hour later.
    laptop.review(DAY1, "one", "\n5\n\n5\n\n5\n");
    desktop.review("2026-11-24T10:00:00+00:00", "one", "\n3\n\n3\n\n3\n");
    // And each takes a quiz: the quiz history is merged line by line too.
    for (machine, now) in [(&laptop, DAY1), (&desktop, "2026-11-24T10:00:00+00:00")] {
        let run = machine.run(now, &["quiz", "--deck", "one", "-n", "1", "--seed", "1"], "\n4\n");
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    laptop.synced(&[]);
    let out = desktop.synced(&[]);
    assert!(out.contains("Received from "), "{out}");
    assert!(out.contains(": 3 answers, quiz history."), "{out}");
    laptop.synced(&[]);

    assert_eq!(laptop.log(), desktop.log());
    let log = laptop.log();
    // The laptop's answers came first that day and schedule; the desktop's are
    // re-drills, as they would have been on one machine.
    assert_eq!(
        answers(&log)
            .iter()
            .map(|l| l.rsplit('\t').next().expect("kind"))
            .collect::<Vec<_>>(),
        ["review", "review", "review", "redrill", "redrill", "redrill"],
        "{log}"
    );
    assert_eq!(laptop.card("one/a")["interval_days"], 1);
    let quizzes = |m: &Machine| fs::read_to_string(m.dir().join("quizzes.jsonl")).expect("quiz history");
    assert_eq!(quizzes(&laptop), quizzes(&desktop));
    assert_eq!(quizzes(&laptop).lines().count(), 2);
    let history = laptop.run(DAY2, &["quiz", "--history"], "");
    assert!(history.stdout.starts_with("2026-11-24 09:00 "), "{}", history.stdout);
    assert!(history.stdout.contains("\n2026-11-24 10:00 "), "{}", history.stdout);
    let merges = desktop.git(&["log", "--merges", "--format=%s"]);
    assert!(merges.contains("recall: merge from "), "{merges}");
}

#[test]
fn a_card_edited_on_both_machines_stops_the_sync_and_changes_nothing() {
    let world = World::new();
    let (laptop, desktop) = pair(&world);

    let edit = |machine: &Machine, answer: &str| {
        let path = machine.dir().join("decks/one.ron");
        let text = fs::read_to_string(&path).expect("deck");
        fs::write(&path, text.replace("Answer A", answer)).expect("edit");
    };
    edit(&laptop, "Answer A, as the laptop says");
    laptop.synced(&[]);
    edit(&desktop, "Answer A, as the desktop says");
    desktop.review(DAY2, "one", "\n4\n");
    let before = desktop.tree();

    let run = desktop.sync(&[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("both machines changed decks/one.ron"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("git merge origin/main"), "{}", run.stderr);
    assert_eq!(desktop.tree(), before, "the sync changed files");
    assert!(!String::from_utf8_lossy(&before[Path::new("decks/one.ron")]).contains("<<<<<<<"));
    // No merge is left half done; the answer is committed, ready for the next sync.
    assert_eq!(desktop.git(&["status", "--porcelain"]), "");
    assert!(fs::metadata(desktop.dir().join(".git/MERGE_HEAD")).is_err());
    assert_eq!(
        desktop.git(&["log", "-1", "--format=%s"]).trim(),
        "recall: 1 answer, deck one changed"
    );
}

#[test]
fn a_deck_added_on_one_machine_appears_on_the_other() {
    let world = World::new();
    let (laptop, desktop) = pair(&world);

    laptop.user.deck("two.ron", TWO);
    let out = laptop.synced(&[]);
    assert!(out.contains("Committed here: deck two added."), "{out}");
    let out = desktop.synced(&[]);
    assert!(out.contains(": deck two added."), "{out}");
    assert_eq!(
        fs::read_to_string(desktop.dir().join("decks/two.ron")).expect("deck"),
        TWO
    );
    desktop.review(DAY1, "two", "\n5\n\n5\n");
    assert_eq!(answers(&desktop.log()).len(), 2);
}

#[test]
fn a_running_review_refuses_sync() {
    let world = World::new();
    let laptop = Machine::new();
    laptop.user.deck("one.ron", ONE);
    laptop.synced(&["--remote", &world.path()]);
    let (mut review, stdin) = support::hold_log(
        laptop.command(DAY1, &["review", "--deck", "one"]),
        &laptop.user.log_path(),
    );
    let run = laptop.sync(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("is already in use by another recall session"),
        "{}",
        run.stderr
    );
    drop(stdin);
    review.wait().expect("review ends");
    let out = laptop.synced(&[]);
    assert!(out.contains("Committed here: 1 answer."), "{out}");
}

#[test]
fn an_unreachable_remote_leaves_only_the_commit() {
    let world = World::new();
    let laptop = Machine::new();
    laptop.user.deck("one.ron", ONE);
    laptop.synced(&["--remote", &world.path()]);
    laptop.review(DAY1, "one", "\n5\n");
    let gone = world.remote.path().with_extension("moved");
    fs::rename(world.remote.path(), &gone).expect("move the remote away");
    let before = laptop.tree();

    let run = laptop.sync(&[]);
    fs::rename(&gone, world.remote.path()).expect("move it back");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("could not reach "), "{}", run.stderr);
    assert!(run.stderr.contains("go out with the next sync"), "{}", run.stderr);
    assert_eq!(laptop.tree(), before);
    assert_eq!(laptop.git(&["log", "-1", "--format=%s"]).trim(), "recall: 1 answer");
    // Once the remote is back, the answer goes out.
    let out = laptop.synced(&[]);
    assert!(out.contains("Sent to "), "{out}");
    assert!(out.contains(": 1 answer."), "{out}");
}

#[test]
fn sync_says_what_it_needs_first() {
    let laptop = Machine::new();
    let run = laptop.sync(&[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not set up to sync yet"), "{}", run.stderr);
    assert!(run.stderr.contains("recall sync --remote URL"), "{}", run.stderr);

    let run = laptop
        .command(DAY1, &["sync", "--remote", "/tmp/anywhere.git"])
        .env("PATH", laptop.dir())
        .output()
        .expect("run");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("runs the `git` program, and there is none"), "{stderr}");
}

#[test]
fn the_merge_driver_unions_three_logs_and_names_an_unreadable_line() {
    let machine = Machine::new();
    let dir = machine.dir();
    let header = "# recall review log v1\n";
    let a = "2026-11-24T09:00:00+00:00\tone/a\t5\t1200\treview\n";
    let b = "2026-11-24T10:00:00+00:00\tone/b\t4\t900\treview\n";
    let c = "2026-11-24T11:00:00+00:00\tone/c\t3\t800\treview\n";
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        fs::write(&path, text).expect("write");
        path.to_str().expect("utf-8").to_string()
    };
    let base = write("base", &format!("{header}{a}"));
    let ours = write("ours", &format!("{header}{a}{c}"));
    let theirs = write("theirs", &format!("{header}{a}{b}"));
    let run = machine.run(DAY1, &["merge-driver", &base, &ours, &theirs, "reviews.log"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read_to_string(&ours).expect("ours"), format!("{header}{a}{b}{c}"));

    // Logs two machines started on their own have an empty common ancestor.
    let empty = write("empty", "");
    let run = machine.run(DAY1, &["merge-driver", &empty, &ours, &theirs], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read_to_string(&ours).expect("ours"), format!("{header}{a}{b}{c}"));

    let broken = write("broken", &format!("{header}{a}not an answer\n"));
    let run = machine.run(DAY1, &["merge-driver", &base, &ours, &broken, "reviews.log"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("reviews.log (the other machine's version):3: unreadable record"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(&ours).expect("ours"), format!("{header}{a}{b}{c}"));
}

#[test]
fn conflict_copies_from_a_sync_tool_are_reported_then_merged() {
    let machine = Machine::new();
    machine.user.deck("one.ron", ONE);
    machine.review(DAY1, "one", "\n5\n");
    let copy = machine.dir().join("reviews.sync-conflict-20261124-100000-ABCDEFG.log");
    fs::write(
        &copy,
        "# recall review log v1\n2026-11-24T09:30:00+00:00\tone/b\t4\t900\treview\n",
    )
    .expect("copy");

    let run = machine.run(DAY2, &["card", "one/b"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("reviews.sync-conflict-20261124-100000-ABCDEFG.log is a conflict copy"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("recall sync --merge-conflict-copies"),
        "{}",
        run.stderr
    );

    // No git needed: this is what a Syncthing user runs.
    let out = machine.synced(&["--merge-conflict-copies"]);
    assert!(
        out.contains("Merged 1 answer(s) and 0 mark(s) from 1 conflict copy"),
        "{out}"
    );
    assert!(!copy.exists());
    assert!(!machine.dir().join(".git").exists());
    assert_eq!(answers(&machine.log()).len(), 2);
    let run = machine.run(DAY2, &["card", "one/b"], "");
    assert_eq!(run.stderr, "");
}
