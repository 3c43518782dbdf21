//! The envelopes of notes, tasks, meetings, lists and members, pinned as golden files:
//! the meeting's extra keys, the list without relationships, the member's fixed shape.

use crate::support::{Lf, golden, show};
use serde_json::json;

#[tokio::test]
async fn envelopes_of_the_other_standard_types() {
    let lf = Lf::new().await;
    let account = lf
        .create("/v1/accounts", json!({"fields": {"$name": "Acme"}}))
        .await;

    let note = lf
        .post(
            "/v1/notes",
            json!({"fields": {"$title": "Call", "$content": "went *well*"},
                   "relationships": {"$account": account}}),
        )
        .await;
    golden!("note_created", show(&note));

    let task = lf
        .post(
            "/v1/tasks",
            json!({"fields": {"$title": "Follow up", "$status": "IN_PROGRESS"},
                   "relationships": {"$assignedTo": "1", "$account": account}}),
        )
        .await;
    golden!("task_created", show(&task));

    let meeting = lf
        .post(
            "/v1/meetings",
            json!({"fields": {"$title": "Kickoff", "$startDate": "2026-01-05T09:00:00Z",
                              "$endDate": "2026-01-05T10:00:00Z",
                              "$attendeeEmails": ["ada@example.com"]}}),
        )
        .await;
    golden!("meeting_created", show(&meeting));

    let list = lf
        .post(
            "/v1/lists",
            json!({"fields": {"$name": "Targets", "$objectType": "account"},
                   "relationships": {"$accounts": [account]}}),
        )
        .await;
    golden!("list_created", show(&list));
    let list_id = list.body["id"].as_str().unwrap().to_owned();
    let members = lf.get(&format!("/v1/lists/{list_id}/accounts")).await;
    assert_eq!(members.status, 200);
    assert_eq!(members.body["totalCount"], 1);
    assert_eq!(members.body["data"][0]["id"], account.as_str());

    let member = lf.get("/v1/members/1").await;
    golden!("member_retrieved", show(&member));
}
