-- Up Migration

-- /metrics counts open transactions by status and reason, with the oldest's age, at every
-- scrape (db/queries/openTransactions.ts). Open ones are a few percent of the table and stay
-- few while the finished history grows: a partial index holding just them, with the columns
-- the query reads, answers it without touching the rest.
CREATE INDEX transactions_open ON transactions (status, attention_reason, updated_at) WHERE status IN ('processing', 'needs_attention');

-- Down Migration

DROP INDEX transactions_open;
