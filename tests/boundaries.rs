//! The crate's boundaries (ARCHITECTURE.md), checked on the source tree:
//!
//! - the fake shares no code with the client: code in `src/fake/` names no crate path
//!   outside `crate::fake` (nor `super::` climbing out of it, `#[path]` or `include!`),
//!   and code outside `src/fake/` and `src/python/` names no path into the fake and no
//!   `fake` feature, except `src/lib.rs` declaring the module;
//! - the core knows no Python: code outside `src/python/` never names `pyo3` (nor
//!   `pyo3_arrow`), and only `src/lib.rs` names the `python` feature (to declare the
//!   bindings and their allocator).
//!
//! Comments are not code: they are blanked before the scan (string literals are kept,
//! so that `cfg(feature = "...")` is seen). The scan reads paths as rustfmt writes them
//! (`crate::a::b`, `super::super::c`, `use super::{super::d}`); it is no compiler, so
//! the last test feeds it each kind of crossing (and lookalikes that are none).

use std::path::{Path, PathBuf};

/// A file of `src/`, by its path below `src/` (`fake/auth.rs`), with comments blanked.
struct Source {
    path: String,
    code: String,
}

/// Every `.rs` file below `src/`, in path order.
fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| Source {
            path: file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            code: without_comments(&std::fs::read_to_string(&file).unwrap()),
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `source` with every comment (line, block, doc) replaced by spaces, line breaks kept
/// so that line numbers hold. A `//` inside a string or character literal is no comment.
fn without_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut code = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                code.push(' ');
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            // Block comments nest.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    code.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    code.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    code.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '"' {
            let end = string_end(&chars, i + 1);
            code.extend(&chars[i..end]);
            i = end;
        } else if let Some(end) = raw_string_end(&chars, i) {
            code.extend(&chars[i..end]);
            i = end;
        } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            // A character literal (`'"'`, `'\''`); a lifetime has no closing quote.
            let mut end = if at(i + 1) == '\\' { i + 3 } else { i + 2 };
            while end < chars.len() && chars[end] != '\'' {
                end += 1;
            }
            let end = (end + 1).min(chars.len());
            code.extend(&chars[i..end]);
            i = end;
        } else {
            code.push(c);
            i += 1;
        }
    }
    code
}

/// The index just past the `"` closing a string whose text starts at `start`.
fn string_end(chars: &[char], start: usize) -> usize {
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The index just past a raw string `r#"..."#` (or `br"..."`) starting at `start`, if
/// one starts there (and not an identifier that merely begins with `r`).
fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let before = at(start.wrapping_sub(1));
    let starts = at(start) == 'r'
        && (!is_ident(before) || (before == 'b' && !is_ident(at(start.wrapping_sub(2)))));
    let hashes = chars
        .get(start + 1..)?
        .iter()
        .take_while(|&&h| h == '#')
        .count();
    if !starts || at(start + 1 + hashes) != '"' {
        return None;
    }
    let closes = |i: usize| at(i) == '"' && (1..=hashes).all(|h| at(i + h) == '#');
    let close = (start + 2 + hashes..chars.len()).find(|&i| closes(i))?;
    Some(close + 1 + hashes)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Each place `word` stands as a whole word (or an identifier's start when `prefix`),
/// as (line, byte offset in the line).
fn find_word(code: &str, word: &str, prefix: bool) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        for (at, _) in line.match_indices(word) {
            let before = line[..at].chars().next_back().unwrap_or(' ');
            let after = line[at + word.len()..].chars().next().unwrap_or(' ');
            if !is_ident(before) && (prefix || !is_ident(after)) {
                found.push((number + 1, at));
            }
        }
    }
    found
}

/// Each path from the crate root (`crate::`, `$crate::`, `personio_arrow::`) as (its
/// first two segments, line, second segment): `("crate::fake", 3, "fake")` for
/// `crate::fake::json`; a group `crate::{..}` gives the segment `{`.
fn crate_paths(code: &str) -> Vec<(String, usize, String)> {
    let mut paths = Vec::new();
    for root in ["crate", "personio_arrow"] {
        for (line, column) in find_word(code, root, false) {
            let text = code.lines().nth(line - 1).unwrap();
            let rest = text[column + root.len()..].trim_start();
            let Some(rest) = rest.strip_prefix("::") else {
                continue;
            };
            let rest = rest.trim_start();
            let segment: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            let segment = if segment.is_empty() {
                rest.chars().take(1).collect()
            } else {
                segment
            };
            paths.push((format!("{root}::{segment}"), line, segment));
        }
    }
    paths
}

