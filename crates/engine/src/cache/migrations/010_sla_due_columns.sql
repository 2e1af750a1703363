-- SLA warnings read only the tickets with a clock due within the warning window: each
-- running clock's due time gets its own column and index (NULL while it does not count:
-- resolved, closed, waiting for the customer). Reading every ticket whose soonest clock was
-- due by then read every breached ticket on every check (every 20 s), which at 100,000
-- cached tickets was most of the cache.
ALTER TABLE channels ADD COLUMN first_due INTEGER;
ALTER TABLE channels ADD COLUMN next_due INTEGER;
ALTER TABLE channels ADD COLUMN resolution_due INTEGER;
CREATE INDEX channels_by_first_due ON channels (first_due) WHERE first_due IS NOT NULL;
CREATE INDEX channels_by_next_due ON channels (next_due) WHERE next_due IS NOT NULL;
CREATE INDEX channels_by_resolution_due ON channels (resolution_due) WHERE resolution_due IS NOT NULL;
-- Tickets with SLA clocks are derived again when the cache opens (`channels::derive_missing`).
UPDATE channels SET derived = 0 WHERE json_extract(json, '$.ticket.sla') IS NOT NULL;
