//! One module per Personio resource; each turns API responses into typed tables.

pub mod absence_balances;
pub mod absence_types;
pub mod absences;
pub mod absences_v1;
pub mod absences_v2;
pub mod attendance_breaks;
pub mod attendances;
pub mod attendances_v1;
pub mod attendances_v2;
pub mod choice;
pub mod days;
pub mod employee_attributes;
pub mod employee_pages;
pub mod employee_plan;
pub mod employee_seen;
pub mod employee_wire;
pub mod employees;
pub mod names;
pub mod projects_v2;
pub mod report_columns;
pub mod report_ref;
pub mod report_rows;
pub mod report_v2_cells;
mod report_v2_decode;
pub mod reports;
pub mod reports_v1;
pub mod reports_v2;
