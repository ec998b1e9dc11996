//! Personio's two token flows and the token cache shared by every call of a client.
//!
//! `/v1/auth` is itself rate limited, so a token is fetched once, shared by all
//! concurrent requests (they wait on one lock while it is fetched), refreshed shortly
//! before it expires, and refreshed once when Personio answers 401.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::transport::{Api, Body, Request, Transport};

/// Refresh this long before the announced expiry, so that no request carries a token
/// that expires on its way.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// Personio's tokens live 24 h; a larger `expires_in` is not trusted (nor can it
/// overflow the clock).
const MAX_LIFETIME: f64 = 86_400.0;

/// A bearer token and the cache generation it belongs to.
#[derive(Clone)]
pub struct Token {
    value: Secret,
    expires_at: Instant,
    /// Bumped on every new token, so that a 401 invalidates only the token it was sent with.
    pub generation: u64,
}

impl Token {
    /// The value to send in `Authorization: Bearer`.
    pub fn value(&self) -> &str {
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

/// One cached token per API version.
#[derive(Debug, Default)]
pub struct TokenCache {
    v1: Mutex<Option<Token>>,
    v2: Mutex<Option<Token>>,
    /// The latest tokens Personio issued to this client, so that error text echoing
    /// any of them can be scrubbed.
    issued: std::sync::Mutex<Vec<Secret>>,
}

/// How many issued tokens are remembered for scrubbing.
const REMEMBERED_TOKENS: usize = 16;

impl TokenCache {
    fn slot(&self, api: Api) -> &Mutex<Option<Token>> {
        match api {
            Api::V1 => &self.v1,
            Api::V2 => &self.v2,
        }
    }

    /// A valid token for `api`, fetched at most once however many callers ask at once.
    pub async fn token(&self, transport: &Transport, api: Api) -> Result<Token> {
        let mut slot = self.slot(api).lock().await;
        if let Some(token) = slot.as_ref() {
            if Instant::now() < token.expires_at {
                return Ok(token.clone());
            }
        }
        let generation = slot.as_ref().map_or(1, |t| t.generation + 1);
        // Boxed: fetching goes through the transport, which asks this cache for tokens.
        let token = Box::pin(fetch_token(transport, api, generation)).await?;
        self.remember(&token.value);
        *slot = Some(token.clone());
        Ok(token)
    }

    /// Every token remembered as issued to this client.
    pub fn issued(&self) -> Vec<Secret> {
        self.issued
            .lock()
            .map(|issued| issued.clone())
            .unwrap_or_default()
    }

    fn remember(&self, token: &Secret) {
        if let Ok(mut issued) = self.issued.lock() {
            if issued.len() == REMEMBERED_TOKENS {
                issued.remove(0);
            }
            issued.push(token.clone());
        }
    }

    /// Drops the token of `generation` after Personio refused it; a newer one is kept.
    pub async fn invalidate(&self, api: Api, generation: u64) {
        let mut slot = self.slot(api).lock().await;
        if slot.as_ref().is_some_and(|t| t.generation == generation) {
            if let Some(token) = slot.as_mut() {
                token.expires_at = Instant::now();
            }
        }
    }

    /// Takes a token Personio rotated in a response's `Authorization` header (older v1
    /// behaviour); it replaces the current one with the same lifetime.
    pub async fn accept_rotated(&self, api: Api, value: &str) {
        let mut slot = self.slot(api).lock().await;
        if let Some(token) = slot.as_mut() {
            if token.value.expose() != value {
                token.value = Secret::new(value);
                token.generation += 1;
                self.remember(&token.value);
            }
        }
    }
}

async fn fetch_token(transport: &Transport, api: Api, generation: u64) -> Result<Token> {
    let config = transport.config();
    let (path, body) = match api {
        Api::V1 => ("/v1/auth", v1_body(config)),
        Api::V2 => ("/v2/auth/token", v2_body(config)),
    };
    // A token request may be sent twice: at worst Personio issues a second token.
    let request = Request::post(path, body).retry_safe();
    let response = transport
        .execute(&request, None)
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
