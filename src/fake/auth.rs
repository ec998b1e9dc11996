//! Credentials, tokens, and the v1 and v2 token endpoints.
//!
//! v1 (`POST /v1/auth`) takes JSON or form bodies and refuses credentials in the query
//! string (Personio does since 2025-12-01); a wrong client id or secret answers 403
//! `{"success":false,"error":{"code":0,"message":"Wrong credentials"}}` (observed), and
//! the knob `v1_auth_without_expires_in` leaves `expires_in` out of a success
//! (observed: a success may lack it). v2 (`POST /v2/auth/token`) is OAuth client
//! credentials, form-encoded only. Tokens of both work on the v1 routes; they expire
//! after `token_ttl_seconds` and can all be revoked at once by `revoke_tokens_after`.
//! The `token_expiry` and `token_revocation` faults (see `faults`) expire one token, or
//! revoke every token and refuse all credentials from then on.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::company::{Company, ID};
use super::options::CredentialSpec;
use super::{errors, json, AppState};

/// What `POST /v1/auth` answers (403, `"code":0`) to a wrong client id or secret
/// (observed, OBSERVED.md).
const WRONG_CREDENTIALS: &str = "Wrong credentials";
const NOT_PROVIDED: &str = "Authorization is not provided";
const NOT_VALID: &str = "Provided authorization is not valid";

/// One API credential, with what it may read.
pub(crate) struct Credential {
    client_id: String,
    client_secret: String,
    scopes: Vec<String>,
    /// Per attribute of [`Company::attrs`]: may this credential read it? (`id` always.)
    pub readable: Vec<bool>,
    /// Which company of the server it reaches (0: the first; see `FakeOptions::companies`).
    pub company: usize,
}

impl Credential {
    /// A credential of company number `index`, `company`: resolves the spec's whitelist
    /// against the company's attributes; unknown keys in the whitelist are ignored.
    pub(crate) fn new(company: &Company, index: usize, spec: &CredentialSpec) -> Credential {
        let whitelist = spec.whitelist.as_deref();
        let readable = company
            .attrs
            .iter()
            .enumerate()
            .map(|(i, a)| i == ID || whitelist.is_none_or(|w| w.contains(&a.key)))
            .collect();
        Credential {
            client_id: spec.client_id.clone(),
            client_secret: spec.client_secret.clone(),
            scopes: spec.scopes.clone(),
            readable,
            company: index,
        }
    }
}

/// What a valid token grants; handlers get it as a request extension.
#[derive(Clone)]
pub(crate) struct Grant {
    /// The credential, shared with the auth state.
    pub credential: Arc<Credential>,
    scopes: Arc<[String]>,
}

impl Grant {
    /// Whether the token carries `scope`.
    pub(crate) fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// `Err(403)` in the v1 shape unless the token carries `scope`.
    pub(crate) fn require(&self, scope: &str) -> Result<(), errors::V1Error> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(errors::V1Error::new(
                StatusCode::FORBIDDEN,
                format!("The API credential is missing the scope {scope}"),
            ))
        }
    }

    /// `Err(403)` in the v2 shape (problem+json, V2_NOTES 8) unless the token carries
    /// `scope`.
    pub(crate) fn require_v2(&self, scope: &str) -> Result<(), errors::V2Error> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(errors::V2Error::new(
                StatusCode::FORBIDDEN,
                "Insufficient access scope",
                "Client scope insufficient to access resource",
                "commonforbidden",
            ))
        }
    }
}

struct Token {
    grant: Grant,
    expires_at: Instant,
}

/// Credentials and the tokens issued for them.
pub(crate) struct Auth {
    credentials: Vec<Arc<Credential>>,
    tokens: Mutex<HashMap<String, Token>>,
    rng: Mutex<SmallRng>,
    ttl: Duration,
    revoke_after: Option<u64>,
    authenticated: AtomicU64,
    /// `POST /v1/auth` leaves `expires_in` out (the token still expires after `ttl`).
    omit_expires_in: bool,
    /// The `token_revocation` fault happened: no credential gets a token any more.
    revoked: AtomicBool,
    /// Every token issued, in order (the last [`REMEMBERED_TOKENS`]), so that tests can
    /// look for them where they must never appear.
    issued: Mutex<Vec<String>>,
}

/// How many issued tokens the fake remembers for [`Auth::issued`].
const REMEMBERED_TOKENS: usize = 4096;

