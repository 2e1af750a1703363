-- SLA warnings already shown: one per ticket, clock and due time, so a warning fires once
-- (a clock that starts again, with a new due time, warns again), across restarts.
CREATE TABLE sla_warnings (
    channel_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    PRIMARY KEY (channel_id, kind, due_at)
);
