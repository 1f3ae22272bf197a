-- Up Migration

-- Audit events the trail could not store, set aside by the batcher so that one of them never
-- stops the events behind it: `refused` (PostgreSQL refused the event; `reason` is its error
-- message) or `malformed` (a signal payload item that was no audit event at all). `event` is
-- JSON text, not jsonb: what jsonb would not take is why most of them are here.
CREATE TABLE audit_dead_letters (
  event_id         text PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('refused', 'malformed')),
  batcher          text NOT NULL,
  event            text NOT NULL,
  reason           text NOT NULL,
  dead_lettered_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE audit_dead_letters;
