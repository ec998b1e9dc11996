//! Custom reports of the fake Personio server, v1 and v2, tested over HTTP the way a
//! client sees them. The strongest check is `v1_and_v2_give_the_same_table`: it builds
//! the table of every report from both wire formats with the mapping documented in
//! `src/fake/reports_v2.rs` and compares them.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use personio_arrow::fake::{CredentialSpec, FakeOptions, FakeServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

const LIST: &str = "/v1/company/custom-reports/reports";
const COLUMNS: &str = "/v1/company/custom-reports/columns";

const HEADCOUNT: &str = "Headcount";
const ABSENCES: &str = "Absences and attendance";
const HISTORY: &str = "Department and salary history";
const PERFORMANCE: &str = "Performance";
const UPDATING: &str = "Team overview";
const FAILED: &str = "Probation and contract ends";
const GROUPED: &str = "Headcount by office";
const HIDDEN: &str = "Compensation review";

async fn start(options: FakeOptions) -> (FakeServer, reqwest::Client) {
    // reqwest is built without a default TLS provider; plain http needs none, but the
    // client builder wants one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = FakeServer::start(options)
        .await
        .expect("fake server starts");
    (server, reqwest::Client::new())
}

fn opts(employees: usize) -> FakeOptions {
    FakeOptions {
        employees,
        ..FakeOptions::default()
    }
}

