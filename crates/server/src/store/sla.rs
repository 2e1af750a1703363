//! SLA clocks in the store: each tenant's policies (one per priority) and each ticket's
//! clocks, moved by `protocol::sla_clock` in the transaction of the event that moves them.
//! A ticket's clock state, the `sla` the contract serves, its soonest due time (for
//! `?sort=due` and `?sla=`) and its next breach (for the breach task) are written together.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use protocol::rest::UpdateTicketRequest;
use protocol::sla::{PutSlaPolicyRequest, SlaPolicy, TicketSla};
use protocol::sla_clock::{Calendar, SlaEvent, SlaState};
use protocol::{
    Audience, ChannelId, FieldError, SenderType, TenantId, TicketPriority, TicketStatus,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::sql::Sql;
use super::{next_change, now_micros, parse_col, to_time, Store, StoreError, StoreResult};
use crate::actor::{Actor, Scope};

/// One thing that happened to a ticket's clocks, in the transaction that makes it happen.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClockChange {
    /// The ticket's channel.
    pub channel: ChannelId,
    /// What happened (`None`: nothing but the passing of time: record what fell due).
    pub event: Option<SlaEvent>,
    /// When.
    pub at: DateTime<Utc>,
    /// The ticket's priority from now on, when this change sets it.
    pub priority: Option<TicketPriority>,
}

impl ClockChange {
    /// `event` on `channel`'s ticket at `at`.
    pub(super) fn event(channel: ChannelId, event: SlaEvent, at: DateTime<Utc>) -> Self {
        Self {
            channel,
            event: Some(event),
            at,
            priority: None,
        }
    }
}

/// A ticket's clocks as read under the write lock.
struct TicketClock {
    tenant: TenantId,
    priority: TicketPriority,
    state: SlaState,
    /// The `sla` it showed (JSON), to tell whether it changed.
    shown: Option<String>,
}

type Policies = HashMap<(TenantId, TicketPriority), SlaPolicy>;

fn calendar(policy: Option<&SlaPolicy>) -> StoreResult<Calendar> {
    Calendar::for_policy(policy).map_err(|e| StoreError::Corrupt(format!("SLA policy: {e}")))
}

/// The policies in force for some tenants, with each one's calendar read once.
struct Rules {
    policies: Policies,
    calendars: HashMap<(TenantId, TicketPriority), Calendar>,
}

impl Rules {
    async fn load(
        tx: &mut Transaction<'_, Any>,
        tenants: impl Iterator<Item = TenantId>,
    ) -> StoreResult<Self> {
        Ok(Self {
            policies: load_policies(tx, tenants).await?,
            calendars: HashMap::new(),
        })
    }

    /// The policy of `tenant`'s `priority`, if it has one, and its calendar.
    fn of(
        &mut self,
        tenant: TenantId,
        priority: TicketPriority,
    ) -> StoreResult<(Option<&SlaPolicy>, &Calendar)> {
        let policy = self.policies.get(&(tenant, priority));
        let calendar = match self.calendars.entry((tenant, priority)) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(calendar(policy)?),
        };
        Ok((policy, calendar))
    }
}

/// The clocks of the tickets of `channels` (channels without a ticket have none). A ticket
/// older than SLA clocks starts them at its creation.
async fn load_clocks(
    tx: &mut Transaction<'_, Any>,
    channels: &[ChannelId],
) -> StoreResult<HashMap<ChannelId, TicketClock>> {
    let mut clocks = HashMap::with_capacity(channels.len());
    if channels.is_empty() {
        return Ok(clocks);
    }
    let mut sql = Sql::new(
        "SELECT channel_id, tenant_id, priority, created_at, sla_state, sla FROM tickets WHERE channel_id IN ",
    );
    sql.bind_list(channels.iter().map(ChannelId::to_string));
    for row in sql.fetch_all(&mut **tx).await? {
        let state = match row.try_get::<Option<String>, _>("sla_state")? {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("sla_state: {e}")))?,
            None => {
                let mut state = SlaState::default();
                let created = to_time(row.try_get("created_at")?)?;
                state.apply(SlaEvent::Created, created, &Calendar::around_the_clock());
                state
            }
        };
        clocks.insert(
            parse_col(&row, "channel_id")?,
            TicketClock {
                tenant: parse_col(&row, "tenant_id")?,
                priority: parse_col(&row, "priority")?,
                state,
                shown: row.try_get("sla")?,
            },
        );
    }
    Ok(clocks)
}

