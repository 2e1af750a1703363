-- Who each channel is assigned to is read whole when the app starts and after each
-- catch-up (an assignment notifies only when it changes): an index holding both columns
-- answers it without reading every channel's JSON (at 100,000 cached tickets the scan read
-- the whole file through the page cache, and held the cache's connection while the queue
-- waited for its first window).
CREATE INDEX channels_by_assignee ON channels (assigned_to, id);
