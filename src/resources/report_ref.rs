//! What users paste to name a custom report: its ID, or the URL of the report in the
//! Personio web app (`https://<company>.personio.de/custom-reports/<uuid>`).

use url::Url;

use crate::error::{Error, Result};

/// The report ID in `reference`: a UUID, or a report URL of any company subdomain, with
/// or without a trailing slash, query string or fragment.
pub fn parse_report_reference(reference: &str) -> Result<String> {
    let trimmed = reference.trim();
    if is_uuid(trimmed) {
        return Ok(trimmed.to_ascii_lowercase());
    }
    let expected = || {
        Error::invalid_argument(format!(
            "expected a report ID (a UUID such as 6f976df8-5f41-4a3e-9bd1-2a1c3e0f9b10) or a report URL \
             such as https://acme.personio.de/custom-reports/<id>, got {reference:?}"
        ))
    };
    let url = Url::parse(trimmed).map_err(|_| expected())?;
    let personio_host = url
        .host_str()
        .is_some_and(|h| h.ends_with(".personio.de") || h.ends_with(".personio.com"));
    if !matches!(url.scheme(), "https" | "http") || !personio_host {
        return Err(expected());
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|part| !part.is_empty()).collect())
        .unwrap_or_default();
    match segments.as_slice() {
        [.., "custom-reports", id] if is_uuid(id) => Ok(id.to_ascii_lowercase()),
        _ => Err(expected()),
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6f976df8-5f41-4a3e-9bd1-2a1c3e0f9b10";

    #[test]
    fn ids_and_urls() {
        for reference in [
            ID.to_string(),
            format!(" {} ", ID.to_uppercase()),
            format!("https://acme.personio.de/custom-reports/{ID}"),
            format!("https://acme-gmbh.personio.de/custom-reports/{ID}/"),
            format!("https://acme.personio.de/custom-reports/{ID}?tab=table#top"),
            format!("https://x.personio.com/custom-reports/{ID}"),
        ] {
            assert_eq!(
                parse_report_reference(&reference).unwrap(),
                ID,
                "{reference}"
            );
        }
    }

    #[test]
    fn anything_else_says_what_was_expected() {
        for reference in [
            "",
            "12345",
            "6f976df8-5f41-4a3e-9bd1",
            "https://acme.personio.de/employees/6f976df8-5f41-4a3e-9bd1-2a1c3e0f9b10",
            "https://evil.example/custom-reports/6f976df8-5f41-4a3e-9bd1-2a1c3e0f9b10",
            "ftp://acme.personio.de/custom-reports/6f976df8-5f41-4a3e-9bd1-2a1c3e0f9b10",
        ] {
            let err = parse_report_reference(reference).unwrap_err();
            assert!(
                err.to_string().contains("expected a report ID"),
                "{reference}: {err}"
            );
        }
    }
}
