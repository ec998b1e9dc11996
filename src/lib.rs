//! personio-arrow: a client for the Personio HR API that returns Apache Arrow tables.
//!
//! The public surface is at the crate root: the [`Client`], its [`Config`] and
//! [`Options`], the query types of its reads ([`EmployeeQuery`], [`ReportQuery`] with
//! [`ReportApi`], [`AttendanceQuery`] with [`AttendanceApi`], [`AbsenceQuery`] with
//! [`AbsenceApi`] (both a [`PeriodQuery`]; the three `Api`s an [`ApiChoice`]),
//! [`OrgUnitType`], and [`Names`] for column naming), what the writes take
//! ([`EmployeeFields`], [`AttendanceRow`], [`NewAbsence`]) and an employee write's
//! answer ([`EmployeeWritten`]), the [`Table`]
//! they return and the [`Picture`] of a profile picture, the [`Progress`] a watched read reports, [`Error`]
//! and [`Secret`]; [`export`] writes a table to a file. The fake Personio server is the
//! `fake` module, behind the `fake` feature; the pyo3 bindings are behind `python` (which
//! turns `fake` on: Python ships `personio_arrow.testing.FakePersonio`). Everything else
//! is private to the crate.
//!
//! The layers, the rule that the fake shares no code with the client and the core knows
//! no Python, and how `tests/boundaries.rs` enforces it: see `ARCHITECTURE.md`.

mod arrow;
mod auth;
mod client;
mod config;
mod deadline;
mod error;
pub mod export;
#[cfg(feature = "fake")]
pub mod fake;
mod http;
mod next_link;
mod paginate;
mod pipeline;
mod progress;
mod ratelimit;
#[doc(hidden)]
pub mod recorded;
mod redact;
mod resources;
mod runtime;
mod secret;
mod stream;
mod transport;

#[cfg(feature = "mimalloc")]
pub mod allocator;
#[cfg(feature = "python")]
mod python;

pub use arrow::Table;
pub use client::Client;
pub use config::{Config, Options};
pub use error::{ApiFailure, Error, Result};
pub use progress::Progress;
pub use resources::absence_writes::NewAbsence;
pub use resources::absences::{AbsenceApi, AbsenceQuery};
pub use resources::attendance_writes::AttendanceRow;
pub use resources::attendances::{AttendanceApi, AttendanceQuery};
pub use resources::choice::ApiChoice;
pub use resources::days::PeriodQuery;
pub use resources::employee_writes::{EmployeeFields, EmployeeWritten};
pub use resources::employees::EmployeeQuery;
pub use resources::names::Names;
pub use resources::org_units::OrgUnitType;
pub use resources::pictures::Picture;
pub use resources::reports::{ReportApi, ReportQuery};
pub use secret::Secret;
