//! Anki's packages: reading them ([`package`], at the edge: zip, zstd, SQLite) and
//! turning their notes and review log into recall's cards and answers ([`convert`],
//! pure), with fields from HTML to text ([`html`]).

pub mod convert;
pub mod html;
pub mod package;
