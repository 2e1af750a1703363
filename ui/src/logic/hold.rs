//! The queue holds still under the agent's hand. While the pointer is over the list, the
//! keyboard is walking it (`j`/`k`), or it was scrolled moments ago, the order on screen is
//! frozen: rows keep their places and update in place, and what would have moved or appeared
//! waits behind a count ("3 updates — show"). When the agent leaves the list, or asks (the
//! pill, `u`), the order settles to the view's own. Pure rules, tested natively; the queue
//! pane feeds them the pointer, keyboard and scroll, and the reducer holds the state.

use std::rc::Rc;

use protocol::queue::QueueRow;
use protocol::ChannelId;

/// How long (ms) the list holds after its last scroll.
pub const SCROLL_HOLD_MS: u32 = 3_000;
/// How soon (ms) after the list's order changed an opening may have been a misclick.
pub const MISCLICK_MS: f64 = 1_000.0;

/// What the agent did to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldEvent {
    /// The pointer came over the list.
    PointerEntered,
    /// The pointer left it.
    PointerLeft,
    /// `j`/`k` moved the keyboard's cursor.
    KeyboardMoved,
    /// The keyboard went elsewhere (a text field, Escape, a click outside the list).
    KeyboardLeft,
    /// The list scrolled.
    Scrolled,
    /// It has not scrolled for [`SCROLL_HOLD_MS`].
    ScrollQuiet,
    /// The agent asked for the current order (the pill, `u`).
    Show,
    /// The agent opened a conversation moments after the order changed: its header flashes.
    Flash(ChannelId),
}

/// Why the list holds, and the order it holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hold {
    pointer: bool,
    keyboard: bool,
    scrolling: bool,
    /// The order on screen while holding; `None` when the view's own order shows.
    frozen: Option<Rc<Vec<ChannelId>>>,
    /// How many times a frozen order was let go or renewed (a settling transition each).
    pub settles: u32,
    /// The conversation whose header should flash, and how many flashes were asked for (so
    /// a second one restarts the animation).
    pub flash: Option<(ChannelId, u32)>,
}

impl Hold {
    /// Whether anything holds the list now.
    pub fn holding(&self) -> bool {
        self.pointer || self.keyboard || self.scrolling
    }

    /// The reasons it holds, as words (for the page's `data-hold`, which tests read).
    pub fn reasons(&self) -> String {
        [
            (self.pointer, "pointer"),
            (self.keyboard, "keyboard"),
            (self.scrolling, "scroll"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, word)| *word)
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// Whether a recent scroll holds the list.
    pub fn scrolling(&self) -> bool {
        self.scrolling
    }

    /// Whether the keyboard holds the list (so a click elsewhere needs telling).
    pub fn keyboard(&self) -> bool {
        self.keyboard
    }

    /// The frozen order, if any.
    pub fn frozen(&self) -> Option<Rc<Vec<ChannelId>>> {
        self.frozen.clone()
    }

    /// After `event`; `fresh` is the view's own order now, asked for only when it is frozen.
    pub fn on(&mut self, event: HoldEvent, fresh: impl FnOnce() -> Vec<ChannelId>) {
        let mut renew = false;
        match event {
            HoldEvent::PointerEntered => self.pointer = true,
            HoldEvent::PointerLeft => self.pointer = false,
            HoldEvent::KeyboardMoved => self.keyboard = true,
            HoldEvent::KeyboardLeft => self.keyboard = false,
            HoldEvent::Scrolled => self.scrolling = true,
            HoldEvent::ScrollQuiet => self.scrolling = false,
            HoldEvent::Show => renew = true,
            HoldEvent::Flash(id) => {
                let count = self.flash.map_or(0, |(_, n)| n);
                self.flash = Some((id, count.wrapping_add(1)));
            }
        }
        match (self.holding(), self.frozen.is_some()) {
            (true, false) => self.frozen = Some(Rc::new(fresh())),
            (true, true) if renew => {
                self.frozen = Some(Rc::new(fresh()));
                self.settles = self.settles.wrapping_add(1);
            }
            (false, true) => {
                self.frozen = None;
                self.settles = self.settles.wrapping_add(1);
            }
            _ => {}
        }
    }

    /// A conversation opened: a flash asked for another one is over (it does not play
    /// again when that one opens later).
    pub fn opened(&mut self, id: ChannelId) {
        if self.flash.is_some_and(|(flashed, _)| flashed != id) {
            self.flash = None;
        }
    }

    /// The view changed (a filter, the order): the agent asked for it, so it shows at once,
    /// and is what holds from now on if the list holds.
    pub fn view_changed(&mut self, fresh: impl FnOnce() -> Vec<ChannelId>) {
        if self.frozen.is_some() {
            self.frozen = Some(Rc::new(fresh()));
        }
    }
}

/// The queue as it shows: its rows, where they start, and how many updates wait behind
/// the pill.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arranged {
    /// Where the rows start in the queue's order.
    pub offset: usize,
    /// The rows, in order, each as last heard.
    pub rows: Vec<QueueRow>,
    /// Tickets new to the view, moved in its order, or no longer in it.
    pub pending: usize,
}

