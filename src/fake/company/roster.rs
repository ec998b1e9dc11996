//! Hiring and amending employees (the v1 employee writes): the records they leave
//! are read back like every generated one.

use chrono::{DateTime, Utc};

use super::{push_instant, Company, Employee, Zone};
use crate::fake::json;

impl Company {
    /// Whether an employee already has `email` (Personio's emails are unique).
    pub(crate) fn email_taken(&self, email: &str) -> bool {
        self.employees
            .iter()
            .any(|e| e.email.eq_ignore_ascii_case(email))
    }

    /// Whether `key` is an attribute of the schema.
    pub(crate) fn has_attribute(&self, key: &str) -> bool {
        self.attrs.iter().any(|a| a.key == key)
    }

    /// The entity value (`{"type":"Department","attributes":{"id","name"}}`) of the
    /// department, office or subcompany named `name`, as Personio matches names.
    pub(crate) fn entity_named(&self, key: &str, name: &str) -> Option<String> {
        let (kind, list) = match key {
            "department" => ("Department", &self.org.departments),
            "office" => ("Office", &self.org.offices),
            "subcompany" => ("Subcompany", &self.org.subcompanies),
            _ => return None,
        };
        let &(id, name) = list.iter().find(|(_, n)| n.eq_ignore_ascii_case(name))?;
        let mut value = format!(r#"{{"type":"{kind}","attributes":{{"id":{id},"name":"#);
        json::push_str(&mut value, name);
        value.push_str("}}");
        Some(value)
    }

    /// Adds an employee with `email` and `values` (attribute key, JSON text), every
    /// other attribute `null`, created and modified at `now`; returns its id, one above
    /// the highest so far (the listing stays ordered by id).
    pub(crate) fn hire(
        &mut self,
        email: &str,
        values: &[(String, String)],
        now: DateTime<Utc>,
    ) -> i64 {
        let id = self.employees.last().map_or(1, |e| e.id + 1);
        let mut nulls = String::new();
        let mut ends = Vec::with_capacity(self.attrs.len());
        for _ in &self.attrs {
            nulls.push_str("null");
            ends.push(nulls.len() as u32);
        }
        self.employees.push(Employee {
            id,
            email: email.to_owned(),
            last_modified: now,
            supervisor: None,
            values: nulls.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        });
        let index = self.employees.len() - 1;
        let mut created = String::new();
        push_instant(&mut created, now, Zone::Berlin);
        let stamps = [
            ("id", id.to_string()),
            ("email", json_text(email)),
            ("created_at", created),
        ];
        for (key, value) in stamps.iter().map(|(k, v)| (*k, v.as_str())) {
            self.set(index, key, value);
        }
        self.amend(index, values, now);
        id
    }

    /// Sets `values` (attribute key, JSON text) of the employee at `index`, modified at
    /// `now`.
    pub(crate) fn amend(&mut self, index: usize, values: &[(String, String)], now: DateTime<Utc>) {
        for (key, value) in values {
            self.set(index, key, value);
        }
        let mut modified = String::new();
        push_instant(&mut modified, now, Zone::Berlin);
        self.set(index, "last_modified_at", &modified);
        self.employees[index].last_modified = now;
    }

    /// Makes the employee at `supervisor` the supervisor of the one at `index`.
    pub(crate) fn set_supervisor(&mut self, index: usize, supervisor: usize) {
        // Written from the index when read; the stored value stays null.
        self.set(index, "supervisor", "null");
        self.employees[index].supervisor = Some(supervisor as u32);
    }

    /// Every key handed here is one the handlers checked with `has_attribute`.
    fn set(&mut self, index: usize, key: &str, value: &str) {
        let _ = self.override_value(index, key, value);
    }
}

/// `text` as a JSON string literal.
pub(crate) fn json_text(text: &str) -> String {
    let mut out = String::new();
    json::push_str(&mut out, text);
    out
}
