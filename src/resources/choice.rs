//! A caller's choice among a few named values (`names="label"`, `api="v2"`).

use crate::error::{Error, Result};

/// Which of Personio's APIs reads a resource (`api="auto"`, `"v1"` or `"v2"`). What
/// `Auto` picks is the resource's to say: [`crate::AbsenceApi`],
/// [`crate::AttendanceApi`], [`crate::ReportApi`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ApiChoice {
    /// The API the resource reads best.
    #[default]
    Auto,
    /// v1 only.
    V1,
    /// v2 only.
    V2,
}

impl std::str::FromStr for ApiChoice {
    type Err = Error;

    fn from_str(value: &str) -> Result<ApiChoice> {
        let choices = [
            ("auto", ApiChoice::Auto),
            ("v1", ApiChoice::V1),
            ("v2", ApiChoice::V2),
        ];
        parse_choice("api", value, &choices)
    }
}

/// The value named `given` among `choices`; else an error that names `what` and every
/// choice: `names must be "key" or "label", got "Label"`.
pub fn parse_choice<T: Copy>(what: &str, given: &str, choices: &[(&str, T)]) -> Result<T> {
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == given) {
        return Ok(*value);
    }
    let quoted: Vec<String> = choices
        .iter()
        .map(|(name, _)| format!("{name:?}"))
        .collect();
    let listed = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    };
    Err(Error::invalid_argument(format!(
        "{what} must be {listed}, got {given:?}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_lists_every_choice() {
        let choices = [("auto", 0), ("v1", 1), ("v2", 2)];
        assert_eq!(parse_choice("api", "v2", &choices).unwrap(), 2);
        let error = parse_choice("api", "v3", &choices).unwrap_err();
        assert!(
            error
                .to_string()
                .contains(r#"api must be "auto", "v1" or "v2", got "v3""#),
            "{error}"
        );
    }
}
