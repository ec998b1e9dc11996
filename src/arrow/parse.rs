//! Loose parsing of Personio's JSON values into typed scalars.
//!
//! Every parser answers `Ok(None)` for a missing value (see [`is_missing`]) and
//! `Err(Unparseable)` for a value that is there but is not of the type: the caller then
//! keeps the column as raw strings. Tags and lists of objects are the one exception:
//! there `[]` is an empty list, not a missing one.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::Value;

/// A present value that is not of the column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unparseable;

/// What a parser returns.
pub type Parsed<T> = Result<Option<T>, Unparseable>;

/// Days from 0001-01-01 (chrono's day 1) to the Unix epoch.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// "No value", the one definition every reader uses: null, a blank string, or a list
/// or object holding no value. Personio says "nothing" in each of these ways (`""`,
/// `[]`, `{}`, `{"value": null}`).
pub fn is_missing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => is_blank(s),
        Value::Array(items) => items.iter().all(is_missing),
        Value::Object(fields) => fields.values().all(is_missing),
        _ => false,
    }
}

/// A string that says nothing: empty or only whitespace.
pub fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// `40`, `"40"` and `40.0` are 40; `40.5` is not an integer.
pub fn int64(value: &Value) -> Parsed<i64> {
    if is_missing(value) {
        return Ok(None);
    }
    let whole = |f: f64| {
        (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15)
            .then_some(f as i64)
            .ok_or(Unparseable)
    };
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Some(i)),
            None => whole(n.as_f64().ok_or(Unparseable)?).map(Some),
        },
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<i64>() {
                Ok(i) => Ok(Some(i)),
                Err(_) => whole(s.parse::<f64>().map_err(|_| Unparseable)?).map(Some),
            }
        }
        _ => Err(Unparseable),
    }
}

/// Numbers and numeric strings; `"inf"`, `"NaN"` and decimal commas are not numbers here.
pub fn float64(value: &Value) -> Parsed<f64> {
    if is_missing(value) {
        return Ok(None);
    }
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let s = s.trim();
            let numeric = s
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
            if numeric {
                s.parse::<f64>().ok()
            } else {
                None
            }
        }
        _ => None,
    };
    parsed
        .filter(|f| f.is_finite())
        .map(Some)
        .ok_or(Unparseable)
}

/// Hours as `HH:MM` (`"08:00"` is 8, `"07:30"` is 7.5) or as a number (`7.5`, `"7.5"`).
pub fn hours(value: &Value) -> Parsed<f64> {
    let Value::String(s) = value else {
        return float64(value);
    };
    let Some((whole, minutes)) = s.trim().split_once(':') else {
        return float64(value);
    };
    let digits = |part: &str, max_len: usize| {
        (!part.is_empty() && part.len() <= max_len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    match (digits(whole, 3), digits(minutes, 2)) {
        (Some(h), Some(m)) if minutes.len() == 2 && m < 60 => {
            Ok(Some(f64::from(h) + f64::from(m) / 60.0))
        }
        _ => Err(Unparseable),
    }
}

/// `true`/`false`, `1`/`0` and their string forms.
pub fn boolean(value: &Value) -> Parsed<bool> {
    if is_missing(value) {
        return Ok(None);
    }
    match value {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) if n.as_i64() == Some(1) => Ok(Some(true)),
        Value::Number(n) if n.as_i64() == Some(0) => Ok(Some(false)),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(Unparseable),
        },
        _ => Err(Unparseable),
    }
}

/// Text as written; numbers and booleans as their JSON text. No value (see
/// [`is_missing`]) is none; objects and arrays that hold one are not text.
pub fn text(value: &Value) -> Parsed<String> {
    match value {
        v if is_missing(v) => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        // Null never gets here: it is missing.
        Value::Null | Value::Array(_) | Value::Object(_) => Err(Unparseable),
    }
}

/// The text of a value that dates and times are read from: trimmed, `None` for no
/// value; anything but a string is not one.
fn written(value: &Value) -> Parsed<&str> {
    match value {
        v if is_missing(v) => Ok(None),
        Value::String(s) => Ok(Some(s.trim())),
        _ => Err(Unparseable),
    }
}

/// The calendar date as written, in days since the Unix epoch: `2020-01-01` and
/// `2020-01-01T00:00:00+01:00` are both 2020-01-01 (never shifted through UTC).
pub fn date32(value: &Value) -> Parsed<i32> {
    let Some(s) = written(value)? else {
        return Ok(None);
    };
    let date_part = s.get(..10).ok_or(Unparseable)?;
    let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d").map_err(|_| Unparseable)?;
    let rest = &s[10..];
    if !rest.is_empty() {
        // Whatever follows must be a real time of day, so that `2020-01-01garbage` fails.
        let valid_time =
            rest.starts_with(['T', ' ']) && (instant_micros(s).is_some() || naive_time_ok(s));
        if !valid_time {
            return Err(Unparseable);
        }
    }
    Ok(Some(days_since_epoch(date)))
}

