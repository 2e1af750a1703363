//! One node's record of who views what: each socket's entry per channel, and the channels
//! each socket is in, so a socket that goes leaves every list at once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use protocol::presence::{PresenceAgent, PresenceState};
use protocol::{ChannelId, TenantId, UserId};
use serde::{Deserialize, Serialize};

/// What one socket is doing in one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The tenant the channel belongs to (whom to tell about it).
    pub tenant_id: TenantId,
    /// The socket's user.
    pub user_id: UserId,
    /// Their display name, from the store.
    pub user_name: String,
    /// Viewing or typing.
    pub state: PresenceState,
    /// Since when.
    pub since: DateTime<Utc>,
    /// This node's clock at the socket's last typing event, while typing (not shared: the
    /// node holding the socket decides when typing went idle).
    #[serde(skip)]
    pub typed_at: Option<Instant>,
}

/// Sockets by channel and channels by socket, kept in step.
#[derive(Debug, Default)]
pub struct Book {
    channels: HashMap<ChannelId, BTreeMap<String, Entry>>,
    sockets: HashMap<String, HashSet<ChannelId>>,
}

impl Book {
    /// Records that `socket` views `channel`; false when it already did (its entry, typing
    /// or not, stays as it was).
    pub fn view(&mut self, socket: &str, channel: ChannelId, entry: Entry) -> bool {
        let entries = self.channels.entry(channel).or_default();
        if entries.contains_key(socket) {
            return false;
        }
        entries.insert(socket.to_owned(), entry);
        self.sockets
            .entry(socket.to_owned())
            .or_default()
            .insert(channel);
        true
    }

    /// Moves `socket`'s entry in `channel` to `state` at `now`; the new entry when it
    /// changed, nothing when the socket does not view the channel or was in that state
    /// (a typing socket typing again is only noted, for [`Book::typing_idle`]).
    pub fn set_state(
        &mut self,
        socket: &str,
        channel: ChannelId,
        state: PresenceState,
        now: DateTime<Utc>,
    ) -> Option<Entry> {
        let entry = self.channels.get_mut(&channel)?.get_mut(socket)?;
        entry.typed_at = (state == PresenceState::Typing).then(Instant::now);
        if entry.state == state {
            return None;
        }
        entry.state = state;
        entry.since = now;
        Some(entry.clone())
    }

    /// Back to VIEWING when `socket` has typed nothing in `channel` for `idle` (a console
    /// that stopped without saying so); the new entry when it went back.
    pub fn typing_idle(
        &mut self,
        socket: &str,
        channel: ChannelId,
        idle: Duration,
        now: DateTime<Utc>,
    ) -> Option<Entry> {
        let entry = self.channels.get_mut(&channel)?.get_mut(socket)?;
        let quiet = entry.typed_at.is_some_and(|at| at.elapsed() >= idle);
        if entry.state != PresenceState::Typing || !quiet {
            return None;
        }
        entry.state = PresenceState::Viewing;
        entry.since = now;
        entry.typed_at = None;
        Some(entry.clone())
    }

    /// `socket` stops viewing `channel`; its entry there, when it viewed it.
    pub fn leave(&mut self, socket: &str, channel: ChannelId) -> Option<Entry> {
        let entries = self.channels.get_mut(&channel)?;
        let left = entries.remove(socket);
        if entries.is_empty() {
            self.channels.remove(&channel);
        }
        if let Some(channels) = self.sockets.get_mut(socket) {
            channels.remove(&channel);
            if channels.is_empty() {
                self.sockets.remove(socket);
            }
        }
        left
    }

    /// `socket` is gone: it leaves every channel; the channels it was in, with its entry
    /// in each.
    pub fn drop_socket(&mut self, socket: &str) -> Vec<(ChannelId, Entry)> {
        let channels = self.sockets.remove(socket).unwrap_or_default();
        let mut left = Vec::with_capacity(channels.len());
        for channel in channels {
            if let Some(entries) = self.channels.get_mut(&channel) {
                if let Some(entry) = entries.remove(socket) {
                    left.push((channel, entry));
                }
                if entries.is_empty() {
                    self.channels.remove(&channel);
                }
            }
        }
        left
    }

    /// How many channels `socket` views.
    pub fn viewed_by(&self, socket: &str) -> usize {
        self.sockets.get(socket).map_or(0, HashSet::len)
    }

