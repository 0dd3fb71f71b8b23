-- Daily settlement statements: one per organization and Moscow day, built once after the day
-- ends (backend/src/ledger/statements.rs) and never changed. The figures must add up, and a
-- rebuild from the ledger must reproduce them (`clickpay ledger verify` checks every one).
CREATE TABLE statements (
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    day              date NOT NULL,
    opening_balance  numeric(18, 2) NOT NULL,
    payments         numeric(18, 2) NOT NULL CHECK (payments >= 0),
    payments_count   integer NOT NULL CHECK (payments_count >= 0),
    refunds          numeric(18, 2) NOT NULL CHECK (refunds >= 0),
    refunds_count    integer NOT NULL CHECK (refunds_count >= 0),
    fees             numeric(18, 2) NOT NULL CHECK (fees >= 0),
    payouts          numeric(18, 2) NOT NULL CHECK (payouts >= 0),
    payouts_count    integer NOT NULL CHECK (payouts_count >= 0),
    closing_balance  numeric(18, 2) NOT NULL,
    operations_count integer NOT NULL,
    built_at         timestamptz NOT NULL,
    PRIMARY KEY (organization_id, day),
    CONSTRAINT statements_add_up CHECK (closing_balance = opening_balance + payments - refunds - fees - payouts),
    CONSTRAINT statements_count CHECK (operations_count = payments_count + refunds_count + payouts_count),
    -- A day is stated once it is over, never ahead of time.
    CONSTRAINT statements_day_over CHECK (day < (built_at AT TIME ZONE INTERVAL '+03:00')::date)
);
CREATE TRIGGER statements_append_only BEFORE UPDATE OR DELETE ON statements
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER statements_no_truncate BEFORE TRUNCATE ON statements
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- A day, once stated, takes no more postings: one stamped inside a day already stated (its
-- transaction committed late, or a node's clock is behind) goes to the first open day instead,
-- so the statement, the balance and the next day's statement all count it, once. The shared
-- lock is the one the statement builder takes exclusively: a build waits for the postings in
-- flight, and a posting waits for a build in progress.
CREATE FUNCTION ledger_posting_open_day() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
DECLARE
    closed date;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('statement:' || NEW.organization_id::text, 0));
    SELECT max(day) INTO closed FROM public.statements WHERE organization_id = NEW.organization_id;
    IF closed IS NOT NULL AND (NEW.created_at AT TIME ZONE INTERVAL '+03:00')::date <= closed THEN
        NEW.created_at := (closed + 1)::timestamp AT TIME ZONE INTERVAL '+03:00';
        NEW.available_on := closed + 1 + CASE WHEN NEW.kind = 'payment' THEN 1 ELSE 0 END;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_postings_open_day BEFORE INSERT ON ledger_postings
    FOR EACH ROW WHEN (NEW.operation_id IS NOT NULL) EXECUTE FUNCTION ledger_posting_open_day();
