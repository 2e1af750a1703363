//! One batch of sends in one transaction, with a fixed number of statements whatever its
//! size: the facts every send's checks need (which channels each sender sees, its
//! memberships, its earlier `clientMessageId`s) are read once per sender, the checks are
//! decided in the batch's order in memory ([`decide`]), then the rows are written many per
//! statement and the messages built from what was written, not read back. Each send that
//! writes takes the next change number, so change numbers follow commit order exactly as
//! if each send had committed alone, one after another.

use std::collections::HashMap;

use protocol::{Audience, ChannelId, Message, MessageId, ParticipantRole, UserId, UserSummary};
use sqlx::{Any, AnyConnection, Row, Transaction};
use tokio::sync::oneshot;

use super::messages::{NewMessage, Recipients, SendOutcome};
use super::sla::{self, ClockChange};
use super::sql::Sql;
use super::users::summary_from_row;
use super::visibility::{load_visible_many, VisibleChannel};
use super::write::{
    add_participants, insert_messages, message_by_id, upsert_read_markers, MessageRow, Posting,
};
use super::{new_id, next_change, now_micros, parse_col, to_time, StoreError, StoreResult};
use crate::actor::Actor;

/// One send waiting for the writer.
pub(super) struct Job {
    pub actor: Actor,
    pub channel: ChannelId,
    pub new: NewMessage,
    pub reply: oneshot::Sender<StoreResult<SendOutcome>>,
}

/// What the checks need to know, read once for the whole batch.
#[derive(Debug, Default)]
struct Facts {
    /// The channels each sender (by its index in `senders`) may see.
    visible: HashMap<(usize, ChannelId), VisibleChannel>,
    /// (user, channel) → (its participant role, whether it is a current participant).
    membership: HashMap<(UserId, ChannelId), (ParticipantRole, bool)>,
    /// (channel, sender, client id) → the message already stored under it.
    earlier: HashMap<(ChannelId, UserId, String), MessageId>,
}

/// What one send comes to.
#[derive(Debug)]
enum Decision {
    /// Refused by its own checks; nothing written.
    Refused(StoreError),
    /// A repeat of a message committed before.
    Earlier(MessageId),
    /// A repeat of send `k` of this batch.
    SameAs(usize),
    /// Written with change number `change`, joining the channel first if `join`.
    Write {
        change: i64,
        join: bool,
        audience: Audience,
    },
}

/// The distinct senders of `jobs` (an [`Actor`] is who and in which role and scope) and,
/// for each job, its sender's index.
fn senders(jobs: &[Job]) -> (Vec<&Actor>, Vec<usize>) {
    let mut senders: Vec<&Actor> = Vec::new();
    let of_job = jobs
        .iter()
        .map(|job| match senders.iter().position(|a| **a == job.actor) {
            Some(at) => at,
            None => {
                senders.push(&job.actor);
                senders.len() - 1
            }
        })
        .collect();
    (senders, of_job)
}

fn distinct<T: PartialEq + Copy>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

impl Facts {
    async fn load(
        tx: &mut Transaction<'_, Any>,
        jobs: &[Job],
        senders: &[&Actor],
        of_job: &[usize],
    ) -> StoreResult<Self> {
        let mut facts = Self::default();
        for (index, actor) in senders.iter().enumerate() {
            let mine = || jobs.iter().zip(of_job).filter(move |(_, s)| **s == index);
            let channels = distinct(mine().map(|(job, _)| job.channel));
            for (id, channel) in load_visible_many(tx, actor, &channels).await? {
                facts.visible.insert((index, id), channel);
            }
            let user = actor.user_id();
            let mut sql =
                Sql::new("SELECT channel_id, role, left_at FROM participants WHERE user_id = ");
            sql.bind(user.to_string())
                .push(" AND channel_id IN ")
                .bind_list(channels.iter().map(ChannelId::to_string));
            for row in sql.fetch_all(&mut **tx).await? {
                let current = row.try_get::<Option<i64>, _>("left_at")?.is_none();
                facts.membership.insert(
                    (user, parse_col(&row, "channel_id")?),
                    (parse_col(&row, "role")?, current),
                );
            }
            let client_ids: Vec<String> = mine()
                .filter_map(|(job, _)| job.new.client_message_id.clone())
                .collect();
            if client_ids.is_empty() {
                continue;
            }
            let mut sql = Sql::new(
                "SELECT id, channel_id, client_message_id FROM messages WHERE channel_id IN ",
            );
            sql.bind_list(channels.iter().map(ChannelId::to_string))
                .push(" AND sender_id = ")
                .bind(user.to_string())
                .push(" AND client_message_id IN ")
                .bind_list(client_ids);
            for row in sql.fetch_all(&mut **tx).await? {
                facts.earlier.insert(
                    (
                        parse_col(&row, "channel_id")?,
                        user,
                        row.try_get("client_message_id")?,
                    ),
                    parse_col(&row, "id")?,
                );
            }
        }
        Ok(facts)
    }
}

