//! The fake Personio server, tested over HTTP the way a client sees it.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

use personio_arrow::fake::{all_scopes, CompanySpec, CredentialSpec, FakeOptions, FakeServer};
use reqwest::StatusCode;
use serde_json::Value;

const EMPLOYEES: &str = "/v1/company/employees";
const ATTRIBUTES: &str = "/v1/company/employees/attributes";

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

async fn token_for(server: &FakeServer, http: &reqwest::Client, id: &str, secret: &str) -> String {
    let resp = http
        .post(format!("{}/v1/auth", server.url()))
        .json(&serde_json::json!({"client_id": id, "client_secret": secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["data"]["token"].as_str().unwrap().to_owned()
}

async fn default_token(server: &FakeServer, http: &reqwest::Client) -> String {
    token_for(server, http, server.client_id(), server.client_secret()).await
}

/// GET with a bearer token; returns status, headers and the JSON body.
async fn get(
    server: &FakeServer,
    http: &reqwest::Client,
    token: &str,
    path_and_query: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let resp = http
        .get(format!("{}{}", server.url(), path_and_query))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, headers, body)
}

fn v1_error(code: u16, message: &str) -> Value {
    serde_json::json!({"success": false, "error": {"code": code, "message": message}})
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["attributes"]["id"]["value"].as_i64().unwrap())
        .collect()
}

fn keys(employee: &Value) -> BTreeSet<String> {
    employee["attributes"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_auth_accepts_json_and_form_bodies() {
    let (server, http) = start(opts(3)).await;
    let url = format!("{}/v1/auth", server.url());

    let json: Value = http
        .post(&url)
        .json(&serde_json::json!({"client_id": server.client_id(), "client_secret": server.client_secret()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["success"], true);
    assert!(json["data"]["token"].as_str().unwrap().starts_with("papi-"));
    assert_eq!(json["data"]["expires_in"], 86400);
    assert!(json["data"]["scope"]
        .as_str()
        .unwrap()
        .split(' ')
        .any(|s| s == "employees:read"));

    let resp = http
        .post(&url)
        .form(&[
            ("client_id", server.client_id()),
            ("client_secret", server.client_secret()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let form: Value = resp.json().await.unwrap();
    assert_ne!(
        form["data"]["token"], json["data"]["token"],
        "each auth issues a new token"
    );
    assert_eq!(server.stats().auth_v1, 2);
    assert_eq!(server.client_secret().len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_auth_refuses_query_credentials_and_wrong_secrets() {
    let (server, http) = start(opts(3)).await;
    let url = format!("{}/v1/auth", server.url());

    // Credentials in the query string: 403 even though the body is fine.
    let resp = http
        .post(&url)
        .query(&[("client_id", server.client_id()), ("client_secret", server.client_secret())])
        .json(&serde_json::json!({"client_id": server.client_id(), "client_secret": server.client_secret()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], 403);

    // A wrong secret or client id: 403 with code 0 (observed).
    let wrong = "not-the-secret-1234567890";
    for (id, secret) in [
        (server.client_id(), wrong),
        ("no-such-client", server.client_secret()),
    ] {
        let resp = http
            .post(&url)
            .json(&serde_json::json!({"client_id": id, "client_secret": secret}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let text = resp.text().await.unwrap();
        assert!(!text.contains(secret), "the secret is never echoed: {text}");
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            v1_error(0, "Wrong credentials")
        );
    }

    let resp = http
        .post(&url)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_auth_can_leave_out_expires_in() {
    let (server, http) = start(FakeOptions {
        v1_auth_without_expires_in: true,
        token_ttl_seconds: 1,
        ..opts(3)
    })
    .await;
    let body: Value = http
        .post(format!("{}/v1/auth", server.url()))
        .json(&serde_json::json!({"client_id": server.client_id(), "client_secret": server.client_secret()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["success"], true);
    let data = body["data"].as_object().unwrap();
    assert!(
        data.contains_key("token") && !data.contains_key("expires_in"),
        "{body}"
    );
    // The token still expires.
    let token = data["token"].as_str().unwrap();
    let (status, _, _) = get(&server, &http, token, ATTRIBUTES).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, _) = get(&server, &http, token, ATTRIBUTES).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_token_is_form_only_oauth() {
    let (server, http) = start(opts(3)).await;
    let url = format!("{}/v2/auth/token", server.url());
    let form = |grant: &'static str, secret: String| {
        vec![
            ("grant_type", grant.to_owned()),
            ("client_id", server.client_id().to_owned()),
            ("client_secret", secret),
        ]
    };

    let resp = http
        .post(&url)
        .form(&form("client_credentials", server.client_secret().into()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("papi-"));
    assert!(body["scope"].as_str().unwrap().contains("employees:read"));
    // A v2 token works on v1 routes.
    let (status, _, _) = get(&server, &http, &token, EMPLOYEES).await;
    assert_eq!(status, StatusCode::OK);

    // JSON is refused.
    let resp = http
        .post(&url)
        .json(&serde_json::json!({"grant_type": "client_credentials", "client_id": server.client_id(), "client_secret": server.client_secret()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");

    let resp = http
        .post(&url)
        .form(&form("password", server.client_secret().into()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );

    // Wrong secret: the OAuth problem shape, without the secret.
    let resp = http
        .post(&url)
        .form(&form("client_credentials", "wrong-secret-xyz".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let text = resp.text().await.unwrap();
    assert!(!text.contains("wrong-secret-xyz"));
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"], "invalid_client");
    for field in ["error_description", "error_uri", "timestamp", "trace_id"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
    assert_eq!(body["meta"], serde_json::json!({}));

    // A scope the credential lacks.
    let mut f = form("client_credentials", server.client_secret().into());
    f.push(("scope", "personio:webhooks:write".into()));
    let resp = http.post(&url).form(&f).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_scope"
    );

    // Revoke: 200, empty body; the token no longer works.
    let resp = http
        .post(format!("{}/v2/auth/revoke", server.url()))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().is_empty());
    let (status, _, _) = get(&server, &http, &token, EMPLOYEES).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(server.stats().auth_v2, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_routes_need_a_valid_token() {
    let (server, http) = start(opts(3)).await;
    let resp = http
        .get(format!("{}{EMPLOYEES}", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        v1_error(401, "Authorization is not provided")
    );

    let (status, _, body) = get(&server, &http, "papi-made-up", EMPLOYEES).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, v1_error(401, "Provided authorization is not valid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_expire_after_their_ttl() {
    let (server, http) = start(FakeOptions {
        employees: 2,
        token_ttl_seconds: 1,
        ..FakeOptions::default()
    })
    .await;
    let token = default_token(&server, &http).await;
    assert_eq!(
        get(&server, &http, &token, EMPLOYEES).await.0,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        get(&server, &http, &token, EMPLOYEES).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_follows_personio_rules() {
    let (server, http) = start(opts(230)).await;
    let token = default_token(&server, &http).await;

    let (status, _, body) = get(&server, &http, &token, EMPLOYEES).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["success"], true);
    assert_eq!(body["limit"], 50);
    assert_eq!(body["offset"], 0);
    assert_eq!(body["data"].as_array().unwrap().len(), 50);
    assert_eq!(
        body["metadata"],
        serde_json::json!({"total_elements": 230, "current_page": 0, "total_pages": 5})
    );
    assert_eq!(body["data"][0]["type"], "Employee");

    // Capped at 100.
    let (_, _, body) = get(&server, &http, &token, &format!("{EMPLOYEES}?limit=200")).await;
    assert_eq!(body["limit"], 100);
    assert_eq!(body["data"].as_array().unwrap().len(), 100);
    assert_eq!(body["metadata"]["total_pages"], 3);

    // offset counts records, not pages.
    let (_, _, all) = get(&server, &http, &token, &format!("{EMPLOYEES}?limit=100")).await;
    let (_, _, body) = get(
        &server,
        &http,
        &token,
        &format!("{EMPLOYEES}?limit=10&offset=15"),
    )
    .await;
    assert_eq!(ids(&body), ids(&all)[15..25].to_vec());
    assert_eq!(body["offset"], 15);
    assert_eq!(body["metadata"]["current_page"], 1);
    assert_eq!(body["metadata"]["total_pages"], 23);

    // Past the end: 200 with no data.
    let (status, _, body) = get(&server, &http, &token, &format!("{EMPLOYEES}?offset=5000")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"], serde_json::json!([]));
    assert_eq!(body["metadata"]["total_elements"], 230);

    // Last partial page.
    let (_, _, body) = get(
        &server,
        &http,
        &token,
        &format!("{EMPLOYEES}?limit=100&offset=200"),
    )
    .await;
    assert_eq!(body["data"].as_array().unwrap().len(), 30);

    for bad in [
        "limit=0",
        "limit=abc",
        "limit=-1",
        "offset=-3",
        "offset=x",
        "updated_since=yesterday",
    ] {
        let (status, _, body) = get(&server, &http, &token, &format!("{EMPLOYEES}?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], 400);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_employee_comes_exactly_once_across_pages() {
    let (server, http) = start(opts(457)).await;
    let token = default_token(&server, &http).await;
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let (_, _, body) = get(
            &server,
            &http,
            &token,
            &format!("{EMPLOYEES}?limit=100&offset={offset}"),
        )
        .await;
        let page = ids(&body);
        if page.is_empty() {
            break;
        }
        offset += page.len();
        seen.extend(page);
    }
    assert_eq!(seen.len(), 457);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        457,
        "ids are unique"
    );
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "ids ascend");
    assert!(
        seen.windows(2).any(|w| w[1] - w[0] > 1),
        "ids are not contiguous"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attributes_projection_and_email_filter() {
    let (server, http) = start(opts(20)).await;
    let token = default_token(&server, &http).await;
    let (_, _, body) = get(
        &server,
        &http,
        &token,
        &format!("{EMPLOYEES}?attributes[]=first_name&attributes%5B%5D=email&attributes[]=no_such_attribute"),
    )
    .await;
    for (i, e) in body["data"].as_array().unwrap().iter().enumerate() {
        assert_eq!(
            keys(e),
            BTreeSet::from(["email".into(), "first_name".into(), "id".into()])
        );
        assert_eq!(e["attributes"]["first_name"]["label"], "First name");
        // Every 7th employee sends legacy objects, without universal_id.
        if i % 7 != 6 {
            assert_eq!(e["attributes"]["first_name"]["universal_id"], "first_name");
        }
    }

    let email = body["data"][7]["attributes"]["email"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, one) = get(
        &server,
        &http,
        &token,
        &format!("{EMPLOYEES}?email={email}"),
    )
    .await;
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        one["data"][0]["attributes"]["email"]["value"],
        email.as_str()
    );
    assert_eq!(one["metadata"]["total_elements"], 1);
    let (_, _, none) = get(
        &server,
        &http,
        &token,
        &format!("{EMPLOYEES}?email=nobody@example.com"),
    )
    .await;
    assert_eq!(none["data"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whitelist_hides_attributes_everywhere() {
    let whitelist = vec![
        "first_name".to_owned(),
        "last_name".into(),
        "supervisor".into(),
        "hire_date".into(),
    ];
    let (server, http) = start(FakeOptions {
        employees: 30,
        whitelist: Some(whitelist),
        ..FakeOptions::default()
    })
    .await;
    let token = default_token(&server, &http).await;
    let expected: BTreeSet<String> = ["id", "first_name", "last_name", "supervisor", "hire_date"]
        .map(String::from)
        .into();

    let (_, _, body) = get(&server, &http, &token, EMPLOYEES).await;
    for e in body["data"].as_array().unwrap() {
        assert_eq!(keys(e), expected);
        // The nested supervisor shows only readable attributes too (email is not).
        let supervisor = &e["attributes"]["supervisor"]["value"];
        if !supervisor.is_null() {
            assert_eq!(
                keys(supervisor),
                ["first_name", "id", "last_name"].map(String::from).into()
            );
        }
    }
    let id = ids(&body)[3];
    let (_, _, one) = get(&server, &http, &token, &format!("{EMPLOYEES}/{id}")).await;
    assert_eq!(keys(&one["data"]), expected);

    // Projection cannot widen the whitelist.
    let (_, _, body) = get(
        &server,
        &http,
        &token,
        &format!("{EMPLOYEES}?attributes[]=email&attributes[]=first_name"),
    )
    .await;
    assert_eq!(
        keys(&body["data"][0]),
        BTreeSet::from(["id".into(), "first_name".into()])
    );

    for path in [ATTRIBUTES, "/v1/company/employees/custom-attributes"] {
        let (status, _, attrs) = get(&server, &http, &token, path).await;
        assert_eq!(status, StatusCode::OK);
        let listed: BTreeSet<String> = attrs["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["key"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            listed,
            ["first_name", "last_name", "supervisor", "hire_date"]
                .map(String::from)
                .into()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extra_credentials_have_their_own_whitelist_and_scopes() {
    let (server, http) = start(FakeOptions {
        employees: 10,
        credentials: vec![
            CredentialSpec {
                client_id: "narrow".into(),
                client_secret: "narrow-secret".into(),
                whitelist: Some(vec!["email".into()]),
                scopes: vec!["employees:read".into()],
            },
            CredentialSpec {
                client_id: "absences-only".into(),
                client_secret: "absences-secret".into(),
                whitelist: None,
                scopes: vec!["absences:read".into()],
            },
        ],
        ..FakeOptions::default()
    })
    .await;
    let narrow = token_for(&server, &http, "narrow", "narrow-secret").await;
    let (_, _, body) = get(&server, &http, &narrow, EMPLOYEES).await;
    assert_eq!(
        keys(&body["data"][0]),
        BTreeSet::from(["email".into(), "id".into()])
    );

    // The default credential still reads everything.
    let full = default_token(&server, &http).await;
    let (_, _, body) = get(&server, &http, &full, EMPLOYEES).await;
    assert_eq!(keys(&body["data"][0]).len(), 62, "60 listed, 2 unlisted");

    let other = token_for(&server, &http, "absences-only", "absences-secret").await;
    for path in [
        EMPLOYEES,
        ATTRIBUTES,
        &format!("{EMPLOYEES}/{}", ids(&body)[0]),
    ] {
        let (status, _, body) = get(&server, &http, &other, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], 403);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updated_since_returns_everything_with_quirky_metadata() {
    let (server, http) = start(opts(300)).await;
    let token = default_token(&server, &http).await;
    let since = "2025-01-01T00:00:00";
    let (status, _, body) = get(
        &server,
        &http,
        &token,
        &format!("{EMPLOYEES}?updated_since={since}&limit=10&offset=20&email=nobody@example.com"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let n = body["data"].as_array().unwrap().len();
    assert!(n > 10 && n < 300, "a real selection, not a page: {n}");
    assert_eq!(body["limit"], 1);
    assert_eq!(body["offset"], 0);
    assert_eq!(
        body["metadata"],
        serde_json::json!({"total_elements": n, "current_page": 0, "total_pages": n})
    );

    // Exactly the employees modified after `since` (compared as instants).
    let cutoff = chrono_free_parse("2025-01-01T00:00:00+00:00");
    let mut expected = Vec::new();
    let mut offset = 0;
    loop {
        let (_, _, page) = get(
            &server,
            &http,
            &token,
            &format!("{EMPLOYEES}?limit=100&offset={offset}&attributes[]=last_modified_at"),
        )
        .await;
        let data = page["data"].as_array().unwrap();
        if data.is_empty() {
            break;
        }
        offset += data.len();
        for e in data {
            let modified = e["attributes"]["last_modified_at"]["value"]
                .as_str()
                .unwrap();
            if chrono_free_parse(modified) > cutoff {
                expected.push(e["attributes"]["id"]["value"].as_i64().unwrap());
            }
        }
    }
    assert_eq!(ids(&body), expected);

    // Date-only and offset forms parse too; the same instant gives the same answer.
    for alt in [
        "2025-01-01",
        "2025-01-01T01:00:00%2B01:00",
        "2025-01-01T00:00:00Z",
        "2025-01-01T01:00:00%2B0100",
    ] {
        let (status, _, other) = get(
            &server,
            &http,
            &token,
            &format!("{EMPLOYEES}?updated_since={alt}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{alt}");
        assert_eq!(ids(&other), expected, "{alt}");
    }
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS+HH:MM` (enough for these tests,
/// without a date library).
fn chrono_free_parse(s: &str) -> i64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (hh, mm, ss) = (n(11, 13), n(14, 16), n(17, 19));
    let sign = if &s[19..20] == "-" { -1 } else { 1 };
    let (oh, om) = (n(20, 22), n(23, 25));
    // Days from civil (Howard Hinnant).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_employee_and_the_spec_404() {
    let (server, http) = start(opts(25)).await;
    let token = default_token(&server, &http).await;
    let (_, _, list) = get(&server, &http, &token, EMPLOYEES).await;
    let id = ids(&list)[12];
    let (status, _, body) = get(&server, &http, &token, &format!("{EMPLOYEES}/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["success"], true);
    assert_eq!(body["data"], list["data"][12]);

    for missing in ["1", "abc"] {
        let (status, _, body) =
            get(&server, &http, &token, &format!("{EMPLOYEES}/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body, v1_error(404, "Es ist ein Problem aufgetreten "));
    }

    // Unknown routes and wrong methods answer JSON too.
    let (status, headers, body) = get(&server, &http, &token, "/v1/company/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(body["error"]["code"], 404);
    let resp = http
        .delete(format!("{}{EMPLOYEES}", server.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.json::<Value>().await.unwrap()["error"]["code"], 405);

    let stats = server.stats();
    assert_eq!(stats.by_route["GET /v1/company/employees/{id}"], 3);
    assert_eq!(stats.by_route["GET /v1/company/employees"], 1);
    assert_eq!(stats.by_route["POST /v1/auth"], 1);
    assert_eq!(stats.by_route["GET (unmatched)"], 1);
    assert_eq!(stats.by_route["DELETE /v1/company/employees"], 1);
    assert_eq!(stats.by_status[&404], 3);
    assert_eq!(stats.requests, 7);
}

async fn all_employees(seed: u64) -> String {
    let (server, http) = start(FakeOptions {
        seed,
        employees: 150,
        ..FakeOptions::default()
    })
    .await;
    let token = default_token(&server, &http).await;
    let mut out = String::new();
    for offset in [0, 100] {
        let resp = http
            .get(format!(
                "{}{EMPLOYEES}?limit=100&offset={offset}",
                server.url()
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        out.push_str(&resp.text().await.unwrap());
    }
    let resp = http
        .get(format!("{}{ATTRIBUTES}", server.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    out.push_str(&resp.text().await.unwrap());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_company_is_a_function_of_the_seed() {
    let a = all_employees(7).await;
    let b = all_employees(7).await;
    let c = all_employees(8).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_carry_every_type_and_the_wire_quirks() {
    let (server, http) = start(opts(400)).await;
    let token = default_token(&server, &http).await;

    let (_, _, attrs) = get(&server, &http, &token, ATTRIBUTES).await;
    let attrs = attrs["data"].as_array().unwrap();
    assert_eq!(attrs.len(), 59, "60 attributes, id not listed");
    let types: BTreeSet<&str> = attrs.iter().map(|a| a["type"].as_str().unwrap()).collect();
    for t in [
        "standard",
        "date",
        "integer",
        "decimal",
        "list",
        "link",
        "tags",
        "multiline",
    ] {
        assert!(types.contains(t), "type {t} present");
    }
    for a in attrs {
        let options = a["options"].as_array().unwrap();
        match a["type"].as_str().unwrap() {
            "list" | "tags" => assert!(!options.is_empty(), "{a}"),
            _ => assert!(options.is_empty(), "{a}"),
        }
    }
    assert!(attrs
        .iter()
        .any(|a| a["universal_id"] == "iban" && a["label"] == "IBAN"));
    let labels: Vec<&str> = attrs.iter().map(|a| a["label"].as_str().unwrap()).collect();
    assert!(
        labels.len() > labels.iter().collect::<HashSet<_>>().len(),
        "labels are not unique"
    );
    assert!(attrs.iter().all(|a| a["key"] != "id"));

    let mut all = Vec::new();
    for offset in [0, 100, 200, 300] {
        let (_, _, page) = get(
            &server,
            &http,
            &token,
            &format!("{EMPLOYEES}?limit=100&offset={offset}"),
        )
        .await;
        all.extend(page["data"].as_array().unwrap().clone());
    }
    let values = |key: &str| -> Vec<Value> {
        all.iter()
            .map(|e| e["attributes"][key]["value"].clone())
            .collect()
    };
    let key_of = |label: &str| -> String {
        attrs.iter().find(|a| a["label"] == label).unwrap()["key"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // Numbers as numbers and as strings.
    let hours = values("weekly_working_hours");
    assert!(hours.iter().any(Value::is_number) && hours.iter().any(Value::is_string));
    assert!(hours.contains(&Value::from("37.5")) || hours.contains(&Value::from(37.5)));
    let shoe = values(&key_of("Shoe size"));
    assert!(shoe.iter().any(Value::is_number) && shoe.iter().any(Value::is_string));
    assert!(shoe.contains(&Value::from("")) && shoe.contains(&Value::Null));

    // Dates plain and as local midnights with either offset spelling.
    let hires: Vec<String> = values("hire_date")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(hires.iter().any(|d| d.len() == 10));
    assert!(hires
        .iter()
        .any(|d| d.ends_with("T00:00:00+01:00") || d.ends_with("T00:00:00+02:00")));
    assert!(hires
        .iter()
        .any(|d| d.ends_with("T00:00:00+0100") || d.ends_with("T00:00:00+0200")));

    // created_at / last_modified_at: declared `date`, hold instants; last >= created.
    let e0 = &all[0]["attributes"];
    assert_eq!(e0["created_at"]["type"], "date");
    for e in &all {
        let created = e["attributes"]["created_at"]["value"].as_str().unwrap();
        let modified = e["attributes"]["last_modified_at"]["value"]
            .as_str()
            .unwrap();
        assert_eq!(created.len(), 25, "{created}");
        assert!(chrono_free_parse(modified) >= chrono_free_parse(created));
    }

    // Money carries a currency; tags are one comma-separated string.
    assert_eq!(e0["fix_salary"]["currency"], "EUR");
    let relocation = &e0[key_of("Relocation allowance")];
    assert_eq!(relocation["type"], "decimal");
    assert_eq!(relocation["currency"], "CHF");
    assert!(values(&key_of("Language skills"))
        .iter()
        .any(|v| v.as_str().is_some_and(|s| s.contains(','))));
    assert!(values(&key_of("Home address"))
        .iter()
        .any(|v| v.as_str().is_some_and(|s| s.contains('\n'))));
    assert_eq!(e0[key_of("IBAN")]["universal_id"], "iban");

    // Entities: declared standard, objects, sometimes null, "" or [].
    let depts = values("department");
    assert!(depts
        .iter()
        .any(|v| v["type"] == "Department" && v["attributes"]["id"].is_i64()));
    let teams = values("team");
    assert!(teams.iter().any(Value::is_null));
    let empties = ["subcompany", "office", "department", "team"]
        .iter()
        .flat_map(|k| values(k))
        .filter(|v| v == &Value::from("") || v == &serde_json::json!([]))
        .count();
    assert!(empties > 0, "some empty relations arrive as \"\" or []");
    for cc in values("cost_centers") {
        let list = cc.as_array().unwrap();
        if !list.is_empty() {
            let sum: i64 = list
                .iter()
                .map(|c| c["attributes"]["percentage"].as_i64().unwrap())
                .sum();
            assert_eq!(sum, 100);
        }
    }

    // Supervisors point at earlier employees: a tree rooted at the CEO.
    let ids: Vec<i64> = all
        .iter()
        .map(|e| e["attributes"]["id"]["value"].as_i64().unwrap())
        .collect();
    assert!(all[0]["attributes"]["supervisor"]["value"].is_null());
    for (i, e) in all.iter().enumerate().skip(1) {
        let sup = &e["attributes"]["supervisor"]["value"];
        assert_eq!(sup["type"], "Employee");
        let sid = sup["attributes"]["id"]["value"].as_i64().unwrap();
        assert!(ids[..i].contains(&sid));
        assert!(sup["attributes"]["email"]["value"].is_string());
    }

    // Unicode, apostrophes and empty/null preferred names.
    let names: String = values("last_name")
        .iter()
        .chain(values("first_name").iter())
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(names.contains('\''));
    assert!(!names.is_ascii());
    let preferred = values("preferred_name");
    assert!(preferred.contains(&Value::from("")) && preferred.contains(&Value::Null));
    let emails = values("email");
    assert!(emails.iter().all(|v| v
        .as_str()
        .is_some_and(|s| s.is_ascii() && s == s.to_lowercase())));
    assert_eq!(emails.iter().collect::<HashSet<_>>().len(), emails.len());
    assert!(values("profile_picture").iter().any(|v| v
        .as_str()
        .is_some_and(|s| s.starts_with("https://api.personio.de/v1/company/employees/"))));
}

/// Every employee of a company, page by page.
async fn every_employee(server: &FakeServer, http: &reqwest::Client, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    loop {
        let path = format!("{EMPLOYEES}?limit=100&offset={}", all.len());
        let (_, _, page) = get(server, http, token, &path).await;
        let data = page["data"].as_array().unwrap();
        if data.is_empty() {
            break all;
        }
        all.extend(data.iter().cloned());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_carry_the_observed_shapes() {
    let (server, http) = start(opts(300)).await;
    let token = default_token(&server, &http).await;
    let all = every_employee(&server, &http, &token).await;
    let (_, _, attrs) = get(&server, &http, &token, ATTRIBUTES).await;
    let listed: BTreeSet<&str> = attrs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();

    // Every 7th employee sends attribute objects with only label and value.
    for (i, e) in all.iter().enumerate() {
        for (key, a) in e["attributes"].as_object().unwrap() {
            let fields: BTreeSet<&str> =
                a.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            if i % 7 == 6 {
                assert_eq!(fields, BTreeSet::from(["label", "value"]), "{i} {key}");
            } else {
                assert!(
                    fields.contains("type") && fields.contains("universal_id"),
                    "{i} {key}"
                );
            }
        }
    }
    let sup = &all[6]["attributes"]["supervisor"]["value"]["attributes"];
    assert_eq!(
        sup["email"].as_object().unwrap().len(),
        2,
        "legacy nested too"
    );

    // Keys on records that /attributes does not list; the listed ones are on records.
    let first = keys(&all[0]);
    for key in ["last_onboarding_step", "dynamic_99999"] {
        assert!(first.contains(key) && !listed.contains(key), "{key}");
    }
    assert!(listed.iter().all(|k| first.contains(*k)));
    assert!(listed.contains("work_schedule") && listed.contains("holiday_calendar"));
    assert!(all
        .iter()
        .any(|e| e["attributes"]["last_onboarding_step"]["value"].is_string()));

    // Work schedules: every field, hour strings, ids above 2^53 as JSON integers.
    let mut inexact = 0;
    for e in &all {
        let ws = &e["attributes"]["work_schedule"]["value"];
        if ws.is_null() {
            continue;
        }
        assert_eq!(ws["type"], "WorkSchedule");
        let a = ws["attributes"].as_object().unwrap();
        let fields: BTreeSet<&str> = a.keys().map(|k| k.as_str()).collect();
        let days = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        let expected: BTreeSet<&str> = ["id", "name", "valid_from"]
            .into_iter()
            .chain(days)
            .collect();
        assert_eq!(fields, expected);
        for d in days {
            let h = a[d].as_str().unwrap();
            assert!(h.len() == 5 && &h[2..3] == ":", "{h}");
        }
        assert_eq!(a["saturday"], "00:00");
        let id = a["id"].as_i64().expect("an integer");
        assert!(id > 1 << 53, "{id}");
        if (id as f64) as i64 != id {
            inexact += 1;
        }
    }
    assert!(inexact > 0, "some ids do not survive a float");

    // Holiday calendars with country and state; supervisors with email.
    assert!(all.iter().any(|e| {
        let c = &e["attributes"]["holiday_calendar"]["value"];
        c["type"] == "HolidayCalendar"
            && c["attributes"]["country"] == "DE"
            && c["attributes"]["state"] == "Bayern"
            && c["attributes"]["id"].is_i64()
            && c["attributes"]["name"].is_string()
    }));
    let sup = &all[5]["attributes"]["supervisor"]["value"];
    assert_eq!(sup["type"], "Employee");
    assert_eq!(
        keys(sup),
        ["email", "first_name", "id", "last_name"]
            .map(String::from)
            .into()
    );

    // Offsets: Berlin's, London's for the London office, the calendar date kept.
    let mut london = 0;
    for e in &all {
        let a = &e["attributes"];
        let office = a["office"]["value"]["attributes"]["name"].as_str();
        let hire = a["hire_date"]["value"].as_str().unwrap();
        if hire.len() == 10 {
            continue;
        }
        let offset = hire[19..].replace(':', "");
        match office {
            Some("London") => {
                london += 1;
                assert!(["+0000", "+0100"].contains(&offset.as_str()), "{hire}");
            }
            Some(_) => assert!(["+0100", "+0200"].contains(&offset.as_str()), "{hire}"),
            None => {}
        }
        assert_eq!(&hire[10..19], "T00:00:00");
    }
    assert!(london > 0, "some London hires with offsets");
    let hires = all
        .iter()
        .map(|e| e["attributes"]["hire_date"]["value"].as_str().unwrap());
    assert!(hires.clone().any(|d| d.ends_with("+00:00")));
    let birthday = attrs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["universal_id"] == "date_of_birth")
        .unwrap()["key"]
        .as_str()
        .unwrap();
    let b = all[1]["attributes"][birthday]["value"].as_str().unwrap();
    assert!(
        b.starts_with("1835-") && b.ends_with("T00:00:00+00:53"),
        "{b}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_attribute_objects_is_a_knob() {
    for (every, legacy) in [
        (0, [false, false, false]),
        (1, [true, true, true]),
        (2, [false, true, false]),
    ] {
        let (server, http) = start(FakeOptions {
            legacy_attribute_objects: every,
            ..opts(3)
        })
        .await;
        let token = default_token(&server, &http).await;
        let (_, _, body) = get(&server, &http, &token, EMPLOYEES).await;
        let got: Vec<bool> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["attributes"]["first_name"].get("type").is_none())
            .collect();
        assert_eq!(got, legacy, "every {every}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_is_applied_to_every_request() {
    let (server, http) = start(FakeOptions {
        employees: 2,
        latency_ms: 150,
        ..FakeOptions::default()
    })
    .await;
    let t0 = Instant::now();
    let token = default_token(&server, &http).await;
    get(&server, &http, &token, EMPLOYEES).await;
    assert!(t0.elapsed() >= Duration::from_millis(300));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_served_concurrently() {
    let (server, http) = start(FakeOptions {
        employees: 400,
        latency_ms: 200,
        ..FakeOptions::default()
    })
    .await;
    let token = default_token(&server, &http).await;
    let paths: Vec<String> = (0..4)
        .map(|p| format!("{EMPLOYEES}?limit=100&offset={}", p * 100))
        .collect();
    let page = |p: usize| get(&server, &http, &token, &paths[p]);
    let (a, b, c, d) = tokio::join!(page(0), page(1), page(2), page(3));
    assert!([a.0, b.0, c.0, d.0].iter().all(|s| *s == StatusCode::OK));
    assert!(server.stats().max_in_flight > 1, "{:?}", server.stats());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_injected_then_stop() {
    let (server, http) = start(FakeOptions {
        employees: 2,
        server_errors: 2,
        ..FakeOptions::default()
    })
    .await;
    let token = default_token(&server, &http).await; // auth is not affected
    for _ in 0..2 {
        let (status, _, body) = get(&server, &http, &token, EMPLOYEES).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body, v1_error(503, "Service Unavailable"));
    }
    assert_eq!(
        get(&server, &http, &token, EMPLOYEES).await.0,
        StatusCode::OK
    );
    assert_eq!(server.stats().injected_errors, 2);
    assert_eq!(server.stats().by_status[&503], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_responses_are_truncated_json() {
    let (server, http) = start(FakeOptions {
        employees: 5,
        malformed_responses: 1,
        ..FakeOptions::default()
    })
    .await;
    let token = default_token(&server, &http).await;
    // A 401 does not use up the fault.
    assert_eq!(
        get(&server, &http, "papi-nope", EMPLOYEES).await.0,
        StatusCode::UNAUTHORIZED
    );
    let url = format!("{}{EMPLOYEES}", server.url());
    let resp = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let broken = resp.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&broken).is_err());
    let resp = http.get(&url).bearer_auth(&token).send().await.unwrap();
    let whole = resp.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&whole).is_ok());
    assert!(whole.starts_with(&broken) && broken.len() == whole.len() / 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_revoked_every_n_requests() {
    let (server, http) = start(FakeOptions {
        employees: 2,
        revoke_tokens_after: Some(3),
        ..FakeOptions::default()
    })
    .await;
    let first = default_token(&server, &http).await;
    for _ in 0..3 {
        assert_eq!(
            get(&server, &http, &first, EMPLOYEES).await.0,
            StatusCode::OK
        );
    }
    let (status, _, body) = get(&server, &http, &first, EMPLOYEES).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], 401);
    let second = default_token(&server, &http).await;
    for _ in 0..3 {
        assert_eq!(
            get(&server, &http, &second, EMPLOYEES).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        get(&server, &http, &second, EMPLOYEES).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(server.stats().auth_v1, 2);
}

fn limits(json: Value) -> FakeOptions {
    FakeOptions {
        employees: 2,
        rate_limits: Some(serde_json::from_value(json).unwrap()),
        ..FakeOptions::default()
    }
}

fn number(headers: &reqwest::header::HeaderMap, name: &str) -> f64 {
    headers[name].to_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_rate_limits_answer_429_with_v1_headers() {
    let (server, http) = start(limits(
        serde_json::json!({"employees": {"burst": 3, "per_second": 0.5}}),
    ))
    .await;
    let token = default_token(&server, &http).await; // auth is not limited here
    for (remaining, full_in) in [("2", 2.0), ("1", 4.0), ("0", 6.0)] {
        let (status, headers, _) = get(&server, &http, &token, EMPLOYEES).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["x-ratelimit-limit"], "3");
        assert_eq!(headers["x-ratelimit-remaining"], remaining);
        assert_eq!(number(&headers, "x-ratelimit-reset"), full_in);
        assert!(headers.get("retry-after").is_none());
        assert!(headers.get("x-ratelimit-replenish-rate").is_none());
    }
    // The attributes route is the same group.
    let (status, headers, body) = get(&server, &http, &token, ATTRIBUTES).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body, v1_error(429, "Too many requests"));
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let retry = number(&headers, "retry-after");
    assert_eq!(retry, 2.0, "one token at 0.5 a second");
    assert_eq!(number(&headers, "x-ratelimit-reset"), 6.0);
    assert_eq!(server.stats().rate_limited, 1);

    // Another credential has a bucket of its own.
    let (server2, http2) = start(FakeOptions {
        credentials: vec![CredentialSpec {
            client_id: "other".into(),
            client_secret: "other-secret".into(),
            whitelist: None,
            scopes: personio_arrow::fake::all_scopes(),
        }],
        ..limits(serde_json::json!({"employees": {"burst": 1, "per_second": 0.1}}))
    })
    .await;
    let first = default_token(&server2, &http2).await;
    let second = token_for(&server2, &http2, "other", "other-secret").await;
    assert_eq!(
        get(&server2, &http2, &first, EMPLOYEES).await.0,
        StatusCode::OK
    );
    let limited = get(&server2, &http2, &first, EMPLOYEES).await.0;
    assert_eq!(limited, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        get(&server2, &http2, &second, EMPLOYEES).await.0,
        StatusCode::OK
    );

    // Waiting as told lets the next request through.
    tokio::time::sleep(Duration::from_secs_f64(retry)).await;
    assert_eq!(
        get(&server, &http, &token, EMPLOYEES).await.0,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_rate_limits_answer_429_with_v2_headers_and_no_retry_after() {
    let (server, http) = start(limits(serde_json::json!({
        "v2": {"burst": 2, "per_second": 0.1},
        "v2_auth": {"burst": 1, "per_second": 0.1},
    })))
    .await;
    let token = default_token(&server, &http).await; // v1 auth is not limited here
    for remaining in ["1", "0"] {
        let (status, headers, _) = get(&server, &http, &token, "/v2/reports").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["x-ratelimit-remaining"], remaining);
        assert_eq!(headers["x-ratelimit-burst-capacity"], "2");
        assert_eq!(headers["x-ratelimit-replenish-rate"], "0.1");
        assert_eq!(headers["x-ratelimit-requested-tokens"], "1");
        assert!(headers.get("x-ratelimit-limit").is_none());
        assert!(headers.get("x-ratelimit-reset").is_none());
    }
    // `/v2/reports/{id}` is the same endpoint.
    let id = &server.reports()[0].1;
    let (status, headers, body) = get(&server, &http, &token, &format!("/v2/reports/{id}")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.get("retry-after").is_none());
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(body["errors"][0]["title"].is_string(), "{body}");
    // v1 routes are not limited by v2's buckets.
    assert_eq!(
        get(&server, &http, &token, EMPLOYEES).await.0,
        StatusCode::OK
    );

    // The token endpoint has its own bucket, per caller.
    let url = format!("{}/v2/auth/token", server.url());
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", server.client_id()),
        ("client_secret", server.client_secret()),
    ];
    let first = http.post(&url).form(&form).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = http.post(&url).form(&form).send().await.unwrap();
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(second.headers().get("retry-after").is_none());
    assert_eq!(server.stats().rate_limited, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binding_a_taken_port_fails_and_shutdown_stops_serving() {
    let (server, http) = start(opts(1)).await;
    let port: u16 = server.url().rsplit(':').next().unwrap().parse().unwrap();
    let err = FakeServer::start(FakeOptions { port, ..opts(1) })
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&port.to_string()), "{err}");

    let bad = FakeServer::start(limits(
        serde_json::json!({"v1": {"burst": 0, "per_second": 1.0}}),
    ))
    .await;
    assert!(bad.is_err());

    let url = format!("{}/v1/auth", server.url());
    server.shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let fresh = reqwest::Client::new();
    assert!(fresh
        .post(&url)
        .json(&serde_json::json!({}))
        .send()
        .await
        .is_err());
    drop(http);
}

/// One server with two companies: the first from the top-level knobs, the second from
/// `companies`, reached with the credential "second-app".
fn two_companies() -> FakeOptions {
    FakeOptions {
        seed: 1,
        employees: 30,
        companies: vec![CompanySpec {
            seed: 2,
            employees: 20,
            custom_attributes: 27,
            credentials: vec![CredentialSpec {
                client_id: "second-app".into(),
                client_secret: "second-secret".into(),
                whitelist: None,
                scopes: all_scopes(),
            }],
        }],
        ..FakeOptions::default()
    }
}

/// Every read route of a company, with the query each one needs.
const COMPANY_READS: &[&str] = &[
    EMPLOYEES,
    ATTRIBUTES,
    "/v1/company/custom-reports/reports",
    "/v1/company/attendances?start_date=2025-01-01&end_date=2025-12-31",
    "/v1/company/time-offs?start_date=2025-01-01&end_date=2025-12-31",
    "/v1/company/absence-periods?start_date=2025-01-01&end_date=2025-12-31",
    "/v1/company/time-off-types",
    "/v2/attendance-periods",
    "/v2/absence-periods",
    "/v2/absence-types",
    "/v2/projects",
    "/v2/org-units?type=department",
    "/v2/cost-centers",
    "/v2/legal-entities",
    "/v2/workplaces",
    "/v2/reports",
];

/// Reads of [`COMPANY_READS`] that no seed changes: the absence type catalogues.
const SAME_IN_EVERY_COMPANY: &[&str] = &["/v1/company/time-off-types", "/v2/absence-types"];

/// The body of `path`, with the server's own address taken out of its links.
async fn read_body(server: &FakeServer, http: &reqwest::Client, token: &str, path: &str) -> String {
    let (status, _, body) = get(server, http, token, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body.to_string().replace(&server.url(), "")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_credential_reads_its_own_company_only() {
    let (server, http) = start(two_companies()).await;
    let (alone, _) = start(FakeOptions {
        seed: 2,
        employees: 20,
        ..FakeOptions::default()
    })
    .await;
    let first = default_token(&server, &http).await;
    let second = token_for(&server, &http, "second-app", "second-secret").await;
    let alone_token = default_token(&alone, &http).await;
    for path in COMPANY_READS {
        let of_second = read_body(&server, &http, &second, path).await;
        assert_eq!(
            of_second,
            read_body(&alone, &http, &alone_token, path).await,
            "{path}: the second company is the company of its seed"
        );
        let of_first = read_body(&server, &http, &first, path).await;
        if !SAME_IN_EVERY_COMPANY.contains(path) {
            assert_ne!(
                of_second, of_first,
                "{path}: the first company's token reads the first company"
            );
        }
    }
    // A report of the second company is not one of the first's.
    let report = alone.report_id("Headcount").unwrap();
    assert_ne!(Some(report.clone()), server.report_id("Headcount"));
    let (status, _, _) = get(&server, &http, &second, &format!("/v2/reports/{report}")).await;
    assert_eq!(status, StatusCode::OK);
    // To the first company's token it is an unknown report (Personio answers 400).
    let (status, _, body) = get(&server, &http, &first, &format!("/v2/reports/{report}")).await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let (unknown_status, _, unknown_body) =
        get(&server, &http, &first, &format!("/v2/reports/{unknown}")).await;
    assert_ne!(status, StatusCode::OK);
    assert_eq!(status, unknown_status);
    assert_eq!(body["title"], unknown_body["title"]);
    let stats = server.stats();
    assert_eq!(stats.tokens_by_client["second-app"], 1);
    assert_eq!(stats.tokens_by_client[server.client_id()], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_to_one_company_stays_in_it() {
    let (server, http) = start(two_companies()).await;
    let first = default_token(&server, &http).await;
    let second = token_for(&server, &http, "second-app", "second-secret").await;
    let emails = |body: Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["attributes"]["email"]["value"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let listing = format!("{EMPLOYEES}?limit=200");
    let before_first = emails(get(&server, &http, &first, &listing).await.2);
    let resp = http
        .post(format!("{}{EMPLOYEES}", server.url()))
        .bearer_auth(&second)
        .json(&serde_json::json!({"employee": {
            "email": "new.hire@second.example", "first_name": "New", "last_name": "Hire"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "{}",
        resp.text().await.unwrap()
    );
    let after_second = emails(get(&server, &http, &second, &listing).await.2);
    assert!(after_second.contains(&"new.hire@second.example".to_owned()));
    assert_eq!(after_second.len(), 21);
    assert_eq!(
        emails(get(&server, &http, &first, &listing).await.2),
        before_first
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_company_out_of_budget_leaves_the_other_its_own() {
    let mut options = two_companies();
    options.rate_limits = Some(
        serde_json::from_value(serde_json::json!({"employees": {"burst": 2, "per_second": 0.01}}))
            .unwrap(),
    );
    let (server, http) = start(options).await;
    let first = default_token(&server, &http).await;
    let second = token_for(&server, &http, "second-app", "second-secret").await;
    let statuses = |token: String| {
        let (server, http) = (&server, &http);
        async move {
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(get(server, http, &token, EMPLOYEES).await.0);
            }
            seen
        }
    };
    let first_seen = statuses(first).await;
    assert_eq!(first_seen[2], StatusCode::TOO_MANY_REQUESTS);
    // The first company spent its budget; the second still has its whole burst.
    let second_seen = statuses(second).await;
    assert_eq!(&second_seen[..2], &[StatusCode::OK, StatusCode::OK]);
    let stats = server.stats();
    assert_eq!(stats.rate_limited_by_client[server.client_id()], 1);
    assert_eq!(stats.rate_limited_by_client["second-app"], 1);
}
