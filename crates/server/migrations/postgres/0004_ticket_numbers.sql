-- Ticket numbers: per tenant, from 1 in creation order, never reused. Existing tickets are
-- numbered in creation order (ties by id); `ticket_counters` hands out the next number in
-- the creating transaction, and the unique index holds it under any race.
ALTER TABLE tickets ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
UPDATE tickets SET number = (
    SELECT COUNT(*) FROM tickets t2
    WHERE t2.tenant_id = tickets.tenant_id
      AND (t2.created_at < tickets.created_at
           OR (t2.created_at = tickets.created_at AND t2.id <= tickets.id)));
CREATE UNIQUE INDEX tickets_by_tenant_number ON tickets (tenant_id, number);
CREATE TABLE ticket_counters (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
    last_number BIGINT NOT NULL
);
INSERT INTO ticket_counters (tenant_id, last_number)
    SELECT tenant_id, MAX(number) FROM tickets GROUP BY tenant_id;
