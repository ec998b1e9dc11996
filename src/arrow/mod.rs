//! JSON to typed Arrow: column kinds, loose value parsing, and table building with the
//! "no silent loss" fallback to raw strings.

pub mod build;
pub mod dictionary;
pub mod kind;
pub mod parse;
pub mod table;

pub use build::{build_table, Cell, ColumnDef};
pub use kind::Kind;
pub use table::Table;