fn policy_from_row(row: &AnyRow) -> StoreResult<SlaPolicy> {
    let minutes = |column: &str| -> StoreResult<Option<u32>> {
        Ok(row
            .try_get::<Option<i64>, _>(column)?
            .and_then(|m| u32::try_from(m).ok()))
    };
    let business_hours = match row.try_get::<Option<String>, _>("business_hours")? {
        Some(text) => Some(
            serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("business_hours: {e}")))?,
        ),
        None => None,
    };
    Ok(SlaPolicy {
        tenant_id: parse_col(row, "tenant_id")?,
        priority: parse_col(row, "priority")?,
        first_response_minutes: minutes("first_response_minutes")?,
        next_response_minutes: minutes("next_response_minutes")?,
        resolution_minutes: minutes("resolution_minutes")?,
        business_hours,
    })
}

const POLICY_COLUMNS: &str = "SELECT sp.tenant_id, sp.priority, sp.first_response_minutes, \
    sp.next_response_minutes, sp.resolution_minutes, sp.business_hours FROM sla_policies sp WHERE ";

/// The policies of `tenants`.
async fn load_policies(
    tx: &mut Transaction<'_, Any>,
    tenants: impl Iterator<Item = TenantId>,
) -> StoreResult<Policies> {
    let mut tenants: Vec<TenantId> = tenants.collect();
    tenants.sort_unstable_by_key(|t| t.0);
    tenants.dedup();
    let mut policies = Policies::new();
    if tenants.is_empty() {
        return Ok(policies);
    }
    let mut sql = Sql::new(POLICY_COLUMNS);
    sql.push("sp.tenant_id IN ")
        .bind_list(tenants.iter().map(TenantId::to_string));
    for row in sql.fetch_all(&mut **tx).await? {
        let policy = policy_from_row(&row)?;
        policies.insert((policy.tenant_id, policy.priority), policy);
    }
    Ok(policies)
}

/// Writes a ticket's clocks: the state, the `sla` it shows, its soonest due time and its
/// next breach, under `policy` and its `calendar`. Returns whether the `sla` it shows changed.
async fn write_clock(
    tx: &mut Transaction<'_, Any>,
    channel: ChannelId,
    clock: &TicketClock,
    policy: Option<&SlaPolicy>,
    calendar: &Calendar,
) -> StoreResult<bool> {
    let view: TicketSla = clock.state.view(policy, calendar);
    let state = serde_json::to_string(&clock.state)
        .map_err(|e| StoreError::Corrupt(format!("sla_state: {e}")))?;
    let view =
        serde_json::to_string(&view).map_err(|e| StoreError::Corrupt(format!("sla: {e}")))?;
    let next_due = clock
        .state
        .next_due(policy, calendar)
        .map(|at| at.timestamp_micros());
    let next_breach = clock
        .state
        .next_breach(policy, calendar)
        .map(|at| at.timestamp_micros());
    let changed = clock.shown.as_deref() != Some(view.as_str());
    let mut sql = Sql::new("UPDATE tickets SET sla_state = ");
    sql.bind(state)
        .push(", sla = ")
        .bind(view)
        .push(", sla_next_due = ")
        .bind(next_due)
        .push(", sla_next_breach = ")
        .bind(next_breach)
        .push(", sla_breach_count = ")
        .bind(clock.state.breaches.len() as i64)
        .push(", priority = ")
        .bind(clock.priority.as_str().to_owned())
        .push(" WHERE channel_id = ")
        .bind(channel.to_string());
    sql.execute(&mut **tx).await?;
    Ok(changed)
}

