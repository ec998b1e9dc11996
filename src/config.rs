//! Client options: arguments first, then environment variables, checked before any request.

use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The public Personio API.
pub const DEFAULT_BASE_URL: &str = "https://api.personio.de";
/// Environment variable holding the client ID.
pub const ENV_CLIENT_ID: &str = "PERSONIO_CLIENT_ID";
/// Environment variable holding the client secret.
pub const ENV_CLIENT_SECRET: &str = "PERSONIO_CLIENT_SECRET";
/// Environment variable holding the base URL.
pub const ENV_BASE_URL: &str = "PERSONIO_BASE_URL";

/// The longest per-request timeout and per-call deadline accepted, in seconds (one day).
pub const MAX_TIMEOUT: f64 = 86_400.0;
/// A call's default deadline: ten minutes reads a large company under Personio's limits.
pub const DEFAULT_DEADLINE: f64 = 600.0;
/// The default response size cap: far above Personio's largest page (100 employees, or
/// a report page), small enough that a hostile body cannot exhaust memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// The default bound on requests at once: above Personio's bursts (15 on employees),
/// so that the rate budget, not this number, sizes a read; a server that announces far
/// more room still sees no more than this. Not more: against such a server (the fake,
/// 20,000 employees) 32 held 27 MiB more at the peak than 16, and was no faster at 0 ms
/// and 5% faster at 100 ms.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// What the caller gave; `None` means "look in the environment, then use the default".
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// API client ID.
    pub client_id: Option<String>,
    /// API client secret.
    pub client_secret: Option<Secret>,
    /// Base URL of the API, without `/v1` or `/v2`.
    pub base_url: Option<String>,
    /// Sent as `X-Personio-Partner-ID`.
    pub partner_id: Option<String>,
    /// Sent as `X-Personio-App-ID`.
    pub app_id: Option<String>,
    /// Per-request timeout in seconds.
    pub timeout: Option<f64>,
    /// Retries of one request on 429, 5xx and network failures.
    pub max_retries: Option<u32>,
    /// The most requests of one read at once (default [`DEFAULT_CONCURRENCY`]); fewer
    /// when the company's rate budget allows fewer in one burst.
    pub concurrency: Option<usize>,
    /// The longest a whole call (every page, retry and wait) may take, in seconds.
    pub deadline: Option<f64>,
    /// The largest response body accepted, in bytes.
    pub max_response_bytes: Option<usize>,
    /// Allow plain `http://` to a host that is not loopback (credentials then travel
    /// unencrypted): for a proxy on a trusted network only.
    pub allow_http: bool,
}

/// Checked, complete client configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// API client ID.
    pub client_id: String,
    /// API client secret.
    pub client_secret: Secret,
    /// Base URL, never ending in `/`.
    pub base_url: Url,
    /// Sent as `X-Personio-Partner-ID`.
    pub partner_id: Option<String>,
    /// Sent as `X-Personio-App-ID`.
    pub app_id: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries of one request on 429, 5xx and network failures.
    pub max_retries: u32,
    /// The most requests of one read at once (at least 1); the rate budget may allow
    /// fewer.
    pub concurrency: usize,
    /// The longest a whole call may take.
    pub deadline: Duration,
    /// The largest response body accepted.
    pub max_response_bytes: usize,
}

impl Config {
    /// Builds the configuration from `options`, filling gaps from the process environment.
    pub fn from_options(options: Options) -> Result<Config> {
        Config::resolve(options, |name| std::env::var(name).ok())
    }

    /// Like [`Config::from_options`], with the environment given as a lookup function.
    pub fn resolve(options: Options, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let non_empty = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
        let client_id =
            non_empty(options.client_id.or_else(|| env(ENV_CLIENT_ID))).ok_or_else(|| {
                Error::invalid_argument(format!(
                    "no client ID: pass client_id or set {ENV_CLIENT_ID}"
                ))
            })?;
        let client_secret = options
            .client_secret
            .or_else(|| env(ENV_CLIENT_SECRET).map(Secret::new))
            .filter(|s| !s.expose().trim().is_empty())
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "no client secret: pass client_secret or set {ENV_CLIENT_SECRET}"
                ))
            })?;
        let base_url = non_empty(options.base_url.or_else(|| env(ENV_BASE_URL)))
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let timeout = seconds("timeout", options.timeout.unwrap_or(30.0))?;
        let deadline = seconds("deadline", options.deadline.unwrap_or(DEFAULT_DEADLINE))?;
        let max_response_bytes = options
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes < 1024 {
            return Err(Error::invalid_argument(format!(
                "max_response_bytes must be at least 1024, got {max_response_bytes}"
            )));
        }
        let concurrency = options.concurrency.unwrap_or(DEFAULT_CONCURRENCY);
        if concurrency == 0 {
            return Err(Error::invalid_argument("concurrency must be at least 1"));
        }
        Ok(Config {
            client_id,
            client_secret,
            base_url: parse_base_url(&base_url, options.allow_http)?,
            partner_id: non_empty(options.partner_id),
            app_id: non_empty(options.app_id),
            timeout,
            deadline,
            max_response_bytes,
            max_retries: options.max_retries.unwrap_or(5),
            concurrency,
        })
    }

    /// The absolute URL of an API path such as `/v1/company/employees`.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }
}

