//! The client's conversions of recorded response bodies, without a server: seams for
//! the tests that feed bodies (`tests/fuzz_parsers.rs`). Not part of the supported API.

pub use crate::resources::attendances_v1::v1_attendances_from_pages;
pub use crate::resources::attendances_v2::v2_attendances_from_pages;
pub use crate::resources::employees::table_from_pages;
pub use crate::resources::reports_v1::report_table_from_pages;
pub use crate::resources::reports_v2::v2_table_from_page;
