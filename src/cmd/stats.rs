//! `recall stats`: counts, forecast, heatmap, retention, streak and readiness.

use std::io::Write;

use crate::app::{self, App, Error};
use crate::collection::Scope;
use crate::deck::CardKey;
use crate::sched::Holds;
use crate::stats::{Item, Stats};

pub fn stats(app: &App, scope: &Scope, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let settings = &app.settings;
    let (collection, _) = app.open_collection(err, false)?;
    let library = &collection.library;
    let scope = app::check_scope(library, scope)?;
    let today = app.today();
    let items: Vec<Item> = library
        .cards_in_order(&scope)
        .into_iter()
        .flat_map(|(deck, card)| {
            // A user's card without a section is counted under its deck.
            let section = library.section_of(deck, card).unwrap_or(&deck.id).to_string();
            card.facets().into_iter().map(move |facet| Item {
                key: CardKey::with_facet(&deck.id, &card.id, facet),
                deck: deck.id.clone(),
                section: section.clone(),
            })
        })
        .collect();
    let holds = Holds::of(&collection.marks, today, settings.rollover);
    let stats = Stats::build(
        &items,
        &collection.schedules,
        &collection.records,
        &holds,
        today,
        settings.rollover,
    );
    if json {
        return app::write_json(out, &stats);
    }
    stats.draw(out)?;
    Ok(())
}
