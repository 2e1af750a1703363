//! SLA policies through the engine: an admin replaces one and every agent reads it back; a
//! bad request is refused before it leaves, naming its field as the platform would; an
//! agent who is no admin is forbidden; offline says the policies need the platform.

use engine::Error;
use protocol::sla::{BusinessDay, BusinessHours, PutSlaPolicyRequest};
use protocol::TicketPriority;

use crate::support::{Home, Platform};

fn weekdays(time_zone: &str) -> BusinessHours {
    BusinessHours {
        time_zone: time_zone.to_owned(),
        days: (1..=5)
            .map(|weekday| BusinessDay {
                weekday,
                start: "09:00".to_owned(),
                end: "17:30".to_owned(),
            })
            .collect(),
    }
}

fn fields(error: &Error) -> Vec<String> {
    match error {
        Error::Invalid { fields } => fields.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected an invalid request, got {other}"),
    }
}

#[tokio::test]
async fn an_admin_replaces_a_policy_and_agents_read_it_back() {
    let mut platform = Platform::start().await;
    let home = Home::new();
    let admin = home.signed_in("admin", &platform, "admin@acme.test").await;
    let moderator = home.signed_in("mod", &platform, "mod@acme.test").await;

    let request = PutSlaPolicyRequest {
        first_response_minutes: Some(30),
        next_response_minutes: None,
        resolution_minutes: Some(480),
        business_hours: Some(weekdays("Europe/Berlin")),
    };
    let saved = admin
        .put_sla_policy(TicketPriority::Urgent, request.clone())
        .await
        .expect("an admin replaces the policy");
    assert_eq!(saved.priority, TicketPriority::Urgent);
    assert_eq!(saved.first_response_minutes, Some(30));
    assert_eq!(
        saved.next_response_minutes, None,
        "what is left out is cleared"
    );
    assert_eq!(saved.business_hours, request.business_hours);

    let listed = moderator.sla_policies().await.expect("an agent reads them");
    let urgent = listed
        .iter()
        .find(|p| p.priority == TicketPriority::Urgent)
        .expect("the urgent policy is listed");
    assert_eq!(urgent, &saved);
    assert_eq!(listed.len(), 4, "the demo data has one per priority");

    // Refused before it leaves, named as the platform names it.
    let mut bad = request.clone();
    bad.first_response_minutes = Some(0);
    bad.business_hours = Some(weekdays("Mars/Olympus_Mons"));
    let refused = admin
        .put_sla_policy(TicketPriority::Urgent, bad)
        .await
        .expect_err("a bad request is refused");
    assert_eq!(
        fields(&refused),
        ["firstResponseMinutes", "businessHours.timeZone"]
    );

    let forbidden = moderator
        .put_sla_policy(TicketPriority::Low, request.clone())
        .await
        .expect_err("a moderator edits no policy");
    assert!(matches!(forbidden, Error::Forbidden(_)), "{forbidden}");

    platform.stop().await;
    let offline = admin
        .sla_policies()
        .await
        .expect_err("the policies are on the platform");
    assert!(
        matches!(&offline, Error::Offline(why) if why.contains("SLA policies")),
        "{offline}"
    );
}
