-- Up Migration

-- When the current round's first attempt reached the database: the transfer's give-up clock
-- (TRANSFER_GIVE_UP_AFTER_MINUTES) runs from here, so time a transfer spent queued behind
-- MoniMe's rate limit, before any attempt, never counts as time spent failing.
ALTER TABLE commission_transfers ADD COLUMN round_started_at timestamptz;
UPDATE commission_transfers SET round_started_at = updated_at;
ALTER TABLE commission_transfers ALTER COLUMN round_started_at SET NOT NULL, ALTER COLUMN round_started_at SET DEFAULT now();

-- Down Migration

ALTER TABLE commission_transfers DROP COLUMN round_started_at;
