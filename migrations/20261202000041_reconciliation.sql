-- Reconciliation against the bank (issue 17, part 4): every Moscow day the bank's register is
-- matched one to one with the operations, by (reference, type). A run is recorded with its
-- counts; each disagreement is a discrepancy with both sides' figures, open until a person
-- resolves it (with a comment), the run settles it (recovery), or a later run of the day finds
-- it no more. New tables only: nothing existing is rewritten or locked.

CREATE TABLE reconciliation_runs (
    id            uuid PRIMARY KEY,
    -- The Moscow day reconciled.
    day           date NOT NULL,
    trigger       text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    started_by    uuid REFERENCES users (id),
    status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    -- The grace window either side of the day, as this run used it.
    grace_minutes integer NOT NULL CHECK (grace_minutes BETWEEN 0 AND 1440),
    started_at    timestamptz NOT NULL,
    -- A running run's lease: past it, the run is taken to have died with its node and another
    -- may start. Every write of a run names its id and requires it still running.
    leased_until  timestamptz,
    finished_at   timestamptz,
    bank_lines    integer NOT NULL DEFAULT 0 CHECK (bank_lines >= 0),
    matched       integer NOT NULL DEFAULT 0 CHECK (matched >= 0),
    settled       integer NOT NULL DEFAULT 0 CHECK (settled >= 0),
    mismatched    integer NOT NULL DEFAULT 0 CHECK (mismatched >= 0),
    error         text CHECK (error IS NULL OR length(error) <= 1000),
    CONSTRAINT reconciliation_runs_finished CHECK ((status = 'running') = (finished_at IS NULL)),
    CONSTRAINT reconciliation_runs_leased CHECK ((status = 'running') = (leased_until IS NOT NULL)),
    CONSTRAINT reconciliation_runs_started_by CHECK (trigger = 'manual' OR started_by IS NULL)
);
-- One run of a day at a time, on any node.
CREATE UNIQUE INDEX reconciliation_runs_one_running ON reconciliation_runs (day) WHERE status = 'running';
CREATE INDEX reconciliation_runs_day_idx ON reconciliation_runs (day, started_at DESC);
CREATE INDEX reconciliation_runs_started_idx ON reconciliation_runs (started_at DESC);

CREATE TABLE reconciliation_discrepancies (
    id              uuid PRIMARY KEY,
    day             date NOT NULL,
    reference       text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    booking         text NOT NULL CHECK (booking IN ('debit', 'credit', 'refund', 'hold', 'capture', 'release')),
    kind            text NOT NULL CHECK (kind IN ('missing_at_gateway', 'missing_at_bank', 'amount_differs',
                        'status_differs', 'bank_id_differs')),
    status          text NOT NULL CHECK (status IN ('open', 'resolved', 'settled', 'cleared')),
    first_run_id    uuid NOT NULL REFERENCES reconciliation_runs (id),
    last_run_id     uuid NOT NULL REFERENCES reconciliation_runs (id),
    -- The bank's side: its register line (all null: the register has none).
    bank_amount         numeric(18, 2) CHECK (bank_amount >= 0),
    bank_currency       text,
    bank_status         text CHECK (bank_status IN ('approved', 'declined')),
    bank_transaction_id text,
    bank_booked_at      timestamptz,
    -- The gateway's side: the operation as the run last found it (all null: no operation), and
    -- what it says the bank booked of this type.
    operation_id                uuid REFERENCES operations (id),
    organization_id             uuid REFERENCES organizations (id),
    operation_type              text,
    gateway_status              text,
    gateway_amount              numeric(18, 2) CHECK (gateway_amount >= 0),
    gateway_bank_transaction_id text,
    gateway_recorded_at         timestamptz,
    found_at        timestamptz NOT NULL,
    last_found_at   timestamptz NOT NULL,
    closed_at       timestamptz,
    -- Who resolved it, and why (required).
    closed_by       uuid REFERENCES users (id),
    comment         text CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
    CONSTRAINT reconciliation_discrepancies_closed CHECK ((status = 'open') = (closed_at IS NULL)),
    CONSTRAINT reconciliation_discrepancies_resolved CHECK ((status = 'resolved') = (closed_by IS NOT NULL)
        AND (status <> 'resolved' OR comment IS NOT NULL)),
    CONSTRAINT reconciliation_discrepancies_sides CHECK ((bank_status IS NULL) = (bank_booked_at IS NULL)
        AND (operation_id IS NULL) = (gateway_status IS NULL))
);
-- A re-run updates the open discrepancy of a (day, reference, type) instead of adding another.
CREATE UNIQUE INDEX reconciliation_discrepancies_one_open
    ON reconciliation_discrepancies (day, reference, booking) WHERE status = 'open';
CREATE INDEX reconciliation_discrepancies_day_idx ON reconciliation_discrepancies (day, status);
-- Ops at a glance: the open ones of every day.
CREATE INDEX reconciliation_discrepancies_open_idx ON reconciliation_discrepancies (day DESC) WHERE status = 'open';

-- A closed discrepancy stays as it was closed: a resolution is never rewritten, undone or
-- deleted (the application role could otherwise do all three).
CREATE FUNCTION reconciliation_discrepancy_closed_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'open' THEN
        RAISE EXCEPTION 'a closed discrepancy stays closed' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER reconciliation_discrepancy_closed_once BEFORE UPDATE OR DELETE ON reconciliation_discrepancies
    FOR EACH ROW EXECUTE FUNCTION reconciliation_discrepancy_closed_once();
