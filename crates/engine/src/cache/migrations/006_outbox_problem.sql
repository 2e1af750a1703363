-- Why an outbox item's last try failed, in words: a protocol::problem::Problem as JSON,
-- beside last_error (the technical detail). Rows of older versions have none.
ALTER TABLE outbox ADD COLUMN problem TEXT;
