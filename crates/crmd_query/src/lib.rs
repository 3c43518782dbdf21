//! One query model that every dialect's filter syntax compiles into: boolean trees of
//! predicates over fields and relationships, multi-key sorts with the id as tie-break,
//! offset or keyset pages, and exact totals.
//!
//! [`check`] verifies a query against an object type (known fields, operators the type
//! supports, bounds) before a store compiles it to SQL. No IO.

mod check;
mod cursor;
mod error;
mod filter;

pub use check::{Limits, check, operator_allowed};
pub use cursor::Cursor;
pub use error::QueryError;
pub use filter::{Filter, Op, Page, Part, Query, RelatedOp, SortKey, Target, Trashed};