impl Auth {
    pub(crate) fn new(
        credentials: Vec<Credential>,
        ttl_seconds: u64,
        revoke_after: Option<u32>,
        omit_expires_in: bool,
    ) -> Auth {
        Auth {
            credentials: credentials.into_iter().map(Arc::new).collect(),
            tokens: Mutex::new(HashMap::new()),
            rng: Mutex::new(SmallRng::seed_from_u64(entropy())),
            ttl: Duration::from_secs(ttl_seconds),
            revoke_after: revoke_after.map(u64::from),
            authenticated: AtomicU64::new(0),
            omit_expires_in,
            revoked: AtomicBool::new(false),
            issued: Mutex::new(Vec::new()),
        }
    }

    /// The tokens issued so far (at most the last [`REMEMBERED_TOKENS`]).
    pub(crate) fn issued(&self) -> Vec<String> {
        self.issued.lock().expect("issued lock").clone()
    }

    /// The `token_expiry` fault: `token` stops being valid now.
    pub(crate) fn expire(&self, token: &str) {
        self.tokens.lock().expect("token lock").remove(token);
    }

    /// The `token_revocation` fault: every token dies, and no credential gets a new one.
    pub(crate) fn revoke_all(&self) {
        self.revoked.store(true, Ordering::SeqCst);
        self.tokens.lock().expect("token lock").clear();
    }

    /// The client ID a token was issued to (expired or not), for the rate limits.
    pub(crate) fn client_of(&self, token: &str) -> Option<String> {
        let tokens = self.tokens.lock().expect("token lock");
        Some(tokens.get(token)?.grant.credential.client_id.clone())
    }

    fn check(&self, client_id: &str, client_secret: &str) -> Option<&Arc<Credential>> {
        if self.revoked.load(Ordering::SeqCst) {
            return None;
        }
        self.credentials
            .iter()
            .find(|c| c.client_id == client_id && c.client_secret == client_secret)
    }

    fn random_hex(&self, bytes: usize) -> String {
        random_hex(&mut self.rng.lock().expect("rng lock"), bytes)
    }

    /// An OAuth error of the v2 token endpoints, its trace id drawn from the auth rng.
    fn oauth_error(&self, status: StatusCode, error: &str, description: &str) -> Response {
        errors::oauth(status, error, description, &self.random_hex(16))
    }

    fn issue(&self, credential: &Arc<Credential>, scopes: Vec<String>) -> String {
        let token = format!("papi-{}", self.random_hex(32));
        let grant = Grant {
            credential: credential.clone(),
            scopes: scopes.into(),
        };
        let expires_at = Instant::now() + self.ttl;
        let mut tokens = self.tokens.lock().expect("token lock");
        // Forget expired tokens now and then so a long benchmark does not grow the map.
        if tokens.len() > 1024 {
            let now = Instant::now();
            tokens.retain(|_, t| t.expires_at > now);
        }
        tokens.insert(token.clone(), Token { grant, expires_at });
        let mut issued = self.issued.lock().expect("issued lock");
        if issued.len() == REMEMBERED_TOKENS {
            issued.remove(0);
        }
        issued.push(token.clone());
        token
    }

    fn validate(&self, token: &str) -> Option<Grant> {
        let mut tokens = self.tokens.lock().expect("token lock");
        let t = tokens.get(token)?;
        if t.expires_at <= Instant::now() {
            tokens.remove(token);
            return None;
        }
        Some(t.grant.clone())
    }

    /// Counts an authenticated data request; every `revoke_after`-th one invalidates
    /// every token issued so far (the request itself still succeeds).
    fn count_authenticated(&self) {
        let n = self.authenticated.fetch_add(1, Ordering::Relaxed) + 1;
        if self.revoke_after.is_some_and(|every| n % every == 0) {
            self.tokens.lock().expect("token lock").clear();
        }
    }
}

/// The default credential's secret and tokens come from here: random per start, never
/// from the company seed.
pub(crate) fn random_hex(rng: &mut SmallRng, bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// A per-process random seed without an OS-RNG dependency: std's `RandomState` is keyed
/// from the OS once per thread; the clock separates calls.
pub(crate) fn entropy() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    h.write_u128(now.as_nanos());
    h.finish()
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_form(headers: &HeaderMap) -> bool {
    content_type(headers).starts_with("application/x-www-form-urlencoded")
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .last()
}

/// `client_id` and `client_secret` from a v1 auth body: JSON or form by content type; a
/// body without either type is taken as JSON when it looks like an object.
/// `Ok(None)` when a field is missing, `Err` for broken JSON.
fn v1_credentials(headers: &HeaderMap, body: &[u8]) -> Result<Option<(String, String)>, ()> {
    let ct = content_type(headers);
    let json =
        ct.contains("json") || (!is_form(headers) && body.trim_ascii_start().starts_with(b"{"));
    if !json {
        return Ok(form_field(body, "client_id").zip(form_field(body, "client_secret")));
    }
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| ())?;
    let field = |k: &str| v.get(k).and_then(|s| s.as_str()).map(str::to_owned);
    Ok(field("client_id").zip(field("client_secret")))
}

