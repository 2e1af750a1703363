-- Agent workflow (platform version 2): ticket numbers and internal notes.
--
-- Channels and messages keep the platform's JSON whole, so `ticket.number` and a message's
-- `internal` flag are stored as they come. A ticket's number gets its own indexed column so
-- `#1042` is an exact lookup, not a scan of every channel's JSON.
ALTER TABLE channels ADD COLUMN number INTEGER;
UPDATE channels SET number = json_extract(json, '$.ticket.number')
WHERE json_extract(json, '$.ticket.number') > 0;
CREATE INDEX channels_by_number ON channels (number) WHERE number IS NOT NULL;

-- Tickets cached before the platform numbered them have no number: catch up from the
-- start once, so every cached ticket gets its number (applying a sync twice changes nothing).
DELETE FROM state WHERE key = 'sync_cursor' AND EXISTS
    (SELECT 1 FROM channels WHERE json_extract(json, '$.ticket') IS NOT NULL AND number IS NULL);

-- Outbox rows need nothing: a message queued as an internal note carries `"internal": true`
-- in its payload beside the work; rows written before have none and are not notes.
