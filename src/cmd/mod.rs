//! One module per command. Each takes checked settings and arguments from `cli`, does
//! its work through the library, and writes to the `impl Write` it is given.

pub mod add;
pub mod anki;
pub mod card;
pub mod deck;
pub mod find;
pub mod hold;
pub mod merge;
pub mod plan;
pub mod quiz;
pub mod review;
pub mod stats;
pub mod sync;
pub mod transfer;
