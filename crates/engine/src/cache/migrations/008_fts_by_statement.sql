-- Messages are indexed for search by one statement per write (`cache::messages::insert`:
-- INSERT INTO messages_fts … SELECT over the rows it just stored), not by a trigger row by
-- row. FTS5 writes its pending terms out as a new segment at every statement savepoint, and
-- each row's INSERT (with its trigger and ON CONFLICT) opened one: a sync of 100k messages
-- wrote 100k segments and spent most of its time merging them.
-- Deleting and editing keep their triggers: they touch a row at a time.
DROP TRIGGER messages_fts_insert;
