//! A v2 report body read as it arrives: the rows of `_data` are handed out in batches
//! while the rest of the body is still on the way, and the other members (`_meta`,
//! `report_config`, ...) are kept whole.
//!
//! The scanner checks the body's outline (one object, its members, `_data` a list) and
//! finds where each row and member ends; the rows and members themselves are checked
//! by `serde_json` when they are read. It holds only what it has not handed out: the
//! row being received, and rows waiting for a batch to fill.

use std::ops::Range;

use bytes::Bytes;

/// The member holding the rows.
const DATA_KEY: &str = "_data";

/// Rows handed out together, with their bytes.
pub struct RowBatch {
    /// The rows' text, and whatever lies between them.
    pub bytes: Bytes,
    /// Each row's range in `bytes`.
    pub rows: Vec<Range<usize>>,
}

/// Where in the body's outline the scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Before the body's `{`.
    Start,
    /// After `{` or a member's `,`: a key next (or `}` right after `{`).
    Key { first: bool },
    /// After a key: `:` next.
    Colon,
    /// After `:`: the member's value next.
    Value,
    /// After a member: `,` or `}` next.
    AfterMember,
    /// After `"_data":`: `[` next.
    DataOpen,
    /// After `[` or a row's `,`: a row next (or `]` right after `[`).
    Row { first: bool },
    /// After a row: `,` or `]` next.
    AfterRow,
    /// After the body's `}`: only whitespace.
    End,
}

/// What a capture (a key, a member's value, a row) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Captured {
    Key,
    Member,
    Row,
}

/// A value being received: where it began and how deep it is.
#[derive(Debug, Clone, Copy)]
struct Capture {
    what: Captured,
    start: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// A number, `true`, `false` or `null`: it ends at the next delimiter.
    bare: bool,
}

/// Reads a body piece by piece.
pub struct BodyScanner {
    place: Place,
    capture: Option<Capture>,
    /// Bytes from `kept_from` (an offset in the body) on.
    kept: Vec<u8>,
    kept_from: usize,
    /// Bytes of the body seen so far.
    seen: usize,
    /// The key of the member being read.
    key: Option<String>,
    /// Rows received and not handed out (body offsets).
    rows: Vec<Range<usize>>,
    /// Members other than `_data` received: key and text.
    members: Vec<(String, String)>,
    data_seen: bool,
}

impl Default for BodyScanner {
    fn default() -> Self {
        BodyScanner {
            place: Place::Start,
            capture: None,
            kept: Vec::new(),
            kept_from: 0,
            seen: 0,
            key: None,
            rows: Vec::new(),
            members: Vec::new(),
            data_seen: false,
        }
    }
}

impl BodyScanner {
    /// Reads the next piece of the body; an error says what is wrong with its outline.
    pub fn feed(&mut self, piece: &[u8]) -> Result<(), String> {
        let base = self.seen;
        self.kept.extend_from_slice(piece);
        self.seen += piece.len();
        let mut index = 0;
        while index < piece.len() {
            if let Some(capture) = &mut self.capture {
                if capture.in_string && !capture.escaped {
                    // Most of a body is the text of strings: skip it at once.
                    match memchr::memchr2(b'"', b'\\', &piece[index..]) {
                        Some(plain) => index += plain,
                        None => break,
                    }
                }
                let (byte, at) = (piece[index], base + index);
                match capture.step(byte) {
                    Step::Inside => index += 1,
                    Step::EndsAfter => {
                        index += 1;
                        self.finish_capture(at + 1)?;
                    }
                    // The delimiter belongs to the outline: read it again there.
                    Step::EndsBefore => self.finish_capture(at)?,
                }
                continue;
            }
            let (byte, at) = (piece[index], base + index);
            index += 1;
            if is_whitespace(byte) {
                continue;
            }
            self.outline(byte, at)?;
        }
        self.forget_handed_out();
        Ok(())
    }

    /// The rows received so far, at least `at_least` of them (else `None`).
    pub fn take_rows(&mut self, at_least: usize) -> Option<RowBatch> {
        if self.rows.len() < at_least.max(1) {
            return None;
        }
        let rows = std::mem::take(&mut self.rows);
        let (from, to) = (rows[0].start, rows[rows.len() - 1].end);
        let bytes = Bytes::copy_from_slice(&self.kept[from - self.kept_from..to - self.kept_from]);
        let rows = rows
            .into_iter()
            .map(|r| r.start - from..r.end - from)
            .collect();
        self.drop_before(to);
        Some(RowBatch { bytes, rows })
    }

    /// The members other than `_data`, as received so far: key and text.
    pub fn members(&self) -> &[(String, String)] {
        &self.members
    }

    /// Whether the body had its `_data` member so far.
    pub fn has_data(&self) -> bool {
        self.data_seen
    }

