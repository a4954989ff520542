//! `recall stats`: counts, forecast, heatmap, retention, streak and readiness.
//!
//! The decks come from the catalog (cached), and everything about the log from one
//! reading of its text: the answers are read in place, without a record or a key
//! allocated per answer, and replayed for the schedules; the marks give the holds.

use std::io::Write;

use crate::app::{self, App, Error};
use crate::collection::Scope;
use crate::sched::Holds;
use crate::stats::{Item, Stats};

pub fn stats(app: &App, scope: &Scope, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let settings = &app.settings;
    let rollover = settings.rollover;
    let catalog = app.open_catalog(err)?;
    let scope = app::check_scope(&catalog, scope)?;
    let today = app.today();
    let items: Vec<Item<'_>> = catalog
        .keys_with_groups(&scope)
        .into_iter()
        .map(|(key, deck, section)| Item { key, deck, section })
        .collect();
    let path = settings.log_path();
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(Error::File { path, source }),
    };
    let scan = crate::log::scan(&path, &text, rollover)?;
    for warning in &scan.warnings {
        writeln!(err, "warning: {warning}")?;
    }
    let holds = Holds::of(&scan.marks, today, rollover);
    let stats = Stats::build(&items, scan.answers, &holds, today);
    if json {
        return app::write_json(out, &stats);
    }
    stats.draw(out)?;
    Ok(())
}
