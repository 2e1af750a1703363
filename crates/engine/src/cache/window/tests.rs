//! The window against the reference: random caches, views and windows, each window equal
//! to `QueueView::apply` over every cached channel, sliced, with its totals.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use protocol::queue::{Assignment, QueuePageRequest, QueueView, Sort, Tab};
use protocol::sla::TicketSla;
use protocol::{
    Channel, ChannelId, ChannelStatus, ChannelType, Participant, TicketCategory, TicketPriority,
    TicketStatus, UserId,
};
use uuid::Uuid;

use super::page;
use crate::cache::channels;

const WORDS: &[&str] = &["login", "Refund", "printer", "ÄRGER", "quinn", "1042", "#7"];

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
        .single()
        .expect("a valid time")
        + chrono::Duration::minutes(i64::from(minute))
}

fn me() -> UserId {
    UserId::from(Uuid::from_u128(1))
}

/// What varies between generated channels.
#[derive(Debug, Clone)]
struct Shape {
    support: bool,
    status: usize,
    priority: usize,
    category: usize,
    ticket_status: usize,
    /// 0 nobody, 1 me, 2 a colleague who takes part, 3 someone who does not.
    assignee: u8,
    subject: usize,
    message: Option<usize>,
    created: u32,
    updated: u32,
    activity: u32,
    number: i64,
    due: Option<u32>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        (
            any::<bool>(),
            0..4usize,
            0..4usize,
            0..5usize,
            0..4usize,
            0..4u8,
        ),
        (0..WORDS.len(), proptest::option::of(0..WORDS.len())),
        (
            0..6u32,
            0..6u32,
            0..6u32,
            0..9i64,
            proptest::option::of(0..4u32),
        ),
    )
        .prop_map(
            |(
                (support, status, priority, category, ticket_status, assignee),
                (subject, message),
                (created, updated, activity, number, due),
            )| Shape {
                support,
                status,
                priority,
                category,
                ticket_status,
                assignee,
                subject,
                message,
                created,
                updated,
                activity,
                number,
                due,
            },
        )
}

fn channel(shape: &Shape, index: usize) -> Channel {
    let mut channel: Channel = TEMPLATE.with(Clone::clone);
    channel.id = ChannelId::from(Uuid::from_u128(0xC000 + index as u128 * 7919 % 1000));
    channel.channel_type = if shape.support {
        ChannelType::Support
    } else {
        ChannelType::Team
    };
    channel.status = ChannelStatus::ALL[shape.status % ChannelStatus::ALL.len()];
    channel.subject = Some(format!("{} case", WORDS[shape.subject]));
    channel.created_at = at(shape.created);
    channel.updated_at = at(shape.updated);
    let colleague = UserId::from(Uuid::from_u128(2));
    let mut participants: Vec<Participant> = channel.participants.clone();
    for (id, name) in [(me(), "Morgan"), (colleague, "Quinn")] {
        let mut p = participants[0].clone();
        p.user_id = id;
        p.user.id = id;
        p.user.name = name.to_owned();
        participants.push(p);
    }
    channel.participants = participants;
    channel.assigned_to = match shape.assignee {
        0 => None,
        1 => Some(me()),
        2 => Some(colleague),
        _ => Some(UserId::from(Uuid::from_u128(3))),
    };
    channel.last_message = shape.message.map(|word| {
        let mut message = channel
            .last_message
            .clone()
            .expect("the fixture has a last message");
        message.channel_id = channel.id;
        message.content = format!("about {}", WORDS[word]);
        message.created_at = at(shape.activity);
        message
    });
    channel.ticket = if shape.support {
        channel.ticket.take().map(|mut ticket| {
            ticket.channel_id = channel.id;
            ticket.priority = TicketPriority::ALL[shape.priority];
            ticket.category = TicketCategory::ALL[shape.category % TicketCategory::ALL.len()];
            ticket.status = [
                TicketStatus::Open,
                TicketStatus::InProgress,
                TicketStatus::PendingUser,
                TicketStatus::Resolved,
            ][shape.ticket_status];
            ticket.number = shape.number;
            ticket.sla = shape.due.map(|due| TicketSla {
                first_response_due_at: Some(at(due)),
                ..TicketSla::default()
            });
            ticket
        })
    } else {
        None
    };
    channel
}