async fn v1_token(server: &FakeServer, http: &reqwest::Client, id: &str, secret: &str) -> String {
    let body: Value = http
        .post(format!("{}/v1/auth", server.url()))
        .json(&json!({"client_id": id, "client_secret": secret}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["token"].as_str().unwrap().to_owned()
}

async fn token(server: &FakeServer, http: &reqwest::Client) -> String {
    v1_token(server, http, server.client_id(), server.client_secret()).await
}

async fn v2_token(server: &FakeServer, http: &reqwest::Client) -> String {
    let body: Value = http
        .post(format!("{}/v2/auth/token", server.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// GET a path (or an absolute URL) with a bearer token: status, content type, JSON body.
async fn get(
    server: &FakeServer,
    http: &reqwest::Client,
    token: &str,
    path: &str,
) -> (StatusCode, String, Value) {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{}", server.url(), path)
    };
    let resp = http.get(url).bearer_auth(token).send().await.unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, ct, body)
}

async fn ok(server: &FakeServer, http: &reqwest::Client, token: &str, path: &str) -> Value {
    let (status, _, body) = get(server, http, token, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

fn id_of(server: &FakeServer, name: &str) -> String {
    server
        .report_id(name)
        .unwrap_or_else(|| panic!("no report {name}"))
}

fn report_path(server: &FakeServer, name: &str) -> String {
    format!("{LIST}/{}", id_of(server, name))
}

fn items(body: &Value) -> &Vec<Value> {
    body["data"][0]["attributes"]["items"].as_array().unwrap()
}

/// Every v1 item of a report, page by page.
async fn all_items(
    server: &FakeServer,
    http: &reqwest::Client,
    token: &str,
    name: &str,
    query: &str,
) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let path = format!("{}?page={page}&limit=17{query}", report_path(server, name));
        let body = ok(server, http, token, &path).await;
        let got = items(&body);
        if got.is_empty() {
            break;
        }
        out.extend(got.iter().cloned());
    }
    out
}

/// Every v2 row of a report and its columns, following `next`.
async fn all_rows(
    server: &FakeServer,
    http: &reqwest::Client,
    token: &str,
    name: &str,
    query: &str,
) -> (Vec<Value>, Vec<Value>) {
    let mut url = format!("/v2/reports/{}?{query}", id_of(server, name));
    let mut rows = Vec::new();
    let mut columns = None;
    loop {
        let body = ok(server, http, token, &url).await;
        columns.get_or_insert_with(|| body["_meta"]["columns"].as_array().unwrap().clone());
        rows.extend(body["_data"].as_array().unwrap().iter().cloned());
        match body["_meta"]["links"]["next"]["href"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    (columns.unwrap(), rows)
}

/// A number or numeric string; `""`, null and absent are None. Rounded to 6 decimals:
/// serde_json's default float parsing may be one ulp off `str::parse`.
fn num(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if !s.is_empty() => Some(s.parse().expect("numeric string")),
        _ => None,
    };
    n.map(|n| (n * 1e6).round() / 1e6)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn non_empty(v: Value) -> Value {
    match &v {
        Value::Array(a) if a.is_empty() => Value::Null,
        _ => v,
    }
}

const SYMBOLS: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("£", "GBP"),
    ("CHF", "CHF"),
    ("zł", "PLN"),
    ("$", "USD"),
];

/// The table value of a v1 attribute (per the mapping of `reports_v2`).
fn from_v1(a: &Value) -> Value {
    let f = |k: &str| &a[k];
    match f("data_type").as_str().unwrap() {
        "TEXT" => json!(text(f("value"))),
        "ENTITY" => match text(f("value")) {
            Some(name) => json!({"id": text(f("entity_id")).unwrap(), "name": name}),
            None => Value::Null,
        },
        "DURATION" => json!(num(f("duration"))),
        "COST_CENTER" => non_empty(json!(f("cost_centers")
            .as_array()
            .map(|l| l
                .iter()
                .map(|c| {
                    let weight = c["weight"].as_str().unwrap().trim_end_matches('%');
                    json!({"id": c["cost_center_id"], "name": c["value"], "weight": num(&json!(weight)).unwrap()})
                })
                .collect::<Vec<_>>())
            .unwrap_or_default())),
        "SALARY" => match num(f("amount")) {
            Some(amount) => {
                let symbol = f("currency_symbol").as_str().unwrap();
                let code = SYMBOLS.iter().find(|s| s.0 == symbol).unwrap().1;
                json!({"amount": amount, "currency": code, "symbol": symbol})
            }
            None => Value::Null,
        },
        "COMPENSATION" => match num(f("amount")) {
            Some(amount) => json!({
                "amount": amount, "currency": f("currency_code"), "symbol": f("currency_symbol"),
                "overtime_hours": num(f("overtime_hours")), "bonus_type": text(f("bonus_type")),
            }),
            None => Value::Null,
        },
        "ABSENCE_OVERVIEW" => match text(f("start_date")) {
            Some(start) => json!({"from": start, "to": f("end_date"),
                "days": num(f("duration_days")), "hours": num(f("duration_hours"))}),
            None => Value::Null,
        },
        "ABSENCE_PERIOD" => match text(f("start_date")) {
            Some(start) => json!({"from": start, "to": f("end_date"),
                "half_start": f("half_day_at_start"), "half_end": f("half_day_at_end")}),
            None => Value::Null,
        },
        "PERFORMANCE_TARGET" => non_empty(json!(f("performance_targets")
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|t| json!({"id": t["performance_target_id"], "value": t["performance_target_value"]}))
            .collect::<Vec<_>>())),
        "PERFORMANCE_KPI" => non_empty(json!(f("performance_target_kpis")
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|t| json!({"target": t["performance_target_id"], "kpis": t["performance_kpis"]
                .as_array().unwrap().iter()
                .map(|k| json!([k["performance_kpi_id"], k["performance_kpi_value"]]))
                .collect::<Vec<_>>()}))
            .collect::<Vec<_>>())),
        other => panic!("unknown data type {other}"),
    }
}

/// The table value of a v2 cell of a column of `kind` (per the mapping of `reports_v2`).
fn from_v2(kind: &str, cell: &Value) -> Value {
    let options = || cell["options_value"]["options"].as_array().unwrap().clone();
    match kind {
        "string" | "timestamp" => cell["string_value"]["value"].clone(),
        "option" => match options().first() {
            Some(o) => {
                assert!(o["key"].is_string(), "option keys are text: {cell}");
                json!({"id": o["key"], "name": o["value"]})
            }
            None => Value::Null,
        },
        "decimal" => json!(num(&cell["numeric_value"]["number"])),
        "cost_center" => non_empty(json!(options()
            .iter()
            .map(|o| json!({"id": o["key"], "name": o["value"], "weight": num(&o["weight"]).unwrap()}))
            .collect::<Vec<_>>())),
        "salary" => {
            let m = &cell["monetary_value"];
            match num(&m["amount"]) {
                Some(amount) => {
                    json!({"amount": amount, "currency": m["currency"], "symbol": m["currency_symbol"]})
                }
                None => Value::Null,
            }
        }
        "compensation" => {
            let m = &cell["monetary_value"];
            match num(&m["amount"]) {
                Some(amount) => json!({
                    "amount": amount, "currency": m["currency"], "symbol": m["currency_symbol"],
                    "overtime_hours": num(&m["overtime_hours"]), "bonus_type": m["bonus_type"],
                }),
                None => Value::Null,
            }
        }
        "absence_overview" => {
            let t = &cell["time_range_value"];
            match t["from"].as_str() {
                Some(from) => json!({"from": from, "to": t["to"],
                    "days": num(&t["duration_days"]), "hours": num(&t["duration_hours"])}),
                None => Value::Null,
            }
        }
        "absence_period" => {
            let t = &cell["time_range_value"];
            match t["from"].as_str() {
                Some(from) => json!({"from": from, "to": t["to"],
                    "half_start": t["half_day_at_start"], "half_end": t["half_day_at_end"]}),
                None => Value::Null,
            }
        }
        "performance_target" => non_empty(json!(options()
            .iter()
            .map(|o| json!({"id": o["key"], "value": o["value"]}))
            .collect::<Vec<_>>())),
        "performance_kpi" => {
            // Regroup the flat KPI options by target, in order.
            let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
            for o in options() {
                let target = o["performance_target_id"].clone();
                let kpi = json!([o["key"], o["value"]]);
                match groups.last_mut() {
                    Some((t, kpis)) if *t == target => kpis.push(kpi),
                    _ => groups.push((target, vec![kpi])),
                }
            }
            non_empty(json!(groups
                .into_iter()
                .map(|(t, kpis)| json!({"target": t, "kpis": kpis}))
                .collect::<Vec<_>>()))
        }
        other => panic!("unknown v2 column type {other}"),
    }
}

/// The table from v1: one row per item, in `columns` order. Historical items spread
/// into one row per distinct effective date, the date first, every column holding the
/// value in force that day (the latest effective date `<=` it), null before any.
fn table_v1(columns: &[String], historical: bool, items: &[Value]) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for item in items {
        if !historical {
            let attrs = item["attributes"].as_array().unwrap();
            let row = columns
                .iter()
                .map(|c| {
                    attrs
                        .iter()
                        .find(|a| a["attribute_id"] == c.as_str())
                        .map_or(Value::Null, from_v1)
                })
                .collect();
            rows.push(row);
            continue;
        }
        let attrs = item["historical_attributes"].as_array().unwrap();
        let date = |a: &Value| a["effective_date"].as_str().unwrap().to_owned();
        let dates: BTreeSet<String> = attrs.iter().map(date).collect();
        for d in dates {
            let mut row = vec![json!(d)];
            for c in columns {
                let in_force = attrs
                    .iter()
                    .filter(|a| a["attribute_id"] == c.as_str() && date(a) <= d)
                    .max_by_key(|a| date(a));
                row.push(in_force.map_or(Value::Null, from_v1));
            }
            rows.push(row);
        }
    }
    rows
}

fn table_v2(columns: &[Value], rows: &[Value]) -> Vec<Vec<Value>> {
    rows.iter()
        .map(|row| {
            let cells = row.as_array().unwrap();
            assert_eq!(cells.len(), columns.len());
            cells
                .iter()
                .zip(columns)
                .map(|(cell, col)| {
                    assert_eq!(cell["attribute_id"], col["name"]);
                    from_v2(col["type"].as_str().unwrap(), cell)
                })
                .collect()
        })
        .collect()
}

fn v1_metadata(list: &Value, id: &str) -> Value {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["attributes"]["id"] == id)
        .map(|r| r["attributes"].clone())
        .unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_has_the_catalogue_and_filters() {
    let (server, http) = start(FakeOptions {
        report_updating_reads: 0,
        ..opts(12)
    })
    .await;
    let t = token(&server, &http).await;
    let body = ok(&server, &http, &t, LIST).await;
    assert_eq!(body["success"], true);
    assert_eq!(
        body["metadata"],
        json!({"total_elements": 8, "current_page": 0, "total_pages": 1, "offset": 0, "limit": 0})
    );
    assert_eq!(body["offset"], 0);
    assert_eq!(body["limit"], 8);
    let names: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["attributes"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            HEADCOUNT,
            ABSENCES,
            HISTORY,
            PERFORMANCE,
            UPDATING,
            FAILED,
            GROUPED,
            HIDDEN
        ]
    );
    let reports = server.reports();
    assert_eq!(reports.len(), 8);
    for (r, (name, id)) in body["data"].as_array().unwrap().iter().zip(&reports) {
        assert_eq!(r["type"], "Report");
        let a = &r["attributes"];
        assert_eq!(a["name"], name.as_str());
        assert_eq!(a["id"], id.as_str());
        let keys: BTreeSet<&str> = a.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        let expected: BTreeSet<&str> = [
            "id",
            "name",
            "description",
            "author_first_name",
            "author_last_name",
            "type",
            "status",
            "start_date",
            "end_date",
            "created_at",
            "updated_at",
            "data_refreshed_at",
            "columns",
            "filters",
            "period_type",
            "archival_status",
            "archived_at",
        ]
        .into();
        assert_eq!(keys, expected);
        assert_eq!(a["archival_status"], "live");
        assert!(a["archived_at"].is_null());
        assert!(a["columns"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string));
        assert!(a["created_at"].as_str().unwrap().ends_with('Z'));
    }
    let types: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["attributes"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        &types[..3],
        ["point_in_time", "timeframe", "historical_data"]
    );
    let perf = v1_metadata(&body, &id_of(&server, PERFORMANCE));
    assert_eq!(
        perf["filters"],
        json!([{"column": "status", "comparison": "neq", "value": "inactive"}])
    );

    // report_ids: comma-separated (with spaces), repeated, with brackets; unknown ids
    // match nothing.
    let (a, b, c) = (
        id_of(&server, HEADCOUNT),
        id_of(&server, HISTORY),
        id_of(&server, FAILED),
    );
    for query in [
        format!("report_ids={a},%20{b}"),
        format!("report_ids[]={a}&report_ids[]={b}"),
        format!("report_ids={a}&report_ids={b}&report_ids=00000000-0000-4000-8000-000000000000"),
    ] {
        let body = ok(&server, &http, &t, &format!("{LIST}?{query}")).await;
        let ids: Vec<&str> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["attributes"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [a.as_str(), b.as_str()], "{query}");
        assert_eq!(body["metadata"]["total_elements"], 2);
    }
    let body = ok(&server, &http, &t, &format!("{LIST}?status=update_failed")).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"][0]["attributes"]["id"], c.as_str());
    let body = ok(&server, &http, &t, &format!("{LIST}?status=up_to_date")).await;
    assert_eq!(body["metadata"]["total_elements"], 7);
    let body = ok(&server, &http, &t, &format!("{LIST}?status=updating")).await;
    assert_eq!(body["data"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headcount_agrees_with_the_employee_records() {
    let (server, http) = start(opts(40)).await;
    let t = token(&server, &http).await;
    let employees = ok(&server, &http, &t, "/v1/company/employees?limit=100").await;
    let employees = employees["data"].as_array().unwrap();
    let body = ok(&server, &http, &t, &report_path(&server, HEADCOUNT)).await;
    assert_eq!(body["success"], true);
    assert_eq!(
        body["metadata"],
        json!({"total_elements": 40, "current_page": 1, "total_pages": 1, "offset": 0, "limit": 0})
    );
    assert_eq!(body["limit"], 50);
    let report = &body["data"][0]["attributes"];
    assert_eq!(report["type"], "point_in_time");
    assert_eq!(report["status"], "up_to_date");
    assert_eq!(report["period_type"], "today");
    assert_eq!(report["start_date"], "2026-01-01");
    assert_eq!(report["archival_status"], "live");
    assert!(report["archived_at"].is_null());
    let items = items(&body);
    assert_eq!(items.len(), 40);
    for (item, e) in items.iter().zip(employees) {
        let e = &e["attributes"];
        assert_eq!(item["employee_id"], e["id"]["value"]);
        let attrs = item["attributes"].as_array().unwrap();
        let find = |id: &str| attrs.iter().find(|a| a["attribute_id"] == id);
        let first = find("first_name").expect("everyone has a first name");
        assert_eq!(first["data_type"], "TEXT");
        assert_eq!(first["value"], e["first_name"]["value"]);
        assert_eq!(first["employee_id"], item["employee_id"]);
        assert_eq!(find("email").unwrap()["value"], e["email"]["value"]);
        let hire = find("hire_date").unwrap()["value"].as_str().unwrap();
        assert_eq!(hire.len(), 10);
        assert!(e["hire_date"]["value"].as_str().unwrap().starts_with(hire));
        match (
            find("department"),
            e["department"]["value"].get("attributes"),
        ) {
            (Some(d), Some(dept)) => {
                assert_eq!(d["data_type"], "ENTITY");
                assert_eq!(text(&d["entity_id"]), Some(dept["id"].to_string()));
                assert_eq!(d["value"], dept["name"]);
            }
            (Some(d), None) => assert_eq!(text(&d["value"]), None),
            (None, _) => {}
        }
        let salary = attrs.iter().find(|a| a["data_type"] == "SALARY");
        if let Some(s) = salary.filter(|s| text(&s["amount"]).is_some()) {
            let amount = s["amount"].as_str().unwrap();
            assert_eq!(amount.split('.').nth(1).map(str::len), Some(2), "{amount}");
            assert_eq!(s["currency_symbol"], "€");
            assert_eq!(num(&s["amount"]), num(&e["fix_salary"]["value"]));
        } else {
            assert_eq!(num(&e["fix_salary"]["value"]).filter(|&a| a > 0.0), None);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_data_type_has_the_spec_fields() {
    let (server, http) = start(opts(60)).await;
    let t = token(&server, &http).await;
    let spec: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("TEXT", &["value"][..]),
        ("ENTITY", &["entity_id", "value"][..]),
        ("DURATION", &["duration"][..]),
        ("COST_CENTER", &["cost_centers"][..]),
        ("SALARY", &["amount", "currency_symbol"][..]),
        (
            "COMPENSATION",
            &[
                "amount",
                "currency_code",
                "currency_symbol",
                "overtime_hours",
                "bonus_type",
            ][..],
        ),
        (
            "ABSENCE_OVERVIEW",
            &["start_date", "end_date", "duration_days", "duration_hours"][..],
        ),
        (
            "ABSENCE_PERIOD",
            &[
                "start_date",
                "end_date",
                "half_day_at_start",
                "half_day_at_end",
            ][..],
        ),
        ("PERFORMANCE_TARGET", &["performance_targets"][..]),
        ("PERFORMANCE_KPI", &["performance_target_kpis"][..]),
    ]);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut habits: HashSet<&str> = HashSet::new();
    let mut absent = 0;
    for (name, _) in server.reports() {
        let columns = ok(
            &server,
            &http,
            &t,
            &format!("{COLUMNS}?report_id={}", id_of(&server, &name)),
        )
        .await;
        let ncols = columns["data"]["attributes"].as_array().unwrap().len();
        let historical = name == HISTORY;
        for item in all_items(&server, &http, &t, &name, "").await {
            let key = if historical {
                "historical_attributes"
            } else {
                "attributes"
            };
            let attrs = item[key].as_array().unwrap();
            if !historical && attrs.len() < ncols {
                absent += 1;
            }
            for a in attrs {
                let dt = a["data_type"].as_str().unwrap();
                *seen.entry(dt.to_owned()).or_default() += 1;
                let mut expected: BTreeSet<&str> =
                    ["attribute_id", "data_type", "employee_id"].into();
                expected.extend(spec[dt].iter().copied());
                if historical {
                    expected.insert("effective_date");
                    assert_eq!(a["effective_date"].as_str().unwrap().len(), 10);
                }
                let keys: BTreeSet<&str> =
                    a.as_object().unwrap().keys().map(|k| k.as_str()).collect();
                assert_eq!(keys, expected, "{a}");
                assert_eq!(a["employee_id"], item["employee_id"]);
                match dt {
                    "COST_CENTER" => {
                        for c in a["cost_centers"].as_array().into_iter().flatten() {
                            assert!(c["cost_center_id"].is_string());
                            assert!(c["weight"].as_str().unwrap().ends_with('%'));
                            assert!(c["value"].is_string());
                        }
                    }
                    "PERFORMANCE_TARGET" => {
                        for p in a["performance_targets"].as_array().into_iter().flatten() {
                            assert!(p["performance_target_id"].is_string());
                            assert!(p["performance_target_value"].is_string());
                        }
                    }
                    "PERFORMANCE_KPI" => {
                        for p in a["performance_target_kpis"]
                            .as_array()
                            .into_iter()
                            .flatten()
                        {
                            assert!(p["performance_target_id"].is_string());
                            let kpis = p["performance_kpis"].as_array().unwrap();
                            assert!(!kpis.is_empty());
                            for k in kpis {
                                assert!(k["performance_kpi_id"].is_string());
                                assert!(k["performance_kpi_value"].is_string());
                            }
                        }
                    }
                    "ABSENCE_PERIOD" if !a["start_date"].is_null() => {
                        assert!(a["half_day_at_start"].is_boolean());
                    }
                    "DURATION" if a["duration"].is_string() => {
                        habits.insert("duration as string");
                    }
                    "DURATION" if a["duration"].is_number() => {
                        habits.insert("duration as number");
                    }
                    "ENTITY" if a["entity_id"].is_number() => {
                        habits.insert("entity id as number");
                    }
                    _ => {}
                }
                if a["value"] == "" || a["amount"] == "" {
                    habits.insert("empty string");
                }
                if a.get("value").is_some_and(Value::is_null)
                    || (dt == "SALARY" && a["amount"].is_null())
                {
                    habits.insert("null");
                }
            }
        }
    }
    let types: Vec<&str> = seen.keys().map(|k| k.as_str()).collect();
    assert_eq!(types, spec.keys().copied().collect::<Vec<_>>(), "{seen:?}");
    for h in [
        "duration as string",
        "duration as number",
        "entity id as number",
        "empty string",
        "null",
    ] {
        assert!(habits.contains(h), "{h} never happens: {habits:?}");
    }
    assert!(absent > 0, "some employees lack an attribute");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeframe_and_historical_reports_have_their_shapes() {
    let (server, http) = start(opts(30)).await;
    let t = token(&server, &http).await;

    let body = ok(&server, &http, &t, &report_path(&server, ABSENCES)).await;
    let report = &body["data"][0]["attributes"];
    assert_eq!(report["type"], "timeframe");
    assert_eq!(report["period_type"], "last_year");
    assert_eq!(
        (report["start_date"].as_str(), report["end_date"].as_str()),
        (Some("2025-01-01"), Some("2025-12-31"))
    );
    let mut periods = 0;
    for item in items(&body) {
        let attrs = item["attributes"].as_array().unwrap();
        for a in attrs.iter().filter(|a| a["data_type"] == "ABSENCE_PERIOD") {
            let Some(start) = a["start_date"].as_str() else {
                continue;
            };
            periods += 1;
            assert!(a["attribute_id"].as_str().unwrap().ends_with(":periods"));
            assert!(("2025-01-01".."2026-01-01").contains(&start));
            // The overview of the same absence type covers the same days.
            let overview_id = a["attribute_id"]
                .as_str()
                .unwrap()
                .trim_end_matches(":periods");
            let o = attrs
                .iter()
                .find(|o| o["attribute_id"] == overview_id)
                .unwrap();
            assert_eq!(o["start_date"], a["start_date"]);
            assert_eq!(o["end_date"], a["end_date"]);
            assert!(num(&o["duration_days"]).unwrap() > 0.0);
        }
    }
    assert!(periods > 10, "{periods}");

    let items = all_items(&server, &http, &t, HISTORY, "").await;
    assert_eq!(items.len(), 30);
    let mut several = 0;
    for item in &items {
        assert!(item.get("attributes").is_none());
        let h = item["historical_attributes"].as_array().unwrap();
        let dates: BTreeSet<&str> = h
            .iter()
            .map(|a| a["effective_date"].as_str().unwrap())
            .collect();
        if dates.len() > 1 {
            several += 1;
        }
        assert!(dates.iter().all(|d| *d <= "2026-01-01"));
        // No attribute twice on one date.
        let pairs: HashSet<(&str, &str)> = h
            .iter()
            .map(|a| {
                (
                    a["attribute_id"].as_str().unwrap(),
                    a["effective_date"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(pairs.len(), h.len());
    }
    assert!(several > 5, "{several} employees with a history");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_count_employees() {
    let (server, http) = start(FakeOptions {
        report_page_cap: 20,
        ..opts(45)
    })
    .await;
    let t = token(&server, &http).await;
    let path = report_path(&server, HISTORY);
    let body = ok(&server, &http, &t, &format!("{path}?page=2&limit=10")).await;
    assert_eq!(
        body["metadata"],
        json!({"total_elements": 45, "current_page": 2, "total_pages": 5, "offset": 0, "limit": 0})
    );
    assert_eq!(body["limit"], 10);
    assert_eq!(items(&body).len(), 10);

    let mut ids = Vec::new();
    for page in 1..=5 {
        let body = ok(&server, &http, &t, &format!("{path}?page={page}&limit=10")).await;
        ids.extend(
            items(&body)
                .iter()
                .map(|i| i["employee_id"].as_i64().unwrap()),
        );
    }
    assert_eq!(ids.len(), 45);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ascending, no duplicates"
    );

    // Past the end: 200 with no items.
    let body = ok(&server, &http, &t, &format!("{path}?page=6&limit=10")).await;
    assert_eq!(items(&body), &Vec::<Value>::new());
    assert_eq!(body["metadata"]["current_page"], 6);
    // Over the cap: clamped.
    let body = ok(&server, &http, &t, &format!("{path}?limit=1000")).await;
    assert_eq!(body["limit"], 20);
    assert_eq!(items(&body).len(), 20);
    assert_eq!(body["metadata"]["total_pages"], 3);

    // The performance report filters out inactive employees.
    let perf = all_items(&server, &http, &t, PERFORMANCE, "").await;
    let employees = ok(&server, &http, &t, "/v1/company/employees?limit=100").await;
    let active: Vec<i64> = employees["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["attributes"]["status"]["value"] != "inactive")
        .map(|e| e["attributes"]["id"]["value"].as_i64().unwrap())
        .collect();
    let got: Vec<i64> = perf
        .iter()
        .map(|i| i["employee_id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn columns_come_in_english_and_german() {
    let (server, http) = start(opts(5)).await;
    let t = token(&server, &http).await;
    let id = id_of(&server, HEADCOUNT);
    let labels = |body: &Value| -> BTreeMap<String, String> {
        assert_eq!(body["success"], true);
        assert_eq!(body["data"]["type"], "Column");
        body["data"]["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                assert!(c["data_type"].is_string());
                (
                    c["attribute_id"].as_str().unwrap().to_owned(),
                    c["human_readable"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let en = labels(&ok(&server, &http, &t, &format!("{COLUMNS}?report_id={id}")).await);
    let de = labels(
        &ok(
            &server,
            &http,
            &t,
            &format!("{COLUMNS}?report_id={id}&locale=de"),
        )
        .await,
    );
    assert_eq!(en["first_name"], "First name");
    assert_eq!(de["first_name"], "Vorname");
    assert_eq!(en["department"], "Department");
    assert_eq!(de["department"], "Abteilung");
    assert_eq!(en.len(), 12);
    assert_eq!(en.keys().collect::<Vec<_>>(), de.keys().collect::<Vec<_>>());

    // Without report_id: the columns of every report, once each.
    let all = labels(&ok(&server, &http, &t, COLUMNS).await);
    assert!(all.len() > en.len());
    assert!(en.keys().all(|k| all.contains_key(k)));
    assert!(all.contains_key("performance_targets"));
    let some = labels(
        &ok(
            &server,
            &http,
            &t,
            &format!("{COLUMNS}?columns=first_name,last_name"),
        )
        .await,
    );
    assert_eq!(some.len(), 2);

    // The report's column ids are the listed ones, in order.
    let list = ok(&server, &http, &t, LIST).await;
    let meta = v1_metadata(&list, &id);
    let listed: BTreeSet<String> = meta["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, en.keys().cloned().collect());

    // locale translates the translated values too.
    let path = report_path(&server, UPDATING);
    let status = |body: &Value| -> Vec<String> {
        items(body)
            .iter()
            .filter_map(|i| {
                i["attributes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| a["attribute_id"] == "status")
                    .and_then(|a| text(&a["value"]))
            })
            .collect()
    };
    let en = status(&ok(&server, &http, &t, &path).await);
    let de = status(&ok(&server, &http, &t, &format!("{path}?locale=de")).await);
    assert!(en.iter().any(|s| s == "Active"), "{en:?}");
    assert!(de.iter().any(|s| s == "Aktiv"), "{de:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updating_turns_up_to_date_after_n_reads_and_failed_stays_failed() {
    let (server, http) = start(FakeOptions {
        report_updating_reads: 3,
        ..opts(8)
    })
    .await;
    let t = token(&server, &http).await;
    let id = id_of(&server, UPDATING);
    let path = report_path(&server, UPDATING);
    let status_in_list = |body: &Value| v1_metadata(body, &id)["status"].clone();

    // Reads 1 (list), 2 and 3 (report) say updating; read 4 is up to date.
    let list = ok(&server, &http, &t, LIST).await;
    assert_eq!(status_in_list(&list), "updating");
    let first = ok(&server, &http, &t, &path).await;
    assert_eq!(first["data"][0]["attributes"]["status"], "updating");
    assert_eq!(items(&first).len(), 8, "the items come anyway");
    let second = ok(&server, &http, &t, &format!("{path}?page=1")).await;
    assert_eq!(second["data"][0]["attributes"]["status"], "updating");
    // The columns endpoint is not a read.
    ok(&server, &http, &t, &format!("{COLUMNS}?report_id={id}")).await;
    let third = ok(&server, &http, &t, &path).await;
    let meta = &third["data"][0]["attributes"];
    assert_eq!(meta["status"], "up_to_date");
    assert!(
        meta["data_refreshed_at"].as_str()
            > first["data"][0]["attributes"]["data_refreshed_at"].as_str(),
        "refreshed"
    );
    assert_eq!(
        status_in_list(&ok(&server, &http, &t, LIST).await),
        "up_to_date"
    );

    let failed = ok(&server, &http, &t, &report_path(&server, FAILED)).await;
    assert_eq!(failed["data"][0]["attributes"]["status"], "update_failed");
    assert_eq!(items(&failed).len(), 8);
    let failed = ok(&server, &http, &t, &report_path(&server, FAILED)).await;
    assert_eq!(failed["data"][0]["attributes"]["status"], "update_failed");
}

fn assert_report_error(status: StatusCode, ct: &str, body: &Value, code: u16, title: &str) {
    assert_eq!(status.as_u16(), code, "{body}");
    assert!(ct.starts_with("application/json"), "{ct}");
    let list = body
        .as_array()
        .expect("report errors are a top-level array");
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e["status"], code);
    let trace = e["trace_id"].as_str().unwrap();
    assert!(trace.len() >= 16 && trace.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(e["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(e["errors"][0]["title"], title);
    assert!(e["errors"][0]["details"].is_string());
    assert!(e["errors"][0]["type"].is_string());
    assert!(e["errors"][0]["_meta"].is_array());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_errors_are_arrays() {
    let (server, http) = start(FakeOptions {
        credentials: vec![CredentialSpec {
            client_id: "no-reports".into(),
            client_secret: "s".into(),
            whitelist: None,
            scopes: vec!["employees:read".into()],
        }],
        ..opts(5)
    })
    .await;
    let t = token(&server, &http).await;
    let (status, ct, body) = get(
        &server,
        &http,
        &t,
        &format!("{LIST}/eea50309-d1b1-47d6-bc7e-27de7a3ab491"),
    )
    .await;
    assert_report_error(status, &ct, &body, 404, "Not Found");
    assert_eq!(body[0]["errors"][0]["details"], "Report not found");
    assert_eq!(body[0]["errors"][0]["type"], "search");
    let (status, ct, body) = get(&server, &http, &t, &format!("{COLUMNS}?report_id=nope")).await;
    assert_report_error(status, &ct, &body, 404, "Not Found");

    let path = report_path(&server, HEADCOUNT);
    for query in ["page=0", "page=-1", "page=x", "limit=0", "limit=ten"] {
        let (status, ct, body) = get(&server, &http, &t, &format!("{path}?{query}")).await;
        assert_report_error(status, &ct, &body, 400, "Bad Request");
        let field = query.split('=').next().unwrap();
        assert_eq!(body[0]["errors"][0]["_meta"][0]["field"], field);
    }
    // Two traces differ.
    let a = get(&server, &http, &t, &format!("{path}?page=0")).await.2;
    let b = get(&server, &http, &t, &format!("{path}?page=0")).await.2;
    assert_ne!(a[0]["trace_id"], b[0]["trace_id"]);

    let narrow = v1_token(&server, &http, "no-reports", "s").await;
    for p in [LIST.to_owned(), path.clone(), COLUMNS.to_owned()] {
        let (status, ct, body) = get(&server, &http, &narrow, &p).await;
        assert_report_error(status, &ct, &body, 403, "Forbidden");
    }
    // A missing token is the gateway's v1 401.
    let resp = http
        .get(format!("{}{path}", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_list_pages_by_cursor_newest_first() {
    let (server, http) = start(opts(5)).await;
    let t = v2_token(&server, &http).await;
    let first = ok(&server, &http, &t, "/v2/reports?limit=3").await;
    assert_eq!(first["_data"].as_array().unwrap().len(), 3);
    assert!(first["_meta"]["links"]["self"]["href"]
        .as_str()
        .unwrap()
        .starts_with("http://"));
    let mut all: Vec<Value> = Vec::new();
    let mut url = "/v2/reports?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let body = ok(&server, &http, &t, &url).await;
        pages += 1;
        all.extend(body["_data"].as_array().unwrap().iter().cloned());
        match body["_meta"]["links"]["next"]["href"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&server.url()), "absolute: {next}");
                url = next.to_owned();
            }
            None => {
                assert!(body["_meta"]["links"].get("next").is_none());
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    let names: Vec<&str> = all.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 7);
    assert!(!names.contains(&HIDDEN), "not enabled for API access");
    assert!(names.contains(&GROUPED));
    let edited: Vec<&str> = all
        .iter()
        .map(|r| r["edited_at"]["date_time"].as_str().unwrap())
        .collect();
    assert!(
        edited.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {edited:?}"
    );
    for r in &all {
        assert_eq!(r["chart_type"], "table");
        assert_eq!(
            r["id"].as_str().unwrap(),
            id_of(&server, r["name"].as_str().unwrap())
        );
    }
    // All at once, and a name search.
    let body = ok(&server, &http, &t, "/v2/reports?limit=0").await;
    assert_eq!(body["_data"].as_array().unwrap().len(), 7);
    let body = ok(&server, &http, &t, "/v2/reports?name=HEADCOUNT").await;
    let names: BTreeSet<&str> = body["_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from([HEADCOUNT, GROUPED]));
    // The cursor keeps the search; other parameters next to it fail.
    let body = ok(&server, &http, &t, "/v2/reports?name=count&limit=1").await;
    let next = body["_meta"]["links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = ok(&server, &http, &t, &next).await;
    assert_eq!(body["_data"].as_array().unwrap().len(), 1);
    assert!(body["_meta"]["links"].get("next").is_none());
    let (status, ct, body) = get(&server, &http, &t, &format!("{next}&name=x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ct, "application/problem+json");
    assert!(body["errors"][0]["detail"].is_string());
}

/// The first and last name of each v2 row (their columns' positions taken from `columns`).
fn names(columns: &[Value], rows: &[Value]) -> Vec<(Value, Value)> {
    let at = |name: &str| columns.iter().position(|c| c["name"] == name).unwrap();
    let (f, l) = (at("first_name"), at("last_name"));
    rows.iter()
        .map(|r| {
            (
                r[f]["string_value"]["value"].clone(),
                r[l]["string_value"]["value"].clone(),
            )
        })
        .collect()
}

/// The first and last name of each v1 item.
fn item_names(items: &[Value], key: &str) -> Vec<(Value, Value)> {
    items
        .iter()
        .filter_map(|i| {
            let attrs = i[key].as_array().unwrap();
            let find = |id: &str| {
                attrs
                    .iter()
                    .find(|a| a["attribute_id"] == id)
                    .map(|a| a["value"].clone())
            };
            Some((find("first_name")?, find("last_name")?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_report_pages_rows_by_cursor() {
    let (server, http) = start(opts(23)).await;
    let t = v2_token(&server, &http).await;
    let id = id_of(&server, HEADCOUNT);
    let body = ok(&server, &http, &t, &format!("/v2/reports/{id}?limit=10")).await;
    assert_eq!(body["report_config"], json!({"name": HEADCOUNT}));
    let columns = body["_meta"]["columns"].as_array().unwrap();
    // Only the report's own columns: no employee_id (observed).
    assert_eq!(
        columns[0],
        json!({"name": "first_name", "display": "First name", "type": "string"})
    );
    assert!(columns.iter().all(|c| c["name"] != "employee_id"));
    assert!(columns
        .contains(&json!({"name": "hire_date", "display": "Hire date", "type": "timestamp"})));
    let types: BTreeSet<&str> = columns
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "string",
            "timestamp",
            "option",
            "cost_center",
            "salary",
            "compensation",
            "decimal"
        ])
    );
    let data = body["_data"].as_array().unwrap();
    assert_eq!(data.len(), 10);
    assert_eq!(data[0][0]["attribute_id"], "first_name");
    assert!(data[0][0]["string_value"]["value"].is_string());
    let next = body["_meta"]["links"]["next"]["href"].as_str().unwrap();
    assert!(next.starts_with(&format!("{}/v2/reports/{id}?cursor=", server.url())));

    // Parameters next to the cursor are ignored: the cursor keeps limit and locale.
    let second = ok(&server, &http, &t, &format!("{next}&limit=1&locale=de")).await;
    assert_eq!(second["_data"].as_array().unwrap().len(), 10);
    assert_eq!(second["_meta"]["columns"][0]["display"], "First name");
    let third = ok(
        &server,
        &http,
        &t,
        second["_meta"]["links"]["next"]["href"].as_str().unwrap(),
    )
    .await;
    assert_eq!(third["_data"].as_array().unwrap().len(), 3);
    assert_eq!(third["_meta"]["links"], Value::Null);

    // Pages of any size give the rows of v1, in v1 order.
    let t1 = token(&server, &http).await;
    let v1 = all_items(&server, &http, &t1, HEADCOUNT, "").await;
    let (columns, rows) = all_rows(&server, &http, &t, HEADCOUNT, "limit=4").await;
    assert_eq!(rows.len(), 23);
    assert_eq!(names(&columns, &rows), item_names(&v1, "attributes"));
    // No limit: everything at once.
    let body = ok(&server, &http, &t, &format!("/v2/reports/{id}")).await;
    assert_eq!(body["_data"].as_array().unwrap().len(), 23);
    assert_eq!(body["_meta"]["links"], Value::Null);

    // German labels.
    let body = ok(
        &server,
        &http,
        &t,
        &format!("/v2/reports/{id}?locale=de&limit=1"),
    )
    .await;
    assert_eq!(body["_meta"]["columns"][0]["display"], "Vorname");

    // A historical report pages by rows and keeps the long form.
    let (columns, rows) = all_rows(&server, &http, &t, HISTORY, "limit=5").await;
    assert_eq!(columns[0]["name"], "effective_date");
    let (_, all) = all_rows(&server, &http, &t, HISTORY, "").await;
    assert_eq!(rows, all);
    let people: HashSet<(Value, Value)> = names(&columns, &rows).into_iter().collect();
    assert!(rows.len() > people.len(), "several rows per employee");

    // A bad cursor, a cursor of another report, a bad limit.
    let other = id_of(&server, PERFORMANCE);
    let cursor = next.split("cursor=").nth(1).unwrap();
    for path in [
        format!("/v2/reports/{id}?cursor=%%%"),
        format!("/v2/reports/{id}?cursor=bm9wZQ"),
        format!("/v2/reports/{other}?cursor={cursor}"),
        format!("/v2/reports/{id}?limit=many"),
    ] {
        let (status, ct, body) = get(&server, &http, &t, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(ct, "application/problem+json");
        assert!(body["personio_trace_id"].is_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_historical_rows_carry_values_forward() {
    let (server, http) = start(opts(40)).await;
    let t = token(&server, &http).await;
    let t2 = v2_token(&server, &http).await;
    let items = all_items(&server, &http, &t, HISTORY, "").await;
    let (columns, rows) = all_rows(&server, &http, &t2, HISTORY, "limit=7").await;
    let names_of = |cols: &[Value]| -> Vec<String> {
        cols.iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let header = names_of(&columns);
    assert_eq!(
        &header[..4],
        ["effective_date", "first_name", "last_name", "position"]
    );
    assert!(header.contains(&"legal_entity".to_owned()));
    assert_eq!(
        columns[0],
        json!({"name": "effective_date", "display": "Effective date", "type": "timestamp"})
    );

    // Rows grouped per employee in v1 order, dates ascending; every row is complete
    // (names in every row), with the value in force that day.
    let mut expected = Vec::new();
    let mut changed_later = 0;
    for item in &items {
        let h = item["historical_attributes"].as_array().unwrap();
        let dates: BTreeSet<&str> = h
            .iter()
            .map(|a| a["effective_date"].as_str().unwrap())
            .collect();
        for (k, d) in dates.iter().enumerate() {
            let mut row = vec![json!(d)];
            for c in &header[1..] {
                let on: Vec<&Value> = h
                    .iter()
                    .filter(|a| {
                        a["attribute_id"] == c.as_str()
                            && a["effective_date"].as_str().unwrap() <= *d
                    })
                    .collect();
                if k > 0 && on.last().is_some_and(|a| a["effective_date"] != *d) {
                    changed_later += 1;
                }
                row.push(on.last().map_or(Value::Null, |a| from_v1(a)));
            }
            expected.push(row);
        }
    }
    assert!(changed_later > 0, "some values are carried forward");
    let got: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .zip(&columns)
                .map(|(cell, c)| from_v2(c["type"].as_str().unwrap(), cell))
                .collect()
        })
        .collect();
    assert_eq!(got, expected);
    for (r, row) in rows.iter().enumerate() {
        let date = row[0]["string_value"]["value"].as_str().unwrap();
        assert_eq!(date.len(), 10, "{date}");
        assert!(
            row[1]["string_value"]["value"].is_string(),
            "names in row {r}"
        );
        assert!(
            row[2]["string_value"]["value"].is_string(),
            "names in row {r}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn option_keys_are_text_codes_in_v1_and_v2() {
    let (server, http) = start(opts(60)).await;
    let t = token(&server, &http).await;
    let t2 = v2_token(&server, &http).await;
    let items = all_items(&server, &http, &t, HEADCOUNT, "").await;
    let mut v1_keys: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for item in &items {
        for a in item["attributes"].as_array().unwrap() {
            let id = a["attribute_id"].as_str().unwrap();
            let key = &a["entity_id"];
            if !["legal_entity", "company_car"].contains(&id) || key == "" || key.is_null() {
                continue;
            }
            // Text keys travel as JSON strings, exactly.
            assert_eq!(a["data_type"], "ENTITY");
            let key = key.as_str().expect("a JSON string");
            v1_keys.entry(id).or_default().insert(key.to_owned());
        }
    }
    assert_eq!(
        v1_keys["legal_entity"],
        ["0815", "22001-1", "5001", "ACME"].map(String::from).into()
    );
    assert_eq!(
        v1_keys["company_car"],
        ["false", "true"].map(String::from).into()
    );

    let (columns, rows) = all_rows(&server, &http, &t2, HEADCOUNT, "locale=de").await;
    for name in ["legal_entity", "company_car"] {
        let c = columns.iter().position(|c| c["name"] == name).unwrap();
        assert_eq!(columns[c]["type"], "option");
        let mut keys = BTreeSet::new();
        for row in &rows {
            let cell = &row[c];
            assert_eq!(cell["attribute_id"], name);
            for o in cell["options_value"]["options"].as_array().unwrap() {
                let key = o["key"].as_str().expect("a JSON string");
                keys.insert(key.to_owned());
                if name == "company_car" {
                    let yes = key == "true";
                    assert_eq!(o["value"], if yes { "Ja" } else { "Nein" });
                }
            }
        }
        assert_eq!(keys, v1_keys[name], "{name}");
    }
    // The v1 and v2 key of each cell agree, employee by employee.
    let (columns, rows) = all_rows(&server, &http, &t2, HEADCOUNT, "").await;
    let c = columns
        .iter()
        .position(|c| c["name"] == "legal_entity")
        .unwrap();
    for (item, row) in items.iter().zip(&rows) {
        let v1 = item["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["attribute_id"] == "legal_entity")
            .and_then(|a| a["entity_id"].as_str().filter(|s| !s.is_empty()));
        let v2 = row[c]["options_value"]["options"][0]["key"].as_str();
        assert_eq!(v1, v2);
    }
}

/// The v2 column type of a v1 column: dates are `timestamp`, other TEXT `string`.
fn v2_type(data_type: &Value, attribute_id: &Value) -> String {
    const DATES: &[&str] = &["hire_date", "probation_period_end", "contract_end_date"];
    match data_type.as_str().unwrap() {
        "TEXT" if DATES.contains(&attribute_id.as_str().unwrap()) => "timestamp".into(),
        "TEXT" => "string".into(),
        "ENTITY" => "option".into(),
        "DURATION" => "decimal".into(),
        other => other.to_lowercase(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_and_v2_give_the_same_table() {
    let (server, http) = start(opts(70)).await;
    let t = token(&server, &http).await;
    let t2 = v2_token(&server, &http).await;
    for (name, _) in server.reports() {
        if name == GROUPED || name == HIDDEN {
            continue;
        }
        for locale in ["en", "de"] {
            let v1_items = all_items(&server, &http, &t, &name, &format!("&locale={locale}")).await;
            let id = id_of(&server, &name);
            let cols = ok(
                &server,
                &http,
                &t,
                &format!("{COLUMNS}?report_id={id}&locale={locale}"),
            )
            .await;
            let cols = cols["data"]["attributes"].as_array().unwrap();
            let ids: Vec<String> = cols
                .iter()
                .map(|c| c["attribute_id"].as_str().unwrap().to_owned())
                .collect();
            let historical = name == HISTORY;
            let v1 = table_v1(&ids, historical, &v1_items);

            let (columns, rows) = all_rows(
                &server,
                &http,
                &t2,
                &name,
                &format!("limit=9&locale={locale}"),
            )
            .await;
            // Only the report's own columns (and, for histories, the date first).
            let skip = usize::from(historical);
            assert_eq!(columns.len(), cols.len() + skip, "{name}");
            if historical {
                assert_eq!(
                    columns[0]["name"], "effective_date",
                    "{name}: {:?}",
                    columns[0]
                );
                assert_eq!(columns[0]["type"], "timestamp");
            }
            for (c, v2c) in cols.iter().zip(&columns[skip..]) {
                assert_eq!(c["attribute_id"], v2c["name"]);
                assert_eq!(c["human_readable"], v2c["display"]);
                assert_eq!(
                    v2_type(&c["data_type"], &c["attribute_id"]),
                    v2c["type"].as_str().unwrap(),
                    "{c}"
                );
            }
            let v2 = table_v2(&columns, &rows);
            assert_eq!(v1.len(), v2.len(), "{name} {locale}");
            for (a, b) in v1.iter().zip(&v2) {
                assert_eq!(a, b, "{name} {locale}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouped_and_hidden_reports_on_v2() {
    let (server, http) = start(opts(6)).await;
    let t = v2_token(&server, &http).await;
    let (status, ct, body) = get(
        &server,
        &http,
        &t,
        &format!("/v2/reports/{}", id_of(&server, GROUPED)),
    )
    .await;
    // Observed: 400 with a bare message.
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ct, "application/json");
    assert_eq!(
        body,
        json!({"error": {"message": "Unsupported nested type: null"}})
    );

    // Observed: an unknown report, or one not enabled for API access, is a 400 with a
    // JSON:API error body.
    let mut error_ids = HashSet::new();
    for id in [
        id_of(&server, HIDDEN),
        "eea50309-d1b1-47d6-bc7e-27de7a3ab491".to_owned(),
        "not-a-uuid".to_owned(),
    ] {
        let (status, ct, body) = get(&server, &http, &t, &format!("/v2/reports/{id}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(ct, "application/json");
        let errors = body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1);
        let e = errors[0].as_object().unwrap();
        let fields: BTreeSet<&str> = e.keys().map(|k| k.as_str()).collect();
        assert_eq!(fields, BTreeSet::from(["status", "id", "title", "detail"]));
        assert_eq!(e["status"], "400");
        assert_eq!(e["title"], "Bad Request");
        assert_eq!(e["detail"], format!("Report with id {id} not found."));
        let uuid = e["id"].as_str().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        error_ids.insert(uuid.to_owned());
    }
    assert_eq!(error_ids.len(), 3, "each error has its own id");
    // v1 serves both, with a v2 token.
    for name in [GROUPED, HIDDEN] {
        let body = ok(&server, &http, &t, &report_path(&server, name)).await;
        assert_eq!(items(&body).len(), 6);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_needs_the_scope_and_a_token() {
    let (server, http) = start(FakeOptions {
        credentials: vec![CredentialSpec {
            client_id: "no-reports".into(),
            client_secret: "s".into(),
            whitelist: None,
            scopes: vec!["employees:read".into()],
        }],
        ..opts(3)
    })
    .await;
    let narrow = v1_token(&server, &http, "no-reports", "s").await;
    let id = id_of(&server, HEADCOUNT);
    for path in ["/v2/reports".to_owned(), format!("/v2/reports/{id}")] {
        // Observed: a credential without the reports right gets a 400.
        let (status, ct, body) = get(&server, &http, &narrow, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(ct, "application/json");
        assert_eq!(body, json!({"error": {"message": "Unauthorized token"}}));
        let (status, ct, body) = get(&server, &http, "papi-nonsense", &path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(ct, "application/problem+json");
        assert!(body["personio_trace_id"].is_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_a_function_of_the_seed() {
    async fn snapshot(seed: u64) -> (Vec<(String, String)>, Value, Value, Value) {
        let (server, http) = start(FakeOptions { seed, ..opts(15) }).await;
        let t = token(&server, &http).await;
        let v1 = ok(
            &server,
            &http,
            &t,
            &format!("{}?limit=15", report_path(&server, HISTORY)),
        )
        .await;
        let v1b = ok(
            &server,
            &http,
            &t,
            &format!("{}?limit=15", report_path(&server, ABSENCES)),
        )
        .await;
        let (_, v2) = all_rows(&server, &http, &t, PERFORMANCE, "").await;
        let items = |b: &Value| b["data"][0]["attributes"]["items"].clone();
        (server.reports(), items(&v1), items(&v1b), json!(v2))
    }
    let a = snapshot(11).await;
    let b = snapshot(11).await;
    assert_eq!(a, b);
    let c = snapshot(12).await;
    assert_ne!(a.0, c.0, "ids follow the seed");
    assert_ne!(a.1, c.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_and_stats_cover_the_report_routes() {
    let (server, http) = start(FakeOptions {
        server_errors: 2,
        ..opts(3)
    })
    .await;
    let t = token(&server, &http).await;
    let (status, _, body) = get(&server, &http, &t, LIST).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["success"], false);
    let (status, ct, body) = get(&server, &http, &t, "/v2/reports").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ct, "application/problem+json");
    assert_eq!(body["errors"][0]["title"], "Service Unavailable");
    ok(&server, &http, &t, &report_path(&server, HEADCOUNT)).await;
    ok(
        &server,
        &http,
        &t,
        &format!("/v2/reports/{}", id_of(&server, HEADCOUNT)),
    )
    .await;
    ok(&server, &http, &t, COLUMNS).await;
    let stats = server.stats();
    for route in [
        "GET /v1/company/custom-reports/reports",
        "GET /v1/company/custom-reports/reports/{id}",
        "GET /v1/company/custom-reports/columns",
        "GET /v2/reports",
        "GET /v2/reports/{id}",
    ] {
        assert_eq!(
            stats.by_route.get(route),
            Some(&1),
            "{route}: {:?}",
            stats.by_route
        );
    }
    assert_eq!(stats.injected_errors, 2);
}