/// Applies `changes`, in order, to the clocks of their tickets (changes on channels without
/// a ticket are ignored), each event after recording what fell due before it, and writes
/// the tickets they touched. Returns the channels whose tickets' `sla` changed.
pub(super) async fn advance(
    tx: &mut Transaction<'_, Any>,
    changes: &[ClockChange],
) -> StoreResult<Vec<ChannelId>> {
    let mut channels: Vec<ChannelId> = changes.iter().map(|c| c.channel).collect();
    channels.sort_unstable_by_key(|c| c.0);
    channels.dedup();
    let mut clocks = load_clocks(tx, &channels).await?;
    if clocks.is_empty() {
        return Ok(Vec::new());
    }
    let mut rules = Rules::load(tx, clocks.values().map(|c| c.tenant)).await?;
    for change in changes {
        let Some(clock) = clocks.get_mut(&change.channel) else {
            continue;
        };
        let (policy, calendar) = rules.of(clock.tenant, clock.priority)?;
        match change.event {
            Some(event) => {
                clock.state.step(event, change.at, policy, calendar);
            }
            None => {
                clock.state.record_breaches(policy, calendar, change.at);
            }
        }
        if let Some(priority) = change.priority {
            clock.priority = priority;
        }
    }
    let mut changed = Vec::with_capacity(clocks.len());
    for (channel, clock) in &clocks {
        let (policy, calendar) = rules.of(clock.tenant, clock.priority)?;
        if write_clock(tx, *channel, clock, policy, calendar).await? {
            changed.push(*channel);
        }
    }
    Ok(changed)
}

/// What a message means to its ticket's clocks: a customer's message may start the
/// next-response clock, an agent's public reply stops one; a SYSTEM message or an internal
/// note means nothing (a note is no reply).
pub(super) fn reply_event(sender: SenderType, audience: Audience) -> Option<SlaEvent> {
    match sender {
        SenderType::System => None,
        SenderType::Participant => Some(SlaEvent::CustomerMessaged),
        _ if audience == Audience::Everyone => Some(SlaEvent::AgentReplied),
        _ => None,
    }
}

/// What a ticket update means to its clocks: a status into `PENDING_USER` pauses them and
/// out of it resumes them, `RESOLVED` or `CLOSED` stops them and leaving those reopens; a
/// new priority recomputes the due times under its policy (what fell due before under the
/// old one is recorded first). Runs before the update is written.
pub(super) async fn on_ticket_update(
    tx: &mut Transaction<'_, Any>,
    channel: ChannelId,
    update: &UpdateTicketRequest,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let mut sql = Sql::new("SELECT status FROM tickets WHERE channel_id = ");
    sql.bind(channel.to_string());
    let Some(row) = sql.fetch_optional(&mut **tx).await? else {
        return Ok(());
    };
    let old: TicketStatus = parse_col(&row, "status")?;
    let done = |s: TicketStatus| matches!(s, TicketStatus::Resolved | TicketStatus::Closed);
    let mut events = Vec::new();
    if let Some(new) = update.status.filter(|new| *new != old) {
        if old == TicketStatus::PendingUser {
            events.push(SlaEvent::Resumed);
        }
        if done(new) && !done(old) {
            events.push(SlaEvent::Resolved);
        }
        if done(old) && !done(new) {
            events.push(SlaEvent::Reopened);
        }
        if new == TicketStatus::PendingUser {
            events.push(SlaEvent::Paused);
        }
    }
    let mut changes: Vec<ClockChange> = events
        .into_iter()
        .map(|event| ClockChange::event(channel, event, at))
        .collect();
    changes.push(ClockChange {
        channel,
        event: None,
        at,
        priority: update.priority,
    });
    advance(tx, &changes).await.map(drop)
}