/// Each send's checks, in the batch's order, exactly as each send alone would meet them
/// (visibility, then a repeat, then the note rule, the channel's status, an observer), with
/// what earlier sends of the batch did (a repeat of one, a join by one) taken into account.
/// Change numbers from `first` go to the sends that write, in order.
fn decide(jobs: &[Job], of_job: &[usize], mut facts: Facts, first: i64) -> Vec<Decision> {
    let mut change = first;
    let mut in_batch: HashMap<(ChannelId, UserId, &str), usize> = HashMap::new();
    let mut decisions = Vec::with_capacity(jobs.len());
    for (index, job) in jobs.iter().enumerate() {
        let user = job.actor.user_id();
        let Some(visible) = facts.visible.get(&(of_job[index], job.channel)) else {
            decisions.push(Decision::Refused(StoreError::NotFound("channel")));
            continue;
        };
        let client_id = job.new.client_message_id.as_deref();
        if let Some(client_id) = client_id {
            if let Some(&k) = in_batch.get(&(job.channel, user, client_id)) {
                decisions.push(Decision::SameAs(k));
                continue;
            }
            if let Some(id) = facts
                .earlier
                .get(&(job.channel, user, client_id.to_owned()))
            {
                decisions.push(Decision::Earlier(*id));
                continue;
            }
        }
        let audience = Audience::of_posting(job.new.internal.unwrap_or(false));
        if !audience.reaches(Audience::Everyone) && !job.actor.role().is_agent() {
            decisions.push(Decision::Refused(StoreError::Forbidden(
                "only agents may post internal notes",
            )));
            continue;
        }
        if !visible.status().accepts_messages() {
            decisions.push(Decision::Refused(StoreError::Conflict(format!(
                "the channel is {}; messages cannot be posted",
                visible.status().as_str().to_lowercase()
            ))));
            continue;
        }
        let join = match facts.membership.get(&(user, job.channel)) {
            Some((ParticipantRole::Observer, true)) => {
                decisions.push(Decision::Refused(StoreError::Forbidden(
                    "observers cannot post in this channel",
                )));
                continue;
            }
            Some((_, true)) => false,
            // Whoever may see a channel joins it by posting (a note does not join).
            _ => audience == Audience::Everyone,
        };
        if join {
            // Joining again keeps a former participant's role (the insert only clears
            // `left_at`), so a later send of the batch meets that role, as it would alone.
            let role = facts
                .membership
                .get(&(user, job.channel))
                .map_or(ParticipantRole::Member, |(role, _)| *role);
            facts.membership.insert((user, job.channel), (role, true));
        }
        if let Some(client_id) = client_id {
            in_batch.insert((job.channel, user, client_id), index);
        }
        decisions.push(Decision::Write {
            change,
            join,
            audience,
        });
        change += 1;
    }
    decisions
}

