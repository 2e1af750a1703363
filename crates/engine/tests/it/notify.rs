//! Notifications: the policy as a table, and one real notification through a real
//! notification daemon on the session bus (dunst, under `cargo xtask test`).

use std::time::Duration;

use chrono::Utc;
use engine::notify::{decide, group, Context, Event, Notice, Notifier};
use protocol::{
    Channel, ChannelId, ChannelStatus, ChannelType, Message, MessageId, Role, SenderType, TenantId,
    Ticket, TicketCategory, TicketId, TicketPriority, TicketStatus, UserId, UserSummary,
};
use tokio::io::{AsyncBufReadExt, BufReader};
use uuid::Uuid;

fn user(name: &str) -> UserSummary {
    UserSummary {
        id: UserId::from(Uuid::new_v4()),
        email: format!("{name}@acme.test"),
        name: name.to_owned(),
        role: Role::Participant,
    }
}

fn channel(priority: TicketPriority) -> Channel {
    let id = ChannelId::from(Uuid::new_v4());
    Channel {
        id,
        tenant_id: TenantId::from(Uuid::new_v4()),
        channel_type: ChannelType::Support,
        status: ChannelStatus::Active,
        context_id: None,
        subject: Some("Scores vanished".to_owned()),
        created_by: UserId::from(Uuid::new_v4()),
        assigned_to: None,
        escalated_to: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        last_message: None,
        unread_count: 0,
        participants: Vec::new(),
        ticket: Some(Ticket {
            id: TicketId::from(Uuid::new_v4()),
            number: 1,
            channel_id: id,
            subject: "Scores vanished".to_owned(),
            category: TicketCategory::Technical,
            priority,
            status: TicketStatus::Open,
            assigned_to: None,
            escalated_at: None,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            sla: None,
        }),
    }
}

fn message(
    channel: &Channel,
    sender: &UserSummary,
    sender_type: SenderType,
    text: &str,
) -> Message {
    Message {
        id: MessageId::from(Uuid::new_v4()),
        channel_id: channel.id,
        sender_id: sender.id,
        sender_type,
        sender: sender.clone(),
        content: text.to_owned(),
        metadata: None,
        client_message_id: None,
        created_at: Utc::now(),
        edited_at: None,
        seq: 2,
        internal: false,
    }
}

#[test]
fn the_policy_table() {
    let me = user("me");
    let alice = user("Alice");
    let normal = channel(TicketPriority::Medium);
    let urgent = channel(TicketPriority::Urgent);
    let base = Context {
        me: Some(me.id),
        ..Context::default()
    };
    let on_screen = |c: &Channel| Context {
        open_channel: Some(c.id),
        window_focused: true,
        ..base.clone()
    };
    let muted = |c: &Channel| Context {
        muted: [c.id].into(),
        ..base.clone()
    };
    let dnd = Context {
        do_not_disturb: true,
        ..base.clone()
    };
    let behind = |c: &Channel| Context {
        open_channel: Some(c.id),
        window_focused: false,
        ..base.clone()
    };
    let from_alice = message(
        &normal,
        &alice,
        SenderType::Participant,
        "Hello, the scores are gone",
    );
    let from_me = message(&normal, &me, SenderType::TenantAdmin, "Looking into it");
    let system = message(&normal, &alice, SenderType::System, "Alice resolved this.");
    let urgent_from_alice = message(&urgent, &alice, SenderType::Participant, "Still broken!");

    #[rustfmt::skip]
    let table: Vec<(&str, Context, Event<'_>, bool)> = vec![
        ("someone else's message", base.clone(), Event::Message { channel: &normal, message: &from_alice }, true),
        ("my own message", base.clone(), Event::Message { channel: &normal, message: &from_me }, false),
        ("the platform's own note", base.clone(), Event::Message { channel: &normal, message: &system }, false),
        ("in the channel on screen, focused", on_screen(&normal), Event::Message { channel: &normal, message: &from_alice }, false),
        ("in the channel on screen, window behind", behind(&normal), Event::Message { channel: &normal, message: &from_alice }, true),
        ("another channel than the one on screen", on_screen(&urgent), Event::Message { channel: &normal, message: &from_alice }, true),
        ("muted", muted(&normal), Event::Message { channel: &normal, message: &from_alice }, false),
        ("do not disturb", dnd.clone(), Event::Message { channel: &normal, message: &from_alice }, false),
        ("urgent, muted", muted(&urgent), Event::Message { channel: &urgent, message: &urgent_from_alice }, true),
        ("urgent, do not disturb", dnd.clone(), Event::Message { channel: &urgent, message: &urgent_from_alice }, true),
        ("urgent, on screen", on_screen(&urgent), Event::Message { channel: &urgent, message: &urgent_from_alice }, true),
        ("assigned to me", dnd.clone(), Event::Assigned { channel: &normal, assignee: me.id }, true),
        ("assigned to someone else", base.clone(), Event::Assigned { channel: &normal, assignee: alice.id }, false),
    ];
    for (case, context, event, notifies) in &table {
        assert_eq!(decide(context, event).is_some(), *notifies, "{case}");
    }

    let notice = decide(
        &base,
        &Event::Message {
            channel: &normal,
            message: &from_alice,
        },
    )
    .expect("a notice");
    assert_eq!(
        notice.title, "#1 Scores vanished",
        "a ticket is named by its number"
    );
    assert_eq!(notice.body, "Alice: Hello, the scores are gone");
    let mut numbered = normal.clone();
    if let Some(ticket) = numbered.ticket.as_mut() {
        ticket.number = 1042;
    }
    let mut note = message(
        &numbered,
        &alice,
        SenderType::TenantAdmin,
        "Refund approved",
    );
    note.internal = true;
    let note_notice = decide(
        &base,
        &Event::Message {
            channel: &numbered,
            message: &note,
        },
    )
    .expect("a notice");
    assert_eq!(note_notice.title, "#1042 Scores vanished");
    assert_eq!(note_notice.body, "Alice (internal note): Refund approved");
    let assigned = decide(
        &base,
        &Event::Assigned {
            channel: &numbered,
            assignee: me.id,
        },
    )
    .expect("a notice");
    assert_eq!(assigned.title, "#1042 Scores vanished");
    let mut unnumbered = normal.clone();
    if let Some(ticket) = unnumbered.ticket.as_mut() {
        ticket.number = 0;
    }
    let old = decide(
        &base,
        &Event::Message {
            channel: &unnumbered,
            message: &from_alice,
        },
    )
    .expect("a notice");
    assert_eq!(old.title, "Scores vanished", "no #0 from an older platform");
    let urgent_notice = decide(
        &dnd,
        &Event::Message {
            channel: &urgent,
            message: &urgent_from_alice,
        },
    )
    .expect("a notice");
    assert!(urgent_notice.urgent);
}