impl Store {
    /// The SLA policies the actor's tenant has (every tenant's, for a super admin without
    /// one): for agents only.
    pub async fn sla_policies(&self, actor: &Actor) -> StoreResult<Vec<SlaPolicy>> {
        if !actor.role().is_agent() {
            return Err(StoreError::Forbidden("SLA policies are for agents"));
        }
        let mut sql = Sql::new(POLICY_COLUMNS);
        sql.push_scope("sp.tenant_id", actor)
            .push(" ORDER BY sp.tenant_id, sp.priority");
        sql.fetch_all(&self.pool)
            .await?
            .iter()
            .map(policy_from_row)
            .collect()
    }

    /// Replaces the policy of `priority` in the actor's tenant, and recomputes the due times
    /// of its open tickets of that priority from the same starts (what fell due under the
    /// old policy is recorded first). Returns the policy and the channels whose tickets
    /// changed.
    pub async fn put_sla_policy(
        &self,
        actor: &Actor,
        priority: TicketPriority,
        request: &PutSlaPolicyRequest,
    ) -> StoreResult<(SlaPolicy, Vec<ChannelId>)> {
        if !protocol::sla::edits_policies(actor.role()) {
            return Err(StoreError::Forbidden(
                "only the tenant's admins edit SLA policies",
            ));
        }
        let Scope::Tenant(tenant) = actor.scope() else {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "tenantId",
                "sign in to a tenant to edit its SLA policies",
            )]));
        };
        let policy = request.clone().into_policy(tenant, priority);
        let business_hours = policy
            .business_hours
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("business_hours: {e}")))?;
        let now = now_micros();
        let at = to_time(now)?;
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        // What fell due under the old policy is a breach of it.
        let open = open_tickets(&mut tx, tenant, priority).await?;
        let mut clocks = load_clocks(&mut tx, &open).await?;
        let mut old = Rules::load(&mut tx, std::iter::once(tenant)).await?;
        let (old_policy, old_calendar) = old.of(tenant, priority)?;
        for clock in clocks.values_mut() {
            clock.state.record_breaches(old_policy, old_calendar, at);
        }
        let minutes = |m: Option<u32>| m.map(i64::from);
        let mut sql = Sql::new(
            "INSERT INTO sla_policies (tenant_id, priority, first_response_minutes, \
             next_response_minutes, resolution_minutes, business_hours, updated_at) VALUES (",
        );
        sql.bind(tenant.to_string())
            .push(", ")
            .bind(priority.as_str().to_owned())
            .push(", ")
            .bind(minutes(policy.first_response_minutes))
            .push(", ")
            .bind(minutes(policy.next_response_minutes))
            .push(", ")
            .bind(minutes(policy.resolution_minutes))
            .push(", ")
            .bind(business_hours)
            .push(", ")
            .bind(now)
            .push(
                ") ON CONFLICT (tenant_id, priority) DO UPDATE SET \
                 first_response_minutes = excluded.first_response_minutes, \
                 next_response_minutes = excluded.next_response_minutes, \
                 resolution_minutes = excluded.resolution_minutes, \
                 business_hours = excluded.business_hours, updated_at = excluded.updated_at",
            );
        sql.execute(&mut *tx).await?;
        // Then the due times under the new one.
        let calendar = calendar(Some(&policy))?;
        let mut recomputed = Vec::with_capacity(open.len());
        for (channel, clock) in &clocks {
            if write_clock(&mut tx, *channel, clock, Some(&policy), &calendar).await? {
                recomputed.push(*channel);
            }
        }
        if !recomputed.is_empty() {
            let mut sql = Sql::new("UPDATE channels SET change_seq = ");
            sql.bind(change)
                .push(" WHERE id IN ")
                .bind_list(recomputed.iter().map(ChannelId::to_string));
            sql.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok((policy, recomputed))
    }
}

