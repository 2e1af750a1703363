//! The queue's filters and order: `protocol::queue`'s, which the engine answers windows by.

pub use protocol::queue::*;

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use protocol::{
        Message, MessageId, Participant, ParticipantRole, Role, SenderType, TenantId, Ticket,
        TicketId, TicketStatus, UserSummary,
    };
    use uuid::Uuid;

    use protocol::{Channel, ChannelStatus, ChannelType, TicketCategory, TicketPriority, UserId};

    pub(crate) fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, minute, 0)
            .single()
            .expect("a valid time")
    }

    pub(crate) fn user(name: &str) -> UserSummary {
        UserSummary {
            id: UserId::from(Uuid::new_v4()),
            email: format!("{name}@acme.test"),
            name: name.to_owned(),
            role: Role::Participant,
        }
    }

    pub(crate) fn channel(
        kind: ChannelType,
        subject: &str,
        priority: TicketPriority,
        created: u32,
        active: u32,
    ) -> Channel {
        let id = protocol::ChannelId::from(Uuid::new_v4());
        let author = user("alice");
        Channel {
            id,
            tenant_id: TenantId::from(Uuid::nil()),
            channel_type: kind,
            status: ChannelStatus::Active,
            context_id: None,
            subject: Some(subject.to_owned()),
            created_by: author.id,
            assigned_to: None,
            escalated_to: None,
            created_at: at(created),
            updated_at: at(created),
            last_message: Some(Message {
                id: MessageId::from(Uuid::new_v4()),
                channel_id: id,
                sender_id: author.id,
                sender_type: SenderType::Participant,
                sender: author.clone(),
                content: format!("about {subject}"),
                metadata: None,
                client_message_id: None,
                created_at: at(active),
                edited_at: None,
                seq: 1,
                internal: false,
            }),
            unread_count: 0,
            participants: vec![Participant {
                user_id: author.id,
                user: author,
                user_type: SenderType::Participant,
                role: ParticipantRole::Member,
                joined_at: at(created),
                last_read_at: None,
                last_read_seq: 0,
                notifications_enabled: true,
            }],
            ticket: (kind == ChannelType::Support).then(|| Ticket {
                id: TicketId::from(Uuid::new_v4()),
                number: 1,
                channel_id: id,
                subject: subject.to_owned(),
                category: TicketCategory::Technical,
                priority,
                status: TicketStatus::Open,
                assigned_to: None,
                escalated_at: None,
                resolved_at: None,
                resolved_by: None,
                resolution: None,
                created_at: at(created),
                updated_at: at(created),
                sla: None,
            }),
        }
    }
}
