//! The demo data (`--demo` on an empty database): tenants `acme` and `globex`, their users
//! (all with password `switchboard`), a few dozen tickets each across every category,
//! priority and status, SLA policies with tickets due soon and breached, TEAM and TOURNAMENT
//! channels, and message history. Built through the store's own actions, so it holds
//! exactly what real use would.

use chrono::{TimeDelta, Utc};
use protocol::rest::{CreateChannelRequest, SendMessageRequest, UpdateTicketRequest};
use protocol::sla::PutSlaPolicyRequest;
use protocol::sla_clock::SlaEvent;
use protocol::{
    ChannelId, ChannelType, Role, TenantId, TicketCategory, TicketPriority, TicketStatus, UserId,
};

use crate::actor::Actor;
use crate::auth::password;
use crate::store::{NewUser, Store, StoreError};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "switchboard";

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing the password failed.
    #[error(transparent)]
    Hash(#[from] password::HashError),
}

/// The demo user who belongs to both tenants (a moderator in each).
pub const CONSULTANT: &str = "consultant@switchboard.test";

struct Person {
    email: &'static str,
    name: &'static str,
    role: Role,
}

const ACME: &[Person] = &[
    Person {
        email: "admin@acme.test",
        name: "Ada Admin",
        role: Role::OrgAdmin,
    },
    Person {
        email: "qm@acme.test",
        name: "Quinn Questions",
        role: Role::QuestionManager,
    },
    Person {
        email: "billing@acme.test",
        name: "Bill Ledger",
        role: Role::AccountOfficer,
    },
    Person {
        email: "inspector@acme.test",
        name: "Ines Pector",
        role: Role::Inspector,
    },
    Person {
        email: "mod@acme.test",
        name: "Mo Derator",
        role: Role::Moderator,
    },
    Person {
        email: "alice@acme.test",
        name: "Alice Archer",
        role: Role::Participant,
    },
    Person {
        email: "bob@acme.test",
        name: "Bob Baker",
        role: Role::Participant,
    },
    Person {
        email: "practice@acme.test",
        name: "Pat Practice",
        role: Role::PracticeUser,
    },
];

const GLOBEX: &[Person] = &[
    Person {
        email: "admin@globex.test",
        name: "Gina Globex",
        role: Role::OrgAdmin,
    },
    Person {
        email: "carol@globex.test",
        name: "Carol Chen",
        role: Role::Participant,
    },
];

/// Ticket subjects, with the category each belongs to.
const TICKETS: &[(TicketCategory, &str, &str)] = &[
    (
        TicketCategory::Technical,
        "Quiz timer froze at question 7",
        "The countdown stopped at 0:12 and never moved; I could not submit.",
    ),
    (
        TicketCategory::Billing,
        "Charged twice for the spring season",
        "My card shows two charges of 49.00 on the same day.",
    ),
    (
        TicketCategory::FeatureRequest,
        "Export results as CSV",
        "Our league secretary needs the round scores in a spreadsheet.",
    ),
    (
        TicketCategory::TournamentIssue,
        "Wrong bracket after round 2",
        "Team Owls should face the Foxes, not the Hares.",
    ),
    (
        TicketCategory::QuestionIssue,
        "Answer key wrong for Q14 (capitals)",
        "The key says Sydney; the capital of Australia is Canberra.",
    ),
    (
        TicketCategory::AccountAccess,
        "Locked out after password reset",
        "The reset link says it expired the moment I open it.",
    ),
    (
        TicketCategory::Other,
        "Can we rename our team mid-season?",
        "We merged with another club and want one name.",
    ),
    (
        TicketCategory::Technical,
        "Buzzer lag on mobile",
        "On Android the buzz registers about a second late.",
    ),
    (
        TicketCategory::Billing,
        "Invoice needs our VAT number",
        "Please reissue invoice 2026-114 with our VAT id.",
    ),
    (
        TicketCategory::TournamentIssue,
        "Match started without our captain",
        "The host started before the agreed time.",
    ),
    (
        TicketCategory::QuestionIssue,
        "Duplicate question in the history pack",
        "Q3 and Q27 are the same question worded differently.",
    ),
    (
        TicketCategory::AccountAccess,
        "Two-factor codes not arriving",
        "No SMS since I changed phones.",
    ),
];

