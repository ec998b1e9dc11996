//! The token layer: Personio's two token flows and the token cache shared by every call
//! of a client, above the HTTP layer ([`crate::http`]) through which tokens are fetched.
//!
//! `/v1/auth` is itself rate limited, so a token is fetched once, shared by all
//! concurrent requests (they wait on one lock while it is fetched), refreshed shortly
//! before it expires, and refreshed once when Personio answers 401.

use std::time::Duration;

use reqwest::header::{HeaderMap, AUTHORIZATION};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::{Anonymous, Authorizer, Body, Http, Request};
use crate::secret::Secret;

/// Refresh this long before the announced expiry, so that no request carries a token
/// that expires on its way.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// Personio's tokens live 24 h; a larger `expires_in` is not trusted (nor can it
/// overflow the clock).
const MAX_LIFETIME: f64 = 86_400.0;

/// Which API generation a request belongs to; each has its own token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `/v1/...`, token from `POST /v1/auth`.
    V1,
    /// `/v2/...`, token from `POST /v2/auth/token`.
    V2,
}

/// A bearer token and the cache generation it belongs to.
#[derive(Clone)]
pub struct Token {
    value: Secret,
    expires_at: Instant,
    /// Bumped on every new token, so that a 401 invalidates only the token it was sent with.
    generation: u64,
}

/// The value to send in `Authorization: Bearer`.
impl AsRef<str> for Token {
    fn as_ref(&self) -> &str {
        self.value.expose()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// One cached token per API version. Every token issued is handed to the HTTP layer to
/// conceal, so that error text echoing it is scrubbed.
#[derive(Debug, Default)]
pub struct TokenCache {
    v1: Mutex<Option<Token>>,
    v2: Mutex<Option<Token>>,
}

impl TokenCache {
    fn slot(&self, api: Api) -> &Mutex<Option<Token>> {
        match api {
            Api::V1 => &self.v1,
            Api::V2 => &self.v2,
        }
    }

    /// The tokens of `api` for each try of one request sent through `http`.
    pub fn authorizer<'a>(&'a self, http: &'a Http, api: Api) -> WithToken<'a> {
        WithToken {
            tokens: self,
            http,
            api,
        }
    }

    /// A valid token for `api`, fetched at most once however many callers ask at once.
    async fn token(&self, http: &Http, api: Api) -> Result<Token> {
        let mut slot = self.slot(api).lock().await;
        if let Some(token) = slot.as_ref() {
            if Instant::now() < token.expires_at {
                return Ok(token.clone());
            }
        }
        let generation = slot.as_ref().map_or(1, |t| t.generation + 1);
        let token = fetch_token(http, api, generation).await?;
        http.conceal(&token.value);
        *slot = Some(token.clone());
        Ok(token)
    }

    /// Drops the token of `generation` after Personio refused it; a newer one is kept.
    async fn invalidate(&self, api: Api, generation: u64) {
        let mut slot = self.slot(api).lock().await;
        if slot.as_ref().is_some_and(|t| t.generation == generation) {
            if let Some(token) = slot.as_mut() {
                token.expires_at = Instant::now();
            }
        }
    }

    /// Takes a token Personio rotated in a response's `Authorization` header (older v1
    /// behaviour); it replaces the current one with the same lifetime.
    pub async fn accept_rotated(&self, http: &Http, api: Api, headers: &HeaderMap) {
        let Some(value) = rotated_token(headers) else {
            return;
        };
        let mut slot = self.slot(api).lock().await;
        if let Some(token) = slot.as_mut() {
            if token.value.expose() != value {
                token.value = Secret::new(value);
                token.generation += 1;
                http.conceal(&token.value);
            }
        }
    }
}

/// The token of one API for each try of one request.
pub struct WithToken<'a> {
    tokens: &'a TokenCache,
    http: &'a Http,
    api: Api,
}

impl Authorizer for WithToken<'_> {
    type Credential = Token;

    async fn credential(&self) -> Result<Option<Token>> {
        self.tokens.token(self.http, self.api).await.map(Some)
    }

    async fn refused(&self, token: &Token) {
        self.tokens.invalidate(self.api, token.generation).await;
    }
}

/// A v1 response may carry a fresh one-time token (older Personio behaviour).
fn rotated_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

async fn fetch_token(http: &Http, api: Api, generation: u64) -> Result<Token> {
    let config = http.config();
    let (path, body) = match api {
        Api::V1 => ("/v1/auth", v1_body(config)),
        Api::V2 => ("/v2/auth/token", v2_body(config)),
    };
    // A token request may be sent twice: at worst Personio issues a second token.
    let request = Request::post(path, body).retry_safe();
    let response = http
        .send(&request, &Anonymous)
        .await
        .map_err(refused_as_authentication)?;
    let json: Value = response.json(&request)?;
    let (token, expires_in) = match api {
        Api::V1 => (
            json.pointer("/data/token"),
            json.pointer("/data/expires_in"),
        ),
        Api::V2 => (json.get("access_token"), json.get("expires_in")),
    };
    let token = token
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| request.invalid_response("the response holds no token"))?;
    let lifetime = Duration::from_secs_f64(seconds(expires_in).unwrap_or(3600.0).min(MAX_LIFETIME));
    // Short-lived tokens (tests, proxies) keep a tenth of their life as margin instead.
    let margin = EXPIRY_MARGIN.min(lifetime / 10);
    Ok(Token {
        value: Secret::new(token),
        expires_at: Instant::now() + lifetime - margin,
        generation,
    })
}

fn v1_body(config: &Config) -> Body {
    Body::Json(serde_json::json!({
        "client_id": config.client_id,
        "client_secret": config.client_secret.expose(),
    }))
}

fn v2_body(config: &Config) -> Body {
    Body::Form(vec![
        ("grant_type".into(), "client_credentials".into()),
        ("client_id".into(), config.client_id.clone()),
        (
            "client_secret".into(),
            config.client_secret.expose().to_string(),
        ),
    ])
}

/// `expires_in` is a number, or a numeric string on some deployments.
fn seconds(value: Option<&Value>) -> Option<f64> {
    let seconds = match value? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (seconds.is_finite() && seconds > 0.0).then_some(seconds)
}

/// The token endpoints answer bad credentials with 400 (v2, OAuth) or 401/403 (v1).
fn refused_as_authentication(error: Error) -> Error {
    match error {
        Error::BadRequest(failure) | Error::PermissionDenied(failure) => {
            Error::Authentication(failure)
        }
        other => other,
    }
}
