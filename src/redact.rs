//! Server text made safe to show: bounded, and scrubbed of the secret and tokens.
//!
//! A hostile or buggy server can echo the request (the client secret of an auth body,
//! an `Authorization` header) or send megabytes of text; what reaches an exception is
//! at most [`MAX_SERVER_TEXT`] bytes with every known secret replaced.

/// The most server text an error message carries, in bytes.
pub const MAX_SERVER_TEXT: usize = 2048;
/// What stands in for a removed secret.
const REDACTED: &str = "***";
/// Secrets shorter than this are not searched for: they would match ordinary words.
const MIN_SECRET_LEN: usize = 4;

/// `text` cut to [`MAX_SERVER_TEXT`] bytes (on a character boundary), with each of
/// `secrets` and every `Bearer <token>` replaced by `***`.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    // Scrub before cutting, so that a cut cannot leave half a secret behind.
    let mut clean = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= MIN_SECRET_LEN) {
        if clean.contains(secret) {
            clean = clean.replace(secret, REDACTED);
        }
    }
    let clean = redact_bearer(&clean);
    if clean.len() <= MAX_SERVER_TEXT {
        return clean;
    }
    let mut cut = MAX_SERVER_TEXT;
    while !clean.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}... ({} bytes cut)", &clean[..cut], clean.len() - cut)
}

/// Replaces the word after each `Bearer ` (any case) by `***`.
fn redact_bearer(text: &str) -> String {
    const BEARER: &str = "bearer ";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = lower[rest..].find(BEARER) {
        let start = rest + found + BEARER.len();
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'))
            .map_or(text.len(), |n| start + n);
        out.push_str(&text[rest..start]);
        if end > start {
            out.push_str(REDACTED);
        }
        rest = end;
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_bearer_tokens_are_removed() {
        let text = r#"echo: {"client_secret":"hunter2-secret"} Authorization: Bearer papi-abc.def, BEARER eyJx"#;
        let clean = redact(text, &["hunter2-secret", "papi-abc.def"]);
        assert_eq!(
            clean,
            r#"echo: {"client_secret":"***"} Authorization: Bearer ***, BEARER ***"#
        );
        assert_eq!(redact("no secrets here", &["abc"]), "no secrets here");
    }

    #[test]
    fn long_text_is_bounded_on_a_character_boundary() {
        let text = "é".repeat(5000);
        let clean = redact(&text, &[]);
        assert!(clean.len() < MAX_SERVER_TEXT + 40, "{}", clean.len());
        assert!(clean.ends_with("bytes cut)"));
        let secret = format!("{}tail-secret", "x".repeat(MAX_SERVER_TEXT - 5));
        assert!(!redact(&secret, &["tail-secret"]).contains("tail-s"));
    }
}
