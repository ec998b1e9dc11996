//! personio-arrow: a client for the Personio HR API that returns Apache Arrow tables.
//!
//! The crate is a pure Rust core ([`Client`], typed Arrow conversion, and the fake
//! Personio server in [`fake`]); the pyo3 bindings live behind the `python` feature.
//!
//! A client's surface is at the crate root: the [`Client`], its [`Config`] and
//! [`Options`], the query types of its reads ([`EmployeeQuery`], [`ReportQuery`] with
//! [`ReportApi`], and [`Names`] for column naming), the [`Table`] they return, [`Error`]
//! and [`Secret`].

pub mod arrow;
mod auth;
pub mod client;
pub mod config;
pub mod deadline;
pub mod error;
pub mod export;
pub mod fake;
mod http;
pub mod paginate;
pub mod pipeline;
pub mod ratelimit;
#[doc(hidden)]
pub mod recorded;
pub mod redact;
pub mod resources;
pub mod runtime;
pub mod secret;
pub mod transport;

#[cfg(feature = "python")]
mod python;

/// Pages are parsed on several threads at once, where glibc's allocator showed up as a
/// fifth of the conversion time; mimalloc serves Rust's allocations only.
#[cfg(feature = "python")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub use arrow::Table;
pub use client::Client;
pub use config::{Config, Options};
pub use error::{ApiFailure, Error, Result};
pub use resources::employees::EmployeeQuery;
pub use resources::names::Names;
pub use resources::reports::{ReportApi, ReportQuery};
pub use secret::Secret;
