-- ClickPay: the whole domain of product.md and api-contract.md.
-- Statuses and types are TEXT with CHECK constraints (readable in psql, cheap to extend by a new
-- migration). Money is numeric(18,2): exact, never float. Every invariant the code relies on is
-- also a constraint here.

-- Organizations (merchants).
CREATE TABLE organizations (
    id               uuid PRIMARY KEY,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    inn              text NOT NULL CHECK (inn ~ '^[0-9]{10}([0-9]{2})?$'),
    status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    registered_on    date NOT NULL DEFAULT current_date,
    notification_url text CHECK (notification_url IS NULL OR length(notification_url) <= 2048),
    -- whsec_ + base64 of 32 random bytes; needed in clear to sign, shown in the cabinet.
    webhook_secret   text NOT NULL CHECK (webhook_secret LIKE 'whsec\_%'),
    bank_name        text NOT NULL CHECK (length(bank_name) BETWEEN 1 AND 200),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_inn_key ON organizations (inn);

-- One terminal per type per organization.
CREATE TABLE terminals (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    type            text NOT NULL CHECK (type IN ('ecom', 'aft', 'oct')),
    enabled         boolean NOT NULL DEFAULT true,
    amount_limit    numeric(18, 2) NOT NULL DEFAULT 1000000.00 CHECK (amount_limit > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT terminals_organization_type_key UNIQUE (organization_id, type)
);

-- Tariffs are versioned, never updated: each operation refers to the tariff it was priced with.
-- The current tariff of a terminal is its newest row.
CREATE TABLE tariffs (
    id                  uuid PRIMARY KEY,
    terminal_id         uuid NOT NULL REFERENCES terminals (id),
    service_fee_percent numeric(7, 4) NOT NULL CHECK (service_fee_percent BETWEEN 0 AND 100),
    bank_fee_percent    numeric(7, 4) NOT NULL CHECK (bank_fee_percent BETWEEN 0 AND 100),
    min_fee             numeric(18, 2) NOT NULL CHECK (min_fee >= 0),
    valid_from          timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tariffs_terminal_valid_from_idx ON tariffs (terminal_id, valid_from DESC);

-- Cabinet users. There is no open registration: admins create them.
CREATE TABLE users (
    id                    uuid PRIMARY KEY,
    login                 text NOT NULL CHECK (login ~ '^[A-Za-z0-9._@-]{3,64}$'),
    email                 text CHECK (email IS NULL OR length(email) <= 254),
    phone                 text CHECK (phone IS NULL OR phone ~ '^\+[0-9]{10,15}$'),
    full_name             text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    password_hash         text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role                  text NOT NULL CHECK (role IN ('admin', 'partner')),
    time_zone             text NOT NULL DEFAULT 'Europe/Moscow',
    active                boolean NOT NULL DEFAULT true,
    failed_login_count    integer NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
    locked_until          timestamptz,
    must_change_password  boolean NOT NULL DEFAULT false,
    password_changed_at   timestamptz NOT NULL DEFAULT now(),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
-- Logins and e-mails are matched case-insensitively; each identifier names one user.
CREATE UNIQUE INDEX users_login_key ON users (lower(login));
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX users_phone_key ON users (phone) WHERE phone IS NOT NULL;

-- Which organizations a partner may see (admins see all).
CREATE TABLE memberships (
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX memberships_organization_idx ON memberships (organization_id);

-- Cabinet sessions: the JWT's jti. A row lets logout, a password change or disabling the
-- account end a session at once, and carries the idle timer.
CREATE TABLE sessions (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    ip           inet,
    user_agent   text CHECK (user_agent IS NULL OR length(user_agent) <= 512)
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- API keys: only a SHA-256 of the key is kept; the prefix identifies it to humans.
CREATE TABLE api_keys (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    prefix          text NOT NULL CHECK (prefix LIKE 'sk\_%'),
    key_hash        bytea NOT NULL CHECK (length(key_hash) = 32),
    name            text CHECK (name IS NULL OR length(name) <= 200),
    created_by      uuid REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id);

-- Saved cards. The PAN is AES-256-GCM ciphertext with its own nonce; pan_hash is an HMAC of the
-- PAN under a separate key, for look-ups. The CVC is never stored anywhere.
CREATE TABLE card_tokens (
    id              uuid PRIMARY KEY,
    token           text NOT NULL CHECK (token LIKE 'ct\_%'),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    pan_ciphertext  bytea NOT NULL,
    pan_nonce       bytea NOT NULL CHECK (length(pan_nonce) = 12),
    pan_hash        bytea NOT NULL CHECK (length(pan_hash) = 32),
    key_version     smallint NOT NULL DEFAULT 1,
    card_mask       text NOT NULL CHECK (card_mask ~ '^[0-9]{6}\*+[0-9]{4}$'),
    card_brand      text NOT NULL CHECK (card_brand IN ('visa', 'mastercard', 'mir')),
    card_holder     text CHECK (card_holder IS NULL OR length(card_holder) <= 100),
    exp_month       smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year        smallint NOT NULL CHECK (exp_year BETWEEN 2000 AND 2100),
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);
CREATE UNIQUE INDEX card_tokens_token_key ON card_tokens (token);
CREATE INDEX card_tokens_org_pan_hash_idx ON card_tokens (organization_id, pan_hash);

-- Operations: payments (ecom, aft), payouts (oct) and refunds (linked to their payment).
CREATE TABLE operations (
    id                  uuid PRIMARY KEY,
    organization_id     uuid NOT NULL REFERENCES organizations (id),
    type                text NOT NULL CHECK (type IN ('ecom', 'aft', 'oct', 'refund')),
    parent_id           uuid REFERENCES operations (id),
    terminal_id         uuid REFERENCES terminals (id),
    tariff_id           uuid REFERENCES tariffs (id),
    status              text NOT NULL CHECK (status IN ('created', 'authentication', 'processing',
                            'succeeded', 'failed', 'partially_refunded', 'refunded')),
    amount              numeric(18, 2) NOT NULL CHECK (amount > 0),
    currency            char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The fee is fixed at creation; it is charged (shown non-zero) only once the operation succeeds.
    fee                 numeric(18, 2) NOT NULL DEFAULT 0 CHECK (fee >= 0),
    fee_service         numeric(18, 2) NOT NULL DEFAULT 0 CHECK (fee_service >= 0),
    fee_bank            numeric(18, 2) NOT NULL DEFAULT 0 CHECK (fee_bank >= 0),
    -- Succeeded plus still-processing refunds.
    refunded_amount     numeric(18, 2) NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
    order_id            text CHECK (order_id IS NULL OR length(order_id) <= 128),
    description         text CHECK (description IS NULL OR length(description) <= 1000),
    reason              text CHECK (reason IS NULL OR length(reason) <= 1000),
    card_mask           text CHECK (card_mask IS NULL OR card_mask ~ '^[0-9]{6}\*+[0-9]{4}$'),
    card_last4          char(4),
    card_brand          text CHECK (card_brand IS NULL OR card_brand IN ('visa', 'mastercard', 'mir')),
    card_holder         text CHECK (card_holder IS NULL OR length(card_holder) <= 100),
    card_exp_month      smallint CHECK (card_exp_month BETWEEN 1 AND 12),
    card_exp_year       smallint CHECK (card_exp_year BETWEEN 2000 AND 2100),
    card_token_id       uuid REFERENCES card_tokens (id),
    recurring           boolean NOT NULL DEFAULT false,
    save_card           boolean NOT NULL DEFAULT false,
    return_url          text CHECK (return_url IS NULL OR length(return_url) <= 2048),
    customer_email      text CHECK (customer_email IS NULL OR length(customer_email) <= 254),
    customer_phone      text CHECK (customer_phone IS NULL OR length(customer_phone) <= 32),
    -- Our own deterministic reference at the acquirer: a retry never authorizes twice.
    acquirer_reference  text NOT NULL,
    bank_name           text,
    bank_transaction_id text,
    error_code          text,
    error_message       text,
    -- When the payer's step (3-D Secure or the hosted page) expires.
    action_expires_at   timestamptz,
    -- When the settlement worker next asks the acquirer about a processing operation.
    next_settle_at      timestamptz,
    metadata            jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    created_at          timestamptz NOT NULL DEFAULT now(),
    executed_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT operations_refunded_le_amount CHECK (refunded_amount <= amount),
    CONSTRAINT operations_refund_has_parent CHECK ((type = 'refund') = (parent_id IS NOT NULL)),
    CONSTRAINT operations_payment_has_terminal CHECK (type = 'refund' OR (terminal_id IS NOT NULL AND tariff_id IS NOT NULL)),
    CONSTRAINT operations_fee_parts CHECK (fee = fee_service + fee_bank),
    CONSTRAINT operations_failed_has_no_fee CHECK (status <> 'failed' OR fee = 0),
    CONSTRAINT operations_refund_statuses CHECK (type <> 'refund' OR status IN ('processing', 'succeeded', 'failed')),
    CONSTRAINT operations_payout_statuses CHECK (type <> 'oct' OR status IN ('processing', 'succeeded', 'failed'))
);
CREATE UNIQUE INDEX operations_acquirer_reference_key ON operations (acquirer_reference);
-- The cabinet's list: newest first per organization, by created or executed date, with filters.
CREATE INDEX operations_org_created_idx ON operations (organization_id, created_at DESC, id DESC);
CREATE INDEX operations_org_executed_idx ON operations (organization_id, executed_at DESC, id DESC) WHERE executed_at IS NOT NULL;
CREATE INDEX operations_org_status_created_idx ON operations (organization_id, status, created_at DESC, id DESC);
CREATE INDEX operations_org_type_created_idx ON operations (organization_id, type, created_at DESC, id DESC);
CREATE INDEX operations_org_order_idx ON operations (organization_id, order_id) WHERE order_id IS NOT NULL;
CREATE INDEX operations_org_last4_idx ON operations (organization_id, card_last4, created_at DESC) WHERE card_last4 IS NOT NULL;
CREATE INDEX operations_parent_idx ON operations (parent_id) WHERE parent_id IS NOT NULL;
-- The workers' queues stay small: only operations waiting on someone.
CREATE INDEX operations_settle_idx ON operations (next_settle_at) WHERE status = 'processing';
CREATE INDEX operations_action_expiry_idx ON operations (action_expires_at) WHERE status IN ('created', 'authentication');

-- Every status change of an operation: the cabinet's timeline.
CREATE TABLE operation_status_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operation_id uuid NOT NULL REFERENCES operations (id),
    from_status  text,
    to_status    text NOT NULL,
    error_code   text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operation_status_history_operation_idx ON operation_status_history (operation_id, id);

-- Idempotency records of the payment API, scoped to the organization.
CREATE TABLE idempotency_records (
    organization_id uuid NOT NULL REFERENCES organizations (id),
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
    method          text NOT NULL,
    path            text NOT NULL,
    request_body    jsonb,
    -- NULL while the first request is still running.
    response_status smallint,
    response_body   bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    CONSTRAINT idempotency_records_pkey PRIMARY KEY (organization_id, key)
);
CREATE INDEX idempotency_records_created_idx ON idempotency_records (created_at);

-- Webhook events (the outbox): written in the same transaction as the change they describe.
CREATE TABLE events (
    id              text PRIMARY KEY CHECK (id LIKE 'evt\_%'),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    operation_id    uuid REFERENCES operations (id),
    type            text NOT NULL CHECK (type IN ('payment.authentication_required', 'payment.succeeded',
                        'payment.failed', 'payment.refunded', 'refund.succeeded', 'refund.failed',
                        'payout.succeeded', 'payout.failed')),
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Delivery state: pending until acknowledged, failed once the retry window is over.
    delivery_status text NOT NULL DEFAULT 'pending' CHECK (delivery_status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,
    delivered_at    timestamptz
);
CREATE INDEX events_org_created_idx ON events (organization_id, created_at DESC, id DESC);
CREATE INDEX events_operation_idx ON events (operation_id) WHERE operation_id IS NOT NULL;
CREATE INDEX events_due_idx ON events (next_attempt_at) WHERE delivery_status = 'pending';

-- Each delivery attempt of an event.
CREATE TABLE delivery_attempts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         text NOT NULL REFERENCES events (id),
    url              text NOT NULL,
    attempted_at     timestamptz NOT NULL,
    webhook_timestamp bigint NOT NULL,
    http_status      smallint,
    error            text,
    latency_ms       integer NOT NULL CHECK (latency_ms >= 0),
    response_snippet text CHECK (response_snippet IS NULL OR length(response_snippet) <= 1024),
    manual           boolean NOT NULL DEFAULT false
);
CREATE INDEX delivery_attempts_event_idx ON delivery_attempts (event_id, id);

-- The append-only audit log: who, what, when, from which IP.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    actor_user_id   uuid REFERENCES users (id),
    actor_api_key_id uuid REFERENCES api_keys (id),
    action          text NOT NULL,
    target_type     text,
    target_id       text,
    organization_id uuid REFERENCES organizations (id),
    ip              inet,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, created_at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
