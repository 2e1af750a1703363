//! A queue row: what one line of the queue shows of a channel (not its participants, not a
//! whole message), and a window of rows in the view's order with the totals around it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::view::{last_activity, participant_name, QueueView};
use crate::{Channel, ChannelId, ChannelStatus, ChannelType, Message, Ticket, UserId};

/// How much of the last message a row keeps: more than a line shows.
pub const PREVIEW_CHARS: usize = 160;

/// The most rows one window holds.
pub const QUEUE_PAGE_MAX: u32 = 500;
/// The rows the console's queue asks for at once: those in view and a margin of a screen
/// or two.
pub const QUEUE_WINDOW_ROWS: u32 = 100;

/// The last message, as a row previews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowPreview {
    /// Its place in the channel (a newer one replaces it).
    pub seq: i64,
    /// Who wrote it.
    pub sender_id: UserId,
    /// Their name.
    pub sender: String,
    /// Its first [`PREVIEW_CHARS`] characters.
    pub text: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl RowPreview {
    /// The preview of `message`.
    pub fn of(message: &Message) -> Self {
        Self {
            seq: message.seq,
            sender_id: message.sender_id,
            sender: message.sender.name.clone(),
            text: message.content.chars().take(PREVIEW_CHARS).collect(),
            created_at: message.created_at,
        }
    }
}

/// One line of the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueRow {
    /// The channel.
    pub id: ChannelId,
    /// SUPPORT or TEAM.
    pub channel_type: ChannelType,
    /// Its status.
    pub status: ChannelStatus,
    /// Its subject.
    pub subject: Option<String>,
    /// Its ticket, without the resolution text.
    pub ticket: Option<Ticket>,
    /// Who holds it.
    pub assigned_to: Option<UserId>,
    /// Their name, when they take part.
    pub assignee: Option<String>,
    /// The last message.
    pub preview: Option<RowPreview>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// Its latest activity.
    pub activity: DateTime<Utc>,
    /// Messages the user has not read.
    pub unread_count: u32,
}

impl QueueRow {
    /// The row of `channel`.
    pub fn of(channel: &Channel) -> Self {
        Self {
            id: channel.id,
            channel_type: channel.channel_type,
            status: channel.status,
            subject: channel.subject.clone(),
            ticket: channel.ticket.as_ref().map(|ticket| Ticket {
                resolution: None,
                ..ticket.clone()
            }),
            assigned_to: channel.assigned_to,
            assignee: channel
                .assigned_to
                .and_then(|a| participant_name(channel, a))
                .map(str::to_owned),
            preview: channel.last_message.as_ref().map(RowPreview::of),
            created_at: channel.created_at,
            activity: last_activity(channel),
            unread_count: channel.unread_count,
        }
    }

    /// How the ticket is named: `#1042`; `None` for a team room or an unnumbered ticket.
    pub fn number_label(&self) -> Option<String> {
        self.ticket
            .as_ref()
            .filter(|t| t.number > 0)
            .map(|t| format!("#{}", t.number))
    }

    /// A message arrived in this channel: a newer one becomes the preview and the latest
    /// activity, and counts as unread when `unread`. Returns whether it was newer.
    pub fn message_arrived(&mut self, message: &Message, unread: bool) -> bool {
        let newer = self.preview.as_ref().is_none_or(|p| p.seq < message.seq);
        if newer {
            self.preview = Some(RowPreview::of(message));
            self.activity = self.activity.max(message.created_at);
            if unread {
                self.unread_count += 1;
            }
        }
        newer
    }
}

/// Which window of the queue to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuePageRequest {
    /// The filters and order.
    pub view: QueueView,
    /// How many rows of the order to skip.
    pub offset: u32,
    /// How many rows at most (up to [`QUEUE_PAGE_MAX`]).
    pub limit: u32,
}

impl QueuePageRequest {
    /// The window a console starts with: the default view's first rows.
    pub fn first() -> Self {
        Self {
            view: QueueView::default(),
            offset: 0,
            limit: QUEUE_WINDOW_ROWS,
        }
    }
}

/// A window of the queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuePage {
    /// Where the window starts in the order.
    pub offset: u32,
    /// Its rows, in order.
    pub rows: Vec<QueueRow>,
    /// How many channels match the filters.
    pub matching: u32,
    /// How many channels are cached.
    pub cached: u32,
}