/// A plain `YYYY-MM-DD` date, in days since the Unix epoch; a date-time is not one.
pub fn plain_date(value: &Value) -> Parsed<i32> {
    match written(value)? {
        Some(s) if s.len() == 10 => date32(value),
        Some(_) => Err(Unparseable),
        None => Ok(None),
    }
}

/// An instant with an explicit offset (`Z`, `+01:00` or `+0100`), as microseconds since
/// the Unix epoch in UTC. A date or a time without offset is not an instant.
pub fn timestamp_micros(value: &Value) -> Parsed<i64> {
    let Some(s) = written(value)? else {
        return Ok(None);
    };
    instant_micros(s).map(Some).ok_or(Unparseable)
}

/// A wall-clock date-time without offset (`2025-03-03T08:00:00`, seconds optional,
/// `T` or a space), as microseconds since the Unix epoch read as if it were UTC: the
/// time as written, in no zone. A value with an offset is not one (shifting it would
/// change the wall-clock time; dropping the offset would hide it).
pub fn local_timestamp_micros(value: &Value) -> Parsed<i64> {
    let Some(s) = written(value)? else {
        return Ok(None);
    };
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(s, format).ok())
    .map(|t| Some(t.and_utc().timestamp_micros()))
    .ok_or(Unparseable)
}

/// A count such as `total_elements`: a number, or a numeric string.
pub fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Tags: a comma-separated string (`"English, German"`) or an array of strings.
pub fn tags(value: &Value) -> Parsed<Vec<String>> {
    match value {
        // `[]` is no tags, which is not the same as no answer.
        Value::Array(items) => items
            .iter()
            .filter(|item| !is_missing(item))
            .map(|item| text(item).and_then(|t| t.ok_or(Unparseable)))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        v if is_missing(v) => Ok(None),
        Value::String(s) => Ok(Some(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        )),
        _ => Err(Unparseable),
    }
}

/// The raw value as a string, for a column that fell back: strings as written, anything
/// else as its JSON text.
pub fn raw_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn instant_micros(s: &str) -> Option<i64> {
    let parsed = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%z"))
        .ok()?;
    Some(parsed.timestamp_micros())
}

fn naive_time_ok(s: &str) -> bool {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").is_ok()
}

