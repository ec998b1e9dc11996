//! The company's org units, cost centers, legal entities and workplaces as v2 lists
//! them: the same ids and names the v1 employee records point at (`company`), plus
//! departments no employee is in, so that some chains run deep.
//!
//! Departments nest in departments, teams in teams (each type is a tree of its own:
//! V2_NOTES 6 asks for the `type` with every id). The deepest chain is Engineering >
//! Platform Engineering > Site Reliability > Observability > Tracing; teams nest two
//! deep (DACH > EMEA North > Inbound). Some units have no abbreviation, most no
//! description (null, as in V2_NOTES' item).

use serde_json::{json, Value};

use super::company::OrgLists;

/// Departments below the company's own, no employee in them: (name, parent's name).
const EXTRA_DEPARTMENTS: &[(&str, &str)] = &[
    ("Platform Engineering", "Engineering"),
    ("Site Reliability", "Platform Engineering"),
    ("Observability", "Site Reliability"),
    ("Tracing", "Observability"),
];
/// Parents among the company's departments: (name, parent's name).
const DEPARTMENT_PARENTS: &[(&str, &str)] = &[
    ("Product", "Engineering"),
    ("Customer Support", "Operations"),
    ("Marketing", "Sales"),
    ("Finance", "Operations"),
];
/// Parents among the company's teams: (name, parent's name).
const TEAM_PARENTS: &[(&str, &str)] = &[
    ("Data & Analytics", "Platform"),
    ("Mobile", "Platform"),
    ("Tier 2", "Tier 1"),
    ("EMEA North", "DACH"),
    ("Inbound", "EMEA North"),
];
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("Engineering", "Builds and runs the product 🚀"),
    ("Customer Support", "Kundenservice für DACH & Zürich"),
    ("Tracing", "Spans, \"traces\" and sampling"),
    ("Platform", "Shared services"),
];
/// The country of each legal entity, by name.
const COUNTRIES: &[(&str, &str)] = &[
    ("CS Demo GmbH", "DE"),
    ("Demo España S.L.", "ES"),
    ("Demo UK Ltd", "GB"),
    ("Démo Suisse AG", "CH"),
];

/// One department or team.
pub(crate) struct OrgUnit {
    pub id: String,
    pub name: &'static str,
    pub parent: Option<String>,
}

impl OrgUnit {
    /// The v2 item; with `chain`, the ids of its ancestors from its parent up
    /// (`parent_chain`: ids only in lists, V2_NOTES 6; the field's name is assumed).
    pub(crate) fn item(&self, kind: &str, chain: Option<Vec<&str>>) -> Value {
        let mut item = json!({
            "id": self.id,
            "type": kind,
            "name": self.name,
            "abbreviation": abbreviation(self.name),
            "description": DESCRIPTIONS.iter().find(|(n, _)| *n == self.name).map(|(_, d)| d),
            "parent_id": self.parent,
        });
        if let Some(chain) = chain {
            let ids: Vec<Value> = chain.iter().map(|id| json!({"id": id})).collect();
            item["parent_chain"] = Value::Array(ids);
        }
        item
    }
}

/// The org listings of one company.
pub(crate) struct OrgData {
    pub departments: Vec<OrgUnit>,
    pub teams: Vec<OrgUnit>,
    /// Cost centers, legal entities and workplaces as v2 items: in id order, legal
    /// entities newest (highest id) first (V2_NOTES 6).
    pub cost_centers: Vec<Value>,
    pub legal_entities: Vec<Value>,
    pub workplaces: Vec<Value>,
}

