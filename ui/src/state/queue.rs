//! The queue's part of the app state: a window, not the whole cache. The engine answers the
//! rows in view (and a margin) for the view, with the totals; live changes patch the rows
//! held here at once (a new message shows in its row before the engine answers again) and
//! mark the window stale, so the queue pane asks again. Rows held on screen by the hold
//! (`logic::hold`) are kept until it lets go.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use protocol::queue::{QueuePage, QueueRow, QueueView};
use protocol::{Channel, ChannelId, Message};

use crate::logic::hold::{longest_rising, Arranged};

/// The window of the queue the UI holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueWindow {
    /// The view the rows were answered for (`None` before the first answer).
    pub view: Option<QueueView>,
    /// Where the answered rows start in the view's order.
    pub offset: usize,
    /// The answered rows' ids, in the view's order.
    pub order: Rc<Vec<ChannelId>>,
    /// Rows by id: the answered ones, and those the hold keeps on screen.
    pub rows: Rc<HashMap<ChannelId, QueueRow>>,
    /// How many channels match the view.
    pub matching: usize,
    /// How many channels are cached.
    pub cached: usize,
    /// Where the rows held on screen start, while the hold keeps an order.
    pub held_offset: usize,
    /// Bumped by every change that may move, add or drop rows: the pane asks again.
    pub stale: u32,
}

impl QueueWindow {
    /// Takes the engine's answer for `view`, keeping the rows of `held` (the order the hold
    /// keeps on screen) that the answer does not hold.
    pub fn answered(&mut self, view: QueueView, page: QueuePage, held: Option<&[ChannelId]>) {
        let order: Vec<ChannelId> = page.rows.iter().map(|r| r.id).collect();
        let mut rows: HashMap<ChannelId, QueueRow> =
            page.rows.into_iter().map(|r| (r.id, r)).collect();
        if let Some(held) = held {
            let answered: HashSet<ChannelId> = order.iter().copied().collect();
            for id in held.iter().filter(|id| !answered.contains(id)) {
                if let Some(row) = self.rows.get(id) {
                    rows.insert(*id, row.clone());
                }
            }
        }
        self.view = Some(view);
        self.offset = page.offset as usize;
        self.order = Rc::new(order);
        self.rows = Rc::new(rows);
        self.matching = page.matching as usize;
        self.cached = page.cached as usize;
    }

    /// A channel changed: its row (if held here) shows it as it is now, or goes when the
    /// user can no longer see it; the order may have moved, so the pane asks again.
    pub fn channel_changed(&mut self, channel: &Channel, visible: bool) {
        self.patch(channel, visible);
        self.stale = self.stale.wrapping_add(1);
    }

    /// Shows `channel` in its row, if held here (or drops the row when the user can no
    /// longer see it), without asking again: for a channel just read whole (opened), whose
    /// place in the order nothing moved.
    pub fn patch(&mut self, channel: &Channel, visible: bool) {
        if self.rows.contains_key(&channel.id) {
            let rows = Rc::make_mut(&mut self.rows);
            if visible {
                rows.insert(channel.id, QueueRow::of(channel));
            } else {
                rows.remove(&channel.id);
            }
        }
    }

    /// A channel left the cache.
    pub fn channel_removed(&mut self, id: ChannelId) {
        if self.rows.contains_key(&id) {
            Rc::make_mut(&mut self.rows).remove(&id);
        }
        self.stale = self.stale.wrapping_add(1);
    }

    /// A message arrived: its channel's row previews it, counting it unread when `unread`.
    pub fn message_arrived(&mut self, message: &Message, unread: bool) {
        if let Some(row) = Rc::make_mut(&mut self.rows).get_mut(&message.channel_id) {
            row.message_arrived(message, unread);
        }
        self.stale = self.stale.wrapping_add(1);
    }

    /// The user read a channel.
    pub fn read(&mut self, id: ChannelId) {
        if self.rows.get(&id).is_some_and(|r| r.unread_count > 0) {
            if let Some(row) = Rc::make_mut(&mut self.rows).get_mut(&id) {
                row.unread_count = 0;
            }
        }
    }

    /// The rows to show: the window's own order, or while `frozen` that order with every row as
    /// last heard. A held row the user can no longer see goes (there is nothing to show); one
    /// that no longer matches the filters stays until the order settles.
    pub fn arrange(&self, frozen: Option<&[ChannelId]>) -> Arranged {
        let fresh = self.order.as_slice();
        let Some(frozen) = frozen else {
            return Arranged {
                offset: self.offset,
                rows: fresh
                    .iter()
                    .filter_map(|id| self.rows.get(id))
                    .cloned()
                    .collect(),
                pending: 0,
            };
        };
        let rank: HashMap<ChannelId, usize> =
            fresh.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let rows: Vec<QueueRow> = frozen
            .iter()
            .filter_map(|id| self.rows.get(id))
            .cloned()
            .collect();
        let ranks: Vec<usize> = rows
            .iter()
            .filter_map(|c| rank.get(&c.id).copied())
            .collect();
        let moved = ranks.len() - longest_rising(&ranks);
        let gone = rows.len() - ranks.len();
        let held: HashSet<ChannelId> = frozen.iter().copied().collect();
        let new = fresh.iter().filter(|id| !held.contains(id)).count();
        Arranged {
            offset: self.held_offset,
            rows,
            pending: moved + gone + new,
        }
    }

    /// The cache changed wholesale (a catch-up): ask again.
    pub fn refresh(&mut self) {
        self.stale = self.stale.wrapping_add(1);
    }
}
