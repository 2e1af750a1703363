//! Room names, and who hears what: the rooms a socket joins for its role, and the rooms an
//! event about a channel goes to. The two agree with [`protocol::Visibility::allows`]: a
//! socket is in one of a channel's audience rooms exactly when its user may see the channel
//! (the unit tests hold them to it). Every socket is also in the room of its reader
//! audience, which a broadcast meant for agents alone leaves out.

use protocol::roles::VisibilityScope;
use protocol::{Channel, ChannelId, ChannelType, TenantId, TicketCategory, UserId};

use crate::actor::Actor;

/// Every socket of one user.
pub fn user(id: UserId) -> String {
    format!("user:{id}")
}

/// Every socket signed in to one tenant.
pub fn tenant(id: TenantId) -> String {
    format!("tenant:{id}")
}

/// The sockets that joined one channel.
pub fn channel(id: ChannelId) -> String {
    format!("channel:{id}")
}

/// A user's sockets signed in to one tenant: what a member of that tenant's channels hears
/// (a user of several tenants hears nothing of tenant B in a session of tenant A).
pub fn member(tenant: TenantId, user: UserId) -> String {
    format!("tenant:{tenant}:user:{user}")
}

/// A user's sockets in sessions over every tenant (super admins signed in without one).
fn anywhere(user: UserId) -> String {
    format!("all_tenants:user:{user}")
}

/// The rooms of a member of a channel of `tenant`.
fn member_rooms(tenant: TenantId, user: UserId) -> [String; 2] {
    [member(tenant, user), anywhere(user)]
}

/// The sockets of one reader audience: every socket is in exactly one of these.
pub fn readers(audience: protocol::Audience) -> &'static str {
    match audience {
        protocol::Audience::Agents => "readers:agents",
        protocol::Audience::Everyone => "readers:everyone",
    }
}

/// The reader rooms a broadcast meant for `audience` must leave out: those whose readers
/// it does not reach.
pub fn unreached(audience: protocol::Audience) -> Vec<&'static str> {
    protocol::Audience::ALL
        .into_iter()
        .filter(|reader| !audience.reaches(*reader))
        .map(readers)
        .collect()
}

/// Every super admin's sockets, whatever tenant they act in: escalations go here.
pub const SUPER_ADMINS: &str = "super_admins";

/// Sockets that see every channel of every tenant (super admins without a tenant).
const ALL_TENANTS: &str = "all_tenants";

/// Sockets that see every channel of one tenant.
fn whole_tenant(id: TenantId) -> String {
    format!("tenant:{id}:all")
}

/// Sockets that see one tenant's tickets of one category.
fn category(id: TenantId, category: TicketCategory) -> String {
    format!("tenant:{id}:category:{category}")
}

/// Sockets that see one tenant's channels of one type.
fn channel_type(id: TenantId, channel_type: ChannelType) -> String {
    format!("tenant:{id}:type:{channel_type}")
}

/// The rooms a socket of `actor` joins on connect.
pub fn of_actor(actor: &Actor) -> Vec<String> {
    let mut rooms = vec![user(actor.user_id()), readers(actor.audience()).to_owned()];
    let visibility = actor.role().visibility();
    if actor.role() == protocol::Role::SuperAdmin {
        rooms.push(SUPER_ADMINS.to_owned());
    }
    match actor.tenant_id() {
        None => {
            rooms.push(ALL_TENANTS.to_owned());
            rooms.push(anywhere(actor.user_id()));
        }
        Some(id) => {
            rooms.push(tenant(id));
            rooms.push(member(id, actor.user_id()));
            match visibility.scope {
                // A super admin signed in to one tenant follows that tenant.
                VisibilityScope::AllTenants | VisibilityScope::Tenant => {
                    rooms.push(whole_tenant(id));
                }
                VisibilityScope::Own => {
                    rooms.extend(
                        visibility
                            .ticket_categories
                            .iter()
                            .map(|c| category(id, *c)),
                    );
                    rooms.extend(
                        visibility
                            .channel_types
                            .iter()
                            .map(|t| channel_type(id, *t)),
                    );
                }
            }
        }
    }
    rooms
}

/// The rooms that hear about `channel` as it is now: whoever may see it, and whoever
/// joined it.
pub fn audience(channel: &Channel) -> Vec<String> {
    let tenant_id = channel.tenant_id;
    let mut rooms = vec![
        self::channel(channel.id),
        ALL_TENANTS.to_owned(),
        whole_tenant(tenant_id),
        channel_type(tenant_id, channel.channel_type),
    ];
    if let Some(ticket) = &channel.ticket {
        rooms.push(category(tenant_id, ticket.category));
    }
    rooms.extend(
        channel
            .participants
            .iter()
            .flat_map(|p| member_rooms(tenant_id, p.user_id)),
    );
    if let Some(assignee) = channel.assigned_to {
        rooms.extend(member_rooms(tenant_id, assignee));
    }
    rooms.sort();
    rooms.dedup();
    rooms
}