/// How many modules `path` (below `src/fake/`) lies below `crate::fake`.
fn depth_below_fake(path: &str) -> usize {
    let parts = path.trim_start_matches("fake/").split('/').count();
    if path.ends_with("/mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// The longest run of `super::` steps at each place one starts, as (line, steps);
/// `super::{super::x}` counts two.
fn super_runs(code: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    for (number, line) in code.lines().enumerate() {
        let mut from = 0;
        while let Some(found) = line[from..].find("super") {
            let at = from + found;
            let before = line[..at].chars().next_back().unwrap_or(' ');
            let mut tail = &line[at..];
            let mut steps = 0;
            while let Some(after) = tail
                .strip_prefix("super")
                .and_then(|after| after.trim_start().strip_prefix("::"))
            {
                steps += 1;
                tail = after.trim_start().trim_start_matches('{').trim_start();
            }
            if is_ident(before) || steps == 0 {
                from = at + "super".len();
            } else {
                runs.push((number + 1, steps));
                from = line.len() - tail.len();
            }
        }
    }
    runs
}

/// What code in `src/fake/` names outside the fake.
fn fake_crossings(source: &Source) -> Vec<String> {
    let mut crossings = Vec::new();
    let place = |line: usize| format!("src/{}:{line}", source.path);
    for (path, line, segment) in crate_paths(&source.code) {
        if segment != "fake" {
            crossings.push(format!(
                "{}: `{path}` is outside the fake, which shares no code with the client \
                 (copy what it needs into src/fake/, and name it `crate::fake::...`)",
                place(line)
            ));
        }
    }
    let depth = depth_below_fake(&source.path);
    for (line, steps) in super_runs(&source.code) {
        if steps > depth {
            crossings.push(format!(
                "{}: {steps} `super::` steps climb out of the fake (this file lies {depth} \
                 below `crate::fake`)",
                place(line)
            ));
        }
    }
    for what in ["#[path", "include!"] {
        let word = what.trim_start_matches("#[");
        for (line, column) in find_word(&source.code, word, false) {
            let text = source.code.lines().nth(line - 1).unwrap();
            if what != "#[path" || text[..column].trim_end().ends_with("#[") {
                crossings.push(format!(
                    "{}: `{what}` may pull in a file from outside the fake",
                    place(line)
                ));
            }
        }
    }
    in_line_order(crossings)
}

/// What code outside `src/fake/` and `src/python/` names of the fake.
fn client_crossings(source: &Source) -> Vec<String> {
    let mut crossings = Vec::new();
    for (path, line, segment) in crate_paths(&source.code) {
        if segment == "fake" {
            crossings.push(format!(
                "src/{}:{line}: `{path}`: the client does not use the fake",
                source.path
            ));
        }
    }
    for line in lines_naming_feature(&source.code, "fake") {
        if source.path != "lib.rs" {
            crossings.push(format!(
                "src/{}:{line}: the `fake` feature is named outside src/lib.rs: the \
                 client builds and behaves the same without the fake",
                source.path
            ));
        }
    }
    in_line_order(crossings)
}

/// What code outside `src/python/` knows of Python.
fn python_crossings(source: &Source) -> Vec<String> {
    let mut crossings = Vec::new();
    for (line, _) in find_word(&source.code, "pyo3", true) {
        crossings.push(format!(
            "src/{}:{line}: names pyo3 outside src/python/: the core knows no Python",
            source.path
        ));
    }
    for line in lines_naming_feature(&source.code, "python") {
        if source.path != "lib.rs" {
            crossings.push(format!(
                "src/{}:{line}: the `python` feature is named outside src/lib.rs and \
                 src/python/: the core knows no Python",
                source.path
            ));
        }
    }
    in_line_order(crossings)
}

/// `crossings` (of one file) sorted by line.
fn in_line_order(mut crossings: Vec<String>) -> Vec<String> {
    crossings.sort_by_key(|c| c.split(':').nth(1).and_then(|n| n.parse::<usize>().ok()));
    crossings
}

/// The lines that name `feature = "<feature>"`.
fn lines_naming_feature(code: &str, feature: &str) -> Vec<usize> {
    let wanted = format!("feature=\"{feature}\"");
    code.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.split_whitespace()
                .collect::<String>()
                .contains(&wanted)
        })
        .map(|(number, _)| number + 1)
        .collect()
}

