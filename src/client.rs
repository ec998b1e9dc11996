//! The client: one configuration, one transport (token cache; the rate budget is the
//! company's, shared with every client of the credential), one method per read; the
//! writes are in `writes`.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::arrow::Table;
use crate::config::{Config, Options};
use crate::deadline;
use crate::error::{Error, Result};
use crate::resources::absence_balances::fetch_absence_balances;
use crate::resources::absence_types::fetch_absence_types;
use crate::resources::absences::{self, AbsenceApi, AbsenceQuery};
use crate::resources::attendances::{self, AttendanceQuery};
use crate::resources::employees::{self, EmployeeQuery};
use crate::resources::names::Names;
use crate::resources::org_entities;
use crate::resources::org_units::{self, OrgUnitType};
use crate::resources::pictures::{self, Picture};
use crate::resources::projects_v2;
use crate::resources::reports::{self, ReportQuery};
use crate::resources::v2_listing::read_listing;
use crate::transport::Transport;

mod writes;

/// A Personio API client. Cheap to clone; clones share the token. Every client of one
/// credential in the process shares one rate budget.
#[derive(Debug, Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl Client {
    /// A client from checked options (see [`Config::from_options`]).
    pub fn new(options: Options) -> Result<Client> {
        Client::with_config(Config::from_options(options)?)
    }

    /// A client from a complete configuration.
    pub fn with_config(config: Config) -> Result<Client> {
        Ok(Client {
            transport: Arc::new(Transport::new(config)?),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        self.transport.config()
    }

    /// Every employee (or those changed since `query.updated_since`), typed.
    pub async fn employees(&self, query: &EmployeeQuery) -> Result<Table> {
        let query = with_normal_instant(query)?;
        self.call(
            "the employee listing",
            employees::fetch_employees(&self.transport, &query),
        )
        .await
    }

    /// Every employee the query selects, sent to `out` as record batches of at most
    /// `batch_size` rows while the listing is still read, in listing order; the first
    /// batch (empty for an empty listing) fixes the schema. The read ends with an error
    /// sent in place of the remaining batches where the table read would fail or would
    /// have to read the listing again (see [`crate::stream`]); it stops when `out`'s
    /// receiver is dropped.
    pub async fn stream_employees(
        &self,
        query: &EmployeeQuery,
        batch_size: usize,
        out: tokio::sync::mpsc::Sender<Result<arrow::record_batch::RecordBatch>>,
    ) {
        let failed = out.clone();
        let read = async {
            let query = with_normal_instant(query)?;
            employees::stream_employees(&self.transport, &query, batch_size, out).await
        };
        if let Err(error) = self.call("the employee listing", read).await {
            let _ = failed.send(Err(error)).await;
        }
    }

    /// One employee as a one-row table; [`Error::NotFound`] if there is none.
    pub async fn employee(&self, id: i64, names: Names) -> Result<Table> {
        self.call(
            "the employee read",
            employees::fetch_employee(&self.transport, id, names),
        )
        .await
    }

    /// The attributes this credential may read: key, label, type, universal_id, options.
    pub async fn employee_attributes(&self) -> Result<Table> {
        self.call("the attribute list", async {
            let attributes = employees::fetch_attributes(&self.transport).await?;
            employees::attributes_table(&attributes)
        })
        .await
    }

    /// The custom reports this credential can see: id, name, type, status, dates, columns.
    pub async fn custom_reports(&self) -> Result<Table> {
        self.call("the report list", async {
            let list = reports::fetch_report_list(&self.transport, &[]).await?;
            reports::report_list_table(&list)
        })
        .await
    }

    /// One custom report, by ID or web-app URL, typed by its columns' data types.
    pub async fn custom_report(&self, reference: &str, query: &ReportQuery) -> Result<Table> {
        self.call(
            "the report read",
            reports::fetch_report(&self.transport, reference, query),
        )
        .await
    }

    /// One custom report, as [`custom_report`](Self::custom_report) reads it, sent to
    /// `out` as record batches of at most `batch_size` rows while it is still read, in
    /// row order; the first batch (empty for an empty report) fixes the schema. As for
    /// [`stream_employees`](Self::stream_employees), the read ends with an error sent
    /// in place of the remaining batches where the table read would fail or would read
    /// the report again; it stops when `out`'s receiver is dropped.
    pub async fn stream_custom_report(
        &self,
        reference: &str,
        query: &ReportQuery,
        batch_size: usize,
        out: tokio::sync::mpsc::Sender<Result<arrow::record_batch::RecordBatch>>,
    ) {
        let failed = out.clone();
        let read = reports::stream_report(&self.transport, reference, query, batch_size, out);
        if let Err(error) = self.call("the report read", read).await {
            let _ = failed.send(Err(error)).await;
        }
    }

    /// The attendances of the days `query` selects, one row per worked period, from v2
    /// attendance periods or v1 attendances alike (see `resources::attendances`).
    pub async fn attendances(&self, query: &AttendanceQuery) -> Result<Table> {
        self.call(
            "the attendance listing",
            attendances::fetch_attendances(&self.transport, query),
        )
        .await
    }

    /// The departments or the teams, each with the ids of its ancestors (see
    /// `resources::org_units`).
    pub async fn org_units(&self, kind: OrgUnitType) -> Result<Table> {
        self.call(
            "the org unit listing",
            org_units::fetch_org_units(&self.transport, kind),
        )
        .await
    }

    /// The absences that meet the days `query` selects, day-based and hourly in one
    /// table with a `unit` column, from v2 absence periods or v1 time-offs and absence
    /// periods alike (see `resources::absences`).
    pub async fn absences(&self, query: &AbsenceQuery) -> Result<Table> {
        self.call(
            "the absence listing",
            absences::fetch_absences(&self.transport, query),
        )
        .await
    }

    /// The cost centers: id, name.
    pub async fn cost_centers(&self) -> Result<Table> {
        let listing = read_listing(&self.transport, org_entities::cost_centers());
        self.call("the cost center listing", listing).await
    }

    /// The legal entities: id, name, country.
    pub async fn legal_entities(&self) -> Result<Table> {
        let listing = read_listing(&self.transport, org_entities::legal_entities());
        self.call("the legal entity listing", listing).await
    }

    /// The workplaces: id, name.
    pub async fn workplaces(&self) -> Result<Table> {
        let listing = read_listing(&self.transport, org_entities::workplaces());
        self.call("the workplace listing", listing).await
    }

    /// The projects (see `resources::projects_v2`).
    pub async fn projects(&self) -> Result<Table> {
        let listing = read_listing(&self.transport, projects_v2::projects());
        self.call("the project listing", listing).await
    }

    /// Employee `id`'s profile picture, `width` pixels wide if given (else the original
    /// size); [`Error::NotFound`] for an employee without one.
    pub async fn profile_picture(&self, id: i64, width: Option<u32>) -> Result<Picture> {
        let picture = pictures::fetch_picture(&self.transport, id, width);
        self.call("the profile picture read", picture).await
    }

    /// The absence types: id, name, category, unit, approval_required, from v2 absence
    /// types or (`AbsenceApi::V1`) v1 time-off types.
    pub async fn absence_types(&self, api: AbsenceApi) -> Result<Table> {
        self.call(
            "the absence type list",
            fetch_absence_types(&self.transport, api),
        )
        .await
    }

    /// One employee's balance for each absence type that keeps one (v1).
    pub async fn absence_balances(&self, employee_id: i64) -> Result<Table> {
        self.call(
            "the absence balance read",
            fetch_absence_balances(&self.transport, employee_id),
        )
        .await
    }

    /// Runs one call under the configured deadline.
    async fn call<T>(&self, what: &str, call: impl Future<Output = Result<T>>) -> Result<T> {
        deadline::within(self.config().deadline, what, call).await
    }
}

/// `query` with its `updated_since` in the one form Personio reads.
fn with_normal_instant(query: &EmployeeQuery) -> Result<EmployeeQuery> {
    let mut query = query.clone();
    query.updated_since = query
        .updated_since
        .as_deref()
        .map(normalize_instant)
        .transpose()?;
    Ok(query)
}

/// An instant with an explicit offset, rewritten in UTC (`2024-01-31T08:00:00Z`).
/// A time without an offset is refused: Personio would read it in a zone we cannot know.
pub fn normalize_instant(raw: &str) -> Result<String> {
    let parsed = DateTime::parse_from_rfc3339(raw.trim()).map_err(|_| {
        Error::invalid_argument(format!(
            "updated_since must be a timezone-aware datetime or an ISO 8601 string with an offset \
             such as \"2024-01-31T08:00:00+01:00\", got {raw:?}"
        ))
    })?;
    Ok(parsed
        .with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Secs, true))
}

#[cfg(test)]
mod tests {
    use super::normalize_instant;

    #[test]
    fn instants_are_sent_in_utc() {
        assert_eq!(
            normalize_instant("2024-01-31T09:00:00+01:00").unwrap(),
            "2024-01-31T08:00:00Z"
        );
        assert!(normalize_instant("2024-01-31T09:00:00").is_err());
        assert!(normalize_instant("yesterday").is_err());
    }
}