/// Applies `jobs` in one transaction. Each send's refusal is its own outcome; `Err` means
/// the batch failed as a whole and nothing of it was committed.
pub(super) async fn apply(
    connection: &mut AnyConnection,
    jobs: &[Job],
) -> StoreResult<Vec<StoreResult<SendOutcome>>> {
    let mut tx = sqlx::Connection::begin(connection).await?;
    // Takes the write lock first, and the first change number of the batch.
    let first = next_change(&mut tx).await?;
    let (senders, of_job) = senders(jobs);
    let facts = Facts::load(&mut tx, jobs, &senders, &of_job).await?;
    let visible = facts.visible.clone();
    let decisions = decide(jobs, &of_job, facts, first);
    let now = now_micros();

    // The writes, in a fixed number of statements.
    let writes: Vec<(usize, &Job, i64, bool, Audience)> = decisions
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match d {
            Decision::Write {
                change,
                join,
                audience,
            } => Some((i, &jobs[i], *change, *join, *audience)),
            _ => None,
        })
        .collect();
    let channel_of = |i: usize| {
        visible
            .get(&(of_job[i], jobs[i].channel))
            .ok_or(StoreError::NotFound("channel"))
    };
    let mut joins = Vec::new();
    for (i, job, _, join, _) in &writes {
        if *join {
            joins.push((channel_of(*i)?, job.actor.user_id(), job.actor.role()));
        }
    }
    add_participants(&mut tx, &joins, now).await?;
    let seqs = take_seqs(&mut tx, &writes, now).await?;
    let mut rows = Vec::with_capacity(writes.len());
    for ((i, job, change, _, audience), seq) in writes.iter().zip(&seqs) {
        rows.push(MessageRow {
            id: new_id(),
            channel: channel_of(*i)?,
            sender: job.actor.user_id(),
            seq: *seq,
            change: *change,
            posting: Posting {
                sender_type: job.actor.role().sender_type(),
                content: job.new.content.trim(),
                metadata: job.new.metadata.clone(),
                client_message_id: job.new.client_message_id.as_deref(),
                audience: *audience,
            },
        });
    }
    insert_messages(&mut tx, &rows, now).await?;
    // Replies and customer messages move the clocks of tickets, in this transaction.
    let at = to_time(now)?;
    let clock_changes: Vec<ClockChange> = rows
        .iter()
        .filter(|row| row.channel.has_ticket())
        .filter_map(|row| {
            sla::reply_event(row.posting.sender_type, row.posting.audience)
                .map(|event| ClockChange::event(row.channel.id(), event, at))
        })
        .collect();
    let sla_changed = sla::advance(&mut tx, &clock_changes).await?;
    let mut markers: Vec<(ChannelId, UserId, i64)> = Vec::new();
    // A note does not move its author's read marker, which customers see: their own
    // messages never count unread to them anyway.
    for row in rows.iter().filter(|r| {
        r.posting.sender_type != protocol::SenderType::System
            && r.posting.audience == Audience::Everyone
    }) {
        let key = (row.channel.id(), row.sender);
        match markers.iter_mut().find(|m| (m.0, m.1) == key) {
            Some(marker) => marker.2 = marker.2.max(row.seq),
            None => markers.push((key.0, key.1, row.seq)),
        }
    }
    upsert_read_markers(&mut tx, &markers, now).await?;
    let recipients = recipients(&mut tx, &rows).await?;
    let summaries = summaries(&mut tx, &rows).await?;

    // The messages as written.
    let mut written: HashMap<usize, Message> = HashMap::with_capacity(rows.len());
    for ((i, ..), row) in writes.iter().zip(&rows) {
        let sender = summaries
            .get(&(row.sender, row.channel.tenant_id()))
            .cloned()
            .ok_or(StoreError::NotFound("user"))?;
        let message = Message {
            id: row
                .id
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("new id: {e}")))?,
            channel_id: row.channel.id(),
            sender_id: row.sender,
            sender_type: row.posting.sender_type,
            sender,
            content: row.posting.content.to_owned(),
            metadata: row.posting.metadata.clone(),
            client_message_id: row.posting.client_message_id.map(str::to_owned),
            created_at: to_time(now)?,
            edited_at: None,
            seq: row.seq,
            internal: row.posting.audience != Audience::Everyone,
        };
        written.insert(*i, message);
    }
    let mut outcomes = Vec::with_capacity(jobs.len());
    for (i, decision) in decisions.into_iter().enumerate() {
        outcomes.push(match decision {
            Decision::Refused(error) => Err(error),
            Decision::Earlier(id) => Ok(SendOutcome {
                message: message_by_id(&mut *tx, id).await?,
                created: false,
                recipients: None,
                sla_changed: None,
            }),
            Decision::SameAs(k) => Ok(SendOutcome {
                message: written
                    .get(&k)
                    .cloned()
                    .ok_or(StoreError::NotFound("message"))?,
                created: false,
                recipients: None,
                sla_changed: None,
            }),
            Decision::Write { .. } => {
                let message = written
                    .get(&i)
                    .cloned()
                    .ok_or(StoreError::NotFound("message"))?;
                let channel = channel_of(i)?;
                Ok(SendOutcome {
                    recipients: Some(Recipients {
                        tenant: channel.tenant_id(),
                        members: recipients
                            .get(&message.channel_id)
                            .cloned()
                            .unwrap_or_default(),
                    }),
                    sla_changed: sla_changed
                        .contains(&channel.id())
                        .then(|| channel.tenant_id()),
                    message,
                    created: true,
                })
            }
        });
    }
    if rows.is_empty() {
        // Nothing new (repeats and refusals): nothing to commit.
        tx.rollback().await?;
        return Ok(outcomes);
    }
    let last = first + rows.len() as i64 - 1;
    if last > first {
        let mut sql = Sql::new("UPDATE change_counter SET value = ");
        sql.bind(last).push(" WHERE id = 1");
        sql.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// Moves each written channel's `last_seq` on by its sends of the batch (and its activity
/// and change number to its last send's); returns each write's seq, in order.
async fn take_seqs(
    tx: &mut Transaction<'_, Any>,
    writes: &[(usize, &Job, i64, bool, Audience)],
    now: i64,
) -> StoreResult<Vec<i64>> {
    let channels = distinct(writes.iter().map(|w| w.1.channel));
    let mut next: HashMap<ChannelId, i64> = HashMap::with_capacity(channels.len());
    let mut counts: HashMap<ChannelId, i64> = HashMap::with_capacity(channels.len());
    // One statement per hundred channels: `UPDATE … FROM (VALUES …)`, which SQLite (whose
    // VALUES columns are `column1…`, as PostgreSQL's) and PostgreSQL both take.
    for chunk in channels.chunks(100) {
        let mut sql =
            Sql::new("UPDATE channels SET last_seq = last_seq + v.column2, updated_at = ");
        sql.bind(now).push(", change_seq = v.column3 FROM (VALUES ");
        for (i, channel) in chunk.iter().enumerate() {
            let mine = writes.iter().filter(|w| w.1.channel == *channel);
            let count = mine.clone().count() as i64;
            let change = mine.map(|w| w.2).max().unwrap_or_default();
            counts.insert(*channel, count);
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(channel.to_string())
                .push(", ")
                .bind(count)
                .push(", ")
                .bind(change)
                .push(")");
        }
        sql.push(") AS v WHERE channels.id = v.column1 RETURNING id, last_seq");
        for row in sql.fetch_all(&mut **tx).await? {
            let channel: ChannelId = parse_col(&row, "id")?;
            let last: i64 = row.try_get("last_seq")?;
            let count = counts.get(&channel).copied().unwrap_or_default();
            next.insert(channel, last - count + 1);
        }
    }
    let mut seqs = Vec::with_capacity(writes.len());
    for write in writes {
        let seq = next
            .get_mut(&write.1.channel)
            .ok_or(StoreError::NotFound("channel"))?;
        seqs.push(*seq);
        *seq += 1;
    }
    Ok(seqs)
}

/// The current participants of each written channel, whom its `new_message` goes to.
async fn recipients(
    tx: &mut Transaction<'_, Any>,
    rows: &[MessageRow<'_>],
) -> StoreResult<HashMap<ChannelId, Vec<UserId>>> {
    let mut members: HashMap<ChannelId, Vec<UserId>> = HashMap::new();
    if rows.is_empty() {
        return Ok(members);
    }
    let mut sql = Sql::new(
        "SELECT channel_id, user_id FROM participants WHERE left_at IS NULL AND channel_id IN ",
    );
    sql.bind_list(
        distinct(rows.iter().map(|r| r.channel.id()))
            .iter()
            .map(ChannelId::to_string),
    );
    for row in sql.fetch_all(&mut **tx).await? {
        members
            .entry(parse_col(&row, "channel_id")?)
            .or_default()
            .push(parse_col(&row, "user_id")?);
    }
    Ok(members)
}

/// Each sender as its messages show it, in each tenant it wrote in.
async fn summaries(
    tx: &mut Transaction<'_, Any>,
    rows: &[MessageRow<'_>],
) -> StoreResult<HashMap<(UserId, protocol::TenantId), UserSummary>> {
    let mut summaries = HashMap::new();
    for (user, tenant) in distinct(rows.iter().map(|r| (r.sender, r.channel.tenant_id()))) {
        let mut sql = Sql::new(
            "SELECT u.id AS u_id, u.email AS u_email, u.name AS u_name, \
             CASE WHEN u.is_super_admin = 1 THEN 'SUPER_ADMIN' ELSE (SELECT ut.role FROM user_tenants ut \
                 WHERE ut.user_id = u.id AND ut.tenant_id = ",
        );
        sql.bind(tenant.to_string())
            .push(") END AS u_role FROM users u WHERE u.id = ")
            .bind(user.to_string());
        let row = sql.fetch_one(&mut **tx).await?;
        summaries.insert((user, tenant), summary_from_row(&row, "u_")?);
    }
    Ok(summaries)
}