/// `POST /v1/auth`: JSON or form body with `client_id` and `client_secret`.
pub(crate) async fn v1_token(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.stats.count_auth_v1();
    let in_query = query.as_deref().is_some_and(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .any(|(k, _)| k == "client_id" || k == "client_secret")
    });
    if in_query {
        return errors::v1(
            StatusCode::FORBIDDEN,
            "Credentials in query parameters are not accepted; send client_id and client_secret in the request body",
        );
    }
    let (id, secret) = match v1_credentials(&headers, &body) {
        Ok(Some(pair)) => pair,
        Ok(None) => {
            return errors::v1(
                StatusCode::BAD_REQUEST,
                "client_id and client_secret are required",
            )
        }
        Err(()) => {
            return errors::v1(
                StatusCode::BAD_REQUEST,
                "The request body is not valid JSON",
            )
        }
    };
    let Some(credential) = state.auth.check(&id, &secret) else {
        return errors::v1_with_code(StatusCode::FORBIDDEN, 0, WRONG_CREDENTIALS);
    };
    let scopes = credential.scopes.clone();
    let scope = scopes.join(" ");
    let token = state.auth.issue(credential, scopes);
    state.stats.count_token(&credential.client_id);
    let mut data =
        serde_json::json!({"token": token, "expires_in": state.auth.ttl.as_secs(), "scope": scope});
    if state.auth.omit_expires_in {
        data.as_object_mut()
            .expect("an object")
            .remove("expires_in");
    }
    let body = serde_json::json!({"success": true, "data": data});
    json::response(StatusCode::OK, body.to_string())
}

/// `POST /v2/auth/token`: OAuth client credentials, form-encoded only.
pub(crate) async fn v2_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.stats.count_auth_v2();
    let auth = &state.auth;
    if !is_form(&headers) {
        return auth.oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body must be application/x-www-form-urlencoded.",
        );
    }
    match form_field(&body, "grant_type").as_deref() {
        Some("client_credentials") => {}
        None => {
            return auth.oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing grant_type.",
            )
        }
        Some(_) => {
            return auth.oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only the client_credentials grant is supported.",
            )
        }
    }
    let (Some(id), Some(secret)) = (
        form_field(&body, "client_id"),
        form_field(&body, "client_secret"),
    ) else {
        return auth.oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id and client_secret are required.",
        );
    };
    let Some(credential) = auth.check(&id, &secret) else {
        return auth.oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client or invalid client secret.",
        );
    };
    // `scope` narrows the token to a subset of the credential's scopes; omitted = all.
    let scopes: Vec<String> = match form_field(&body, "scope") {
        Some(s) if !s.trim().is_empty() => s.split_whitespace().map(str::to_owned).collect(),
        _ => credential.scopes.clone(),
    };
    if let Some(bad) = scopes.iter().find(|s| !credential.scopes.contains(s)) {
        return auth.oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("The scope {bad} is not granted to this client."),
        );
    }
    let scope = scopes.join(" ");
    let token = auth.issue(credential, scopes);
    state.stats.count_token(&credential.client_id);
    let body = serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": auth.ttl.as_secs(),
        "scope": scope,
    });
    json::response(StatusCode::OK, body.to_string())
}

/// `POST /v2/auth/revoke`: form field `token`; 200 with an empty body, known or not.
pub(crate) async fn v2_revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = is_form(&headers)
        .then(|| form_field(&body, "token"))
        .flatten();
    let Some(token) = token else {
        return state.auth.oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "A form field token is required.",
        );
    };
    state.auth.tokens.lock().expect("token lock").remove(&token);
    StatusCode::OK.into_response()
}

/// Middleware of the data routes: a valid `Authorization: Bearer <token>` or 401 (v1
/// shape, problem+json under `/v2/`). Passes the [`Grant`] on as a request extension.
pub(crate) async fn require_token(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    let path = req.uri().path();
    if header.is_empty() {
        return errors::gateway(path, StatusCode::UNAUTHORIZED, NOT_PROVIDED);
    }
    let token = match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return errors::gateway(path, StatusCode::UNAUTHORIZED, NOT_VALID),
    };
    let Some(grant) = state.auth.validate(token) else {
        return errors::gateway(path, StatusCode::UNAUTHORIZED, NOT_VALID);
    };
    state.auth.count_authenticated();
    req.extensions_mut().insert(grant);
    next.run(req).await
}
