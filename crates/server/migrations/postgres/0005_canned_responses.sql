-- Canned responses: the tenant's (scope TENANT) or one agent's own (PERSONAL). Short codes
-- are unique among a tenant's TENANT ones and among one owner's PERSONAL ones. Every
-- change takes a change number, and a deletion leaves a row behind, so sync can tell
-- consoles what changed and what went.
CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    scope TEXT NOT NULL,
    owner_id TEXT REFERENCES users(id),
    short_code TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    change_seq BIGINT NOT NULL
);
CREATE UNIQUE INDEX canned_tenant_codes ON canned_responses (tenant_id, short_code)
    WHERE scope = 'TENANT';
CREATE UNIQUE INDEX canned_personal_codes ON canned_responses (tenant_id, owner_id, short_code)
    WHERE scope = 'PERSONAL';
CREATE INDEX canned_by_change ON canned_responses (change_seq);
CREATE TABLE canned_deletions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    scope TEXT NOT NULL,
    owner_id TEXT,
    change_seq BIGINT NOT NULL
);
CREATE INDEX canned_deletions_by_change ON canned_deletions (change_seq);
