-- The platform's model (PLATFORM.md). Ids are UUID text; times are microseconds since the
-- Unix epoch (UTC); `change_seq` orders every change for /api/chat/sync.
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_super_admin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE user_tenants (
    user_id TEXT NOT NULL REFERENCES users(id),
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX user_tenants_by_tenant ON user_tenants (tenant_id, role);

-- One row: the last change number handed out. Bumped inside each writing transaction, so
-- change numbers follow commit order.
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    context_id TEXT,
    subject TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    assigned_to TEXT REFERENCES users(id),
    escalated_to TEXT REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    change_seq INTEGER NOT NULL
);
CREATE INDEX channels_by_tenant_status ON channels (tenant_id, status, updated_at);
CREATE INDEX channels_by_tenant_assignee ON channels (tenant_id, assigned_to, updated_at);
CREATE INDEX channels_by_tenant_activity ON channels (tenant_id, updated_at, id);
CREATE INDEX channels_by_change ON channels (change_seq);

CREATE TABLE participants (
    channel_id TEXT NOT NULL REFERENCES channels(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    user_type TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    left_at INTEGER,
    notifications_enabled INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX participants_by_user ON participants (user_id, channel_id);

-- How far each user has read each channel, participant or not (an admin reading the queue).
CREATE TABLE read_markers (
    channel_id TEXT NOT NULL REFERENCES channels(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    last_read_seq INTEGER NOT NULL,
    last_read_at INTEGER NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL UNIQUE REFERENCES channels(id),
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    subject TEXT NOT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    assigned_to TEXT REFERENCES users(id),
    escalated_at INTEGER,
    resolved_at INTEGER,
    resolved_by TEXT REFERENCES users(id),
    resolution TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX tickets_by_tenant_status ON tickets (tenant_id, status);
CREATE INDEX tickets_by_tenant_assignee ON tickets (tenant_id, assigned_to);
CREATE INDEX tickets_by_tenant_category ON tickets (tenant_id, category);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels(id),
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    seq INTEGER NOT NULL,
    sender_id TEXT NOT NULL REFERENCES users(id),
    sender_type TEXT NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT,
    client_message_id TEXT,
    created_at INTEGER NOT NULL,
    edited_at INTEGER,
    change_seq INTEGER NOT NULL,
    UNIQUE (channel_id, seq)
);
CREATE UNIQUE INDEX messages_by_client_id ON messages (channel_id, sender_id, client_message_id)
    WHERE client_message_id IS NOT NULL;
CREATE INDEX messages_by_change ON messages (change_seq);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    tenant_id TEXT REFERENCES tenants(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    tenant_id TEXT REFERENCES tenants(id),
    actor_id TEXT REFERENCES users(id),
    action TEXT NOT NULL,
    channel_id TEXT,
    detail TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, created_at);
