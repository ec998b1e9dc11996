//! The deterministic synthetic company the fake serves.
//!
//! Everything here is a pure function of (seed, employees, custom attributes, base time):
//! no clock, no OS randomness. Records carry the wire quirks of `API_NOTES.md` on purpose
//! (numbers as strings, `""` for missing values, dates with and without offsets, entities
//! declared `standard`, empty entities as `""` or `[]`, non-unique labels...), and the
//! shapes real accounts were seen to send (`OBSERVED.md`), marked observed or assumed:
//!
//! - Legacy attribute objects (observed): every `legacy_attribute_objects`-th employee
//!   (positions N-1, 2N-1, ...; default every 7th) sends `{"label","value"}` only, no
//!   `type`, `universal_id` or `currency`, its nested supervisor too.
//! - Ids above 2^53 (observed): work schedule ids from `1067807102794692000` on, as JSON
//!   integers, most of them not representable as an f64.
//! - Date offsets (observed): local midnights carry Berlin's offset (`+01:00`/`+02:00`),
//!   or London's (`+00:00`/`+01:00`) for employees of the London office; the second
//!   employee's birthday (the custom attribute with universal_id `date_of_birth`) is in
//!   1835 with local mean time `+00:53`. The calendar date written is always the
//!   employee's date; instants (`created_at`) use the same zone.
//! - Nested objects carry their fields (observed): `work_schedule`
//!   `{"type":"WorkSchedule","attributes":{"id","name","valid_from","monday".."sunday"}}`
//!   with `"08:00"` hour strings (`"00:00"` for a day off; `valid_from` null: assumed),
//!   `holiday_calendar` `{"type":"HolidayCalendar","attributes":{"id","name","country",
//!   "state"}}`, `supervisor` a wrapped Employee with `id`, `first_name`, `last_name` and
//!   `email` (as the credential may read them).
//! - Keys not listed by `/attributes` (observed: nothing guarantees every key of a
//!   record is listed): `last_onboarding_step` and `dynamic_99999` (or the next free
//!   `dynamic_<n>` when the custom ones reach it) are on every record, never in
//!   `/attributes`.
//!
//! Speed matters (20,000 employees must generate well under a second and pages must be
//! cheap), so each employee's attribute *values* are serialised once, at start, into one
//! string with end offsets; the constant part of every attribute (label, type,
//! universal_id, currency) is serialised once per company. A page is then only string
//! concatenation. The one exception is `supervisor`, rendered per request, because its
//! nested attributes follow the reading credential's whitelist.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt::Write;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::json;

mod roster;

pub(crate) use roster::json_text;

/// Every how many employees one sends legacy attribute objects, by default.
pub(crate) const DEFAULT_LEGACY_EVERY: usize = 7;

/// Index of `id` in [`Company::attrs`]; always readable, always returned.
pub(crate) const ID: usize = 0;
const FIRST_NAME: usize = 1;
const LAST_NAME: usize = 2;
const EMAIL: usize = 4;
const SUPERVISOR: usize = 8;

/// The standard attributes: key, label, declared type, currency. Labels and types are
/// the ones of the spec's example; its order too.
const STANDARD: &[(&str, &str, &str, Option<&str>)] = &[
    ("id", "ID", "integer", None),
    ("first_name", "First name", "standard", None),
    ("last_name", "Last name", "standard", None),
    ("preferred_name", "Name (preferred)", "standard", None),
    ("email", "Email", "standard", None),
    ("gender", "Gender", "standard", None),
    ("status", "Status", "standard", None),
    ("position", "Position", "standard", None),
    ("supervisor", "Supervisor", "standard", None),
    ("employment_type", "Employment type", "standard", None),
    ("weekly_working_hours", "Weekly hours", "standard", None),
    ("hire_date", "Hire date", "date", None),
    ("contract_end_date", "Contract ends", "date", None),
    ("termination_date", "Termination date", "date", None),
    ("termination_type", "Termination type", "standard", None),
    ("termination_reason", "Termination reason", "standard", None),
    ("probation_period_end", "Probation period end", "date", None),
    ("created_at", "created_at", "date", None),
    ("last_modified_at", "Last modified", "date", None),
    ("subcompany", "Subcompany", "standard", None),
    ("office", "Office", "standard", None),
    ("department", "Department", "standard", None),
    ("cost_centers", "Cost center", "standard", None),
    ("holiday_calendar", "Public holidays", "standard", None),
    (
        "absence_entitlement",
        "Absence entitlement",
        "standard",
        None,
    ),
    ("work_schedule", "Work schedule", "standard", None),
    ("fix_salary", "Fix salary", "decimal", Some("EUR")),
    ("fix_salary_interval", "Salary interval", "standard", None),
    ("hourly_salary", "Hourly salary", "decimal", Some("EUR")),
    (
        "vacation_day_balance",
        "Vacation day balance",
        "decimal",
        None,
    ),
    ("last_working_day", "Last day of work", "date", None),
    ("profile_picture", "Profile Picture", "standard", None),
    ("team", "Team", "standard", None),
];

/// How a custom attribute's values are made; also decides its declared type.
#[derive(Clone, Copy)]
enum Gen {
    Text(&'static [&'static str]),
    Iban,
    Phone,
    Date(i32, i32),
    Int(i64, i64),
    Dec(f64, f64, usize),
    List,
    Link(&'static str),
    Tags,
    Multiline(&'static [&'static str]),
    Money(&'static str, f64, f64),
}

impl Gen {
    fn kind(self) -> &'static str {
        match self {
            Gen::Text(_) | Gen::Iban | Gen::Phone => "standard",
            Gen::Date(..) => "date",
            Gen::Int(..) => "integer",
            Gen::Dec(..) | Gen::Money(..) => "decimal",
            Gen::List => "list",
            Gen::Link(_) => "link",
            Gen::Tags => "tags",
            Gen::Multiline(_) => "multiline",
        }
    }
}

