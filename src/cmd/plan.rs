//! `recall plan`: the roadmap with the learner's progress.

use std::io::Write;

use crate::cli::*;
use crate::collection::Settings;
use crate::plan::Plan;

pub(crate) fn plan(
    settings: &Settings,
    args: &PlanArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (collection, _) = open_collection(settings, err, false)?;
    let library = &collection.library;
    let plan = Plan::build(library, &collection.schedules);
    if args.json {
        write_json(out, &plan)?;
        return Ok(());
    }
    plan.draw(library, out)?;
    Ok(())
}
