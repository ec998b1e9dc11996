//! Custom reports as typed Arrow: the report list, and one report through the API the
//! query chooses ([`super::reports_v1`] or [`super::reports_v2`]), as a table or
//! streamed.

use std::borrow::Cow;
use std::future::Future;
use std::time::Duration;

use arrow::record_batch::RecordBatch;
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::choice::ApiChoice;
use super::names::Names;
use super::report_ref::parse_report_reference;
use super::report_v2_stream::stream_report_v2;
use super::reports_v1::{is_historical, stream_v1, v1_table, REPORTS_PATH};
use super::reports_v2::{fetch_report_v2, not_on_v2};
use crate::arrow::{build_table, ColumnDef, Kind, Table};
use crate::error::{ApiFailure, Error, Result};
use crate::transport::{Api, Request, Transport};

/// First pause between two looks at an updating report; it grows to `MAX_POLL`.
const FIRST_POLL: Duration = Duration::from_millis(500);
const MAX_POLL: Duration = Duration::from_secs(10);

/// How to read one report.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    /// Language of the labels (`en`, `de`, ...); Personio's default when `None`.
    pub locale: Option<String>,
    /// Column naming.
    pub names: Names,
    /// Wait while the report is updating (else fail at once).
    pub wait: bool,
    /// The longest wait for an updating report.
    pub timeout: Duration,
    /// Which API reads the report.
    pub api: ReportApi,
}

/// Which API reads a report: `Auto` reads v2 where the report is served there, v1
/// otherwise; `V1` reads v1 Custom Reports only (switched off by Personio on
/// 2027-06-30); `V2` reads the v2 Report API only, which tells no report status, so
/// none is waited for.
pub type ReportApi = ApiChoice;

impl Default for ReportQuery {
    fn default() -> Self {
        ReportQuery {
            locale: None,
            names: Names::Key,
            wait: true,
            timeout: Duration::from_secs(300),
            api: ReportApi::Auto,
        }
    }
}

/// The metadata of every report the credential can see, as v1 lists it.
pub async fn fetch_report_list(
    transport: &Transport,
    ids: &[String],
) -> Result<Vec<Map<String, Value>>> {
    let query = if ids.is_empty() {
        Vec::new()
    } else {
        vec![("report_ids".to_string(), ids.join(","))]
    };
    let request = Request::get(REPORTS_PATH, query);
    let json = transport
        .execute(&request, Some(Api::V1))
        .await?
        .json(&request)?;
    json.get("data")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get("attributes").and_then(Value::as_object).cloned())
                .collect()
        })
        .ok_or_else(|| {
            request.invalid_response(
                "expected {\"data\": [{\"type\": \"Report\", \"attributes\": ...}]}",
            )
        })
}

/// The report list as a table: id, name, description, type, status, dates, columns.
pub fn report_list_table(reports: &[Map<String, Value>]) -> Result<Table> {
    let columns = [
        ColumnDef::keyed("id", Kind::Utf8),
        ColumnDef::keyed("name", Kind::Utf8),
        ColumnDef::keyed("description", Kind::Utf8),
        ColumnDef::keyed("type", Kind::Utf8),
        ColumnDef::keyed("status", Kind::Utf8),
        ColumnDef::keyed("period_type", Kind::Utf8),
        ColumnDef::keyed("start_date", Kind::Date32),
        ColumnDef::keyed("end_date", Kind::Date32),
        ColumnDef::keyed("created_at", Kind::TimestampUtc),
        ColumnDef::keyed("updated_at", Kind::TimestampUtc),
        ColumnDef::keyed("data_refreshed_at", Kind::TimestampUtc),
        ColumnDef::keyed("author_first_name", Kind::Utf8),
        ColumnDef::keyed("author_last_name", Kind::Utf8),
        ColumnDef::keyed("columns", Kind::StringList),
    ];
    build_table(&columns, reports.len(), |c, r| {
        reports[r].get(&columns[c].name).map(Cow::Borrowed)
    })
}

/// One report, typed, through the API `query.api` chooses.
pub async fn fetch_report(
    transport: &Transport,
    reference: &str,
    query: &ReportQuery,
) -> Result<Table> {
    read_report(transport, reference, query, &AsTable).await
}

/// One report, typed, through the API `query.api` chooses, sent to `out` in batches of
/// at most `batch_size` rows while it is read (see [`crate::stream`]). An error before
/// the rows are read (the choice of API, the wait) is returned; later ones are sent.
pub async fn stream_report(
    transport: &Transport,
    reference: &str,
    query: &ReportQuery,
    batch_size: usize,
    out: mpsc::Sender<Result<RecordBatch>>,
) -> Result<()> {
    read_report(transport, reference, query, &AsStream { batch_size, out }).await
}

/// What is made of a report once its API is chosen.
trait ReportOutput {
    /// A table, or nothing (the rows went elsewhere).
    type Output;

    /// The report through v1; `info` is its entry in the report list.
    fn v1(
        &self,
        transport: &Transport,
        id: &str,
        info: &Map<String, Value>,
        query: &ReportQuery,
    ) -> impl Future<Output = Result<Self::Output>> + Send;

    /// The report through v2; `historical` is v1's word where v1 knows the report. An
    /// error that means "not on v2" ([`not_on_v2`]) must come before any row is given
    /// out: v1 is then asked instead.
    fn v2(
        &self,
        transport: &Transport,
        id: &str,
        query: &ReportQuery,
        historical: Option<bool>,
    ) -> impl Future<Output = Result<Self::Output>> + Send;
}

