//! The authenticated layer the resources use: the HTTP layer ([`crate::http`]) with the
//! token layer's ([`crate::auth`]) bearer token attached to every try.

use crate::auth::TokenCache;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::{Anonymous, Http};

// The resources name the request types through the one path they send them by.
pub use crate::auth::Api;
pub use crate::http::{Body, BodyReader, Request, Response};

/// HTTP layer and token cache of one [`crate::Client`].
#[derive(Debug)]
pub struct Transport {
    http: Http,
    tokens: TokenCache,
}

impl Transport {
    /// Builds the HTTP client (rustls, HTTP/2 where offered, our headers).
    pub fn new(config: Config) -> Result<Transport> {
        Ok(Transport {
            http: Http::new(config)?,
            tokens: TokenCache::default(),
        })
    }

    /// The configuration this transport was built with.
    pub fn config(&self) -> &Config {
        self.http.config()
    }

    /// Sends `request`, with a bearer token for `auth` when given, and returns a 2xx
    /// response (see [`Http::send`] for the retries); a token Personio rotates in the
    /// response replaces the cached one.
    pub async fn execute(&self, request: &Request, auth: Option<Api>) -> Result<Response> {
        let Some(api) = auth else {
            return self.http.send(request, &Anonymous).await;
        };
        let response = self
            .http
            .send(request, &self.tokens.authorizer(&self.http, api))
            .await?;
        self.tokens
            .accept_rotated(&self.http, api, &response.headers)
            .await;
        Ok(response)
    }

    /// The error an [`Request::answered`] response means after all (see
    /// [`Http::refusal`]).
    pub fn refusal(&self, request: &Request, response: &Response) -> Error {
        self.http
            .refusal(request, response.status, &response.headers, &response.body)
    }

    /// As [`execute`](Self::execute) with a bearer token for `api`, the body going to
    /// `reader` as it arrives (see [`Http::send_reading`]).
    pub async fn execute_reading(
        &self,
        request: &Request,
        api: Api,
        reader: &mut dyn BodyReader,
    ) -> Result<Response> {
        let response = self
            .http
            .send_reading(request, &self.tokens.authorizer(&self.http, api), reader)
            .await?;
        self.tokens
            .accept_rotated(&self.http, api, &response.headers)
            .await;
        Ok(response)
    }
}
