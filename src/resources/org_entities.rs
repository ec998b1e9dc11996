//! The company's cost centers, legal entities and workplaces, one row each, ids as
//! text as v2 sends them:
//!
//! | read | listing | columns |
//! |---|---|---|
//! | cost centers | `GET /v2/cost-centers` | `id`, `name` (observed: `{"id":"9001","name":"Sales DE"}`) |
//! | legal entities | `GET /v2/legal-entities` | `id`, `name`, `country` (fields unconfirmed) |
//! | workplaces | `GET /v2/workplaces` | `id`, `name` (unconfirmed) |
//!
//! A field an item lacks is null; fields not listed here are not read.

use super::v2_listing::{Field, Listing};

const ID_AND_NAME: &[Field] = &[Field::text("id", "/id"), Field::text("name", "/name")];
const LEGAL_ENTITY: &[Field] = &[
    Field::text("id", "/id"),
    Field::text("name", "/name"),
    Field::text("country", "/country"),
];

/// `GET /v2/cost-centers`.
pub fn cost_centers() -> Listing {
    Listing {
        path: "/v2/cost-centers",
        query: Vec::new(),
        fields: ID_AND_NAME,
    }
}

/// `GET /v2/legal-entities`.
pub fn legal_entities() -> Listing {
    Listing {
        path: "/v2/legal-entities",
        query: Vec::new(),
        fields: LEGAL_ENTITY,
    }
}

/// `GET /v2/workplaces`.
pub fn workplaces() -> Listing {
    Listing {
        path: "/v2/workplaces",
        query: Vec::new(),
        fields: ID_AND_NAME,
    }
}
