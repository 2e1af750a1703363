-- The console's cache: what the platform said last, readable offline.
-- Channels and messages keep the platform's JSON whole beside the columns the queries use.

CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    subject TEXT,
    assigned_to TEXT,
    priority TEXT,
    category TEXT,
    updated_at INTEGER NOT NULL,
    unread_count INTEGER NOT NULL DEFAULT 0,
    json TEXT NOT NULL
);
CREATE INDEX channels_by_activity ON channels (updated_at DESC, id);
CREATE INDEX channels_by_status ON channels (status, updated_at DESC);

CREATE TABLE messages (
    id TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sender_id TEXT NOT NULL,
    client_message_id TEXT,
    created_at INTEGER NOT NULL,
    content TEXT NOT NULL,
    json TEXT NOT NULL,
    UNIQUE (channel_id, seq)
);
CREATE INDEX messages_by_time ON messages (created_at DESC);
CREATE INDEX messages_by_client_id ON messages (client_message_id) WHERE client_message_id IS NOT NULL;

-- Offline search: message content and channel subjects, diacritics folded.
-- Prefix indexes make the short prefixes people type while searching cheap.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content = 'messages', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;

CREATE VIRTUAL TABLE subjects_fts USING fts5(
    subject, content = 'channels', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER subjects_fts_insert AFTER INSERT ON channels BEGIN
    INSERT INTO subjects_fts (rowid, subject) VALUES (new.rowid, new.subject);
END;
CREATE TRIGGER subjects_fts_delete AFTER DELETE ON channels BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, subject) VALUES ('delete', old.rowid, old.subject);
END;
CREATE TRIGGER subjects_fts_update AFTER UPDATE OF subject ON channels BEGIN
    INSERT INTO subjects_fts (subjects_fts, rowid, subject) VALUES ('delete', old.rowid, old.subject);
    INSERT INTO subjects_fts (rowid, subject) VALUES (new.rowid, new.subject);
END;

-- Small named values: the sync cursor, settings.
CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Work written offline, sent in order once online.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_by_state ON outbox (state, seq);
