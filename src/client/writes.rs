//! The client's writes, each under the call's deadline like the reads.
//!
//! How each is kept from being applied twice: a write is sent again only where it
//! cannot have been applied (no connection made, 503, 429, a refused token: see
//! `http`); a reply lost after the request went out (a reset, a cut body, a timeout,
//! a 500/502/504) is an error, since Personio takes no idempotency key and a second
//! try could create a second employee, absence or batch of attendances.

use super::Client;
use crate::arrow::Table;
use crate::error::Result;
use crate::resources::absence_writes::{self, NewAbsence};
use crate::resources::attendance_writes::{self, AttendanceRow};
use crate::resources::employee_writes::{self, EmployeeFields, EmployeeWritten};

impl Client {
    /// Creates an employee (`email`, `first_name` and `last_name` required): its id and
    /// what Personio ignored.
    pub async fn create_employee(&self, fields: &EmployeeFields) -> Result<EmployeeWritten> {
        let create = employee_writes::create_employee(&self.transport, fields);
        self.call("the employee creation", create).await
    }

    /// Changes the given fields of employee `id` (never its email); what Personio
    /// ignored.
    pub async fn update_employee(
        &self,
        id: i64,
        fields: &EmployeeFields,
    ) -> Result<EmployeeWritten> {
        let update = employee_writes::update_employee(&self.transport, id, fields);
        self.call("the employee update", update).await
    }

    /// Creates attendance periods in one batch; one result row per row given (`row`,
    /// `status` ok/error, `id`, `error`), since the batch may partly succeed.
    pub async fn create_attendances(&self, rows: &[AttendanceRow]) -> Result<Table> {
        let create = attendance_writes::create_attendances(&self.transport, rows);
        self.call("the attendance creation", create).await
    }

    /// Deletes attendance period `id`.
    pub async fn delete_attendance(&self, id: i64) -> Result<()> {
        let delete = attendance_writes::delete_attendance(&self.transport, id);
        self.call("the attendance deletion", delete).await
    }

    /// Creates a day-based absence (v1 time-off); its id.
    pub async fn create_absence(&self, absence: &NewAbsence) -> Result<i64> {
        let create = absence_writes::create_absence(&self.transport, absence);
        self.call("the absence creation", create).await
    }

    /// Deletes the day-based absence (v1 time-off) `id`.
    pub async fn delete_absence(&self, id: i64) -> Result<()> {
        let delete = absence_writes::delete_absence(&self.transport, id);
        self.call("the absence deletion", delete).await
    }
}
