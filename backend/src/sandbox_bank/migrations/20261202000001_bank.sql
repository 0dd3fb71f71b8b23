-- The sandbox bank's own database: every (reference, type) it was asked about, and the
-- append-only register of final outcomes.

CREATE TABLE bookings (
    reference           text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    type                text NOT NULL CHECK (type IN ('debit', 'credit', 'refund', 'hold', 'capture', 'release')),
    state               text NOT NULL CHECK (state IN ('challenge', 'approved', 'declined')),
    amount              numeric(18, 2) NOT NULL CHECK (amount >= 0),
    currency            text NOT NULL,
    -- SHA-256 of the PAN: the card's identity for fault rules and the refund-fails card.
    card_hash           text,
    -- Refunds: the charge they return; captures and releases: their hold (same reference).
    original_reference  text,
    recurring           boolean NOT NULL DEFAULT false,
    bank_transaction_id text NOT NULL,
    decline_code        text,
    decline_message     text,
    -- The first answer said "pending" (the test card whose answer comes too late).
    answered_late       boolean NOT NULL DEFAULT false,
    -- How many requests for this (reference, type) arrived.
    requests            integer NOT NULL DEFAULT 1 CHECK (requests >= 1),
    created_at          timestamptz NOT NULL DEFAULT now(),
    finalized_at        timestamptz,
    PRIMARY KEY (reference, type),
    CHECK ((state = 'challenge') = (finalized_at IS NULL)),
    CHECK ((state = 'declined') = (decline_code IS NOT NULL))
);

CREATE INDEX bookings_original ON bookings (original_reference) WHERE original_reference IS NOT NULL;

-- The register: one row per (reference, type) once its outcome is final. `seq` orders it; rows
-- are inserted under a transaction-level advisory lock, so they commit in `seq` order and a
-- reader paging with `after` never skips a row that commits later.
CREATE TABLE ledger (
    seq                 bigserial PRIMARY KEY,
    reference           text NOT NULL,
    type                text NOT NULL,
    amount              numeric(18, 2) NOT NULL CHECK (amount >= 0),
    currency            text NOT NULL,
    status              text NOT NULL CHECK (status IN ('approved', 'declined')),
    bank_transaction_id text NOT NULL,
    created_at          timestamptz NOT NULL,
    UNIQUE (reference, type),
    FOREIGN KEY (reference, type) REFERENCES bookings (reference, type)
);

CREATE INDEX ledger_created_at ON ledger (created_at, seq);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only';
END $$;

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
