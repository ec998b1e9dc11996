//! One module per Personio resource; each turns API responses into typed tables.

pub mod employee_wire;
pub mod employees;
pub mod names;
pub mod report_ref;