    /// Every socket's entry in `channel`.
    pub fn entries(&self, channel: ChannelId) -> Vec<Entry> {
        self.channels
            .get(&channel)
            .map(|entries| entries.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Every entry this node holds, with its channel and socket.
    pub fn held(&self) -> Vec<(ChannelId, String, Entry)> {
        self.channels
            .iter()
            .flat_map(|(channel, entries)| {
                entries
                    .iter()
                    .map(|(socket, entry)| (*channel, socket.clone(), entry.clone()))
            })
            .collect()
    }
}

/// The list agents are told: one line per user (a user with two consoles open is one
/// agent), typing when any of its sockets types, since the earliest moment it has been in
/// that state; the longest present first.
pub fn agents(entries: impl IntoIterator<Item = Entry>) -> Vec<PresenceAgent> {
    let mut by_user: HashMap<UserId, PresenceAgent> = HashMap::new();
    for entry in entries {
        let candidate = PresenceAgent {
            user_id: entry.user_id,
            user_name: entry.user_name,
            state: entry.state,
            since: entry.since,
        };
        by_user
            .entry(entry.user_id)
            .and_modify(|agent| {
                let typing = PresenceState::Typing;
                let better = match (candidate.state == typing, agent.state == typing) {
                    (true, false) => true,
                    (false, true) => false,
                    _ => candidate.since < agent.since,
                };
                if better {
                    *agent = candidate.clone();
                }
            })
            .or_insert(candidate);
    }
    let mut agents: Vec<PresenceAgent> = by_user.into_values().collect();
    agents.sort_by(|a, b| a.since.cmp(&b.since).then(a.user_id.cmp(&b.user_id)));
    agents
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use uuid::Uuid;

    use super::*;

    fn entry(user: UserId, state: PresenceState, seconds: i64) -> Entry {
        Entry {
            tenant_id: TenantId::from(Uuid::nil()),
            user_id: user,
            user_name: "Ann".to_owned(),
            state,
            since: DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(seconds),
            typed_at: None,
        }
    }

    fn ids() -> (ChannelId, ChannelId, UserId, UserId) {
        (
            ChannelId::from(Uuid::new_v4()),
            ChannelId::from(Uuid::new_v4()),
            UserId::from(Uuid::new_v4()),
            UserId::from(Uuid::new_v4()),
        )
    }

    #[test]
    fn a_socket_that_goes_leaves_every_channel_and_nothing_else() {
        let (one, two, ann, bob) = ids();
        let mut book = Book::default();
        assert!(book.view("s1", one, entry(ann, PresenceState::Viewing, 1)));
        assert!(!book.view("s1", one, entry(ann, PresenceState::Viewing, 2)));
        assert!(book.view("s1", two, entry(ann, PresenceState::Viewing, 3)));
        assert!(book.view("s2", one, entry(bob, PresenceState::Viewing, 4)));
        assert_eq!(book.viewed_by("s1"), 2);
        let mut left: Vec<ChannelId> = book.drop_socket("s1").into_iter().map(|(c, _)| c).collect();
        left.sort();
        let mut expected = vec![one, two];
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(
            book.entries(one),
            vec![entry(bob, PresenceState::Viewing, 4)]
        );
        assert!(book.entries(two).is_empty());
        assert_eq!(book.viewed_by("s1"), 0);
        assert!(book.drop_socket("s1").is_empty());
    }

    #[test]
    fn typing_counts_only_where_the_socket_views() {
        let (one, two, ann, _) = ids();
        let mut book = Book::default();
        book.view("s1", one, entry(ann, PresenceState::Viewing, 1));
        let now = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(9);
        assert!(book
            .set_state("s1", two, PresenceState::Typing, now)
            .is_none());
        let typed = book.set_state("s1", one, PresenceState::Typing, now);
        assert_eq!(typed.map(|e| e.since), Some(now));
        assert!(book
            .set_state("s1", one, PresenceState::Typing, now)
            .is_none());
        // Typing again is no change; quiet for the idle time, it is viewing again.
        assert!(book
            .set_state("s1", one, PresenceState::Typing, now)
            .is_none());
        assert!(book
            .typing_idle("s1", one, Duration::from_secs(60), now)
            .is_none());
        let idle = book.typing_idle("s1", one, Duration::ZERO, now);
        assert_eq!(idle.map(|e| e.state), Some(PresenceState::Viewing));
        assert!(book.typing_idle("s1", one, Duration::ZERO, now).is_none());
        assert!(book.leave("s1", one).is_some());
        assert!(book.leave("s1", one).is_none());
        assert!(book.held().is_empty());
    }

    #[test]
    fn one_line_per_user_typing_wins_longest_present_first() {
        let (_, _, ann, bob) = ids();
        let listed = agents([
            entry(ann, PresenceState::Viewing, 5),
            entry(bob, PresenceState::Viewing, 3),
            entry(ann, PresenceState::Typing, 8),
            entry(bob, PresenceState::Viewing, 1),
        ]);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].user_id, bob);
        assert_eq!(listed[0].since.timestamp(), 1);
        assert_eq!(listed[1].user_id, ann);
        assert_eq!(listed[1].state, PresenceState::Typing);
        assert_eq!(listed[1].since.timestamp(), 8);
    }
}
