//! Warnings before an SLA breach, as a table: which tickets warn, for whom, within the
//! window, and what do-not-disturb and muting do; and that the cache shows each once.

use std::collections::BTreeSet;

use chrono::{TimeDelta, Utc};
use engine::cache::{sla_warnings, Cache};
use engine::notify::sla_warning::{notices, warnings, SEPARATE_MAX};
use engine::notify::Context;
use protocol::sla::{SlaKind, TicketSla};
use protocol::{
    Channel, ChannelId, ChannelStatus, ChannelType, Role, TenantId, Ticket, TicketCategory,
    TicketId, TicketPriority, TicketStatus, UserId,
};
use uuid::Uuid;

fn ticket(priority: TicketPriority, status: TicketStatus, due_in: i64) -> Channel {
    let id = ChannelId::from(Uuid::new_v4());
    let now = Utc::now();
    Channel {
        id,
        tenant_id: TenantId::from(Uuid::nil()),
        channel_type: ChannelType::Support,
        status: ChannelStatus::Active,
        context_id: None,
        subject: Some("Buzzer lag".to_owned()),
        created_by: UserId::from(Uuid::new_v4()),
        assigned_to: None,
        escalated_to: None,
        created_at: now,
        updated_at: now,
        last_message: None,
        unread_count: 0,
        participants: Vec::new(),
        ticket: Some(Ticket {
            id: TicketId::from(Uuid::new_v4()),
            number: 12,
            channel_id: id,
            subject: "Buzzer lag".to_owned(),
            category: TicketCategory::Technical,
            priority,
            status,
            assigned_to: None,
            escalated_at: None,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
            created_at: now,
            updated_at: now,
            sla: Some(TicketSla {
                first_response_due_at: Some(now + TimeDelta::minutes(due_in)),
                ..TicketSla::default()
            }),
        }),
    }
}

const WINDOW: TimeDelta = TimeDelta::minutes(15);

fn warned(context: &Context, role: Role, channel: &Channel) -> bool {
    !warnings(
        context,
        role,
        std::slice::from_ref(channel),
        Utc::now(),
        WINDOW,
    )
    .is_empty()
}

#[test]
fn a_ticket_warns_within_the_window_for_its_holder_the_unassigned_and_admins() {
    let me = UserId::from(Uuid::new_v4());
    let context = Context {
        me: Some(me),
        ..Context::default()
    };
    let soon = ticket(TicketPriority::High, TicketStatus::Open, 10);
    let found = warnings(
        &context,
        Role::QuestionManager,
        std::slice::from_ref(&soon),
        Utc::now(),
        WINDOW,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, SlaKind::FirstResponse);
    assert_eq!(found[0].notice.title, "#12 Buzzer lag");
    assert!(
        found[0].notice.body.starts_with("First response due in "),
        "{}",
        found[0].notice.body
    );
    // Outside the window, past due, paused or resolved: nothing.
    for (status, due_in) in [
        (TicketStatus::Open, 16),
        (TicketStatus::Open, -1),
        (TicketStatus::PendingUser, 10),
        (TicketStatus::Resolved, 10),
        (TicketStatus::Closed, 10),
    ] {
        let channel = ticket(TicketPriority::High, status, due_in);
        assert!(
            !warned(&context, Role::OrgAdmin, &channel),
            "{status:?} due in {due_in}"
        );
    }
    // Someone else's ticket: only an admin hears of it.
    let mut theirs = soon.clone();
    theirs.assigned_to = Some(UserId::from(Uuid::new_v4()));
    assert!(!warned(&context, Role::QuestionManager, &theirs));
    assert!(warned(&context, Role::OrgAdmin, &theirs));
    let mut mine = soon.clone();
    mine.assigned_to = Some(me);
    assert!(warned(&context, Role::QuestionManager, &mine));
}

#[test]
fn do_not_disturb_and_muting_silence_all_but_urgent_tickets() {
    let soon = ticket(TicketPriority::High, TicketStatus::Open, 5);
    let urgent = ticket(TicketPriority::Urgent, TicketStatus::Open, 5);
    let quiet = Context {
        do_not_disturb: true,
        ..Context::default()
    };
    assert!(!warned(&quiet, Role::OrgAdmin, &soon));
    assert!(warned(&quiet, Role::OrgAdmin, &urgent));
    let muted = Context {
        muted: BTreeSet::from([soon.id, urgent.id]),
        ..Context::default()
    };
    assert!(!warned(&muted, Role::OrgAdmin, &soon));
    assert!(warned(&muted, Role::OrgAdmin, &urgent));
}

#[tokio::test]
async fn the_cache_shows_each_warning_once_and_a_new_due_time_again() {
    let dir = std::env::temp_dir().join(format!("sb-sla-warnings-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let cache = Cache::open(&dir.join("cache.db")).expect("a cache");
    let channel = ChannelId::from(Uuid::new_v4());
    let due = Utc::now();
    let mark = |due| {
        let cache = cache.clone();
        async move {
            cache
                .write(move |tx| sla_warnings::mark_shown(tx, channel, SlaKind::FirstResponse, due))
                .await
                .expect("written")
        }
    };
    assert!(mark(due).await, "first time");
    assert!(!mark(due).await, "once");
    assert!(
        mark(due + TimeDelta::minutes(30)).await,
        "a new due time warns again"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_few_warnings_show_each_and_many_show_as_one_summary_naming_the_soonest() {
    let admin = Context::default();
    let due_in = [14, 3, 9, 12, 6];
    let channels: Vec<Channel> = due_in
        .iter()
        .enumerate()
        .map(|(n, minutes)| {
            let priority = if n == 4 {
                TicketPriority::Urgent
            } else {
                TicketPriority::Low
            };
            ticket(priority, TicketStatus::Open, *minutes)
        })
        .collect();
    let found = |count: usize| {
        warnings(
            &admin,
            Role::OrgAdmin,
            &channels[..count],
            Utc::now(),
            WINDOW,
        )
    };

    let few = notices(found(SEPARATE_MAX));
    assert_eq!(few.len(), SEPARATE_MAX, "{few:?}");
    assert!(few.iter().all(|notice| notice.count == 1));

    let many = notices(found(5));
    assert_eq!(many.len(), 1, "{many:?}");
    let summary = &many[0];
    assert_eq!(summary.count, 5);
    assert_eq!(summary.title, "5 SLA deadlines coming up");
    // It opens the soonest ticket, names the three soonest first and counts the rest.
    assert_eq!(summary.channel_id, channels[1].id);
    let lines: Vec<&str> = summary.body.lines().collect();
    assert_eq!(lines.len(), 4, "{}", summary.body);
    assert!(lines[0].contains("due in 2 min") || lines[0].contains("due in 3 min"));
    assert!(lines[1].contains("due in 5 min") || lines[1].contains("due in 6 min"));
    assert!(lines[2].contains("due in 8 min") || lines[2].contains("due in 9 min"));
    assert_eq!(lines[3], "and 2 more");
    // One urgent ticket among them makes the summary urgent.
    assert!(summary.urgent);
}