    /// Checks that the whole body has arrived (it may not end early).
    pub fn finish(&self) -> Result<(), String> {
        match self.place {
            Place::End => Ok(()),
            _ if self.seen == 0 => Err("the body is empty".into()),
            _ => Err("the body ends before its last `}`".into()),
        }
    }

    /// One byte of the outline (not whitespace, not inside a capture).
    fn outline(&mut self, byte: u8, at: usize) -> Result<(), String> {
        let unexpected = |expected: &str| {
            Err(format!(
                "expected {expected} at byte {at}, found {:?}",
                byte as char
            ))
        };
        self.place = match (self.place, byte) {
            (Place::Start, b'{') => Place::Key { first: true },
            (Place::Start, _) => return unexpected("a JSON object"),
            (Place::Key { first: true }, b'}') | (Place::AfterMember, b'}') => Place::End,
            (Place::Key { .. }, b'"') => {
                self.begin(Captured::Key, byte, at);
                Place::Colon
            }
            (Place::Key { .. }, _) => return unexpected("a key"),
            (Place::Colon, b':') if self.key.as_deref() == Some(DATA_KEY) => Place::DataOpen,
            (Place::Colon, b':') => Place::Value,
            (Place::Colon, _) => return unexpected("`:`"),
            (Place::Value, _) => {
                self.begin(Captured::Member, byte, at);
                Place::AfterMember
            }
            (Place::AfterMember, b',') => Place::Key { first: false },
            (Place::AfterMember, _) => return unexpected("`,` or `}`"),
            (Place::DataOpen, b'[') => Place::Row { first: true },
            (Place::DataOpen, _) => return Err(format!("`{DATA_KEY}` is not a list")),
            (Place::Row { first: true }, b']') | (Place::AfterRow, b']') => Place::AfterMember,
            (Place::Row { .. }, _) => {
                self.begin(Captured::Row, byte, at);
                Place::AfterRow
            }
            (Place::AfterRow, b',') => Place::Row { first: false },
            (Place::AfterRow, _) => return unexpected("`,` or `]`"),
            (Place::End, _) => return unexpected("nothing after the body's `}`"),
        };
        Ok(())
    }

    /// Starts capturing a value whose first byte, at `at`, is `byte`.
    fn begin(&mut self, what: Captured, byte: u8, at: usize) {
        self.capture = Some(Capture {
            what,
            start: at,
            depth: usize::from(matches!(byte, b'{' | b'[')),
            in_string: byte == b'"',
            escaped: false,
            bare: !matches!(byte, b'{' | b'[' | b'"'),
        });
    }

    /// A capture ended just before `end`.
    fn finish_capture(&mut self, end: usize) -> Result<(), String> {
        let Some(capture) = self.capture.take() else {
            return Ok(());
        };
        let range = capture.start..end;
        match capture.what {
            Captured::Row => self.rows.push(range),
            Captured::Key => {
                let key: String = serde_json::from_slice(self.text(&range))
                    .map_err(|e| format!("a key is not a JSON string ({e})"))?;
                let repeated = (key == DATA_KEY && self.data_seen)
                    || self.members.iter().any(|(seen, _)| *seen == key);
                if repeated {
                    return Err(format!("the member {key:?} comes twice"));
                }
                self.data_seen |= key == DATA_KEY;
                self.key = Some(key);
            }
            Captured::Member => {
                let text = std::str::from_utf8(self.text(&range))
                    .map_err(|_| "a member is not UTF-8 text".to_string())?
                    .to_string();
                let key = self.key.take().unwrap_or_default();
                self.members.push((key, text));
            }
        }
        Ok(())
    }

    /// The kept bytes of `range` (body offsets).
    fn text(&self, range: &Range<usize>) -> &[u8] {
        &self.kept[range.start - self.kept_from..range.end - self.kept_from]
    }

    /// Drops the kept bytes nobody needs any more: all but a capture in progress and
    /// the rows not handed out.
    fn forget_handed_out(&mut self) {
        let needed = self
            .rows
            .first()
            .map(|row| row.start)
            .or(self.capture.map(|c| c.start))
            .unwrap_or(self.seen);
        self.drop_before(needed);
    }

    fn drop_before(&mut self, offset: usize) {
        let offset = offset.min(self.seen);
        if offset > self.kept_from {
            self.kept.drain(..offset - self.kept_from);
            self.kept_from = offset;
        }
    }
}

/// Where a byte leaves a capture.
enum Step {
    /// Still inside.
    Inside,
    /// The byte is the capture's last.
    EndsAfter,
    /// The capture ended before this byte (a bare value's delimiter).
    EndsBefore,
}