/// The channels of `tenant`'s tickets of `priority` that are not resolved or closed.
async fn open_tickets(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    priority: TicketPriority,
) -> StoreResult<Vec<ChannelId>> {
    let mut sql = Sql::new("SELECT channel_id FROM tickets WHERE tenant_id = ");
    sql.bind(tenant.to_string())
        .push(" AND priority = ")
        .bind(priority.as_str().to_owned())
        .push(" AND status NOT IN ('RESOLVED', 'CLOSED')");
    sql.fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| parse_col(row, "channel_id"))
        .collect()
}

impl Store {
    /// Plays a ticket's clocks again from nothing: `events` in order, each at its instant,
    /// under the tenant's policies as they are, then what fell due by `now`. For demo data
    /// (tickets due soon and breached) and for the tests that play protocol's table of
    /// clock cases through the store; no route reaches it.
    pub async fn replay_sla(
        &self,
        channel: ChannelId,
        events: &[(SlaEvent, DateTime<Utc>)],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let fresh = serde_json::to_string(&SlaState::default())
            .map_err(|e| StoreError::Corrupt(format!("sla_state: {e}")))?;
        let mut sql = Sql::new("UPDATE tickets SET sla_state = ");
        sql.bind(fresh)
            .push(" WHERE channel_id = ")
            .bind(channel.to_string());
        if sql.execute(&mut *tx).await? == 0 {
            return Err(StoreError::NotFound("ticket"));
        }
        let mut changes: Vec<ClockChange> = events
            .iter()
            .map(|(event, at)| ClockChange::event(channel, *event, *at))
            .collect();
        changes.push(ClockChange {
            channel,
            event: None,
            at: now,
            priority: None,
        });
        advance(&mut tx, &changes).await?;
        let mut sql = Sql::new("UPDATE channels SET change_seq = ");
        sql.bind(change)
            .push(" WHERE id = ")
            .bind(channel.to_string());
        sql.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Records the breaches that fell due by `now`, for at most `limit` tickets (soonest
    /// first), in one transaction: the clocks are read again under the write lock, so two
    /// nodes (or a restart) record each breach once. Returns the channels recorded, with
    /// their tenants.
    pub async fn record_due_breaches(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<(ChannelId, TenantId)>> {
        let mut tx = self.begin().await?;
        let change = next_change(&mut tx).await?;
        let mut sql = Sql::new(
            "SELECT channel_id, tenant_id FROM tickets WHERE sla_next_breach IS NOT NULL \
             AND sla_next_breach <= ",
        );
        sql.bind(now.timestamp_micros())
            .push(" ORDER BY sla_next_breach, channel_id LIMIT ")
            .bind(limit);
        let due: Vec<(ChannelId, TenantId)> = sql
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| Ok((parse_col(row, "channel_id")?, parse_col(row, "tenant_id")?)))
            .collect::<StoreResult<_>>()?;
        if due.is_empty() {
            tx.rollback().await?;
            return Ok(due);
        }
        let changes: Vec<ClockChange> = due
            .iter()
            .map(|(channel, _)| ClockChange {
                channel: *channel,
                event: None,
                at: now,
                priority: None,
            })
            .collect();
        advance(&mut tx, &changes).await?;
        let mut sql = Sql::new("UPDATE channels SET change_seq = ");
        sql.bind(change)
            .push(" WHERE id IN ")
            .bind_list(due.iter().map(|(channel, _)| channel.to_string()));
        sql.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(due)
    }

    /// When the next breach falls due, of every ticket (`None`: none is running).
    pub async fn next_breach_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let row = Sql::new("SELECT MIN(sla_next_breach) AS next FROM tickets")
            .fetch_one(&self.pool)
            .await?;
        row.try_get::<Option<i64>, _>("next")?
            .map(to_time)
            .transpose()
    }
}
