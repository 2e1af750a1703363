-- The queue as a window (console at scale): the queue is answered in SQLite with its
-- filters, text and order applied, and only the rows in view leave the cache. Each order
-- and the text filter get a column derived from the channel's JSON, and each order an index.
--
-- The derived columns are computed in Rust (the rules in `protocol::queue`); rows cached
-- before this migration have `derived = 0` and are derived once when the cache opens.
ALTER TABLE channels ADD COLUMN activity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN rank INTEGER NOT NULL DEFAULT 3;
ALTER TABLE channels ADD COLUMN due INTEGER;
ALTER TABLE channels ADD COLUMN haystack TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;
CREATE INDEX channels_by_last_activity ON channels (activity DESC, id);
CREATE INDEX channels_by_rank ON channels (rank, activity DESC, id);
CREATE INDEX channels_by_created ON channels (created, id);
CREATE INDEX channels_by_due ON channels (due IS NULL, due, activity DESC, id);
CREATE INDEX channels_underived ON channels (derived) WHERE derived = 0;
