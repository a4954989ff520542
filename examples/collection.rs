//! Writes a synthetic collection for measuring recall at scale:
//!
//!     cargo run --release --example collection -- 100000 /tmp/recall-100k
//!
//! gives `/tmp/recall-100k/decks/*.ron` (100 decks of 1,000 cards) and
//! `/tmp/recall-100k/reviews.log` (about 500,000 answers over two years, 20 % of the
//! cards never seen). The same arguments always give the same files. Review it as of
//! the collection's date: `RECALL_NOW=2026-11-24T09:00:00+01:00 recall --data-dir
//! /tmp/recall-100k review`.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(cards), Some(dir)) = (args.next().and_then(|n| n.replace('_', "").parse().ok()), args.next()) else {
        eprintln!("usage: collection CARDS DIR   (e.g. collection 100000 /tmp/recall-100k)");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    if let Err(e) = synthetic::write(&dir, cards) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
    let log = std::fs::read_to_string(dir.join("reviews.log")).unwrap_or_default();
    println!(
        "{}: {cards} cards in {} decks, {} answers",
        dir.display(),
        synthetic::deck_count(cards),
        log.lines().count().saturating_sub(1)
    );
}