/// The report as one table.
struct AsTable;

impl ReportOutput for AsTable {
    type Output = Table;

    async fn v1(
        &self,
        transport: &Transport,
        id: &str,
        info: &Map<String, Value>,
        query: &ReportQuery,
    ) -> Result<Table> {
        v1_table(transport, id, info, query.locale.as_deref(), query.names).await
    }

    async fn v2(
        &self,
        transport: &Transport,
        id: &str,
        query: &ReportQuery,
        historical: Option<bool>,
    ) -> Result<Table> {
        let locale = query.locale.as_deref();
        fetch_report_v2(transport, id, locale, historical, query.names).await
    }
}

/// The report streamed to `out`.
struct AsStream {
    batch_size: usize,
    out: mpsc::Sender<Result<RecordBatch>>,
}

impl ReportOutput for AsStream {
    type Output = ();

    async fn v1(
        &self,
        transport: &Transport,
        id: &str,
        info: &Map<String, Value>,
        query: &ReportQuery,
    ) -> Result<()> {
        let (locale, out) = (query.locale.as_deref(), self.out.clone());
        stream_v1(
            transport,
            id,
            info,
            locale,
            query.names,
            self.batch_size,
            out,
        )
        .await
    }

    async fn v2(
        &self,
        transport: &Transport,
        id: &str,
        query: &ReportQuery,
        historical: Option<bool>,
    ) -> Result<()> {
        let (locale, out) = (query.locale.as_deref(), self.out.clone());
        stream_report_v2(
            transport,
            id,
            locale,
            historical,
            query.names,
            self.batch_size,
            out,
        )
        .await
    }
}

/// One report through the API `query.api` chooses, made into `output`'s output.
async fn read_report<O: ReportOutput>(
    transport: &Transport,
    reference: &str,
    query: &ReportQuery,
    output: &O,
) -> Result<O::Output> {
    let id = parse_report_reference(reference)?;
    if query.api == ReportApi::V2 {
        return output.v2(transport, &id, query, None).await;
    }
    // Only v1 tells whether Personio is still updating the report. In auto mode a v1
    // that does not know the report (or is gone) must not keep v2 from reading it.
    let info = match wait_until_ready(transport, &id, query).await {
        Err(v1_error) if query.api == ReportApi::Auto && not_on_v1(&v1_error) => {
            // v2's answer is the one that says what to fix (API access off, a grouped
            // report, a missing right); v1's is named beside it.
            return output
                .v2(transport, &id, query, None)
                .await
                .map_err(|v2_error| with_v1_answer(v2_error, &v1_error));
        }
        info => info?,
    };
    if query.api == ReportApi::Auto {
        match output
            .v2(transport, &id, query, Some(is_historical(&info)))
            .await
        {
            Err(error) if not_on_v2(&error) => {}
            done => return done,
        }
    }
    output.v1(transport, &id, &info, query).await
}

/// Whether v1 cannot tell anything about the report (unknown there, no v1 scope, or v1
/// switched off), so that v2 may still be asked.
fn not_on_v1(error: &Error) -> bool {
    matches!(
        error,
        Error::NotFound(_) | Error::PermissionDenied(_) | Error::BadRequest(_)
    )
}

/// `v2_error`, its message followed by what v1 answered.
fn with_v1_answer(mut v2_error: Error, v1_error: &Error) -> Error {
    if let (Some(v1), Some(failure)) = (v1_error.failure(), v2_error.failure_mut()) {
        failure.message = format!(
            "{} (v2 Report API; v1 Custom Reports answered: {})",
            failure.message, v1.message
        );
    }
    v2_error
}

/// The report's metadata once it is up to date: waits with a growing pause while it is
/// updating (if asked to), fails at once if its last update failed.
async fn wait_until_ready(
    transport: &Transport,
    id: &str,
    query: &ReportQuery,
) -> Result<Map<String, Value>> {
    let started = Instant::now();
    let mut pause = FIRST_POLL;
    loop {
        let info = fetch_report_list(transport, &[id.to_string()])
            .await?
            .into_iter()
            .find(|r| {
                r.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.eq_ignore_ascii_case(id))
            })
            .ok_or_else(|| {
                Error::NotFound(ApiFailure {
                    status: None,
                    trace_id: None,
                    message: format!("no custom report {id} is visible to this credential"),
                    endpoint: format!("GET {REPORTS_PATH}"),
                })
            })?;
        let status = info
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("up_to_date");
        let not_ready = |message: String| {
            Error::ReportNotReady(ApiFailure {
                status: None,
                trace_id: None,
                message,
                endpoint: format!("GET {REPORTS_PATH}/{id}"),
            })
        };
        match status {
            "updating" if !query.wait => {
                return Err(not_ready(format!(
                    "report {id} is still updating in Personio; pass wait=True to wait for it"
                )))
            }
            "updating" if started.elapsed() + pause > query.timeout => {
                return Err(not_ready(format!(
                    "report {id} was still updating after {:.0} s",
                    started.elapsed().as_secs_f64()
                )))
            }
            "updating" => {
                tokio::time::sleep(pause).await;
                pause = (pause * 3 / 2).min(MAX_POLL);
            }
            "update_failed" => {
                return Err(not_ready(format!(
                    "Personio could not update report {id}; open it in Personio to refresh it"
                )))
            }
            _ => return Ok(info),
        }
    }
}
