//! A caller's choice among a few named values (`names="label"`, `api="v2"`).

use crate::error::{Error, Result};

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