/// A positive number of seconds up to [`MAX_TIMEOUT`].
fn seconds(name: &str, value: f64) -> Result<Duration> {
    if value.is_finite() && value > 0.0 && value <= MAX_TIMEOUT {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Error::invalid_argument(format!(
            "{name} must be a positive number of seconds up to {MAX_TIMEOUT}, got {value}"
        )))
    }
}

/// An http(s) URL with no query, fragment or credentials; a trailing `/` is dropped.
/// Plain `http` only to loopback, unless `allow_http`.
fn parse_base_url(raw: &str, allow_http: bool) -> Result<Url> {
    let bad = |why: &str| {
        Error::invalid_argument(format!(
            "base_url must be an http(s) URL such as {DEFAULT_BASE_URL}, got {raw:?}: {why}"
        ))
    };
    let url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.scheme() == "http" && !allow_http && !is_loopback(&url) {
        return Err(bad(
            "plain http would send the client secret unencrypted; use https, or pass \
             allow_http=True for a proxy on a trusted network",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it may not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it may not carry credentials"));
    }
    let mut url = url;
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// Whether `url` names this machine: `localhost`, 127.0.0.0/8 or `[::1]`.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn arguments_win_over_environment() {
        let options = Options {
            client_id: Some("arg-id".into()),
            ..Options::default()
        };
        let env = env_of(&[
            (ENV_CLIENT_ID, "env-id"),
            (ENV_CLIENT_SECRET, "env-secret"),
            (ENV_BASE_URL, "http://127.0.0.1:9/"),
        ]);
        let config = Config::resolve(options, env).unwrap();
        assert_eq!(config.client_id, "arg-id");
        assert_eq!(config.client_secret.expose(), "env-secret");
        assert_eq!(
            config.url("/v1/auth").as_str(),
            "http://127.0.0.1:9/v1/auth"
        );
    }

    #[test]
    fn base_url_keeps_its_path_prefix() {
        let env = env_of(&[
            (ENV_CLIENT_ID, "id"),
            (ENV_CLIENT_SECRET, "s"),
            (ENV_BASE_URL, "https://proxy.example/personio/"),
        ]);
        let config = Config::resolve(Options::default(), env).unwrap();
        assert_eq!(
            config.url("/v1/company/employees").as_str(),
            "https://proxy.example/personio/v1/company/employees"
        );
    }

    #[test]
    fn missing_secret_names_the_variable() {
        let env = env_of(&[(ENV_CLIENT_ID, "id")]);
        let err = Config::resolve(Options::default(), env).unwrap_err();
        assert!(err.to_string().contains(ENV_CLIENT_SECRET), "{err}");
    }

    #[test]
    fn bad_base_urls_are_refused() {
        for raw in ["ftp://x", "not a url", "https://u:p@host", "https://h/?a=1"] {
            let options = Options {
                client_id: Some("id".into()),
                client_secret: Some(Secret::new("s")),
                base_url: Some(raw.into()),
                ..Options::default()
            };
            assert!(
                matches!(
                    Config::resolve(options, |_| None),
                    Err(Error::InvalidArgument(_))
                ),
                "{raw}"
            );
        }
    }

    #[test]
    fn plain_http_only_to_loopback_or_when_allowed() {
        let resolve = |raw: &str, allow_http: bool| {
            let options = Options {
                client_id: Some("id".into()),
                client_secret: Some(Secret::new("s")),
                base_url: Some(raw.into()),
                allow_http,
                ..Options::default()
            };
            Config::resolve(options, |_| None)
        };
        for raw in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "http://127.3.2.1",
        ] {
            assert!(resolve(raw, false).is_ok(), "{raw}");
        }
        for raw in [
            "http://api.personio.de",
            "http://10.0.0.5",
            "http://localhost.evil.example",
        ] {
            let error = resolve(raw, false).unwrap_err();
            assert!(
                error.to_string().contains("allow_http=True"),
                "{raw}: {error}"
            );
            assert!(resolve(raw, true).is_ok(), "{raw}");
        }
    }

    #[test]
    fn secret_debug_is_redacted() {
        let options = Options {
            client_id: Some("id".into()),
            client_secret: Some(Secret::new("hunter2-very-secret")),
            ..Options::default()
        };
        let config = Config::resolve(options, |_| None).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
