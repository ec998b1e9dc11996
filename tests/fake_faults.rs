//! The seeded faults of the fake server (`FakeOptions::faults`), seen at the HTTP and
//! TCP level (not through the client): each is served as `src/fake/faults.rs` says, on
//! the routes it names only, and the same seed gives the same faults.

use std::time::{Duration, Instant};

use personio_arrow::fake::{FakeOptions, FakeServer, FaultSpec};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const EMPLOYEES: &str = "/v1/company/employees";
const REPORTS: &str = "/v1/company/custom-reports/reports";

fn fault(spec: Value) -> FaultSpec {
    serde_json::from_value(spec).expect("a valid fault spec")
}

async fn start(employees: usize, faults: Vec<Value>) -> (FakeServer, reqwest::Client) {
    start_with(FakeOptions {
        employees,
        faults: faults.into_iter().map(fault).collect(),
        ..FakeOptions::default()
    })
    .await
}

async fn start_with(options: FakeOptions) -> (FakeServer, reqwest::Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = FakeServer::start(options)
        .await
        .expect("fake server starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (server, http)
}

async fn v1_auth(server: &FakeServer, http: &reqwest::Client) -> reqwest::Response {
    http.post(format!("{}/v1/auth", server.url()))
        .json(&json!({"client_id": server.client_id(), "client_secret": server.client_secret()}))
        .send()
        .await
        .unwrap()
}

async fn v2_auth(server: &FakeServer, http: &reqwest::Client) -> reqwest::Response {
    http.post(format!("{}/v2/auth/token", server.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
        ])
        .send()
        .await
        .unwrap()
}

async fn token(server: &FakeServer, http: &reqwest::Client) -> String {
    let body: Value = v1_auth(server, http).await.json().await.unwrap();
    body["data"]["token"].as_str().unwrap().to_owned()
}

async fn v2_token(server: &FakeServer, http: &reqwest::Client) -> String {
    let body: Value = v2_auth(server, http).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// GET a path or an absolute URL with a token.
async fn send(
    server: &FakeServer,
    http: &reqwest::Client,
    token: &str,
    path: &str,
) -> reqwest::Result<reqwest::Response> {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{path}", server.url())
    };
    http.get(url).bearer_auth(token).send().await
}

async fn json_of(
    server: &FakeServer,
    http: &reqwest::Client,
    token: &str,
    path: &str,
) -> (StatusCode, Value) {
    let resp = send(server, http, token, path).await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

async fn status_of(server: &FakeServer, http: &reqwest::Client, token: &str, path: &str) -> u16 {
    send(server, http, token, path)
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn page(offset: usize) -> String {
    format!("{EMPLOYEES}?limit=100&offset={offset}")
}

fn report(server: &FakeServer, name: &str) -> String {
    server.report_id(name).unwrap()
}

/// Employee ids of a v1 listing page; string ids as their number.
fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let v = &e["attributes"]["id"]["value"];
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .unwrap()
        })
        .collect()
}