const REPLIES: &[&str] = &[
    "Thanks for the report, looking into it now.",
    "Could you tell me which device and browser you were on?",
    "It happened again tonight, same question.",
    "I've reproduced it; a fix is on its way.",
    "Any update on this?",
    "Sorry for the wait — we've applied a fix, can you check?",
];

fn actor(user: UserId, tenant: TenantId, role: Role) -> Result<Actor, StoreError> {
    Actor::vouched(user, Some(tenant), role)
        .map_err(|_| StoreError::Conflict("demo actor without tenant".to_owned()))
}

/// Seeds the demo data. Returns `false` (and does nothing) unless the database is empty.
pub async fn seed(store: &Store) -> Result<bool, DemoError> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    // One hash for every demo user: they share the password anyway.
    let hash = password::hash_async(DEMO_PASSWORD.to_owned()).await?;
    store
        .create_user(NewUser {
            email: "root@switchboard.test".into(),
            name: "Root Operator".into(),
            password_hash: hash.clone(),
            is_super_admin: true,
        })
        .await?;
    let mut tenants = Vec::new();
    for (slug, name, people) in [
        ("acme", "Acme Quiz League", ACME),
        ("globex", "Globex Trivia", GLOBEX),
    ] {
        let tenant = store.create_tenant(slug, name).await?;
        tenants.push(tenant.id);
        let mut users = Vec::new();
        for person in people {
            let id = store
                .create_user(NewUser {
                    email: person.email.into(),
                    name: person.name.into(),
                    password_hash: hash.clone(),
                    is_super_admin: false,
                })
                .await?;
            store.add_membership(id, tenant.id, person.role).await?;
            users.push((id, person.role));
        }
        seed_tenant(store, tenant.id, &users).await?;
    }
    // A consultant moderating for both leagues: signing in asks which tenant.
    let consultant = store
        .create_user(NewUser {
            email: CONSULTANT.into(),
            name: "Cora Consultant".into(),
            password_hash: hash.clone(),
            is_super_admin: false,
        })
        .await?;
    for tenant in tenants {
        store
            .add_membership(consultant, tenant, Role::Moderator)
            .await?;
    }
    Ok(true)
}

