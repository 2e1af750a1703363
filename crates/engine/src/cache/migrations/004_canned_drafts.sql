-- Agent workflow (platform version 2): canned responses and composer drafts.
--
-- Canned responses keep the platform's JSON whole beside the columns the list's order and
-- the offline search read; sync writes them with its batch and cursor.
CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    short_code TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX canned_responses_by_short_code ON canned_responses (short_code, id);

-- What is written but not sent in a channel's composer, one per channel; saved on each
-- change so it survives a crash, deleted when it is sent or emptied.
CREATE TABLE drafts (
    channel_id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    note INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

-- Sync sends every canned response the user may use only from an empty cursor: start over
-- once, so a cache synced before canned responses existed gets them (applying a sync twice
-- changes nothing).
DELETE FROM state WHERE key = 'sync_cursor';
