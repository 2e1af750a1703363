-- Who may read a message: 0 everyone who sees the channel, 1 agents only (an internal
-- note). Every read path filters through the audience rule (store/audience.rs).
ALTER TABLE messages ADD COLUMN internal BIGINT NOT NULL DEFAULT 0;
