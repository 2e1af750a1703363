-- A ticket leaving a category: the roles that see that category by category alone lose
-- the channel, and their next sync must still tell them (with the channel's new state).
CREATE TABLE category_departures (
    channel_id TEXT NOT NULL REFERENCES channels(id),
    change_seq BIGINT NOT NULL,
    previous_category TEXT NOT NULL,
    PRIMARY KEY (channel_id, change_seq)
);
CREATE INDEX category_departures_by_change ON category_departures (change_seq);