/// The custom attributes: label, universal_id, generator, options. The types cycle
/// (standard, date, integer, decimal, list, link, tags, multiline, money), so any nine
/// consecutive ones cover every type. Two share the label "Emergency contact" (labels
/// are not unique) and one carries the universal_id `iban`.
#[rustfmt::skip]
const CUSTOM: &[(&str, Option<&str>, Gen, &[&str])] = &[
    ("IBAN", Some("iban"), Gen::Iban, &[]),
    ("Birthday", Some("date_of_birth"), Gen::Date(1960, 2005), &[]),
    ("Shoe size", None, Gen::Int(35, 48), &[]),
    ("Commute distance (km)", None, Gen::Dec(0.5, 80.0, 1), &[]),
    ("Marital status", None, Gen::List, &["married", "single", "divorced", "widowed", "civil partnership"]),
    ("LinkedIn profile", None, Gen::Link("https://www.linkedin.com/in/"), &[]),
    ("Language skills", None, Gen::Tags, &["English", "German", "French", "Spanish", "Italian", "Polish", "Japanese", "Türkçe"]),
    ("Home address", None, Gen::Multiline(&["Musterstraße 12\n80331 München", "Calle Mayor 5, 2º\n28013 Madrid", "221B Baker Street\nLondon NW1 6XE", "ul. Floriańska 3\n31-019 Kraków", "Bahnhofstrasse 1\n8001 Zürich"]), &[]),
    ("Relocation allowance", None, Gen::Money("CHF", 500.0, 10_000.0), &[]),
    ("Title", None, Gen::Text(&["Dr", "Prof. Dr.", "Dipl.-Ing.", "MBA", "Mag."]), &[]),
    ("Anniversary date", None, Gen::Date(2015, 2026), &[]),
    ("Number of children", None, Gen::Int(0, 5), &[]),
    ("Größe (m)", None, Gen::Dec(1.5, 2.05, 2), &[]),
    ("T-shirt size", None, Gen::List, &["XS", "S", "M", "L", "XL", "XXL"]),
    ("Personal website", None, Gen::Link("https://www.example.org/~"), &[]),
    ("Skills", None, Gen::Tags, &["Rust", "Python", "SQL", "Excel", "Negotiation", "Public speaking", "Figma", "Kubernetes"]),
    ("Emergency contact", None, Gen::Multiline(&["Maria Müller (mother)\n+49 170 1234567", "Jean Dupont\n+33 6 12 34 56 78", "王芳 (spouse)\n+86 138 0013 8000", "Ola Nordmann\n+47 412 34 567"]), &[]),
    ("Company car budget", None, Gen::Money("EUR", 300.0, 1_200.0), &[]),
    ("Emergency contact", None, Gen::Phone, &[]),
    ("Last medical check-up", None, Gen::Date(2021, 2025), &[]),
    ("Parking spot", None, Gen::Int(1, 250), &[]),
    ("Bonus target (%)", None, Gen::Dec(0.0, 30.0, 1), &[]),
    ("Dietary preference", None, Gen::List, &["none", "vegetarian", "vegan", "halal", "kosher", "gluten-free"]),
    ("GitHub", None, Gen::Link("https://github.com/"), &[]),
    ("Hobbies", None, Gen::Tags, &["Running", "Chess", "Cooking", "Photography", "Climbing", "Music", "Café hopping ☕"]),
    ("Résumé summary", None, Gen::Multiline(&["10 years in B2B sales.\nLoves CRM hygiene.", "Former founder.\n\"Ship it\" mindset.", "Backend engineer;\nRust & Postgres.", "Ausbildung zur Kauffrau.\nSeit 2019 im Team."]), &[]),
    ("Training budget", None, Gen::Money("GBP", 200.0, 3_000.0), &[]),
];

/// One attribute of the schema (`GET /v1/company/employees/attributes` lists them).
#[derive(Clone)]
pub(crate) struct AttrDef {
    pub key: String,
    pub label: String,
    /// Declared Personio type: standard, date, integer, decimal, list, link, tags, multiline.
    pub kind: &'static str,
    pub universal_id: Option<String>,
    /// Choices of `list` and `tags` attributes; empty otherwise.
    pub options: Vec<String>,
    /// How a custom attribute's values are made; `None` for standard attributes.
    gen: Option<Gen>,
    /// Whether `/attributes` lists it (records carry it either way).
    pub listed: bool,
    /// `"key":{"label":"..","value":` (pre-serialised).
    head: String,
    /// The rest of the attribute object after the value (pre-serialised).
    tail: String,
}

impl AttrDef {
    /// What follows the value: the rest of the object, or only its end in the legacy
    /// shape (`label` and `value` alone).
    fn tail(&self, legacy: bool) -> &str {
        if legacy {
            "}"
        } else {
            &self.tail
        }
    }