async fn seed_tenant(
    store: &Store,
    tenant: TenantId,
    users: &[(UserId, Role)],
) -> Result<(), StoreError> {
    let admin = users
        .iter()
        .find(|(_, r)| *r == Role::OrgAdmin)
        .map(|(id, r)| actor(*id, tenant, *r))
        .transpose()?
        .ok_or(StoreError::NotFound("demo admin"))?;
    let customers: Vec<Actor> = users
        .iter()
        .filter(|(_, r)| !r.is_agent())
        .map(|(id, r)| actor(*id, tenant, *r))
        .collect::<Result<_, _>>()?;
    let agents: Vec<UserId> = users
        .iter()
        .filter(|(_, r)| r.is_agent())
        .map(|(id, _)| *id)
        .collect();
    let ticket_count = if users.len() > 4 { 36 } else { 24 };
    seed_sla_policies(store, &admin).await?;
    let mut waiting = Vec::new();
    for i in 0..ticket_count {
        let (category, subject, opening) = TICKETS[i % TICKETS.len()];
        let customer = &customers[i % customers.len()];
        let priority = TicketPriority::ALL[i % TicketPriority::ALL.len()];
        let channel = store
            .create_channel(
                customer,
                &CreateChannelRequest {
                    channel_type: ChannelType::Support,
                    participant_ids: None,
                    subject: Some(subject.to_owned()),
                    category: Some(category),
                    priority: Some(priority),
                    context_id: None,
                    initial_message: Some(opening.to_owned()),
                },
            )
            .await?;
        let replies = i % 4;
        for r in 0..replies {
            let author = if r % 2 == 0 { &admin } else { customer };
            send(store, author, channel.id, REPLIES[(i + r) % REPLIES.len()]).await?;
        }
        // Spread the tickets over every state.
        match i % 6 {
            0 => waiting.push((channel.id, priority)),
            1 => {
                store
                    .assign(&admin, channel.id, agents[i % agents.len()])
                    .await?;
            }
            2 => {
                store
                    .assign(&admin, channel.id, agents[i % agents.len()])
                    .await?;
                let status = [TicketStatus::PendingUser, TicketStatus::PendingAdmin][i % 2];
                store
                    .update_ticket(
                        &admin,
                        channel.id,
                        &UpdateTicketRequest {
                            status: Some(status),
                            ..Default::default()
                        },
                    )
                    .await?;
            }
            3 => {
                store
                    .escalate(
                        &admin,
                        channel.id,
                        "Needs the platform team: affects scoring.",
                    )
                    .await?;
            }
            4 => {
                store
                    .resolve(
                        &admin,
                        channel.id,
                        Some("Fixed and confirmed with the user."),
                    )
                    .await?;
            }
            _ => {
                store.resolve(&admin, channel.id, None).await?;
                store.archive(&admin, channel.id).await?;
            }
        }
    }
    seed_sla_clocks(store, &waiting).await?;
    // Rooms: the staff's team room and a tournament room everyone is in.
    let everyone: Vec<UserId> = users.iter().map(|(id, _)| *id).collect();
    for (channel_type, subject, members, lines) in [
        (
            ChannelType::Team,
            "Support team",
            agents.clone(),
            [
                "Morning all — queue is long today.",
                "I'll take the billing ones.",
            ],
        ),
        (
            ChannelType::Tournament,
            "Autumn Cup 2026",
            everyone,
            ["Round 3 starts at 19:00 sharp.", "Good luck everyone!"],
        ),
    ] {
        let room = store
            .create_channel(
                &admin,
                &CreateChannelRequest {
                    channel_type,
                    participant_ids: Some(members),
                    subject: Some(subject.to_owned()),
                    category: None,
                    priority: None,
                    context_id: None,
                    initial_message: None,
                },
            )
            .await?;
        for line in lines {
            send(store, &admin, room.id, line).await?;
        }
    }
    Ok(())
}

async fn send(
    store: &Store,
    actor: &Actor,
    channel: ChannelId,
    text: &str,
) -> Result<(), StoreError> {
    store
        .send_message(
            actor,
            channel,
            &SendMessageRequest {
                content: text.to_owned(),
                metadata: None,
                client_message_id: None,
                internal: None,
            },
        )
        .await?;
    Ok(())
}

/// Minutes to the first response, the next response and resolution, per priority.
const SLA_MINUTES: &[(TicketPriority, u32, u32, u32)] = &[
    (TicketPriority::Low, 480, 240, 4_320),
    (TicketPriority::Medium, 240, 120, 2_880),
    (TicketPriority::High, 60, 30, 1_440),
    (TicketPriority::Urgent, 15, 15, 480),
];

/// An SLA policy for every priority, around the clock.
async fn seed_sla_policies(store: &Store, admin: &Actor) -> Result<(), StoreError> {
    for (priority, first, next, resolution) in SLA_MINUTES {
        let request = PutSlaPolicyRequest {
            first_response_minutes: Some(*first),
            next_response_minutes: Some(*next),
            resolution_minutes: Some(*resolution),
            business_hours: None,
        };
        store.put_sla_policy(admin, *priority, &request).await?;
    }
    Ok(())
}

/// Some unanswered tickets opened earlier, so the queue shows clocks in every state: the
/// first due within ten minutes, the second breached an hour ago, the rest as opened.
async fn seed_sla_clocks(
    store: &Store,
    waiting: &[(ChannelId, TicketPriority)],
) -> Result<(), StoreError> {
    let now = Utc::now();
    for (k, (channel, priority)) in waiting.iter().take(2).enumerate() {
        let first = SLA_MINUTES
            .iter()
            .find(|(p, ..)| p == priority)
            .map_or(60, |(_, first, ..)| i64::from(*first));
        let opened = if k == 0 {
            now - TimeDelta::minutes(first - 8)
        } else {
            now - TimeDelta::minutes(first + 60)
        };
        store
            .replay_sla(*channel, &[(SlaEvent::Created, opened)], now)
            .await?;
    }
    Ok(())
}