impl OrgData {
    /// The listings of the company whose lists are `org`.
    pub(crate) fn new(org: &OrgLists) -> OrgData {
        let mut departments: Vec<(i64, &'static str)> = org.departments.clone();
        let mut next = departments.iter().map(|d| d.0).max().unwrap_or(0);
        for (name, _) in EXTRA_DEPARTMENTS {
            next += 7;
            departments.push((next, name));
        }
        let parents: Vec<(&str, &str)> = DEPARTMENT_PARENTS
            .iter()
            .chain(EXTRA_DEPARTMENTS)
            .copied()
            .collect();
        let teams: Vec<(i64, &'static str)> = org.teams.iter().map(|t| (t.0, t.1)).collect();
        let entity = |&(id, name): &(i64, &str)| json!({"id": id.to_string(), "name": name});
        let legal_entities = org
            .subcompanies
            .iter()
            .rev()
            .map(|&(id, name)| {
                let country = COUNTRIES.iter().find(|(n, _)| *n == name).map(|c| c.1);
                json!({"id": id.to_string(), "name": name, "country": country})
            })
            .collect();
        OrgData {
            departments: tree(&departments, &parents),
            teams: tree(&teams, TEAM_PARENTS),
            cost_centers: org.cost_centers.iter().map(entity).collect(),
            legal_entities,
            workplaces: org.offices.iter().map(entity).collect(),
        }
    }

    /// The units of `kind` (`department` or `team`), if it is one.
    pub(crate) fn units(&self, kind: &str) -> Option<&[OrgUnit]> {
        match kind {
            "department" => Some(&self.departments),
            "team" => Some(&self.teams),
            _ => None,
        }
    }
}

/// The ids of `unit`'s ancestors among `units`, from its parent up.
pub(crate) fn chain<'a>(units: &'a [OrgUnit], unit: &'a OrgUnit) -> Vec<&'a str> {
    let mut chain = Vec::new();
    let mut parent = unit.parent.as_deref();
    while let Some(id) = parent.filter(|_| chain.len() < units.len()) {
        chain.push(id);
        parent = units
            .iter()
            .find(|u| u.id == id)
            .and_then(|u| u.parent.as_deref());
    }
    chain
}

/// Units in id order, each with its parent's id by the names in `parents`.
fn tree(units: &[(i64, &'static str)], parents: &[(&str, &str)]) -> Vec<OrgUnit> {
    let id_of = |name: &str| units.iter().find(|u| u.1 == name).map(|u| u.0.to_string());
    let mut tree: Vec<OrgUnit> = units
        .iter()
        .map(|&(id, name)| OrgUnit {
            id: id.to_string(),
            name,
            parent: parents
                .iter()
                .find(|(child, _)| *child == name)
                .and_then(|(_, parent)| id_of(parent)),
        })
        .collect();
    tree.sort_by_key(|u| u.id.parse::<i64>().ok());
    tree
}

/// The first three ASCII letters of the name, upper-cased; none for names with fewer.
fn abbreviation(name: &str) -> Option<String> {
    let letters: String = name
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect();
    (letters.len() == 3).then(|| letters.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::test_support::company;

    fn data() -> OrgData {
        OrgData::new(&company(0, 5).org)
    }

    #[test]
    fn chains_run_deep_and_name_real_parents() {
        let data = data();
        let tracing = data
            .departments
            .iter()
            .find(|d| d.name == "Tracing")
            .unwrap();
        let names: Vec<&str> = chain(&data.departments, tracing)
            .iter()
            .map(|id| data.departments.iter().find(|d| d.id == *id).unwrap().name)
            .collect();
        assert_eq!(
            names,
            [
                "Observability",
                "Site Reliability",
                "Platform Engineering",
                "Engineering"
            ]
        );
        let inbound = data.teams.iter().find(|t| t.name == "Inbound").unwrap();
        assert_eq!(chain(&data.teams, inbound).len(), 2);
        let roots = data.teams.iter().filter(|t| t.parent.is_none()).count();
        assert_eq!(roots, data.teams.len() - TEAM_PARENTS.len());
    }

    #[test]
    fn items_have_the_observed_fields() {
        let data = data();
        let item = data.teams[0].item("team", None);
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "abbreviation",
                "description",
                "id",
                "name",
                "parent_id",
                "type"
            ]
        );
        assert_eq!(abbreviation("IT"), None);
        assert_eq!(abbreviation("Data & Analytics").as_deref(), Some("DAT"));
        assert_eq!(data.legal_entities.len(), 4);
        assert_eq!(
            data.legal_entities[0]["country"].as_str().map(str::len),
            Some(2)
        );
    }
}
