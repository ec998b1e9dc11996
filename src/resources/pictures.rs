//! An employee's profile picture: `GET /v1/company/employees/{id}/profile-picture`, or
//! `.../profile-picture/{width}` for a width in pixels (the spec's path; without it
//! Personio answers the original size, the path the `profile_picture` attribute links).
//!
//! Personio answers 404 (an [`Error::NotFound`]) for an employee without a picture, an
//! unknown employee, or a credential whose attribute whitelist leaves out "Profile
//! Picture". The body is bounded like every body (`max_response_bytes`), and a reply
//! that is not an image (`Content-Type: image/...`) or is empty is an
//! [`Error::InvalidResponse`]: a JSON error body sent with 200 must not land in a file.

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;

use crate::error::{Error, Result};
use crate::transport::{Api, Request, Transport};

/// Images first; JSON for the error bodies.
const ACCEPT_IMAGES: &str = "image/*, application/json;q=0.5";

/// A picture and its media type.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The media type as sent, e.g. `image/png`.
    pub content_type: String,
    /// The image file's bytes.
    pub bytes: Bytes,
}

impl Picture {
    /// A file extension for the media type, without the dot: `png`, `jpg`, `gif`,
    /// `webp`, `svg`; for another image type its subtype's letters and digits, `img`
    /// when none are left.
    pub fn extension(&self) -> String {
        let media = self.content_type.split(';').next().unwrap_or("");
        let subtype = media.trim().to_ascii_lowercase();
        let subtype = subtype.strip_prefix("image/").unwrap_or(&subtype);
        let extension = match subtype {
            "jpeg" | "pjpeg" | "jpg" => "jpg".to_string(),
            "svg+xml" => "svg".to_string(),
            "x-icon" | "vnd.microsoft.icon" => "ico".to_string(),
            other => other
                .trim_start_matches("x-")
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(8)
                .collect(),
        };
        if extension.is_empty() {
            "img".to_string()
        } else {
            extension
        }
    }
}

/// The picture of employee `id`, `width` pixels wide if given.
pub async fn fetch_picture(transport: &Transport, id: i64, width: Option<u32>) -> Result<Picture> {
    if id <= 0 {
        return Err(Error::invalid_argument(format!(
            "employee_id must be a positive integer, got {id}"
        )));
    }
    let path = match width {
        Some(0) => {
            return Err(Error::invalid_argument(
                "width must be a positive number of pixels, got 0",
            ))
        }
        Some(width) => format!("/v1/company/employees/{id}/profile-picture/{width}"),
        None => format!("/v1/company/employees/{id}/profile-picture"),
    };
    let request = Request::get(path, Vec::new()).accepting(ACCEPT_IMAGES);
    let response = transport.execute(&request, Some(Api::V1)).await?;
    let content_type = response
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_string();
    if !content_type.to_ascii_lowercase().starts_with("image/") {
        return Err(request.invalid_response(format!(
            "expected an image, got a body of content type {:?}",
            content_type.chars().take(80).collect::<String>()
        )));
    }
    if response.body.is_empty() {
        return Err(request.invalid_response("the picture is empty"));
    }
    Ok(Picture {
        content_type,
        bytes: response.body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(content_type: &str) -> Picture {
        Picture {
            content_type: content_type.to_string(),
            bytes: Bytes::new(),
        }
    }

    #[test]
    fn extensions_follow_the_media_type() {
        for (content_type, extension) in [
            ("image/png", "png"),
            ("image/jpeg", "jpg"),
            ("IMAGE/JPEG; charset=binary", "jpg"),
            ("image/svg+xml", "svg"),
            ("image/x-webp", "webp"),
            ("image/../../etc", "etc"),
            ("image/", "img"),
        ] {
            assert_eq!(
                picture(content_type).extension(),
                extension,
                "{content_type}"
            );
        }
    }
}
