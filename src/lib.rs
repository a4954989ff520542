//! recall: a spaced-repetition flashcard engine for the terminal.
//!
//! The modules follow the data: deck files are parsed and checked (`deck`, against the
//! `roadmap`), joined with the review log (`log`) into a `collection`, scheduled by the
//! SM-2 core (`sm2`) and the day's queue policy (`sched`), and answered through a
//! `session`. The front ends (`repl`, the commands in `cmd`, with the shared context
//! of `app` and the argument parsing of `cli`) sit at the edge and are the only code
//! that touches the terminal and the clock.

pub mod add;
pub mod anki;
pub mod app;
pub mod ask;
pub mod author;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod collection;
pub mod config;
pub mod deck;
pub mod git;
pub mod interchange;
pub mod log;
pub mod merge;
pub mod plan;
pub mod progress;
pub mod quiz;
pub mod render;
pub mod repl;
pub mod roadmap;
pub mod sched;
pub mod session;
pub mod sm2;
pub mod startup;
pub mod stats;
pub mod suggest;
pub mod sync;
