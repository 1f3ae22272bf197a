-- Up Migration

CREATE TABLE companies (
  id                   text PRIMARY KEY,
  name                 text NOT NULL,
  financial_account_id text NOT NULL,
  commission_bps       integer NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
  created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE routes (
  id          text PRIMARY KEY,
  company_id  text NOT NULL REFERENCES companies (id),
  origin      text NOT NULL,
  destination text NOT NULL,
  price_minor bigint NOT NULL CHECK (price_minor > 0),
  currency    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routes_company ON routes (company_id);

CREATE TABLE tickets (
  id              text PRIMARY KEY,
  route_id        text NOT NULL REFERENCES routes (id),
  company_id      text NOT NULL REFERENCES companies (id),
  passenger_name  text NOT NULL,
  passenger_phone text NOT NULL,
  price_minor     bigint NOT NULL,
  currency        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('reserved', 'issued', 'expired', 'cancelled')),
  payment_code_id text,
  transaction_id  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  issued_at       timestamptz,
  released_at     timestamptz
);
-- A webhook names the payment code; this finds its ticket.
CREATE UNIQUE INDEX tickets_by_payment_code ON tickets (payment_code_id) WHERE payment_code_id IS NOT NULL;

CREATE TABLE payment_codes (
  id             text PRIMARY KEY,
  ticket_id      text NOT NULL UNIQUE REFERENCES tickets (id),
  ussd_code      text NOT NULL,
  amount_minor   bigint NOT NULL,
  currency       text NOT NULL,
  status         text NOT NULL CHECK (status IN ('pending', 'completed', 'expired', 'cancelled')),
  expire_time    timestamptz,
  transaction_id text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Only pending codes are looked up by expiry; completed ones are the bulk and never are.
CREATE INDEX payment_codes_active ON payment_codes (expire_time) WHERE status = 'pending';
-- One payment applies a code; a second payment for it is an operator case, not a second ticket.
CREATE UNIQUE INDEX payment_codes_by_transaction ON payment_codes (transaction_id) WHERE transaction_id IS NOT NULL;

CREATE TABLE transactions (
  id               text PRIMARY KEY,
  workflow_id      text NOT NULL UNIQUE,
  event_id         text,
  payment_code_id  text,
  ticket_id        text REFERENCES tickets (id),
  company_id       text REFERENCES companies (id),
  amount_minor     bigint NOT NULL,
  currency         text NOT NULL,
  commission_minor bigint,
  net_minor        bigint,
  status           text NOT NULL CHECK (status IN ('processing', 'completed', 'needs_attention', 'cancelled')),
  attention_reason text,
  resolution       jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz
);
CREATE INDEX transactions_by_status_company ON transactions (status, company_id);
CREATE INDEX transactions_by_company_time ON transactions (company_id, created_at);

CREATE TABLE commission_transfers (
  transaction_id         text PRIMARY KEY REFERENCES transactions (id),
  idempotency_key        text NOT NULL UNIQUE,
  round                  integer NOT NULL DEFAULT 0,
  monime_transfer_id     text UNIQUE,
  source_account_id      text NOT NULL,
  destination_account_id text NOT NULL,
  amount_minor           bigint NOT NULL CHECK (amount_minor >= 0),
  currency               text NOT NULL,
  status                 text NOT NULL CHECK (status IN ('requested', 'pending', 'processing', 'completed', 'failed')),
  failure_reason         text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  completed_at           timestamptz
);

CREATE TABLE audit_logs (
  id          text PRIMARY KEY,
  entity_type text NOT NULL,
  entity_id   text NOT NULL,
  sequence    integer NOT NULL,
  action      text NOT NULL,
  actor       text NOT NULL,
  company_id  text,
  before      jsonb,
  after       jsonb,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_by_entity_time ON audit_logs (entity_type, entity_id, occurred_at, sequence);

-- Down Migration

DROP TABLE audit_logs;
DROP TABLE commission_transfers;
DROP TABLE transactions;
DROP TABLE payment_codes;
DROP TABLE tickets;
DROP TABLE routes;
DROP TABLE companies;