impl Capture {
    fn step(&mut self, byte: u8) -> Step {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
                if self.depth == 0 {
                    return Step::EndsAfter;
                }
            }
            return Step::Inside;
        }
        if self.bare {
            return match byte {
                b',' | b'}' | b']' => Step::EndsBefore,
                _ if is_whitespace(byte) => Step::EndsBefore,
                _ => Step::Inside,
            };
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == 0 {
                    return Step::EndsAfter;
                }
            }
            _ => {}
        }
        Step::Inside
    }
}

/// JSON's whitespace (no form feed, unlike `u8::is_ascii_whitespace`).
fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows' text and the other members (key and text) of a body.
    type Scanned = (Vec<String>, Vec<(String, String)>);

    /// Rows and members of `body` fed in pieces of `size` bytes, batches taken as they
    /// fill (`at_least` rows), the rest at the end.
    fn scan(body: &[u8], size: usize, at_least: usize) -> Result<Scanned, String> {
        let mut scanner = BodyScanner::default();
        let mut rows = Vec::new();
        let mut take = |scanner: &mut BodyScanner, at_least| {
            while let Some(batch) = scanner.take_rows(at_least) {
                for row in &batch.rows {
                    rows.push(String::from_utf8(batch.bytes[row.clone()].to_vec()).unwrap());
                }
            }
        };
        for piece in body.chunks(size) {
            scanner.feed(piece)?;
            take(&mut scanner, at_least);
        }
        scanner.finish()?;
        take(&mut scanner, 1);
        Ok((rows, scanner.members().to_vec()))
    }

    const BODY: &str = r#" {"report_config": {"name": "Q\"3\" [draft]"},
        "_data": [ [{"attribute_id":"a","string_value":{"value":"x]}\\"}}],
                   [null, 4.5e1, true] ,[],
                   {"odd": "row"}, 7 ],
        "count": -12, "flag": false,
        "_meta": {"columns": [{"name": "a", "type": "string"}], "links": null} }
"#;

    #[test]
    fn rows_and_members_do_not_depend_on_where_the_pieces_break() {
        let whole = scan(BODY.as_bytes(), BODY.len(), 1).unwrap();
        assert_eq!(
            whole.0,
            [
                r#"[{"attribute_id":"a","string_value":{"value":"x]}\\"}}]"#,
                "[null, 4.5e1, true]",
                "[]",
                r#"{"odd": "row"}"#,
                "7"
            ]
        );
        let keys: Vec<&str> = whole.1.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["report_config", "count", "flag", "_meta"]);
        assert_eq!(whole.1[0].1, r#"{"name": "Q\"3\" [draft]"}"#);
        assert_eq!(whole.1[1].1, "-12");
        for size in 1..BODY.len() {
            for at_least in [1, 2, 200] {
                assert_eq!(
                    scan(BODY.as_bytes(), size, at_least).unwrap(),
                    whole,
                    "pieces of {size}"
                );
            }
        }
    }

    #[test]
    fn a_body_cut_anywhere_is_refused() {
        let body = BODY.trim_end();
        for end in 0..body.len() {
            assert!(scan(&body.as_bytes()[..end], 7, 1).is_err(), "cut at {end}");
        }
    }

    #[test]
    fn a_wrong_outline_is_refused() {
        for body in [
            r#"[{"_data": []}]"#,
            r#"{"_data": {"0": []}}"#,
            r#"{"_data": [[1],]}"#,
            r#"{"_data": [[1] [2]]}"#,
            r#"{"_data": [], "_data": []}"#,
            r#"{"_meta": {}, "_meta": {}}"#,
            r#"{"_data": []} {}"#,
            r#"{"_data": [],}"#,
            r#"{_data: []}"#,
            r#"{"_data" []}"#,
        ] {
            assert!(scan(body.as_bytes(), 3, 1).is_err(), "{body}");
        }
        // An escaped key is the key it spells.
        assert!(scan(br#"{"_d\u0061ta": [[1]], "_data": []}"#, 5, 1).is_err());
        assert_eq!(scan(br#"{"_d\u0061ta": [[1]]}"#, 5, 1).unwrap().0, ["[1]"]);
    }

    #[test]
    fn only_what_is_not_handed_out_is_kept() {
        let row = r#"[{"attribute_id":"a","string_value":{"value":"0123456789"}}]"#;
        let rows = vec![row; 1_000].join(",");
        let body = format!(r#"{{"_meta": {{"columns": []}}, "_data": [{rows}]}}"#);
        let mut scanner = BodyScanner::default();
        let mut most_kept = 0;
        for piece in body.as_bytes().chunks(4_096) {
            scanner.feed(piece).unwrap();
            while scanner.take_rows(10).is_some() {}
            most_kept = most_kept.max(scanner.kept.len());
        }
        scanner.finish().unwrap();
        assert!(
            most_kept < 2 * 4_096,
            "kept {most_kept} bytes of {}",
            body.len()
        );
    }
}