fn days_since_epoch(date: NaiveDate) -> i32 {
    use chrono::Datelike;
    date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn local_date_times_keep_the_wall_clock() {
        let micros = |s: &str| local_timestamp_micros(&json!(s));
        // 2025-03-03 08:00 as written, not shifted: 1740988800 s is 2025-03-03T08:00Z.
        assert_eq!(
            micros("2025-03-03T08:00:00"),
            Ok(Some(1_740_988_800_000_000))
        );
        assert_eq!(micros("2025-03-03 08:00"), Err(Unparseable));
        assert_eq!(micros("2025-03-03T08:00"), Ok(Some(1_740_988_800_000_000)));
        assert_eq!(micros("2025-03-03T08:00:00Z"), Err(Unparseable));
        assert_eq!(micros("2025-03-03T08:00:00+01:00"), Err(Unparseable));
        assert_eq!(micros(""), Ok(None));
    }

    #[test]
    fn integers() {
        assert_eq!(int64(&json!(40)), Ok(Some(40)));
        assert_eq!(int64(&json!("40")), Ok(Some(40)));
        assert_eq!(int64(&json!(" 40 ")), Ok(Some(40)));
        assert_eq!(int64(&json!(40.0)), Ok(Some(40)));
        assert_eq!(int64(&json!("")), Ok(None));
        assert_eq!(int64(&json!(null)), Ok(None));
        assert_eq!(int64(&json!(40.5)), Err(Unparseable));
        assert_eq!(int64(&json!("forty")), Err(Unparseable));
        assert_eq!(int64(&json!({"id": 1})), Err(Unparseable));
    }

    #[test]
    fn floats() {
        assert_eq!(float64(&json!("37.5")), Ok(Some(37.5)));
        assert_eq!(float64(&json!(40)), Ok(Some(40.0)));
        assert_eq!(float64(&json!("")), Ok(None));
        assert_eq!(float64(&json!("37,5")), Err(Unparseable));
        assert_eq!(float64(&json!("inf")), Err(Unparseable));
        assert_eq!(float64(&json!("NaN")), Err(Unparseable));
    }

    #[test]
    fn hours_from_clock_strings_and_numbers() {
        assert_eq!(hours(&json!("08:00")), Ok(Some(8.0)));
        assert_eq!(hours(&json!("07:30")), Ok(Some(7.5)));
        assert_eq!(hours(&json!("7:45")), Ok(Some(7.75)));
        assert_eq!(hours(&json!("00:00")), Ok(Some(0.0)));
        assert_eq!(hours(&json!(" 10:15 ")), Ok(Some(10.25)));
        assert_eq!(hours(&json!(6)), Ok(Some(6.0)));
        assert_eq!(hours(&json!("7.5")), Ok(Some(7.5)));
        assert_eq!(hours(&json!("")), Ok(None));
        assert_eq!(hours(&json!(null)), Ok(None));
        assert_eq!(hours(&json!("08:60")), Err(Unparseable));
        assert_eq!(hours(&json!("08:0")), Err(Unparseable));
        assert_eq!(hours(&json!("8h")), Err(Unparseable));
        assert_eq!(hours(&json!("08:00:00")), Err(Unparseable));
        assert_eq!(hours(&json!("-1:00")), Err(Unparseable));
        assert_eq!(hours(&json!(":30")), Err(Unparseable));
        assert_eq!(hours(&json!({"h": 8})), Err(Unparseable));
    }

    #[test]
    fn dates_keep_the_written_day() {
        let day = |s: &str| date32(&json!(s));
        let jan1 = Ok(Some(18262)); // 2020-01-01
        assert_eq!(day("2020-01-01"), jan1);
        assert_eq!(day("2020-01-01T00:00:00+01:00"), jan1);
        assert_eq!(day("2020-01-01T00:00:00+0100"), jan1);
        assert_eq!(day("2020-01-01T00:00:00-05:00"), jan1);
        assert_eq!(day("2020-01-01T00:00:00+00:00"), jan1);
        // Local mean time on an 1835 birthday: the written day, not the UTC one.
        assert_eq!(day("1835-12-10T00:00:00+00:53"), Ok(Some(-48965)));
        assert_eq!(day(""), Ok(None));
        assert_eq!(day("2020-13-01"), Err(Unparseable));
        assert_eq!(day("2020-01-01garbage"), Err(Unparseable));
        assert_eq!(day("01.01.2020"), Err(Unparseable));
        assert_eq!(date32(&json!(20200101)), Err(Unparseable));
    }

    #[test]
    fn plain_dates_have_no_time() {
        assert_eq!(plain_date(&json!("2020-01-01")), Ok(Some(18262)));
        assert_eq!(plain_date(&json!(" 2020-01-01 ")), Ok(Some(18262)));
        assert_eq!(plain_date(&json!("")), Ok(None));
        assert_eq!(plain_date(&json!("2020-01-01T10:30:00Z")), Err(Unparseable));
        assert_eq!(plain_date(&json!("2020-01-0x")), Err(Unparseable));
    }

    #[test]
    fn instants_need_an_offset() {
        let micros = |s: &str| timestamp_micros(&json!(s));
        // 2017-05-23T07:49:03Z
        let expected = Ok(Some(1_495_525_743_000_000));
        assert_eq!(micros("2017-05-23T09:49:03+02:00"), expected);
        assert_eq!(micros("2017-05-23T09:49:03+0200"), expected);
        assert_eq!(micros("2017-05-23T07:49:03Z"), expected);
        assert_eq!(
            micros("2017-05-23T07:49:03.5Z"),
            Ok(Some(1_495_525_743_500_000))
        );
        assert_eq!(micros("2017-05-23T07:49:03"), Err(Unparseable));
        assert_eq!(micros("2017-05-23"), Err(Unparseable));
    }

    #[test]
    fn tags_from_strings_and_arrays() {
        assert_eq!(
            tags(&json!("English, German,,")),
            Ok(Some(vec!["English".to_string(), "German".to_string()]))
        );
        assert_eq!(
            tags(&json!(["a", "b"])),
            Ok(Some(vec!["a".into(), "b".into()]))
        );
        assert_eq!(tags(&json!("")), Ok(None));
        assert_eq!(tags(&json!([{"x": 1}])), Err(Unparseable));
    }

    #[test]
    fn text_and_raw() {
        assert_eq!(text(&json!(5)), Ok(Some("5".into())));
        assert_eq!(text(&json!("")), Ok(None));
        assert_eq!(text(&json!(" x ")), Ok(Some(" x ".into())));
        assert_eq!(text(&json!({"a": 1})), Err(Unparseable));
        assert_eq!(raw_text(&json!({"a": 1})), Some(r#"{"a":1}"#.into()));
        assert_eq!(raw_text(&json!("x")), Some("x".into()));
        assert_eq!(raw_text(&json!(null)), None);
    }
}
