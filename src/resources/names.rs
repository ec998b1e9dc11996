//! Column naming: Personio keys (stable, unique) or Personio labels (readable, not unique).

use std::collections::HashMap;

use super::choice::parse_choice;
use crate::error::{Error, Result};

/// How columns are named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Names {
    /// Personio keys: `first_name`, `department_name`, `dynamic_123`.
    #[default]
    Key,
    /// Personio labels in the credential's language: `First name`, `Department`.
    Label,
}

impl std::str::FromStr for Names {
    type Err = Error;

    fn from_str(value: &str) -> Result<Names> {
        parse_choice(
            "names",
            value,
            &[("key", Names::Key), ("label", Names::Label)],
        )
    }
}

/// Label names for `(label, key_name)` pairs. Labels are not unique, so every label
/// that is shared gets its key name appended: `Title (dynamic_1)`, `Title (dynamic_2)`.
pub fn label_names(columns: &[(String, String)]) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (label, _) in columns {
        *counts.entry(label.as_str()).or_default() += 1;
    }
    columns
        .iter()
        .map(|(label, key)| {
            if counts[label.as_str()] > 1 {
                format!("{label} ({key})")
            } else {
                label.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_labels_get_their_key() {
        let columns = [
            ("Title".to_string(), "dynamic_1".to_string()),
            ("Title".to_string(), "dynamic_2".to_string()),
            ("Email".to_string(), "email".to_string()),
        ];
        assert_eq!(
            label_names(&columns),
            ["Title (dynamic_1)", "Title (dynamic_2)", "Email"]
        );
    }

    #[test]
    fn names_parse() {
        assert_eq!("label".parse::<Names>().unwrap(), Names::Label);
        assert!("Label".parse::<Names>().is_err());
    }
}
