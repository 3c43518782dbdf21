//! The route table, as a snapshot: adding or dropping an endpoint shows in review.

use crate::support::golden;

#[test]
fn route_table() {
    golden!("route_table", crmd_dialect_outreach::route_table());
}
