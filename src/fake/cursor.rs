//! Opaque cursors for v2 paging: URL-safe base64 (no padding) of a short text.
//!
//! Opaque to clients, not secret: the fake only needs a token that survives a round
//! trip through `next.href` and is refused when tampered with.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes `text` as unpadded base64url.
pub(crate) fn encode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
        }
    }
    out
}

/// Decodes unpadded base64url back to text; `None` for anything [`encode`] cannot make.
pub(crate) fn decode(cursor: &str) -> Option<String> {
    let sextet = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32);
    let bytes = cursor.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            n |= sextet(c)? << (18 - 6 * k);
        }
        let produced = chunk.len() - 1;
        for k in 0..produced {
            out.push((n >> (16 - 8 * k)) as u8);
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_garbage() {
        for s in ["", "a", "ab", "abc", "abcd", "r=1;e=20;l=de", "ünïcödé ✓"] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s), "{s}");
        }
        assert_eq!(encode("abc"), "YWJj");
        assert_eq!(encode("ab"), "YWI");
        assert_eq!(decode("Y"), None);
        assert_eq!(decode("YW=="), None);
        assert_eq!(decode("%%%%"), None);
    }
}