/// The length of the longest strictly rising subsequence of `ranks`: the rows that can stay
/// while the others move (one ticket jumping to the top is one update, not the rows it
/// passes). O(n log n).
pub fn longest_rising(ranks: &[usize]) -> usize {
    let mut tails: Vec<usize> = Vec::new();
    for &rank in ranks {
        let at = tails.partition_point(|&t| t < rank);
        if at == tails.len() {
            tails.push(rank);
        } else {
            tails[at] = rank;
        }
    }
    tails.len()
}

/// The class that flashes the header of conversation `id` once, if it was asked for: two
/// names taking turns, so a second flash restarts the animation.
pub fn flash_class(hold: &Hold, id: ChannelId) -> Option<&'static str> {
    match hold.flash {
        Some((flashed, count)) if flashed == id => Some(if count % 2 == 0 {
            "chat__header--flash-b"
        } else {
            "chat__header--flash-a"
        }),
        _ => None,
    }
}

/// What the pill says: "1 update — show", "3 updates — show".
pub fn pill_text(pending: usize) -> String {
    let noun = if pending == 1 { "update" } else { "updates" };
    format!("{pending} {noun} — show")
}

/// Whether opening a conversation at `opened` (ms) came less than [`MISCLICK_MS`] after the
/// order on screen changed at `changed` (ms): the click may have meant another row.
pub fn misclick_risk(changed: Option<f64>, opened: f64) -> bool {
    changed.is_some_and(|at| opened >= at && opened - at < MISCLICK_MS)
}

#[cfg(test)]
mod tests {
    use protocol::console::Change;
    use protocol::queue::QueuePage;
    use protocol::{Channel, ChannelStatus, ChannelType, Message, MessageId, TicketPriority};
    use uuid::Uuid;

    use super::*;
    use crate::logic::queue::tests::{at, channel};
    use crate::logic::queue::QueueView;
    use crate::pages::console::move_cursor;
    use crate::state::{Action, AppState};

    /// Five tickets, latest activity first: "t0" (minute 50) … "t4" (minute 10).
    fn five() -> Vec<Channel> {
        (0..5)
            .map(|i| {
                channel(
                    ChannelType::Support,
                    &format!("t{i}"),
                    TicketPriority::Medium,
                    1,
                    50 - 10 * i,
                )
            })
            .collect()
    }

    /// The UI beside the engine's cache: each change reaches the cache as the engine stores
    /// it, then the UI; when the UI's window goes stale (or its view changes), the pane asks
    /// again and the cache answers by the reference rules.
    #[derive(Clone)]
    struct Sim {
        cache: Vec<Channel>,
        state: AppState,
    }

    impl std::ops::Deref for Sim {
        type Target = AppState;
        fn deref(&self) -> &AppState {
            &self.state
        }
    }

    impl Sim {
        fn answer(mut self) -> Self {
            let order = self.state.view.apply(&self.cache, None);
            let page = QueuePage {
                offset: 0,
                rows: order.iter().take(100).map(|c| QueueRow::of(c)).collect(),
                matching: order.len() as u32,
                cached: self.cache.len() as u32,
            };
            let view = self.state.view.clone();
            self.state = self.state.apply(Action::QueueAnswered(view, page));
            self
        }

        fn apply(&self, action: Action) -> Self {
            let next = self.clone();
            next.take(action)
        }

        fn take(mut self, action: Action) -> Self {
            match &action {
                Action::Changed(Change::Channel { channel }) => {
                    self.cache.retain(|c| c.id != channel.id);
                    self.cache.push((**channel).clone());
                }
                Action::Changed(Change::ChannelRemoved { channel_id }) => {
                    self.cache.retain(|c| c.id != *channel_id);
                }
                Action::Changed(Change::Message { message }) => {
                    if let Some(c) = self.cache.iter_mut().find(|c| c.id == message.channel_id) {
                        c.last_message = Some((**message).clone());
                        c.updated_at = c.updated_at.max(message.created_at);
                        c.unread_count += 1;
                    }
                }
                _ => {}
            }
            let asked = (self.state.queue.stale, self.state.view.clone());
            self.state = self.state.apply(action);
            if (self.state.queue.stale, self.state.view.clone()) != asked {
                self = self.answer();
            }
            self
        }
    }

    fn loaded(channels: &[Channel]) -> Sim {
        Sim {
            cache: channels.to_vec(),
            state: AppState::default(),
        }
        .answer()
    }

