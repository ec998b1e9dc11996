//! Both token flows against the fake server, through the one transport path.

use personio_arrow::config::{Config, Options, Secret};
use personio_arrow::fake::{FakeOptions, FakeServer};
use personio_arrow::transport::{Api, Transport};
use personio_arrow::Error;

fn transport(server: &FakeServer, secret: &str) -> Transport {
    let options = Options {
        client_id: Some(server.client_id().to_string()),
        client_secret: Some(Secret::new(secret)),
        base_url: Some(server.url()),
        max_retries: Some(0),
        ..Options::default()
    };
    Transport::new(Config::resolve(options, |_| None).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_token_flow_is_cached_and_used() {
    let server = FakeServer::start(FakeOptions::default()).await.unwrap();
    let transport = transport(&server, server.client_secret());
    for _ in 0..3 {
        let json = transport
            .get_json(Api::V2, "/v1/company/employees/attributes", Vec::new())
            .await
            .unwrap();
        assert!(json["data"].as_array().is_some_and(|a| !a.is_empty()));
    }
    let stats = server.stats();
    assert_eq!((stats.auth_v2, stats.auth_v1), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_wrong_secret_is_an_authentication_error() {
    let server = FakeServer::start(FakeOptions::default()).await.unwrap();
    let transport = transport(&server, "wrong-v2-secret-1b7c");
    let err = transport
        .get_json(Api::V2, "/v1/company/employees/attributes", Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Authentication(f) if f.endpoint == "POST /v2/auth/token"),
        "{err}"
    );
    assert!(!format!("{err:?}").contains("wrong-v2-secret-1b7c"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_for_many_concurrent_requests() {
    let server = FakeServer::start(FakeOptions {
        latency_ms: 30,
        ..FakeOptions::default()
    })
    .await
    .unwrap();
    let transport = std::sync::Arc::new(transport(&server, server.client_secret()));
    let calls = (0..8).map(|_| {
        let transport = transport.clone();
        tokio::spawn(async move {
            transport
                .get_json(Api::V1, "/v1/company/employees/attributes", Vec::new())
                .await
        })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(server.stats().auth_v1, 1);
}
