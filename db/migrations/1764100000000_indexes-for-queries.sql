-- Up Migration

-- Indexes match the queries that run (`npm run db:explain`): every query fareflow sends
-- reads its rows by primary key, by a unique key, or the audit trail by
-- audit_logs_by_entity_time. These four served no query; each costs a write on every insert
-- or update of its table. Operators find stuck transactions by company, status or reason
-- in Temporal's visibility store (search attributes), not in these tables.

-- Reservations are released by a timer per ticket and by the expiry webhook, each by id:
-- nothing looks pending codes up by expiry time.
DROP INDEX payment_codes_active;
-- No query filters or sorts transactions by status, company or time.
DROP INDEX transactions_by_status_company;
DROP INDEX transactions_by_company_time;
-- No query lists a company's routes.
DROP INDEX routes_company;

-- Down Migration

CREATE INDEX routes_company ON routes (company_id);
CREATE INDEX transactions_by_company_time ON transactions (company_id, created_at);
CREATE INDEX transactions_by_status_company ON transactions (status, company_id);
CREATE INDEX payment_codes_active ON payment_codes (expire_time) WHERE status = 'pending';