fn view() -> impl Strategy<Value = QueueView> {
    (
        prop_oneof![2 => Just(0usize), 1 => Just(1), 1 => Just(2)],
        proptest::option::weighted(0.2, 0..4usize),
        proptest::option::weighted(0.2, 0..4usize),
        proptest::option::weighted(0.2, 0..5usize),
        prop_oneof![3 => Just(0usize), 1 => Just(1), 1 => Just(2)],
        prop_oneof![
            2 => Just(Vec::new()),
            1 => proptest::collection::vec(0..WORDS.len() + 2, 1..3),
        ],
        0..4usize,
    )
        .prop_map(
            |(tab, status, priority, category, assignment, words, sort)| QueueView {
                tab: [Tab::All, Tab::Support, Tab::Team][tab],
                status: status.map(|s| ChannelStatus::ALL[s % ChannelStatus::ALL.len()]),
                priority: priority.map(|p| TicketPriority::ALL[p]),
                category: category.map(|c| TicketCategory::ALL[c % TicketCategory::ALL.len()]),
                assignment: [Assignment::Anyone, Assignment::Me, Assignment::Unassigned]
                    [assignment],
                text: words
                    .iter()
                    .map(|&w| match w.checked_sub(WORDS.len()) {
                        None => WORDS[w].to_uppercase(),
                        Some(0) => "#3".to_owned(),
                        Some(_) => "  ".to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                sort: [Sort::Activity, Sort::Priority, Sort::Age, Sort::Due][sort],
            },
        )
}

thread_local! {
    /// The fixture channel every generated one starts from.
    static TEMPLATE: Channel = serde_json::from_str(include_str!(
        "../../../../protocol/tests/fixtures/model/channel.json"
    ))
    .expect("the channel fixture");
}

/// The cache's schema in memory, emptied for each case (a file per case cost ~1 s each on a
/// busy disk). A static, never dropped: no connection closes while the test binary exits.
fn with_cache<T>(work: impl FnOnce(&rusqlite::Connection) -> T) -> T {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<rusqlite::Connection>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        let mut conn = rusqlite::Connection::open_in_memory().expect("an in-memory database");
        crate::cache::migrations::run(&mut conn).expect("the cache's schema");
        std::sync::Mutex::new(conn)
    });
    let conn = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    conn.execute("DELETE FROM channels", []).expect("emptied");
    work(&conn)
}

/// A random case: the cached channels' shapes, the view, the window asked for, and
/// whether someone is signed in (`Me` then means user 1).
fn case() -> impl Strategy<Value = (Vec<Shape>, QueueView, u32, u32, bool)> {
    (
        proptest::collection::vec(shape(), 0..40),
        view(),
        prop_oneof![Just(0u32), 0..15u32],
        1..25u32,
        any::<bool>(),
    )
}

/// Each case stores up to 40 channels and reads a window (~3 ms in a debug build): 1,000
/// cases, set here rather than by `PROPTEST_CASES` (which CI raises to 10,000 for the
/// protocol's cheap property tests, and which a `proptest!` block obeys).
#[test]
fn a_window_is_the_reference_order_sliced() {
    let config = ProptestConfig {
        cases: 1_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let outcome = runner.run(&case(), |(shapes, view, offset, limit, signed_in)| {
        with_cache(|conn| {
            let mut all: Vec<Channel> = shapes
                .iter()
                .enumerate()
                .map(|(i, s)| channel(s, i))
                .collect();
            all.sort_by_key(|c| c.id);
            all.dedup_by_key(|c| c.id);
            channels::upsert(conn, &all).expect("stored");
            let me = signed_in.then(me);

            let reference: Vec<ChannelId> = view.order(&all, me);
            let request = QueuePageRequest {
                view: view.clone(),
                offset,
                limit,
            };
            let window = page(conn, &request, me).expect("the window");

            let expected: Vec<ChannelId> = reference
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .copied()
                .collect();
            let got: Vec<ChannelId> = window.rows.iter().map(|r| r.id).collect();
            prop_assert_eq!(got, expected, "the rows of {:?}", view);
            prop_assert_eq!(window.matching as usize, reference.len());
            prop_assert_eq!(window.cached as usize, all.len());
            prop_assert_eq!(window.offset, offset);
            Ok(())
        })
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