fn in_fake(source: &Source) -> bool {
    source.path.starts_with("fake/")
}

fn in_python(source: &Source) -> bool {
    source.path.starts_with("python/")
}

/// Fails listing every crossing, one per line.
fn assert_none(rule: &str, crossings: Vec<String>) {
    assert!(
        crossings.is_empty(),
        "{rule}:\n{}\n(see ARCHITECTURE.md)",
        crossings.join("\n")
    );
}

#[test]
fn the_fake_names_nothing_outside_itself() {
    let sources = sources();
    assert!(sources.iter().any(in_fake), "no src/fake/ found");
    let crossings = sources
        .iter()
        .filter(|s| in_fake(s))
        .flat_map(fake_crossings);
    assert_none(
        "the fake shares no code with the client",
        crossings.collect(),
    );
}

#[test]
fn the_client_names_nothing_of_the_fake() {
    let crossings = sources()
        .into_iter()
        .filter(|s| !in_fake(s) && !in_python(s))
        .flat_map(|s| client_crossings(&s));
    assert_none("the client does not use the fake", crossings.collect());
}

#[test]
fn the_core_knows_no_python() {
    let crossings = sources()
        .into_iter()
        .filter(|s| !in_python(s))
        .flat_map(|s| python_crossings(&s));
    assert_none("the core knows no Python", crossings.collect());
}

/// The checks themselves, on made-up files: each crossing is seen, named by file and
/// line; comments and lookalikes are not crossings.
#[test]
fn the_checks_see_each_crossing_and_nothing_else() {
    let source = |path: &str, text: &str| Source {
        path: path.into(),
        code: without_comments(text),
    };
    let fake = source(
        "fake/limits.rs",
        "//! Unlike [`crate::ratelimit`], this is the server's side.\n\
         use super::stats::Stats;\n\
         use crate::fake::json;\n\
         use crate::config::Secret;\n\
         let url = \"http://x\"; use super::super::redact;\n\
         /* crate::http */ use crate::{fake::a, error::Error};\n\
         mod tests { use super::*; }\n\
         #[path = \"../transport.rs\"] mod t;\n\
         use super::{super::auth};\n",
    );
    let crossings = fake_crossings(&fake);
    let lines: Vec<&str> = crossings
        .iter()
        .map(|c| c.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "src/fake/limits.rs:4",
            "src/fake/limits.rs:5",
            "src/fake/limits.rs:6",
            "src/fake/limits.rs:8",
            "src/fake/limits.rs:9",
        ],
        "{crossings:#?}"
    );
    assert!(crossings[0].contains("`crate::config`"), "{}", crossings[0]);

    let core = source(
        "client.rs",
        "//! Not pyo3, nor crate::fake.\n\
         let name = 'p'; let s = \"// not a comment\"; use pyo3_arrow::PyTable;\n\
         #[cfg(feature = \"python\")]\n\
         #[cfg(feature = \"fake\")] use crate::fake::FakeServer;\n\
         fn mypyo3() {}\n",
    );
    let python = python_crossings(&core);
    assert!(
        python.len() == 2 && python[0].starts_with("src/client.rs:2:"),
        "{python:#?}"
    );
    assert!(python[1].starts_with("src/client.rs:3:"), "{python:#?}");
    let fake = client_crossings(&core);
    assert!(
        fake.len() == 2 && fake.iter().all(|c| c.starts_with("src/client.rs:4:")),
        "{fake:#?}"
    );

    let root = source("lib.rs", "#[cfg(feature = \"python\")]\nmod python;\n");
    assert!(python_crossings(&root).is_empty());
    assert_eq!(depth_below_fake("fake/mod.rs"), 0);
    assert_eq!(depth_below_fake("fake/sub/mod.rs"), 1);
    assert_eq!(depth_below_fake("fake/sub/deep.rs"), 2);
}