fn fired(server: &FakeServer, kind: &str) -> u64 {
    server.stats().by_fault.get(kind).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_burst_cycles_its_statuses_then_stops() {
    let (server, http) = start(
        20,
        vec![json!({"kind": "server_error_burst", "count": 4, "after": 1})],
    )
    .await;
    let t = token(&server, &http).await;
    let mut seen = Vec::new();
    for _ in 0..7 {
        seen.push(status_of(&server, &http, &t, &page(0)).await);
    }
    assert_eq!(seen, [200, 500, 502, 503, 500, 200, 200]);
    let (status, body) = {
        let (server, http) = start(
            20,
            vec![json!({"kind": "server_error_burst", "after": 0, "statuses": [502], "routes": ["reports_v2"]})],
        )
        .await;
        let t = v2_token(&server, &http).await;
        // Other routes pass.
        assert_eq!(status_of(&server, &http, &t, &page(0)).await, 200);
        let id = report(&server, "Headcount");
        json_of(&server, &http, &t, &format!("/v2/reports/{id}")).await
    };
    assert_eq!(status, 502);
    assert!(
        body["errors"][0]["type"].is_string(),
        "problem+json: {body}"
    );
    assert_eq!(fired(&server, "server_error_burst"), 4);
    assert_eq!(server.stats().injected_errors, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_burst_sends_each_apis_headers() {
    let (server, http) = start(
        20,
        vec![json!({"kind": "rate_limit_burst", "count": 2, "after": 0, "retry_after_seconds": 3})],
    )
    .await;
    let t = token(&server, &http).await;
    let v1 = send(&server, &http, &t, &page(0)).await.unwrap();
    assert_eq!(v1.status(), 429);
    let h = v1.headers();
    assert_eq!(h["retry-after"], "3");
    assert_eq!(h["x-ratelimit-remaining"], "0");
    assert_eq!(h["x-ratelimit-reset"], "3");
    assert!(h.contains_key("x-ratelimit-limit"));
    let body: Value = v1.json().await.unwrap();
    assert_eq!(body["success"], false);

    let t2 = v2_token(&server, &http).await;
    let id = report(&server, "Headcount");
    let v2 = send(&server, &http, &t2, &format!("/v2/reports/{id}"))
        .await
        .unwrap();
    assert_eq!(v2.status(), 429);
    let h = v2.headers();
    assert!(!h.contains_key("retry-after"), "v2 sends no Retry-After");
    assert!(!h.contains_key("x-ratelimit-reset"));
    assert_eq!(h["x-ratelimit-remaining"], "0");
    for name in [
        "x-ratelimit-replenish-rate",
        "x-ratelimit-burst-capacity",
        "x-ratelimit-requested-tokens",
    ] {
        assert!(h.contains_key(name), "{name}");
    }
    // The burst is over.
    assert_eq!(status_of(&server, &http, &t, &page(0)).await, 200);
    assert_eq!(fired(&server, "rate_limit_burst"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_expiry_kills_one_token_and_a_new_one_works() {
    let (server, http) = start(20, vec![json!({"kind": "token_expiry"})]).await;
    let t = token(&server, &http).await;
    assert_eq!(status_of(&server, &http, &t, &page(0)).await, 200);
    let (status, body) = json_of(&server, &http, &t, &page(0)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        status_of(&server, &http, &t, &page(0)).await,
        401,
        "stays dead"
    );
    let fresh = token(&server, &http).await;
    assert_eq!(status_of(&server, &http, &fresh, &page(0)).await, 200);
    assert_eq!(fired(&server, "token_expiry"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_revocation_kills_every_token_and_the_credential() {
    let (server, http) = start(20, vec![json!({"kind": "token_revocation", "after": 2})]).await;
    let t = token(&server, &http).await;
    let t2 = v2_token(&server, &http).await;
    assert_eq!(status_of(&server, &http, &t, &page(0)).await, 200);
    assert_eq!(status_of(&server, &http, &t2, &page(0)).await, 200);
    assert_eq!(status_of(&server, &http, &t, &page(0)).await, 401);
    assert_eq!(status_of(&server, &http, &t2, &page(0)).await, 401);
    let v1 = v1_auth(&server, &http).await;
    assert_eq!(v1.status(), 403);
    let body: Value = v1.json().await.unwrap();
    assert_eq!(body["error"]["code"], 0);
    assert_eq!(body["error"]["message"], "Wrong credentials");
    let v2 = v2_auth(&server, &http).await;
    assert_eq!(v2.status(), 401);
    let body: Value = v2.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(fired(&server, "token_revocation"), 1);
}

/// A raw HTTP/1.1 GET on a fresh connection: what arrives before the connection ends,
/// and how it ends.
async fn raw_get(server: &FakeServer, token: &str, path: &str) -> (Vec<u8>, std::io::Result<()>) {
    let addr = server.url().trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tcp.read(&mut buf).await {
            Ok(0) => return (got, Ok(())),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return (got, Err(e)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_reset_answers_nothing() {
    let (server, http) = start(20, vec![json!({"kind": "connection_reset", "after": 0})]).await;
    let t = token(&server, &http).await;
    let (got, end) = raw_get(&server, &t, &page(0)).await;
    assert!(
        got.is_empty(),
        "no byte of answer: {:?}",
        String::from_utf8_lossy(&got)
    );
    assert_eq!(
        end.map_err(|e| e.kind()),
        Err(std::io::ErrorKind::ConnectionReset),
        "closed with an RST"
    );
    // Through reqwest: an error, not a status; then the next request is served.
    let (server, http) = start(20, vec![json!({"kind": "connection_reset", "after": 0})]).await;
    let t = token(&server, &http).await;
    let err = send(&server, &http, &t, &page(0)).await.unwrap_err();
    assert!(err.status().is_none(), "{err}");
    assert_eq!(status_of(&server, &http, &t, &page(0)).await, 200);
    assert_eq!(fired(&server, "connection_reset"), 1);
}

/// `Content-Length` of a raw response head.
fn content_length(raw: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(raw);
    let (head, _) = text.split_once("\r\n\r\n").expect("a complete head");
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().unwrap())
        })
        .expect("a Content-Length");
    (length, raw.len() - head.len() - 4)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_body_announces_all_and_sends_half() {
    let (server, http) = start(20, vec![json!({"kind": "truncated_body", "after": 0})]).await;
    let t = token(&server, &http).await;
    let (raw, _) = raw_get(&server, &t, &page(0)).await;
    assert!(
        raw.starts_with(b"HTTP/1.1 200"),
        "{:?}",
        &raw[..raw.len().min(40)]
    );
    let (announced, received) = content_length(&raw);
    assert!(announced > 1000);
    assert_eq!(received, announced / 2);
    // The whole body, next time.
    let resp = send(&server, &http, &t, &page(0)).await.unwrap();
    assert_eq!(resp.content_length(), Some(announced as u64));
    assert_eq!(resp.bytes().await.unwrap().len(), announced);

    let (server, http) = start(20, vec![json!({"kind": "truncated_body", "after": 0})]).await;
    let t = token(&server, &http).await;
    let resp = send(&server, &http, &t, &page(0)).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.is_err(), "reqwest sees a body error");
    assert_eq!(fired(&server, "truncated_body"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_body_is_a_complete_200_of_invalid_json() {
    let (server, http) = start(20, vec![json!({"kind": "malformed_body", "after": 1})]).await;
    let t = token(&server, &http).await;
    let good = send(&server, &http, &t, &page(0))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let resp = send(&server, &http, &t, &page(0)).await.unwrap();
    assert_eq!(resp.status(), 200);
    let length = resp.content_length().unwrap() as usize;
    let bad = resp.bytes().await.unwrap();
    assert_eq!(bad.len(), length);
    assert_eq!(&bad[..], &good[..good.len() / 2]);
    assert!(serde_json::from_slice::<Value>(&bad).is_err());
    assert_eq!(fired(&server, "malformed_body"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_body_stalls_after_the_headers() {
    let (server, http) = start(
        20,
        vec![json!({"kind": "slow_body", "after": 0, "stall_ms": 1500, "routes": ["employees"]})],
    )
    .await;
    let t = token(&server, &http).await;
    let began = Instant::now();
    let resp = send(&server, &http, &t, &page(0)).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        began.elapsed() < Duration::from_millis(1000),
        "headers at once"
    );
    let length = resp.content_length().unwrap() as usize;
    let body = resp.bytes().await.unwrap();
    assert!(
        began.elapsed() >= Duration::from_millis(1500),
        "the rest after the stall"
    );
    assert_eq!(body.len(), length);
    let fast = send(&server, &http, &t, &page(0))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body, fast, "the same body, only late");
    // A client with a shorter timeout gives up.
    let (server, _) = start(
        20,
        vec![json!({"kind": "slow_body", "after": 0, "stall_ms": 3000})],
    )
    .await;
    let t = token(&server, &http).await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let err = match send(&server, &impatient, &t, &page(0)).await {
        Ok(resp) => resp.bytes().await.unwrap_err(),
        Err(e) => e,
    };
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_points_to_another_origin() {
    let (server, http) = start(
        20,
        vec![
            json!({"kind": "redirect", "after": 0}),
            json!({"kind": "redirect", "after": 1, "routes": ["auth"], "location": "http://127.0.0.2:9/"}),
        ],
    )
    .await;
    let t = token(&server, &http).await;
    let resp = send(&server, &http, &t, &page(0)).await.unwrap();
    assert_eq!(resp.status(), 307);
    assert_eq!(
        resp.headers()["location"],
        "https://personio.example.invalid/v1/company/employees?limit=100&offset=0"
    );
    let resp = v1_auth(&server, &http).await;
    assert_eq!(resp.status(), 307);
    assert_eq!(resp.headers()["location"], "http://127.0.0.2:9/v1/auth");
    assert_eq!(fired(&server, "redirect"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lying_totals_on_v1() {
    for (lie, elements, pages) in [
        ("huge", 1_000_000_000u64, 10_000_000u64),
        ("zero", 0, 0),
        ("short", 125, 2),
    ] {
        let (server, http) = start(250, vec![json!({"kind": "lying_total", "lie": lie})]).await;
        let t = token(&server, &http).await;
        for offset in [0, 100, 200] {
            let (_, body) = json_of(&server, &http, &t, &page(offset)).await;
            assert_eq!(body["metadata"]["total_elements"], elements, "{lie}");
            assert_eq!(body["metadata"]["total_pages"], pages, "{lie}");
        }
        let (_, body) = json_of(&server, &http, &t, &page(200)).await;
        assert_eq!(ids(&body).len(), 50, "the data does not lie");
        let path = format!(
            "{REPORTS}/{}?page=2&limit=100",
            report(&server, "Headcount")
        );
        let (_, body) = json_of(&server, &http, &t, &path).await;
        let expected = match lie {
            "huge" => (1_000_000_000u64, 1_000_000_000u64),
            "zero" => (0, 0),
            _ => (100, 1),
        };
        assert_eq!(
            (
                body["metadata"]["total_elements"].as_u64().unwrap(),
                body["metadata"]["total_pages"].as_u64().unwrap()
            ),
            expected,
            "{lie}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lying_v2_next_links_never_end() {
    let (server, http) = start_with(FakeOptions {
        employees: 30,
        report_v2_page_cap: Some(10),
        faults: vec![fault(json!({"kind": "lying_total"}))],
        ..FakeOptions::default()
    })
    .await;
    let t = v2_token(&server, &http).await;
    let mut href = format!("/v2/reports/{}", report(&server, "Headcount"));
    let mut rows = 0;
    let mut hrefs = std::collections::HashSet::new();
    for _ in 0..12 {
        let (status, body) = json_of(&server, &http, &t, &href).await;
        assert_eq!(status, 200, "{body}");
        rows += body["_data"].as_array().unwrap().len();
        href = body["_meta"]["links"]["next"]["href"]
            .as_str()
            .expect("always a next link")
            .to_owned();
        assert!(hrefs.insert(href.clone()), "every link is new");
    }
    assert_eq!(rows, 30, "the rows come once; then empty pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_page_in_the_middle_with_true_totals() {
    let (server, http) = start_with(FakeOptions {
        employees: 250,
        report_v2_page_cap: Some(100),
        faults: vec![fault(json!({"kind": "empty_page"}))],
        ..FakeOptions::default()
    })
    .await;
    let t = token(&server, &http).await;
    let (_, first) = json_of(&server, &http, &t, &page(0)).await;
    assert_eq!(ids(&first).len(), 100);
    let (_, second) = json_of(&server, &http, &t, &page(100)).await;
    assert_eq!(ids(&second), Vec::<i64>::new());
    assert_eq!(second["metadata"]["total_elements"], 250);
    let (_, again) = json_of(&server, &http, &t, &page(100)).await;
    assert_eq!(ids(&again).len(), 100, "once only");

    // v1 report page 2 (the second report request).
    let (server, http) = start(250, vec![json!({"kind": "empty_page"})]).await;
    let t = token(&server, &http).await;
    let base = format!("{REPORTS}/{}?limit=100", report(&server, "Headcount"));
    let (_, p1) = json_of(&server, &http, &t, &format!("{base}&page=1")).await;
    let (_, p2) = json_of(&server, &http, &t, &format!("{base}&page=2")).await;
    let items = |b: &Value| {
        b["data"][0]["attributes"]["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!((items(&p1), items(&p2)), (100, 0));
    assert_eq!(p2["metadata"]["total_pages"], p1["metadata"]["total_pages"]);

    // v2: the empty page links to where it should have started.
    let (server, http) = start_with(FakeOptions {
        employees: 250,
        report_v2_page_cap: Some(100),
        faults: vec![fault(
            json!({"kind": "empty_page", "routes": ["reports_v2"]}),
        )],
        ..FakeOptions::default()
    })
    .await;
    let t = v2_token(&server, &http).await;
    let (_, p1) = json_of(
        &server,
        &http,
        &t,
        &format!("/v2/reports/{}", report(&server, "Headcount")),
    )
    .await;
    let next = p1["_meta"]["links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, empty) = json_of(&server, &http, &t, &next).await;
    assert_eq!(empty["_data"], json!([]));
    let after_empty = empty["_meta"]["links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(after_empty, next);
    let (_, p2) = json_of(&server, &http, &t, &after_empty).await;
    let (_, p2_direct) = json_of(&server, &http, &t, &next).await;
    assert_eq!(p2["_data"], p2_direct["_data"]);
    assert_eq!(p2["_data"].as_array().unwrap().len(), 100);
}

/// Employee ids of the three pages of a 250-employee listing, read one after another,
/// and whether the first id of each page came as a string.
async fn three_pages(mode: &str) -> (Vec<Vec<i64>>, Vec<bool>) {
    let (server, http) = start(250, vec![json!({"kind": "records_move", "mode": mode})]).await;
    let t = token(&server, &http).await;
    let mut pages = Vec::new();
    let mut strings = Vec::new();
    for offset in [0, 100, 200] {
        let (_, body) = json_of(&server, &http, &t, &page(offset)).await;
        strings.push(body["data"][0]["attributes"]["id"]["value"].is_string());
        pages.push(ids(&body));
    }
    (pages, strings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_move_makes_offset_paging_skip_and_repeat() {
    let (server, http) = start(250, vec![]).await;
    let t = token(&server, &http).await;
    let mut truth = Vec::new();
    for offset in [0, 100, 200] {
        truth.extend(ids(&json_of(&server, &http, &t, &page(offset)).await.1));
    }
    assert_eq!(truth.len(), 250);

    let (pages, strings) = three_pages("delete").await;
    assert_eq!(strings, [false, true, true], "\"100\" after the change");
    assert_eq!(pages[0], truth[..100]);
    assert_eq!(pages[1], truth[101..201], "truth[100] skipped");
    assert_eq!(pages[2], truth[201..]);

    let (pages, _) = three_pages("insert").await;
    let mid = truth[125];
    let before: Vec<i64> = truth.iter().copied().filter(|&i| i != mid).collect();
    assert_eq!(pages[0], before[..100]);
    assert_eq!(pages[1][0], before[99], "the last of page 1 repeated");
    assert!(
        !pages.concat().contains(&mid),
        "inserted where page 1 was already read"
    );
    assert_eq!(pages.concat().len(), 250);

    let (pages, _) = three_pages("move").await;
    assert_eq!(pages[0], truth[..100]);
    assert_eq!(pages[1][0], truth[99], "repeated");
    let all = pages.concat();
    assert_eq!(all.len(), 250);
    assert!(!all.contains(&mid), "the moved record is skipped");

    // v1 report items: the first employee_id of a later page is a string.
    let (server, http) = start(250, vec![json!({"kind": "records_move"})]).await;
    let t = token(&server, &http).await;
    let base = format!("{REPORTS}/{}?limit=100", report(&server, "Headcount"));
    let first_id = |b: &Value| b["data"][0]["attributes"]["items"][0]["employee_id"].clone();
    let (_, p1) = json_of(&server, &http, &t, &format!("{base}&page=1")).await;
    let (_, p2) = json_of(&server, &http, &t, &format!("{base}&page=2")).await;
    assert!(first_id(&p1).is_number());
    assert!(first_id(&p2).is_string(), "{}", first_id(&p2));
}

/// Statuses of 40 sequential listing requests under a fault that hits with p = 0.3.
async fn statuses(seed: u64) -> Vec<u16> {
    let (server, http) = start_with(FakeOptions {
        seed,
        employees: 5,
        faults: vec![fault(json!({
            "kind": "server_error_burst", "probability": 0.3, "count": 100, "after": 0
        }))],
        ..FakeOptions::default()
    })
    .await;
    let t = token(&server, &http).await;
    let mut out = Vec::new();
    for _ in 0..40 {
        out.push(status_of(&server, &http, &t, &page(0)).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_faults() {
    let a = statuses(7).await;
    assert_eq!(a, statuses(7).await);
    let hit = a.iter().filter(|&&s| s != 200).count();
    assert!((4..=22).contains(&hit), "about 30% of 40: {a:?}");
    assert_ne!(a, statuses(8).await, "another seed, other requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_stay_on_their_routes_and_bad_specs_are_refused() {
    let (server, http) = start(
        20,
        vec![json!({"kind": "server_error_burst", "after": 0, "count": 5, "routes": ["auth"]})],
    )
    .await;
    assert_eq!(v1_auth(&server, &http).await.status(), 500);
    assert_eq!(v2_auth(&server, &http).await.status(), 502);
    let t = {
        let mut t = None;
        for _ in 0..4 {
            let resp = v1_auth(&server, &http).await;
            if resp.status() == 200 {
                let body: Value = resp.json().await.unwrap();
                t = Some(body["data"]["token"].as_str().unwrap().to_owned());
                break;
            }
        }
        t.expect("the burst ends")
    };
    for path in [
        page(0),
        "/v1/company/employees/attributes".to_owned(),
        REPORTS.to_owned(),
    ] {
        assert_eq!(status_of(&server, &http, &t, &path).await, 200, "{path}");
    }

    let bad = FakeOptions {
        faults: vec![fault(json!({"kind": "records_move", "routes": ["auth"]}))],
        ..FakeOptions::default()
    };
    assert!(FakeServer::start(bad).await.is_err());
}