    fn new(
        key: String,
        label: &str,
        kind: &'static str,
        universal_id: Option<&str>,
        currency: Option<&str>,
        options: &[&str],
        gen: Option<Gen>,
    ) -> AttrDef {
        let custom = gen.is_some();
        let mut head = String::new();
        json::push_str(&mut head, &key);
        head.push_str(r#":{"label":"#);
        json::push_str(&mut head, label);
        head.push_str(r#","value":"#);
        // The spec writes standard attributes as label, value, type, universal_id and
        // custom ones as label, value, universal_id, type; mirror it.
        let mut tail = String::new();
        let push_type = |t: &mut String| {
            t.push_str(r#","type":"#);
            json::push_str(t, kind);
        };
        if !custom {
            push_type(&mut tail);
        }
        tail.push_str(r#","universal_id":"#);
        json::push_opt_str(&mut tail, universal_id);
        if custom {
            push_type(&mut tail);
        }
        if let Some(c) = currency {
            tail.push_str(r#","currency":"#);
            json::push_str(&mut tail, c);
        }
        tail.push('}');
        AttrDef {
            key,
            label: label.to_owned(),
            kind,
            universal_id: universal_id.map(str::to_owned),
            options: options.iter().map(|s| s.to_string()).collect(),
            gen,
            listed: true,
            head,
            tail,
        }
    }
}

/// One employee: identity, what the filters need, and its pre-serialised values.
#[derive(Clone)]
pub(crate) struct Employee {
    pub id: i64,
    pub email: String,
    pub last_modified: DateTime<Utc>,
    /// Index (not id) of the supervisor, always an earlier employee.
    supervisor: Option<u32>,
    /// Every attribute's JSON value, concatenated in [`Company::attrs`] order.
    values: Box<str>,
    /// End offset of each value in `values`.
    ends: Box<[u32]>,
}

impl Employee {
    fn value(&self, attr: usize) -> &str {
        let start = if attr == 0 {
            0
        } else {
            self.ends[attr - 1] as usize
        };
        &self.values[start..self.ends[attr] as usize]
    }
}

/// The whole company: the schema and the employees, ordered by ascending id.
#[derive(Clone)]
pub(crate) struct Company {
    pub attrs: Vec<AttrDef>,
    pub employees: Vec<Employee>,
    /// Every N-th employee sends legacy attribute objects (0 = none).
    legacy_every: usize,
    /// The org's lists, for data not held per employee (custom reports).
    pub org: OrgLists,
}

/// Ids and names of the org's subcompanies, offices, departments, teams, cost centers
/// and time-off types; the same ones the employee records point at.
#[derive(Clone)]
pub(crate) struct OrgLists {
    pub subcompanies: Vec<(i64, &'static str)>,
    pub offices: Vec<(i64, &'static str)>,
    pub departments: Vec<(i64, &'static str)>,
    /// (id, name, index of its department in `departments`)
    pub teams: Vec<(i64, &'static str, usize)>,
    pub cost_centers: Vec<(i64, &'static str)>,
    /// (id, name, category)
    pub time_off_types: Vec<(i64, &'static str, &'static str)>,
}

impl Company {
    /// Sends `value` (JSON text) as attribute `key` of the employee at `index`.
    pub(crate) fn override_value(
        &mut self,
        index: usize,
        key: &str,
        value: &str,
    ) -> Result<(), String> {
        let attr = self
            .attrs
            .iter()
            .position(|a| a.key == key)
            .ok_or_else(|| format!("override: no attribute {key:?}"))?;
        let employee = self
            .employees
            .get_mut(index)
            .ok_or_else(|| format!("override: no employee at position {index}"))?;
        let mut values = String::new();
        let mut ends = Vec::with_capacity(employee.ends.len());
        for i in 0..employee.ends.len() {
            values.push_str(if i == attr { value } else { employee.value(i) });
            ends.push(values.len() as u32);
        }
        employee.values = values.into_boxed_str();
        employee.ends = ends.into_boxed_slice();
        if attr == SUPERVISOR {
            // The supervisor is written from its index; a literal value replaces it.
            employee.supervisor = None;
        }
        Ok(())
    }

    /// Builds the company; `base` is its "now" (see `FakeOptions::updated_at_base`).
    pub(crate) fn generate(
        seed: u64,
        employees: usize,
        custom: usize,
        base: DateTime<Utc>,
    ) -> Company {
        let attrs = schema(seed, custom);
        let org = Org::new(seed);
        let mut rng = SmallRng::seed_from_u64(seed ^ 0x5eed_e3b1_0ee5_0001);
        let mut g = Generator {
            next_id: rng.random_range(1_000..100_000),
            rng,
            org: &org,
            attrs: &attrs,
            base,
            emails: HashMap::with_capacity(employees),
            zone: Zone::Berlin,
            lmt_birthday: false,
        };
        let employees = (0..employees).map(|i| g.employee(i)).collect();
        let org = OrgLists {
            subcompanies: org.subcompany_names.clone(),
            offices: org.office_names.clone(),
            departments: org.department_names.clone(),
            teams: org.team_names.clone(),
            cost_centers: org.cost_centers.clone(),
            time_off_types: org.time_off.clone(),
        };
        Company {
            attrs,
            employees,
            org,
            legacy_every: DEFAULT_LEGACY_EVERY,
        }
    }

    /// Every `n`-th employee (positions n-1, 2n-1, ...) sends attribute objects with
    /// only `label` and `value`; 0 = none, 1 = all.
    pub(crate) fn set_legacy_every(&mut self, n: usize) {
        self.legacy_every = n;
    }

    /// Whether employee `idx` sends legacy attribute objects.
    fn legacy(&self, idx: usize) -> bool {
        self.legacy_every > 0 && (idx + 1) % self.legacy_every == 0
    }

    /// The JSON text sent as attribute `key` of the employee at `idx` (overrides
    /// included); `None` for an unknown key. The supervisor's is always `null` here.
    pub(crate) fn raw_value(&self, idx: usize, key: &str) -> Option<&str> {
        let attr = self.attrs.iter().position(|a| a.key == key)?;
        Some(self.employees[idx].value(attr))
    }

    /// Position of the employee with this id.
    pub(crate) fn find(&self, id: i64) -> Option<usize> {
        self.employees.binary_search_by_key(&id, |e| e.id).ok()
    }

    /// Appends `{"type":"Employee","attributes":{..}}` for employee `idx` with the
    /// attributes where `mask` is true. `readable` (the credential's whitelist) decides
    /// which nested attributes the supervisor shows.
    pub(crate) fn write_employee(
        &self,
        out: &mut String,
        idx: usize,
        mask: &[bool],
        readable: &[bool],
    ) {
        self.write_employee_with(out, idx, mask, readable, false);
    }

    /// [`write_employee`](Self::write_employee), with `id` sent as a JSON string when
    /// `string_id` (the `records_move` fault: `"100"` where it was `100`).
    pub(crate) fn write_employee_with(
        &self,
        out: &mut String,
        idx: usize,
        mask: &[bool],
        readable: &[bool],
        string_id: bool,
    ) {
        let e = &self.employees[idx];
        let legacy = self.legacy(idx);
        out.push_str(r#"{"type":"Employee","attributes":{"#);
        let mut first = true;
        for (i, def) in self.attrs.iter().enumerate() {
            if !mask[i] {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&def.head);
            match (i, e.supervisor) {
                (SUPERVISOR, Some(s)) => self.write_supervisor(out, s as usize, readable, legacy),
                (ID, _) if string_id => json::push_str(out, e.value(i)),
                _ => out.push_str(e.value(i)),
            }
            out.push_str(def.tail(legacy));
        }
        out.push_str("}}");
    }

    /// A supervisor is a wrapped Employee holding id, names and email (as readable), in
    /// the legacy shape when the record around it is.
    fn write_supervisor(&self, out: &mut String, idx: usize, readable: &[bool], legacy: bool) {
        let s = &self.employees[idx];
        out.push_str(r#"{"type":"Employee","attributes":{"#);
        for (n, i) in [ID, FIRST_NAME, LAST_NAME, EMAIL].into_iter().enumerate() {
            if i != ID && !readable[i] {
                continue;
            }
            if n > 0 {
                out.push(',');
            }
            out.push_str(&self.attrs[i].head);
            out.push_str(s.value(i));
            out.push_str(self.attrs[i].tail(legacy));
        }
        out.push_str("}}");
    }
}

/// Parses the instants Personio accepts in `updated_since`: ISO 8601 with or without an
/// offset (`Z`, `+01:00`, `+0100`; none = UTC) or a plain `YYYY-MM-DD` (midnight UTC).
pub(crate) fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.to_utc());
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(d.to_utc());
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(d.and_utc());
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc())
}

fn schema(seed: u64, custom: usize) -> Vec<AttrDef> {
    let mut attrs: Vec<AttrDef> = STANDARD
        .iter()
        .map(|&(key, label, kind, currency)| {
            AttrDef::new(key.to_owned(), label, kind, Some(key), currency, &[], None)
        })
        .collect();
    // Custom keys look like Personio's: `dynamic_<n>`, n increasing but not contiguous.
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x5eed_c057_0a77_0002);
    let mut n: u64 = rng.random_range(1_000..30_000);
    for i in 0..custom {
        let (label, uid, gen, options) = CUSTOM[i % CUSTOM.len()];
        let round = i / CUSTOM.len();
        let (label, uid) = match round {
            0 => (label.to_owned(), uid),
            r => (format!("{label} {}", r + 1), None),
        };
        let currency = match gen {
            Gen::Money(c, ..) => Some(c),
            _ => None,
        };
        attrs.push(AttrDef::new(
            format!("dynamic_{n}"),
            &label,
            gen.kind(),
            uid,
            currency,
            options,
            Some(gen),
        ));
        n += rng.random_range(1..=500);
    }
    // Keys on every record that `/attributes` does not list (observed).
    let unlisted: [(String, &str, Gen); 2] = [
        (
            "last_onboarding_step".to_owned(),
            "Last onboarding step",
            Gen::Text(ONBOARDING_STEPS),
        ),
        (
            format!("dynamic_{}", n.max(99_999)),
            "Legacy personnel number",
            Gen::Text(LEGACY_NUMBERS),
        ),
    ];
    for (key, label, gen) in unlisted {
        let mut def = AttrDef::new(key, label, gen.kind(), None, None, &[], Some(gen));
        def.listed = false;
        attrs.push(def);
    }
    attrs
}

const ONBOARDING_STEPS: &[&str] = &[
    "Contract signed",
    "Equipment ordered",
    "First day",
    "Onboarding completed",
];
const LEGACY_NUMBERS: &[&str] = &["0815", "P-00042", "4711", "007", "A-1138"];

/// Org structure shared by all employees, with pre-serialised entity values.
struct Org {
    subcompanies: Vec<String>,
    /// (id, name) of each subcompany, in `subcompanies` order.
    subcompany_names: Vec<(i64, &'static str)>,
    /// (value, holiday calendar index)
    offices: Vec<(String, usize)>,
    /// (id, name) of each office, in `offices` order.
    office_names: Vec<(i64, &'static str)>,
    /// (value, team indices)
    departments: Vec<(String, Vec<usize>)>,
    /// (id, name) of each department, in `departments` order.
    department_names: Vec<(i64, &'static str)>,
    teams: Vec<String>,
    /// (id, name, department index) of each team, in `teams` order.
    team_names: Vec<(i64, &'static str, usize)>,
    cost_centers: Vec<(i64, &'static str)>,
    calendars: Vec<String>,
    /// (value, weekly hours)
    schedules: Vec<(String, f64)>,
    time_off: Vec<(i64, &'static str, &'static str)>,
}

impl Org {
    fn new(seed: u64) -> Org {
        let mut rng = SmallRng::seed_from_u64(seed ^ 0x5eed_0a90_0003);
        let entity = |kind: &str, id: i64, name: &str| {
            let mut s = format!(r#"{{"type":"{kind}","attributes":{{"id":{id},"name":"#);
            json::push_str(&mut s, name);
            s.push_str("}}");
            s
        };

        let names = [
            "CS Demo GmbH",
            "Demo España S.L.",
            "Demo UK Ltd",
            "Démo Suisse AG",
        ];
        let mut subcompany_names = Vec::with_capacity(names.len());
        let subcompanies = zip_ids(&mut rng, &names, 1_000, 900)
            .map(|(id, n)| {
                subcompany_names.push((id, *n));
                entity("Subcompany", id, n)
            })
            .collect();

        let rows: [(&str, &str, Option<&str>); 6] = [
            ("Deutschland (Bayern) Feiertage", "DE", Some("Bayern")),
            ("Deutschland (Berlin) Feiertage", "DE", Some("Berlin")),
            ("España (Madrid) Festivos", "ES", Some("Madrid")),
            ("England Bank Holidays", "GB", Some("England")),
            ("Schweiz (Zürich) Feiertage", "CH", Some("Zürich")),
            ("Polska Święta", "PL", None),
        ];
        let calendars = zip_ids(&mut rng, &rows, 1, 3)
            .map(|(id, (name, country, state))| {
                let mut s =
                    format!(r#"{{"type":"HolidayCalendar","attributes":{{"id":{id},"name":"#);
                json::push_str(&mut s, name);
                s.push_str(r#","country":"#);
                json::push_str(&mut s, country);
                s.push_str(r#","state":"#);
                json::push_opt_str(&mut s, *state);
                s.push_str("}}");
                s
            })
            .collect();

        // (name, holiday calendar index)
        let rows = [
            ("Munich", 0),
            ("Berlin", 1),
            ("Madrid", 2),
            ("London", 3),
            ("Zürich", 4),
            ("Kraków", 5),
        ];
        let mut office_names = Vec::with_capacity(rows.len());
        let offices = zip_ids(&mut rng, &rows, 100_000, 5_000)
            .map(|(id, &(n, cal))| {
                office_names.push((id, n));
                (entity("Office", id, n), cal)
            })
            .collect();

        let rows: [(&str, &[&str]); 8] = [
            ("Engineering", &["Platform", "Data & Analytics", "Mobile"]),
            ("Customer Support", &["Tier 1", "Tier 2"]),
            ("Sales", &["DACH", "EMEA North", "Inbound"]),
            ("Marketing", &["Brand", "Growth"]),
            ("People & Culture", &["Recruiting", "HR Operations"]),
            ("Finance", &["Accounting"]),
            ("Product", &["Design", "Product Management"]),
            ("Operations", &["Facilities", "IT"]),
        ];
        let team_rows: Vec<(&str, usize)> = rows
            .iter()
            .enumerate()
            .flat_map(|(department, r)| r.1.iter().map(move |team| (*team, department)))
            .collect();
        let mut team_names = Vec::with_capacity(team_rows.len());
        let teams = zip_ids(&mut rng, &team_rows, 50_000, 500)
            .map(|(id, &(n, department))| {
                team_names.push((id, n, department));
                entity("Team", id, n)
            })
            .collect();
        let mut next_team = 0;
        let mut department_names = Vec::with_capacity(rows.len());
        let departments = zip_ids(&mut rng, &rows, 200_000, 10_000)
            .map(|(id, (name, t))| {
                let idx = (next_team..next_team + t.len()).collect();
                next_team += t.len();
                department_names.push((id, *name));
                (entity("Department", id, name), idx)
            })
            .collect();

        let names = [
            "Cost center 1",
            "R&D",
            "Sales & Marketing",
            "G&A",
            "Customer Success",
            "Kostenstelle Nord",
        ];
        let cost_centers = zip_ids(&mut rng, &names, 80_000, 300)
            .map(|(id, n)| (id, *n))
            .collect();

        let days = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        // (name, weekly hours, days worked): the hours spread evenly over the first
        // days of the week, the rest of the week off.
        let rows: [(&str, f64, usize); 4] = [
            (
                "Full-time, 40 hours without time tracking, (mon,tue,wed,thu,fri)",
                40.0,
                5,
            ),
            ("Full-time, 37.5 hours (mon,tue,wed,thu,fri)", 37.5, 5),
            ("Part-time, 20 hours (mon,tue,wed,thu,fri)", 20.0, 5),
            ("Part-time, 32 hours (mon,tue,wed,thu)", 32.0, 4),
        ];
        // Ids above 2^53, as seen on a real account (1067807102794692000).
        let schedules = zip_ids(&mut rng, &rows, 1_067_807_102_794_692_000, 1_000_000)
            .map(|(id, &(name, hours, worked))| {
                let mut s = format!(r#"{{"type":"WorkSchedule","attributes":{{"id":{id},"name":"#);
                json::push_str(&mut s, name);
                s.push_str(r#","valid_from":null"#);
                let minutes_a_day = (hours * 60.0 / worked as f64).round() as u32;
                for (k, day) in days.iter().enumerate() {
                    let minutes = if k < worked { minutes_a_day } else { 0 };
                    let _ = write!(s, r#","{day}":"{:02}:{:02}""#, minutes / 60, minutes % 60);
                }
                s.push_str("}}");
                (s, hours)
            })
            .collect();

        let rows = [
            ("Paid vacation", "paid_vacation"),
            ("Special leave", "special_leave"),
            ("Sonderurlaub Umzug", "special_leave"),
        ];
        let time_off = zip_ids(&mut rng, &rows, 110_000, 4_000)
            .map(|(id, &(n, c))| (id, n, c))
            .collect();

        Org {
            subcompanies,
            subcompany_names,
            offices,
            office_names,
            departments,
            department_names,
            teams,
            team_names,
            cost_centers,
            calendars,
            schedules,
            time_off,
        }
    }
}

/// Pairs each row with an id: increasing from about `lo`, in seeded steps of up to
/// `step`, like database ids of a real account (unique, not contiguous).
fn zip_ids<'r, T>(
    rng: &mut SmallRng,
    rows: &'r [T],
    lo: i64,
    step: i64,
) -> impl Iterator<Item = (i64, &'r T)> {
    let mut next = lo + rng.random_range(0..step * 10);
    let ids: Vec<i64> = rows
        .iter()
        .map(|_| {
            next += rng.random_range(1..=step);
            next
        })
        .collect();
    ids.into_iter().zip(rows)
}

#[rustfmt::skip]
const MALE: &[&str] = &["Alexander", "Jürgen", "Łukasz", "José", "François", "Søren", "Mehmet", "Jan", "Lars", "Björn", "Matthias", "Oğuz", "Ólafur", "Thomas", "Max", "Noah", "Liam", "Ahmed", "Dmitrij", "Pál", "Jean-Luc", "Niklas", "Felix", "Paweł"];
#[rustfmt::skip]
const FEMALE: &[&str] = &["Anna", "Zoë", "Małgorzata", "Chloé", "Sofía", "Inès", "Ayşe", "Åsa", "Léa", "Sarah", "Marie", "Emma", "Hannah", "Fatima", "Olga", "Mia", "Ana-María", "Lena", "Johanna", "Siobhán", "Žaneta", "Katarzyna"];
#[rustfmt::skip]
const DIVERSE: &[&str] = &["Alex", "Kim", "Robin", "Sam", "Charlie", "Luca", "Noa"];
#[rustfmt::skip]
const LAST: &[&str] = &["Bergmann", "Müller", "Schröder", "Groß", "Weiß", "Nowak", "Wiśniewski", "Kowalczyk", "O'Brien", "D'Angelo", "García", "Fernández", "Dubois", "Lefèvre", "Jensen", "Østergaard", "Yılmaz", "Öztürk", "Smith", "Johnson", "van der Berg", "de la Cruz", "Nguyễn", "Kovač", "Horváth", "Schmidt", "Fischer", "Meyer", "Wagner", "Becker", "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Zimmermann", "Braun", "Krüger"];
/// (first, last, ascii first, ascii last): Chinese and Japanese names need a romanised
/// email address.
#[rustfmt::skip]
const CJK: &[(&str, &str, &str, &str)] = &[("伟", "王", "wei", "wang"), ("芳", "李", "fang", "li"), ("秀英", "张", "xiuying", "zhang"), ("陽翔", "佐藤", "haruto", "sato"), ("さくら", "山田", "sakura", "yamada"), ("健太", "鈴木", "kenta", "suzuki")];
#[rustfmt::skip]
const POSITIONS: &[&str] = &["Software Engineer", "Senior Software Engineer", "Engineering Manager", "Customer Support Specialist", "Account Executive", "Marketing Manager", "HR Generalist", "Recruiter", "Accountant", "Product Manager", "Product Designer", "Data Analyst", "Office Manager", "Werkstudent*in", "Head of Sales", "CTO"];
const EMOJI: &[&str] = &["🚀", "🌸", "✨", "🎸", "☕"];

/// Where an employee works, for the offsets of local midnights.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Zone {
    Berlin,
    London,
}

impl Zone {
    /// The UTC offset in hours at local midnight of `d`. Both switch summer time on the
    /// same days, after midnight.
    fn offset_hours(self, d: NaiveDate) -> u32 {
        match self {
            Zone::Berlin => berlin_offset_hours(d),
            Zone::London => berlin_offset_hours(d) - 1,
        }
    }
}

/// The office whose employees live in London time (`rows` of offices in `Org::new`).
const LONDON_OFFICE: usize = 3;

/// Sequential generator state: ids grow, emails stay unique, supervisors point back.
struct Generator<'a> {
    rng: SmallRng,
    org: &'a Org,
    attrs: &'a [AttrDef],
    base: DateTime<Utc>,
    /// How many employees hold each `first.last` so far.
    emails: HashMap<String, u32>,
    next_id: i64,
    /// The time zone of the employee being generated.
    zone: Zone,
    /// Whether the employee being generated has the 1835 birthday.
    lmt_birthday: bool,
}

/// Who an employee is.
struct Person {
    first: &'static str,
    last: &'static str,
    gender: &'static str,
    email: String,
    /// `first-last` in ASCII, for links.
    slug: String,
    cjk: bool,
}

/// When things happened to an employee.
struct History {
    hire: NaiveDate,
    termination: Option<NaiveDate>,
    status: &'static str,
    contract_end: Option<NaiveDate>,
    probation_end: Option<NaiveDate>,
    created: DateTime<Utc>,
    last_modified: DateTime<Utc>,
}

/// A record under construction: values and their end offsets.
struct Rec {
    buf: String,
    ends: Vec<u32>,
}

impl Rec {
    fn end(&mut self) {
        self.ends.push(self.buf.len() as u32);
    }
    fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
        self.end();
    }
    fn null(&mut self) {
        self.raw("null");
    }
    fn str(&mut self, s: &str) {
        json::push_str(&mut self.buf, s);
        self.end();
    }
    fn int(&mut self, n: i64) {
        let _ = write!(self.buf, "{n}");
        self.end();
    }
    fn num(&mut self, n: f64) {
        json::push_num(&mut self.buf, n);
        self.end();
    }
}

impl Generator<'_> {
    fn pick<'s, T>(&mut self, xs: &'s [T]) -> &'s T {
        &xs[self.rng.random_range(0..xs.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// A date in one of Personio's spellings: `2019-03-01`, `2019-03-01T00:00:00+01:00`,
    /// `2019-03-01T00:00:00+0100` (local midnight, the offset of the employee's zone on
    /// that day).
    fn push_date(&mut self, out: &mut String, d: NaiveDate) {
        let _ = write!(out, "\"{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        let h = self.zone.offset_hours(d);
        let _ = match self.rng.random_range(0..20) {
            0..=10 => Ok(()),
            11..=16 => write!(out, "T00:00:00+{h:02}:00"),
            _ => write!(out, "T00:00:00+{h:02}00"),
        };
        out.push('"');
    }

    /// An optional date: mostly `null` when absent, sometimes `""`.
    fn opt_date(&mut self, r: &mut Rec, d: Option<NaiveDate>) {
        match d {
            Some(d) => self.push_date(&mut r.buf, d),
            None if self.chance(0.04) => r.buf.push_str("\"\""),
            None => r.buf.push_str("null"),
        }
        r.end();
    }

    /// A missing value: `null` or, as often happens on the wire, `""`.
    fn empty(&mut self, r: &mut Rec) {
        if self.chance(0.4) {
            r.raw("\"\"");
        } else {
            r.null();
        }
    }

    /// A number written as a number or, sometimes, as a string.
    fn loose_num(&mut self, r: &mut Rec, n: f64, decimals: usize, p_string: f64) {
        if self.chance(p_string) {
            let _ = write!(r.buf, "\"{n:.decimals$}\"");
            r.end();
        } else {
            r.num(n);
        }
    }

    /// An entity value (office, team...): mostly the object, sometimes null, rarely the
    /// empty `""` or `[]` Personio sends for an empty relation.
    fn entity(&mut self, r: &mut Rec, value: &str, p_null: f64) {
        match self.rng.random_range(0..1000) {
            0..=9 => r.raw("\"\""),
            10..=14 => r.raw("[]"),
            _ if self.chance(p_null) => r.null(),
            _ => r.raw(value),
        }
    }

    fn employee(&mut self, i: usize) -> Employee {
        let org = self.org;
        let id = self.next_id;
        self.next_id += self.rng.random_range(1..=3);
        let p = self.person();
        let h = self.history(i);
        let external = i > 0 && self.chance(0.15);
        let position = match i {
            0 => "CEO",
            _ if self.chance(0.02) => "",
            _ => *self.pick(POSITIONS),
        };
        // An earlier employee, biased to the first ones: the org chart is a tree with a
        // wide top, rooted at the CEO.
        let supervisor = (i > 0).then(|| {
            let j = self.rng.random_range(0..i);
            self.rng.random_range(0..=j) as u32
        });
        let schedule = match self.rng.random_range(0..100) {
            0..=69 => 0,
            70..=81 => 1,
            82..=91 => 2,
            _ => 3,
        };
        let hours = org.schedules[schedule].1;
        let office = self.rng.random_range(0..org.offices.len());
        self.zone = if office == LONDON_OFFICE {
            Zone::London
        } else {
            Zone::Berlin
        };
        self.lmt_birthday = i == 1;

        // Values in STANDARD order.
        let mut r = Rec {
            buf: String::with_capacity(2048),
            ends: Vec::with_capacity(self.attrs.len()),
        };
        r.int(id);
        r.str(p.first);
        r.str(p.last);
        self.preferred_name(&mut r, &p);
        r.str(&p.email);
        r.str(p.gender);
        r.str(h.status);
        r.str(position);
        r.null(); // supervisor: rendered per request from `supervisor`
        r.str(if external { "external" } else { "internal" });
        // weekly_working_hours follows the work schedule; a number or a string.
        let decimals = if hours.fract() == 0.0 { 0 } else { 1 };
        self.loose_num(&mut r, hours, decimals, 0.5);
        self.opt_date(&mut r, Some(h.hire));
        self.opt_date(&mut r, h.contract_end);
        self.opt_date(&mut r, h.termination);
        if h.termination.is_some() {
            let t = *self.pick(&[
                "employee",
                "employer",
                "mutual agreement",
                "end of contract",
            ]);
            r.str(t);
        } else {
            r.null();
        }
        if h.termination.is_some() && self.chance(0.4) {
            let reasons = [
                "Relocation",
                "Career change",
                "Compensation",
                "Personal reasons",
                "Restructuring",
            ];
            let t = *self.pick(&reasons);
            r.str(t);
        } else {
            r.null();
        }
        self.opt_date(&mut r, h.probation_end);
        // created_at, last_modified_at: instants with a local offset, though typed `date`.
        push_instant(&mut r.buf, h.created, self.zone);
        r.end();
        push_instant(&mut r.buf, h.last_modified, self.zone);
        r.end();
        let sub = self.rng.random_range(0..org.subcompanies.len());
        self.entity(&mut r, &org.subcompanies[sub], 0.1);
        self.entity(&mut r, &org.offices[office].0, 0.05);
        let dept = match i {
            0 => org.departments.len() - 1,
            _ => self.rng.random_range(0..org.departments.len()),
        };
        self.entity(&mut r, &org.departments[dept].0, 0.02);
        self.cost_centers(&mut r);
        // holiday_calendar follows the office.
        let calendar = &org.calendars[org.offices[office].1];
        if self.chance(0.02) {
            r.null();
        } else {
            r.raw(calendar);
        }
        self.absence_entitlement(&mut r, hours);
        if self.chance(0.02) {
            r.null();
        } else {
            r.raw(&org.schedules[schedule].0);
        }
        self.pay(&mut r, hours, external || position == "Werkstudent*in");
        let last_day = h
            .termination
            .map(|t| t - Duration::days(self.rng.random_range(0..=3)));
        self.opt_date(&mut r, last_day);
        if self.chance(0.1) {
            r.null();
        } else {
            let url = format!("https://api.personio.de/v1/company/employees/{id}/profile-picture");
            r.str(&url);
        }
        // team: one of the department's.
        let teams = &org.departments[dept].1;
        let team = teams[self.rng.random_range(0..teams.len())];
        self.entity(&mut r, &org.teams[team], 0.08);

        for def in &self.attrs[STANDARD.len()..] {
            self.custom_value(&mut r, def, &p.slug);
        }
        debug_assert_eq!(r.ends.len(), self.attrs.len());

        Employee {
            id,
            email: p.email,
            last_modified: h.last_modified,
            supervisor,
            values: r.buf.into_boxed_str(),
            ends: r.ends.into_boxed_slice(),
        }
    }

    /// Names and a unique email: mostly European names with diacritics and apostrophes,
    /// some Chinese and Japanese ones.
    fn person(&mut self) -> Person {
        let gender = match self.rng.random_range(0..100) {
            0..=47 => "female",
            48..=95 => "male",
            _ => "diverse",
        };
        let (first, last, ascii_first, ascii_last, cjk) = if self.chance(0.05) {
            let &(f, l, af, al) = self.pick(CJK);
            (f, l, af.to_owned(), al.to_owned(), true)
        } else {
            let pool = match gender {
                "female" => FEMALE,
                "male" => MALE,
                _ => DIVERSE,
            };
            let f = *self.pick(pool);
            let l = *self.pick(LAST);
            (f, l, ascii_slug(f), ascii_slug(l), false)
        };
        // Unique: the n-th holder of a name gets a number. Names hold no digits, so
        // `anna.smith2` cannot clash with another name.
        let email = match self.emails.entry(format!("{ascii_first}.{ascii_last}")) {
            Entry::Vacant(v) => {
                let email = format!("{}@example.com", v.key());
                v.insert(1);
                email
            }
            Entry::Occupied(mut o) => {
                *o.get_mut() += 1;
                format!("{}{}@example.com", o.key(), o.get())
            }
        };
        Person {
            first,
            last,
            gender,
            email,
            slug: format!("{ascii_first}-{ascii_last}"),
            cjk,
        }
    }

    /// Hire, termination and record dates. Hires skew recent (companies grow), a few lie
    /// ahead (onboarding); `last_modified` falls in the three years before the base.
    fn history(&mut self, i: usize) -> History {
        let base_date = self.base.date_naive();
        let days_before = if i == 0 {
            self.rng.random_range(9 * 365..12 * 365)
        } else {
            let u: f64 = self.rng.random();
            (u * u * (12.0 * 365.0)) as i64 - 90
        };
        let hire = base_date - Duration::days(days_before);
        let terminated = i > 0 && days_before > 200 && self.chance(0.08);
        let termination = terminated
            .then(|| hire + Duration::days(self.rng.random_range(180..=days_before + 60)));
        let status = match termination {
            Some(t) if t <= base_date => "inactive",
            _ if hire > base_date => "onboarding",
            _ if self.chance(0.04) => "leave",
            _ => "active",
        };
        let contract_end = self
            .chance(0.1)
            .then(|| hire + Duration::days(self.rng.random_range(365..=730)));
        let probation_end =
            (days_before < 2 * 365 && self.chance(0.7)).then(|| hire + Duration::days(182));
        let hire_midnight = hire
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc();
        let created = (hire_midnight - Duration::days(self.rng.random_range(7..90))
            + Duration::seconds(self.rng.random_range(8 * 3600..18 * 3600)))
        .min(self.base - Duration::hours(24));
        let window_start = created.max(self.base - Duration::days(3 * 365));
        let span = (self.base - window_start).num_seconds().max(1);
        let last_modified = window_start + Duration::seconds(self.rng.random_range(0..span));
        History {
            hire,
            termination,
            status,
            contract_end,
            probation_end,
            created,
            last_modified,
        }
    }

    /// The full name mostly; `""` or null sometimes; the first name alone, or with an
    /// emoji, now and then.
    fn preferred_name(&mut self, r: &mut Rec, p: &Person) {
        match self.rng.random_range(0..100) {
            0..=7 => r.raw("\"\""),
            8..=15 => r.null(),
            16..=21 => {
                let e = *self.pick(EMOJI);
                r.str(&format!("{} {e}", p.first));
            }
            22..=29 => r.str(p.first),
            _ if p.cjk => r.str(&format!("{}{}", p.last, p.first)),
            _ => r.str(&format!("{} {}", p.first, p.last)),
        }
    }

    /// Cost centers with percentages summing to 100; sometimes none (`[]`).
    fn cost_centers(&mut self, r: &mut Rec) {
        const SPLITS: &[&[u32]] = &[
            &[100],
            &[100],
            &[50, 50],
            &[60, 40],
            &[70, 30],
            &[80, 20],
            &[50, 30, 20],
            &[34, 33, 33],
        ];
        let centers = &self.org.cost_centers;
        r.buf.push('[');
        if !self.chance(0.15) {
            let shares = *self.pick(SPLITS);
            let start = self.rng.random_range(0..centers.len());
            for (k, pct) in shares.iter().enumerate() {
                let (id, name) = centers[(start + k) % centers.len()];
                if k > 0 {
                    r.buf.push(',');
                }
                let _ = write!(
                    r.buf,
                    r#"{{"type":"CostCenter","attributes":{{"id":{id},"name":"#
                );
                json::push_str(&mut r.buf, name);
                let _ = write!(r.buf, r#","percentage":{pct}}}}}"#);
            }
        }
        r.buf.push(']');
        r.end();
    }

    /// Time-off types with entitlements: paid vacation always, special leave sometimes.
    fn absence_entitlement(&mut self, r: &mut Rec, hours: f64) {
        r.buf.push('[');
        let mut first = true;
        for &(id, name, category) in &self.org.time_off {
            let entitlement = if first && hours < 40.0 && self.chance(0.5) {
                27.5
            } else if first {
                f64::from(self.rng.random_range(24..=30))
            } else if self.chance(0.3) {
                f64::from(self.rng.random_range(1..=3))
            } else {
                continue;
            };
            if !first {
                r.buf.push(',');
            }
            first = false;
            let _ = write!(
                r.buf,
                r#"{{"type":"TimeOffType","attributes":{{"id":{id},"name":"#
            );
            json::push_str(&mut r.buf, name);
            r.buf.push_str(r#","category":"#);
            json::push_str(&mut r.buf, category);
            r.buf.push_str(r#","entitlement":"#);
            json::push_num(&mut r.buf, entitlement);
            r.buf.push_str("}}");
        }
        r.buf.push(']');
        r.end();
    }

    /// fix_salary (+ interval), hourly_salary, vacation_day_balance: decimals written as
    /// numbers or numeric strings.
    fn pay(&mut self, r: &mut Rec, hours: f64, hourly: bool) {
        if (hourly && self.chance(0.7)) || self.chance(0.03) {
            r.null();
            r.null();
        } else {
            let yearly = self.chance(0.15);
            let monthly = (f64::from(self.rng.random_range(50..240)) * 50.0 * hours / 40.0).round();
            let amount = if yearly { monthly * 12.0 } else { monthly };
            self.loose_num(r, amount, 2, 0.35);
            r.str(if yearly { "yearly" } else { "monthly" });
        }
        if hourly {
            let rate = f64::from(self.rng.random_range(29..=120)) / 2.0;
            self.loose_num(r, rate, 2, 0.3);
        } else {
            self.loose_num(r, 0.0, 2, 0.1);
        }
        let balance = f64::from(self.rng.random_range(-6..=50)) / 2.0;
        self.loose_num(r, balance, 1, 0.2);
    }

    fn custom_value(&mut self, r: &mut Rec, def: &AttrDef, slug: &str) {
        let Some(gen) = def.gen else {
            return r.null();
        };
        if self.lmt_birthday && def.universal_id.as_deref() == Some("date_of_birth") {
            // Local mean time of Berlin, as an 1835 birthday was seen on the wire.
            let d = NaiveDate::from_ymd_opt(1835, 1, 1).expect("valid date")
                + Duration::days(self.rng.random_range(0..365));
            let _ = write!(
                r.buf,
                "\"{:04}-{:02}-{:02}T00:00:00+00:53\"",
                d.year(),
                d.month(),
                d.day()
            );
            return r.end();
        }
        if self.chance(0.12) {
            return self.empty(r);
        }
        match gen {
            Gen::Text(pool) | Gen::Multiline(pool) => {
                let s = *self.pick(pool);
                r.str(s);
            }
            Gen::Iban => {
                let mut s = format!("DE{:02}", self.rng.random_range(10..100));
                for k in 0..18 {
                    if k % 4 == 0 {
                        s.push(' ');
                    }
                    s.push(char::from(b'0' + self.rng.random_range(0..10u8)));
                }
                r.str(&s);
            }
            Gen::Phone => {
                let s = format!(
                    "+49 1{} {}",
                    self.rng.random_range(50..80),
                    self.rng.random_range(1_000_000..10_000_000)
                );
                r.str(&s);
            }
            Gen::Date(from, to) => {
                let year = self.rng.random_range(from..=to);
                let d = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year")
                    + Duration::days(self.rng.random_range(0..365));
                self.push_date(&mut r.buf, d);
                r.end();
            }
            Gen::Int(lo, hi) => {
                let n = self.rng.random_range(lo..=hi);
                self.loose_num(r, n as f64, 0, 0.3);
            }
            Gen::Dec(lo, hi, decimals) => self.decimal(r, lo, hi, decimals),
            Gen::Money(_, lo, hi) => self.decimal(r, lo, hi, 2),
            Gen::List => {
                let o = self.rng.random_range(0..def.options.len());
                r.str(&def.options[o]);
            }
            Gen::Link(prefix) => r.str(&format!("{prefix}{slug}")),
            Gen::Tags => {
                // Tags travel as one comma-separated string.
                let mut chosen: Vec<&str> = Vec::new();
                for o in &def.options {
                    if self.chance(0.25) {
                        chosen.push(o);
                    }
                }
                if chosen.is_empty() {
                    chosen.push(&def.options[0]);
                }
                r.str(&chosen.join(","));
            }
        }
    }

    /// A decimal in [lo, hi) rounded to `decimals`, as a number or a numeric string.
    fn decimal(&mut self, r: &mut Rec, lo: f64, hi: f64, decimals: usize) {
        let scale = 10f64.powi(decimals as i32);
        let n = (self.rng.random_range(lo..hi) * scale).round() / scale;
        self.loose_num(r, n, decimals, 0.4);
    }
}

/// An instant as Personio writes `created_at`: local time of `zone` with its offset.
fn push_instant(out: &mut String, t: DateTime<Utc>, zone: Zone) {
    let h = zone.offset_hours(t.date_naive());
    let l = t + Duration::hours(h.into());
    let _ = write!(
        out,
        "\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+{h:02}:00\"",
        l.year(),
        l.month(),
        l.day(),
        l.hour(),
        l.minute(),
        l.second()
    );
}

/// Central European offset of a day at midnight: +2 between the last Sundays of March
/// and October (the switch happens at 02:00, after midnight), +1 otherwise.
fn berlin_offset_hours(d: NaiveDate) -> u32 {
    let last_sunday = |month: u32| {
        let first_next = NaiveDate::from_ymd_opt(d.year(), month + 1, 1).expect("valid month");
        let last = first_next.pred_opt().expect("not the first day ever");
        let back = last.weekday().num_days_from_sunday();
        last - Duration::days(back.into())
    };
    if d > last_sunday(3) && d <= last_sunday(10) {
        2
    } else {
        1
    }
}

/// Lower-case ASCII for an email address: `Jürgen` -> `juergen`, `O'Brien` -> `obrien`.
fn ascii_slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let rep = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'ä' | 'æ' => "ae",
            'ö' | 'œ' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'á' | 'à' | 'â' | 'ã' | 'å' | 'ą' => "a",
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ễ' | 'ě' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
            'ó' | 'ò' | 'ô' | 'õ' | 'ø' | 'ő' => "o",
            'ú' | 'ù' | 'û' | 'ű' => "u",
            'ñ' | 'ń' => "n",
            'ç' | 'ć' | 'č' => "c",
            'ł' => "l",
            'ś' | 'ş' | 'š' => "s",
            'ź' | 'ż' | 'ž' => "z",
            'ğ' => "g",
            _ => "",
        };
        out.push_str(rep);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::fake::test_support::now;

    #[test]
    fn records_are_consistent() {
        let c = Company::generate(3, 500, 27, now());
        assert_eq!(c.attrs.len(), 62, "33 standard, 27 custom, 2 unlisted");
        let mut emails = HashSet::new();
        for (i, e) in c.employees.iter().enumerate() {
            assert_eq!(e.ends.len(), c.attrs.len());
            assert!(emails.insert(e.email.clone()), "unique email {}", e.email);
            assert!(e.last_modified <= now());
            if i > 0 {
                assert!(e.id > c.employees[i - 1].id);
                assert!((e.supervisor.unwrap() as usize) < i);
            }
            assert_eq!(c.find(e.id), Some(i));
            let mut out = String::new();
            let all = vec![true; c.attrs.len()];
            c.write_employee(&mut out, i, &all, &all);
            let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
            assert_eq!(v["attributes"]["id"]["value"], e.id);
            assert_eq!(v["attributes"]["email"]["value"], e.email.as_str());
        }
        assert_eq!(c.find(c.employees[0].id - 1), None);
    }

    #[test]
    fn generation_is_deterministic_and_prefix_stable() {
        let a = Company::generate(9, 50, 30, now());
        let b = Company::generate(9, 80, 30, now());
        for (x, y) in a.employees.iter().zip(&b.employees) {
            assert_eq!((x.id, &x.values), (y.id, &y.values));
        }
        let c = Company::generate(10, 50, 30, now());
        assert_ne!(a.employees[0].values, c.employees[0].values);
        // Beyond the 27 built-in custom attributes the labels get a round number.
        assert_eq!(a.attrs[STANDARD.len() + 27].label, "IBAN 2");
        assert_eq!(a.attrs[STANDARD.len() + 27].universal_id, None);
    }

    #[test]
    fn work_schedules_spread_their_hours_over_the_days_worked() {
        let org = Org::new(1);
        let days = |k: usize| -> serde_json::Value {
            let v: serde_json::Value = serde_json::from_str(&org.schedules[k].0).unwrap();
            ["monday", "thursday", "friday", "saturday"]
                .map(|d| v["attributes"][d].clone())
                .into()
        };
        assert_eq!(
            days(1),
            serde_json::json!(["07:30", "07:30", "07:30", "00:00"])
        );
        assert_eq!(
            days(3),
            serde_json::json!(["08:00", "08:00", "00:00", "00:00"])
        );
    }

    #[test]
    fn instants_parse_in_every_accepted_spelling() {
        let t = parse_instant("2022-12-24T08:15:30").unwrap();
        for s in [
            "2022-12-24T08:15:30Z",
            "2022-12-24T09:15:30+01:00",
            "2022-12-24T09:15:30+0100",
            "2022-12-24T08:15:30.000",
        ] {
            assert_eq!(parse_instant(s), Some(t), "{s}");
        }
        assert_eq!(
            parse_instant("2022-12-24"),
            parse_instant("2022-12-24T00:00:00Z")
        );
        for s in ["", "yesterday", "2022-13-01", "2022-12-24 08:15:30+01:00x"] {
            assert_eq!(parse_instant(s), None, "{s}");
        }
    }

    #[test]
    fn local_midnight_offsets_follow_berlin_summer_time() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(berlin_offset_hours(d(2025, 1, 15)), 1);
        assert_eq!(berlin_offset_hours(d(2025, 3, 30)), 1); // switch day, still +1 at 00:00
        assert_eq!(berlin_offset_hours(d(2025, 3, 31)), 2);
        assert_eq!(berlin_offset_hours(d(2025, 10, 26)), 2); // switch day, still +2 at 00:00
        assert_eq!(berlin_offset_hours(d(2025, 10, 27)), 1);
    }

    #[test]
    fn slugs_are_lowercase_ascii() {
        assert_eq!(ascii_slug("Jürgen"), "juergen");
        assert_eq!(ascii_slug("O'Brien"), "obrien");
        assert_eq!(ascii_slug("van der Berg"), "vanderberg");
        assert_eq!(ascii_slug("Łukasz Wiśniewski"), "lukaszwisniewski");
        assert_eq!(ascii_slug("Groß"), "gross");
        assert_eq!(ascii_slug("王"), "");
        for name in MALE.iter().chain(FEMALE).chain(DIVERSE).chain(LAST) {
            assert!(!ascii_slug(name).is_empty(), "{name}");
        }
    }
}
