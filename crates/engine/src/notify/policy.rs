//! What notifies, as pure functions over data, tested as a table.
//!
//! A new message notifies when it is in a channel the user sees (the only ones the engine
//! hears of), is not the user's own, is not in the channel on screen while the window has
//! focus, and the channel is not muted and do-not-disturb is off. A message in an URGENT
//! ticket and an assignment to the user always notify. Several notices of one channel
//! within a burst become one. A ticket's notice names its number (`#1042 Printer jam`),
//! and an internal note says it is one.

use std::collections::BTreeSet;

use protocol::{Channel, ChannelId, Message, SenderType, TicketPriority, UserId};

/// The longest preview of a message, in characters.
const PREVIEW: usize = 120;

/// What the user is doing, for the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The signed-in user.
    pub me: Option<UserId>,
    /// The channel on screen, if any.
    pub open_channel: Option<ChannelId>,
    /// Whether the window has focus.
    pub window_focused: bool,
    /// Channels muted by the user.
    pub muted: BTreeSet<ChannelId>,
    /// Do not disturb.
    pub do_not_disturb: bool,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// A message arrived in `channel`.
    Message {
        /// The channel, as cached.
        channel: &'a Channel,
        /// The message.
        message: &'a Message,
    },
    /// `channel` was assigned to `assignee`.
    Assigned {
        /// The channel.
        channel: &'a Channel,
        /// To whom.
        assignee: UserId,
    },
}

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The channel it opens.
    pub channel_id: ChannelId,
    /// The ticket's number and subject (`#1042 Printer jam`), or the channel's name.
    pub title: String,
    /// Who and what.
    pub body: String,
    /// Shown as critical.
    pub urgent: bool,
    /// How many events it stands for.
    pub count: u32,
}

/// A notice's title: the ticket's number and subject, or the channel's name.
pub fn title(channel: &Channel) -> String {
    let name = channel
        .subject
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("{} channel", channel.channel_type));
    // A platform that does not number tickets sends none (read as 0): no `#0`.
    match channel.ticket.as_ref().map(|t| t.number).filter(|&n| n > 0) {
        Some(number) => format!("#{number} {name}"),
        None => name,
    }
}

fn preview(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= PREVIEW {
        text
    } else {
        let cut: String = text.chars().take(PREVIEW - 1).collect();
        format!("{cut}…")
    }
}

fn is_urgent(channel: &Channel) -> bool {
    channel
        .ticket
        .as_ref()
        .is_some_and(|t| t.priority == TicketPriority::Urgent)
}

/// Whether `event` notifies, and how.
pub fn decide(context: &Context, event: &Event<'_>) -> Option<Notice> {
    match event {
        Event::Assigned { channel, assignee } => (context.me == Some(*assignee)).then(|| Notice {
            channel_id: channel.id,
            title: title(channel),
            body: "Assigned to you".to_owned(),
            urgent: is_urgent(channel),
            count: 1,
        }),
        Event::Message { channel, message } => {
            if context.me == Some(message.sender_id) && message.sender_type != SenderType::System {
                return None;
            }
            if message.sender_type == SenderType::System {
                // The platform's own notes (assigned, resolved …) are shown as the channel
                // changing; assignment to me notifies through `Assigned`.
                return None;
            }
            let urgent = is_urgent(channel);
            if !urgent {
                let on_screen = context.window_focused && context.open_channel == Some(channel.id);
                if on_screen || context.muted.contains(&channel.id) || context.do_not_disturb {
                    return None;
                }
            }
            Some(Notice {
                channel_id: channel.id,
                title: title(channel),
                body: format!(
                    "{}{}: {}",
                    message.sender.name,
                    if message.internal {
                        " (internal note)"
                    } else {
                        ""
                    },
                    preview(&message.content)
                ),
                urgent,
                count: 1,
            })
        }
    }
}

/// Groups a burst: the notices of one channel become one (the latest text, and a count),
/// in the order their channels first appeared.
pub fn group(notices: Vec<Notice>) -> Vec<Notice> {
    let mut grouped: Vec<Notice> = Vec::new();
    for notice in notices {
        match grouped
            .iter_mut()
            .find(|n| n.channel_id == notice.channel_id)
        {
            Some(existing) => {
                existing.count += notice.count;
                existing.urgent |= notice.urgent;
                existing.body =
                    format!("{} new messages — latest: {}", existing.count, notice.body);
            }
            None => grouped.push(notice),
        }
    }
    grouped
}
