//! `recall plan`: the roadmap with the learner's progress.

use std::io::Write;

use crate::app::{self, App, Error};
use crate::plan::Plan;

pub fn plan(app: &App, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let (collection, _) = app.open_collection(err, false)?;
    let library = &collection.library;
    let plan = Plan::build(library, &collection.schedules);
    if json {
        return app::write_json(out, &plan);
    }
    plan.draw(library, out)?;
    Ok(())
}
