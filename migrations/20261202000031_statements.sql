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
    CONSTRAINT statements_count CHECK (operations_count = payments_count + refunds_count + payouts_count)
);
CREATE TRIGGER statements_append_only BEFORE UPDATE OR DELETE ON statements
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER statements_no_truncate BEFORE TRUNCATE ON statements
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
