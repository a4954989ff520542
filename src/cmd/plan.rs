//! `recall plan`: the roadmap with the learner's progress, from the cached catalog
//! and the log's progress.

use std::io::Write;

use crate::app::{self, App, Error};
use crate::plan::Plan;

pub fn plan(app: &App, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let (catalog, progress, _, update) = app.open_progress(err, false)?;
    if let Some(update) = update {
        crate::startup::remember(&progress, update, app.settings.rollover);
    }
    let plan = Plan::build(&catalog, &progress.schedules);
    if json {
        return app::write_json(out, &plan);
    }
    plan.draw(&catalog.roadmap, out)?;
    Ok(())
}