#[test]
fn a_burst_of_one_channel_becomes_one_notice() {
    let alice = user("Alice");
    let one = channel(TicketPriority::Low);
    let two = channel(TicketPriority::Low);
    let context = Context::default();
    let notices: Vec<Notice> = ["a", "b", "c"]
        .iter()
        .map(|text| message(&one, &alice, SenderType::Participant, text))
        .chain([message(&two, &alice, SenderType::Participant, "elsewhere")])
        .filter_map(|m| {
            let channel = if m.channel_id == one.id { &one } else { &two };
            decide(
                &context,
                &Event::Message {
                    channel,
                    message: &m,
                },
            )
        })
        .collect();
    let grouped = group(notices);
    assert_eq!(grouped.len(), 2);
    assert_eq!(grouped[0].count, 3);
    assert_eq!(grouped[0].body, "3 new messages — latest: Alice: c");
    assert_eq!(grouped[1].count, 1);
}

#[tokio::test]
async fn a_notice_reaches_the_real_notification_daemon_on_the_session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no session bus: run the tests with `cargo xtask test` (dbus-run-session with dunst)"
    );
    // Watch the bus for the Notify call itself.
    let mut monitor = tokio::process::Command::new("dbus-monitor")
        .args([
            "--session",
            "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
        ])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("dbus-monitor runs");
    let mut lines = BufReader::new(monitor.stdout.take().expect("its output")).lines();
    // It announces itself (NameAcquired) once it is listening.
    tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("dbus-monitor starts")
        .expect("its output");

    let notifier = Notifier;
    let daemon = notifier
        .daemon()
        .await
        .expect("a notification daemon answers");
    assert!(!daemon.is_empty());
    let subject = format!("Switchboard test {}", Uuid::new_v4().simple());
    let notice = Notice {
        channel_id: ChannelId::from(Uuid::new_v4()),
        title: subject.clone(),
        body: "Alice: the scores are gone".to_owned(),
        urgent: false,
        count: 1,
    };
    let shown = notifier.show(&notice).await.expect("the daemon took it");
    assert!(shown.id > 0);
    let seen = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains(&subject) {
                return true;
            }
        }
        false
    })
    .await
    .expect("the Notify call was seen in time");
    assert!(
        seen,
        "dbus-monitor saw the Notify call carrying the subject"
    );
    println!("notification {} shown by {daemon}", shown.id);
}