    /// A message in `channel` at `minute`, newer than anything there.
    fn post(channel: &Channel, minute: u32, text: &str) -> Action {
        let mut message: Message = channel.last_message.clone().expect("a last message");
        message.id = MessageId::from(Uuid::new_v4());
        message.seq += 100 + i64::from(minute);
        message.created_at = at(minute);
        message.content = text.to_owned();
        Action::Changed(Change::Message {
            message: Box::new(message),
        })
    }

    /// The queue as it shows in `state`: subjects in order, and the pill's count.
    fn shown(state: &AppState) -> (Vec<String>, usize) {
        let frozen = state.hold.frozen();
        let arranged = state.queue.arrange(frozen.as_deref().map(Vec::as_slice));
        let subjects = arranged
            .rows
            .iter()
            .map(|c| c.subject.clone().unwrap_or_default())
            .collect();
        (subjects, arranged.pending)
    }

    fn ids(state: &AppState) -> Vec<ChannelId> {
        let frozen = state.hold.frozen();
        state
            .queue
            .arrange(frozen.as_deref().map(Vec::as_slice))
            .rows
            .iter()
            .map(|c| c.id)
            .collect()
    }

    fn hold(event: HoldEvent) -> Action {
        Action::Hold(event)
    }

    #[test]
    fn unheld_the_queue_follows_its_order_live() {
        let tickets = five();
        let state = loaded(&tickets).apply(post(&tickets[3], 55, "again"));
        assert_eq!(
            shown(&state),
            (
                vec!["t3", "t0", "t1", "t2", "t4"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                0
            )
        );
    }

    #[test]
    fn under_the_pointer_rows_keep_their_places_and_update_in_place() {
        let tickets = five();
        let state = loaded(&tickets)
            .apply(hold(HoldEvent::PointerEntered))
            .apply(post(&tickets[3], 55, "the fourth, again"));
        let (subjects, pending) = shown(&state);
        assert_eq!(subjects, ["t0", "t1", "t2", "t3", "t4"]);
        assert_eq!(pending, 1, "one ticket would jump to the top: one update");
        assert_eq!(pill_text(pending), "1 update — show");
        let frozen = state.hold.frozen();
        let rows = state
            .queue
            .arrange(frozen.as_deref().map(Vec::as_slice))
            .rows;
        assert_eq!(
            rows[3].preview.as_ref().map(|p| p.text.as_str()),
            Some("the fourth, again"),
            "the moved ticket's row shows its new message where it stands"
        );
        assert_eq!(rows[3].unread_count, 1, "and its unread badge");

        // Leaving the list settles the order, once.
        let left = state.apply(hold(HoldEvent::PointerLeft));
        assert_eq!(shown(&left).0, ["t3", "t0", "t1", "t2", "t4"]);
        assert_eq!(shown(&left).1, 0);
        assert_eq!(left.hold.settles, state.hold.settles + 1);
        assert_eq!(left.hold.reasons(), "");
    }

    #[test]
    fn new_tickets_wait_and_tickets_leaving_the_view_stay_until_it_settles() {
        let tickets = five();
        let mut newcomer = channel(ChannelType::Support, "new", TicketPriority::High, 2, 59);
        newcomer.unread_count = 1;
        let mut resolved = tickets[1].clone();
        resolved.status = ChannelStatus::Resolved;
        let active_only = QueueView {
            status: Some(ChannelStatus::Active),
            ..Default::default()
        };
        let state = loaded(&tickets)
            .apply(Action::SetView(active_only))
            .apply(hold(HoldEvent::PointerEntered))
            .apply(Action::Changed(Change::Channel {
                channel: Box::new(newcomer),
            }))
            .apply(Action::Changed(Change::Channel {
                channel: Box::new(resolved),
            }))
            .apply(Action::Changed(Change::ChannelRemoved {
                channel_id: tickets[4].id,
            }));
        // The newcomer waits; the resolved one stays in its place; the removed one cannot.
        assert_eq!(
            shown(&state),
            (
                vec!["t0", "t1", "t2", "t3"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                2
            )
        );
        assert_eq!(pill_text(2), "2 updates — show");
        let asked = state.apply(hold(HoldEvent::Show));
        assert_eq!(
            shown(&asked),
            (
                vec!["new", "t0", "t2", "t3"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                0
            )
        );
        assert_eq!(
            asked.hold.reasons(),
            "pointer",
            "asking does not let go of the list"
        );
        assert_eq!(asked.hold.settles, state.hold.settles + 1);
    }

    #[test]
    fn every_reason_holds_until_the_last_one_goes() {
        let tickets = five();
        let state = loaded(&tickets)
            .apply(hold(HoldEvent::KeyboardMoved))
            .apply(hold(HoldEvent::Scrolled))
            .apply(hold(HoldEvent::PointerEntered))
            .apply(post(&tickets[4], 58, "bump"));
        assert_eq!(state.hold.reasons(), "pointer keyboard scroll");
        let state = state.apply(hold(HoldEvent::PointerLeft));
        assert_eq!(
            shown(&state).1,
            1,
            "the keyboard and the scroll still hold it"
        );
        let state = state.apply(hold(HoldEvent::ScrollQuiet));
        assert_eq!(shown(&state).1, 1, "the keyboard still holds it");
        assert!(state.hold.keyboard());
        let state = state.apply(hold(HoldEvent::KeyboardLeft));
        assert!(!state.hold.holding());
        assert_eq!(shown(&state).0[0], "t4");
        // A scroll alone holds too, until it is quiet.
        let scrolled = state
            .apply(hold(HoldEvent::Scrolled))
            .apply(post(&tickets[2], 59, "bump"));
        assert_eq!(shown(&scrolled).0[0], "t4");
        assert_eq!(
            shown(&scrolled.apply(hold(HoldEvent::ScrollQuiet))).0[0],
            "t2"
        );
    }

    #[test]
    fn a_new_view_while_held_shows_at_once_and_holds_from_then_on() {
        let tickets = five();
        let state = loaded(&tickets)
            .apply(hold(HoldEvent::PointerEntered))
            .apply(post(&tickets[4], 58, "bump"));
        let by_age = QueueView {
            sort: crate::logic::queue::Sort::Age,
            ..Default::default()
        };
        let state = state.apply(Action::SetView(by_age));
        assert_eq!(shown(&state).1, 0);
        assert!(state.hold.holding());
        let fresh = state.view.order(&state.cache, None);
        assert_eq!(ids(&state), fresh);
    }

    #[test]
    fn j_and_k_walk_the_order_as_shown_and_the_cursor_keeps_its_ticket() {
        let tickets = five();
        let state = loaded(&tickets).apply(hold(HoldEvent::KeyboardMoved));
        let cursor = move_cursor(&ids(&state), None, "j");
        let cursor = move_cursor(&ids(&state), cursor, "j");
        assert_eq!(cursor, Some(tickets[1].id));
        // Between two presses, t4 would jump to the top.
        let state = state.apply(post(&tickets[4], 58, "bump"));
        let cursor = move_cursor(&ids(&state), cursor, "j");
        assert_eq!(cursor, Some(tickets[2].id), "the row below, as shown");
        // `u` shows the new order; the cursor stays on its ticket.
        let state = state.apply(hold(HoldEvent::Show));
        let order = ids(&state);
        assert_eq!(order[0], tickets[4].id);
        assert_eq!(move_cursor(&order, cursor, "k"), Some(tickets[1].id));
    }

    #[test]
    fn one_jump_is_one_update_however_far_it_goes() {
        assert_eq!(longest_rising(&[1, 2, 3, 4, 0]), 4);
        assert_eq!(longest_rising(&[4, 0, 1, 2, 3]), 4);
        assert_eq!(longest_rising(&[3, 2, 1, 0]), 1);
        assert_eq!(longest_rising(&[]), 0);
    }

    #[test]
    fn an_opening_just_after_the_order_changed_flashes_the_header() {
        assert!(misclick_risk(Some(10_000.0), 10_400.0));
        assert!(
            !misclick_risk(Some(10_000.0), 11_000.0),
            "a second later is deliberate"
        );
        assert!(!misclick_risk(None, 10_000.0));
        assert!(
            !misclick_risk(Some(10_000.0), 9_000.0),
            "a change after the click"
        );
        let ticket = five().remove(0);
        let state = AppState::default()
            .apply(hold(HoldEvent::Flash(ticket.id)))
            .apply(hold(HoldEvent::Flash(ticket.id)));
        assert_eq!(state.hold.flash, Some((ticket.id, 2)));
        assert_eq!(
            flash_class(&state.hold, ticket.id),
            Some("chat__header--flash-b")
        );
        let again = state.apply(hold(HoldEvent::Flash(ticket.id)));
        assert_eq!(
            flash_class(&again.hold, ticket.id),
            Some("chat__header--flash-a"),
            "each flash restarts the animation"
        );
        let other = ChannelId::from(Uuid::new_v4());
        assert_eq!(flash_class(&again.hold, other), None);
        // Opening another conversation ends it: reopening this one later does not flash.
        let mut moved_on = again.hold.clone();
        moved_on.opened(other);
        assert_eq!(flash_class(&moved_on, ticket.id), None);
        let mut same = again.hold.clone();
        same.opened(ticket.id);
        assert!(
            flash_class(&same, ticket.id).is_some(),
            "its own opening keeps it"
        );
        assert!(!state.hold.holding(), "a flash holds nothing");
    }
}
