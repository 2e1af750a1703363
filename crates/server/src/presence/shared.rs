//! Presence kept in Redis, so every node lists the agents of every node: one hash per
//! channel (socket → entry) and one sorted set of expiry times. Each node renews its own
//! sockets' entries; an entry whose node stopped renewing it (killed, cut off) expires and
//! is swept by whichever node sees it first.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use protocol::{ChannelId, TenantId};
use socketioxide_redis::drivers::redis::redis_client as redis;

use super::book::Entry;
use super::PresenceError;

/// The Redis side of presence.
#[derive(Clone)]
pub struct Shared {
    connection: redis::aio::MultiplexedConnection,
    prefix: String,
    ttl: Duration,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// Milliseconds since the epoch, `ahead` from now.
fn epoch_ms(ahead: Duration) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from((now + ahead).as_millis()).unwrap_or(i64::MAX)
}

impl Shared {
    /// Connects to the Redis at `url`; keys start with `prefix`, entries live `ttl` unless
    /// renewed.
    pub async fn connect(url: &str, prefix: &str, ttl: Duration) -> Result<Self, PresenceError> {
        let client = redis::Client::open(url)?;
        let connection = client.get_multiplexed_async_connection().await?;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
            ttl,
        })
    }

    fn channel_key(&self, channel: ChannelId) -> String {
        format!("{}:presence:{channel}", self.prefix)
    }

    fn expiry_key(&self) -> String {
        format!("{}:presence:expiry", self.prefix)
    }

    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX)
    }

    /// Writes (or renews) entries, each with a fresh expiry.
    pub async fn put(&self, entries: &[(ChannelId, String, Entry)]) -> Result<(), PresenceError> {
        if entries.is_empty() {
            return Ok(());
        }
        let expires = epoch_ms(self.ttl);
        let mut pipe = redis::pipe();
        pipe.atomic();
        for (channel, socket, entry) in entries {
            let key = self.channel_key(*channel);
            let json = serde_json::to_string(entry)?;
            pipe.cmd("HSET").arg(&key).arg(socket).arg(json).ignore();
            // The hash outlives its entries' expiry a little: the sweep, not Redis, ends them.
            pipe.cmd("PEXPIRE")
                .arg(&key)
                .arg(self.ttl_ms().saturating_mul(3))
                .ignore();
            pipe.cmd("ZADD")
                .arg(self.expiry_key())
                .arg(expires)
                .arg(format!("{channel}|{socket}"))
                .ignore();
        }
        pipe.query_async::<()>(&mut self.connection.clone()).await?;
        Ok(())
    }

    /// Removes `socket`'s entries in `channels`.
    pub async fn remove(&self, socket: &str, channels: &[ChannelId]) -> Result<(), PresenceError> {
        if channels.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        pipe.atomic();
        for channel in channels {
            pipe.cmd("HDEL")
                .arg(self.channel_key(*channel))
                .arg(socket)
                .ignore();
            pipe.cmd("ZREM")
                .arg(self.expiry_key())
                .arg(format!("{channel}|{socket}"))
                .ignore();
        }
        pipe.query_async::<()>(&mut self.connection.clone()).await?;
        Ok(())
    }

    /// Every node's entries in `channel`.
    pub async fn entries(&self, channel: ChannelId) -> Result<Vec<Entry>, PresenceError> {
        let raw: Vec<(String, String)> = redis::cmd("HGETALL")
            .arg(self.channel_key(channel))
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(raw
            .into_iter()
            .filter_map(|(socket, json)| match serde_json::from_str(&json) {
                Ok(entry) => Some(entry),
                Err(error) => {
                    tracing::warn!(%error, %socket, "unreadable presence entry ignored");
                    None
                }
            })
            .collect())
    }

    /// Removes the entries no node renewed in time; the channels whose lists changed, with
    /// their tenants (each expired entry is removed, and counted, by one node only).
    pub async fn sweep(&self) -> Result<Vec<(ChannelId, TenantId)>, PresenceError> {
        let expired: Vec<String> = redis::cmd("ZRANGEBYSCORE")
            .arg(self.expiry_key())
            .arg("-inf")
            .arg(epoch_ms(Duration::ZERO))
            .arg("LIMIT")
            .arg(0)
            .arg(1000)
            .query_async(&mut self.connection.clone())
            .await?;
        let mut changed: Vec<(ChannelId, TenantId)> = Vec::new();
        for member in expired {
            let removed: i64 = redis::cmd("ZREM")
                .arg(self.expiry_key())
                .arg(&member)
                .query_async(&mut self.connection.clone())
                .await?;
            let Some((channel, socket)) = member.split_once('|') else {
                continue;
            };
            let Ok(channel) = channel.parse::<ChannelId>() else {
                continue;
            };
            if removed != 1 {
                continue;
            }
            let key = self.channel_key(channel);
            let json: Option<String> = redis::cmd("HGET")
                .arg(&key)
                .arg(socket)
                .query_async(&mut self.connection.clone())
                .await?;
            redis::cmd("HDEL")
                .arg(&key)
                .arg(socket)
                .query_async::<()>(&mut self.connection.clone())
                .await?;
            let tenant = json
                .and_then(|json| serde_json::from_str::<Entry>(&json).ok())
                .map(|entry| entry.tenant_id);
            if let Some(tenant) = tenant {
                if !changed.iter().any(|(seen, _)| *seen == channel) {
                    changed.push((channel, tenant));
                }
            }
        }
        Ok(changed)
    }
}
