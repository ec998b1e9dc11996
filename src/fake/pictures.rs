//! `GET /v1/company/employees/{id}/profile-picture[/{width}]` (scope `employees:read`):
//! the picture's bytes, `image/png` or `image/jpeg`.
//!
//! The spec has the path with `{width}` ("Default is original size"); the employee
//! attribute `profile_picture` links the path without it, which the fake serves at the
//! original size, 48 pixels square. A width from 1 to 1024 gives a square of that side
//! (the cap and the 400 beyond it: assumed). Every fifth employee (positions 4, 9, ...)
//! has no picture; like an unknown employee, or a credential whose whitelist leaves out
//! `profile_picture`, that answers the spec's 404
//! `{"success":false,"error":{"code":404,"message":"Etwas ist schiefgelaufen ..."}}`.
//! Of those with a picture, every third (positions 1, 7, 10, ...) has a JPEG, the others
//! a PNG (assumed: the spec names only `image/png`).

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::Grant;
use super::call::Call;
use super::errors::V1Error;
use super::{images, AppState};

const SCOPE: &str = "employees:read";
/// The spec's 404 message for a missing picture.
const NO_PICTURE: &str = "Etwas ist schiefgelaufen ...";
/// The side of a picture asked for without a width.
const ORIGINAL_SIDE: u32 = 48;
const MAX_WIDTH: u32 = 1024;

/// Whether the employee at `position` has a picture.
fn has_picture(position: usize) -> bool {
    position % 5 != 4
}

/// The picture path without a width.
pub(crate) async fn original(call: Call, Path(id): Path<String>) -> Result<Response, V1Error> {
    picture(&call.state, &call.grant, &id, ORIGINAL_SIDE)
}

/// The picture path with a width.
pub(crate) async fn of_width(
    call: Call,
    Path((id, width)): Path<(String, String)>,
) -> Result<Response, V1Error> {
    let width = width
        .parse::<u32>()
        .ok()
        .filter(|w| (1..=MAX_WIDTH).contains(w))
        .ok_or_else(|| {
            V1Error::new(
                StatusCode::BAD_REQUEST,
                format!("The width must be an integer from 1 to {MAX_WIDTH}"),
            )
        })?;
    picture(&call.state, &call.grant, &id, width)
}

fn picture(state: &AppState, grant: &Grant, id: &str, side: u32) -> Result<Response, V1Error> {
    grant.require(SCOPE)?;
    let company = &*state.company();
    let whitelisted = company
        .attrs
        .iter()
        .position(|a| a.key == "profile_picture")
        .is_some_and(|index| grant.credential.readable[index]);
    let found = id
        .parse::<i64>()
        .ok()
        .and_then(|id| Some((id, company.find(id)?)));
    let Some((id, position)) = found.filter(|&(_, p)| whitelisted && has_picture(p)) else {
        return Err(V1Error::new(StatusCode::NOT_FOUND, NO_PICTURE));
    };
    let (bytes, content_type) = if position % 3 == 1 {
        // `side` is at most MAX_WIDTH, within u16.
        let jpeg = images::jpeg(side as u16, &format!("employee {id}"));
        (jpeg, "image/jpeg")
    } else {
        (images::png(side, id as u64), "image/png")
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}
