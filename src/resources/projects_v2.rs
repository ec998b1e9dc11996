//! Project names from `GET /v2/projects` (a v2 attendance period names only its
//! project's id), read through the cursor pipeline like any v2 listing.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use crate::error::Result;
use crate::paginate::{id_text, Claim, Page};
use crate::pipeline::{read_cursor_pages, CursorSource};
use crate::transport::{Api, Request, Response, Transport};

const PROJECTS_PATH: &str = "/v2/projects";
const PAGE_SIZE: usize = 100;

/// Every project as `(id, name)`, ids as sent (text stays text: `"0815"`).
pub(super) async fn project_names(transport: &Transport) -> Result<Vec<(String, Option<String>)>> {
    let pages = read_cursor_pages(transport, Api::V2, Arc::new(ProjectPages)).await?;
    Ok(pages.into_iter().flat_map(|page| page.content).collect())
}

struct ProjectPages;

impl CursorSource for ProjectPages {
    type Content = Vec<(String, Option<String>)>;

    fn first_request(&self) -> Request {
        Request::get(
            PROJECTS_PATH,
            vec![("limit".to_string(), PAGE_SIZE.to_string())],
        )
    }

    fn convert(&self, body: Bytes, request: &Request) -> Result<Page<Self::Content>> {
        let json = Response::of(body).json(request)?;
        let projects = json
            .get("_data")
            .and_then(Value::as_array)
            .ok_or_else(|| request.invalid_response("expected {\"_data\": [project, ...]}"))?;
        let text = |value: Option<&Value>| match value {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let named = projects
            .iter()
            .filter_map(|p| Some((text(p.get("id"))?, text(p.get("name")))))
            .collect();
        Ok(Page {
            len: projects.len(),
            claim: Claim::default(),
            ids: projects
                .iter()
                .map(|p| p.get("id").and_then(id_text))
                .collect(),
            content: named,
        })
    }
}
