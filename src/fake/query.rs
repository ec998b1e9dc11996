//! Query strings of the report routes, read as Personio reads them.

/// The query pairs of a request.
pub(crate) fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Every value of a list parameter: `key=a,b`, `key=a&key=b` and `key[]=a`.
pub(crate) fn list_param(pairs: &[(String, String)], key: &str) -> Option<Vec<String>> {
    let mut found = None;
    for (k, v) in pairs {
        if k == key || k.strip_suffix("[]") == Some(key) {
            let list: &mut Vec<String> = found.get_or_insert_with(Vec::new);
            list.extend(
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    found
}

/// The last value of `key`, if any.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}
