-- SLA clocks (PLATFORM.md, "Agent workflow"): one policy per tenant and priority, each time
-- optional, with optional business hours (JSON: {timeZone, days}). A ticket keeps its
-- clock's state (JSON, protocol::sla_clock::SlaState), the view the contract serves (JSON,
-- protocol::sla::TicketSla), its soonest open due time (`?sort=due`, `?sla=`), its next
-- unrecorded breach (the breach task) and how many it has had: all change together, in the
-- transaction of the event that moves them.
CREATE TABLE sla_policies (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    priority TEXT NOT NULL,
    first_response_minutes INTEGER,
    next_response_minutes INTEGER,
    resolution_minutes INTEGER,
    business_hours TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, priority)
);
ALTER TABLE tickets ADD COLUMN sla_state TEXT;
ALTER TABLE tickets ADD COLUMN sla TEXT;
ALTER TABLE tickets ADD COLUMN sla_next_due INTEGER;
ALTER TABLE tickets ADD COLUMN sla_next_breach INTEGER;
ALTER TABLE tickets ADD COLUMN sla_breach_count INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_by_tenant_next_due ON tickets (tenant_id, sla_next_due);
CREATE INDEX tickets_by_next_breach ON tickets (sla_next_breach) WHERE sla_next_breach IS NOT NULL;