/// The rooms that hear a channel's new messages: its members and whoever joined it.
pub fn members(channel: ChannelId, tenant: TenantId, participants: &[UserId]) -> Vec<String> {
    let mut rooms = vec![self::channel(channel)];
    rooms.extend(participants.iter().flat_map(|p| member_rooms(tenant, *p)));
    rooms
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use protocol::roles::ChannelFacts;
    use protocol::{
        ChannelStatus, Participant, ParticipantRole, Role, SenderType, Ticket, TicketId,
        TicketPriority, TicketStatus, UserSummary,
    };
    use uuid::Uuid;

    use super::*;

    fn uuid() -> Uuid {
        Uuid::new_v4()
    }

    fn participant(id: UserId) -> Participant {
        Participant {
            user_id: id,
            user: UserSummary {
                id,
                email: "x@example.test".to_owned(),
                name: "X".to_owned(),
                role: Role::Participant,
            },
            user_type: SenderType::Participant,
            role: ParticipantRole::Member,
            joined_at: Utc::now(),
            last_read_at: None,
            last_read_seq: 0,
            notifications_enabled: true,
        }
    }

    fn channel(
        tenant: TenantId,
        channel_type: ChannelType,
        category: Option<TicketCategory>,
        participants: &[UserId],
        assignee: Option<UserId>,
    ) -> Channel {
        let id = ChannelId::from(uuid());
        Channel {
            id,
            tenant_id: tenant,
            channel_type,
            status: ChannelStatus::Active,
            context_id: None,
            subject: Some("s".to_owned()),
            created_by: UserId::from(uuid()),
            assigned_to: assignee,
            escalated_to: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            last_message: None,
            unread_count: 0,
            participants: participants.iter().map(|p| participant(*p)).collect(),
            ticket: category.map(|category| Ticket {
                id: TicketId::from(uuid()),
                number: 1,
                channel_id: id,
                subject: "s".to_owned(),
                category,
                priority: TicketPriority::Medium,
                status: TicketStatus::Open,
                assigned_to: assignee,
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

    /// Every role, in its tenant, another tenant, or (super admin) none, against channels
    /// of every type and category, as member, assignee or stranger: hearing about the
    /// channel ⇔ the reference rule lets the user see it.
    #[test]
    fn audiences_agree_with_the_visibility_rule() {
        let home = TenantId::from(uuid());
        let other = TenantId::from(uuid());
        let mut checked = 0;
        for role in Role::ALL.iter().copied() {
            let tenants: Vec<Option<TenantId>> = if role == Role::SuperAdmin {
                vec![None, Some(home)]
            } else {
                vec![Some(home)]
            };
            for session_tenant in tenants {
                let me = UserId::from(uuid());
                let Ok(actor) = Actor::vouched(me, session_tenant, role) else {
                    panic!("a valid actor");
                };
                let mine = of_actor(&actor);
                for channel_tenant in [home, other] {
                    for channel_type in ChannelType::ALL.iter().copied() {
                        let categories: Vec<Option<TicketCategory>> = if channel_type.has_ticket() {
                            TicketCategory::ALL.iter().copied().map(Some).collect()
                        } else {
                            vec![None]
                        };
                        for category in categories {
                            for (member, assignee) in [(false, false), (true, false), (false, true)]
                            {
                                let participants = if member {
                                    vec![me]
                                } else {
                                    vec![UserId::from(uuid())]
                                };
                                let assigned = assignee.then_some(me);
                                let channel = channel(
                                    channel_tenant,
                                    channel_type,
                                    category,
                                    &participants,
                                    assigned,
                                );
                                let facts = ChannelFacts::of(&channel, me, session_tenant);
                                let allowed = role.visibility().allows(&facts);
                                let hears =
                                    audience(&channel).iter().any(|room| mine.contains(room));
                                assert_eq!(
                                    hears, allowed,
                                    "{role} in {session_tenant:?}: {facts:?}"
                                );
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked >= 500, "{checked}");
    }

    /// Every socket is in its own reader room alone, and a broadcast meant for agents
    /// leaves out exactly the sockets of non-agents.
    #[test]
    fn agents_only_broadcasts_leave_out_every_non_agent() {
        let home = TenantId::from(uuid());
        for role in Role::ALL.iter().copied() {
            let Ok(actor) = Actor::vouched(UserId::from(uuid()), Some(home), role) else {
                panic!("a valid actor");
            };
            let mine = of_actor(&actor);
            let reader_rooms: Vec<&String> =
                mine.iter().filter(|r| r.starts_with("readers:")).collect();
            assert_eq!(reader_rooms.len(), 1, "{role}: {mine:?}");
            for meant_for in [protocol::Audience::Agents, protocol::Audience::Everyone] {
                let left_out = unreached(meant_for)
                    .iter()
                    .any(|room| mine.iter().any(|r| r == room));
                assert_eq!(
                    left_out,
                    !meant_for.reaches(actor.audience()),
                    "{role}, a broadcast for {meant_for:?}"
                );
            }
            assert_eq!(
                unreached(protocol::Audience::Agents)
                    .iter()
                    .any(|room| mine.iter().any(|r| r == room)),
                !role.is_agent(),
                "{role}"
            );
        }
    }
}
