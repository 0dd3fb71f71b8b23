-- Two-stage payments (api-contract.md, «Two-stage payments»): a payment created with
-- `"capture": false` stops at `authorized` with its amount held on the card, until it is
-- captured (all or part, once), canceled, or its hold expires.
--
-- Online on a big table: the columns are nullable or have a constant default (no rewrite), the
-- constraints are added NOT VALID (enforced on every new write at once) and validated by the
-- next migration under a lock that lets writes go on, and the index is built concurrently by the
-- one after. Nothing is back-filled: a one-stage payment charged before this (or by a node of
-- the previous version during a rolling deploy) took its whole amount, which is what a null
-- `captured_amount` of a charged one-stage payment means.
ALTER TABLE operations
    -- false: a two-stage payment (the bank books a hold, then a capture or a release).
    ADD COLUMN capture boolean NOT NULL DEFAULT true,
    -- What was taken from the card; the fee and the refunds apply to it. Null until then (and
    -- for a one-stage payment charged before this column existed: its whole amount).
    ADD COLUMN captured_amount numeric(18, 2),
    -- The hold's second step while it is at the bank (`processing`): the settlement worker
    -- asks for it, and sends it again, by (reference, this step).
    ADD COLUMN hold_step text,
    ADD COLUMN hold_step_amount numeric(18, 2),
    -- When an uncaptured hold is released by the expiry worker; kept while a step is at the
    -- bank.
    ADD COLUMN hold_expires_at timestamptz;

ALTER TABLE operations
    DROP CONSTRAINT operations_status_check,
    ADD CONSTRAINT operations_status_check CHECK (status IN ('created', 'authentication', 'processing',
        'authorized', 'succeeded', 'failed', 'canceled', 'partially_refunded', 'refunded')) NOT VALID,
    DROP CONSTRAINT operations_refunded_le_amount,
    ADD CONSTRAINT operations_refunded_le_captured CHECK (refunded_amount <=
        coalesce(captured_amount, CASE WHEN capture THEN amount ELSE 0 END)) NOT VALID,
    ADD CONSTRAINT operations_captured_positive CHECK (captured_amount > 0) NOT VALID,
    ADD CONSTRAINT operations_captured_le_amount CHECK (captured_amount <= amount) NOT VALID,
    ADD CONSTRAINT operations_captured_when_charged CHECK (captured_amount IS NULL
        OR (type IN ('ecom', 'aft') AND status IN ('succeeded', 'partially_refunded', 'refunded'))) NOT VALID,
    ADD CONSTRAINT operations_two_stage_charged_has_captured CHECK (capture
        OR status NOT IN ('succeeded', 'partially_refunded', 'refunded') OR captured_amount IS NOT NULL) NOT VALID,
    ADD CONSTRAINT operations_two_stage_payments CHECK (capture OR type IN ('ecom', 'aft')) NOT VALID,
    ADD CONSTRAINT operations_hold_statuses CHECK (status NOT IN ('authorized', 'canceled') OR NOT capture) NOT VALID,
    ADD CONSTRAINT operations_hold_step CHECK (hold_step IS NULL
        OR (hold_step IN ('capture', 'release') AND status = 'processing' AND NOT capture)) NOT VALID,
    ADD CONSTRAINT operations_hold_step_amount CHECK ((hold_step IS NOT DISTINCT FROM 'capture')
        = (hold_step_amount IS NOT NULL) AND (hold_step_amount IS NULL OR hold_step_amount > 0)) NOT VALID,
    ADD CONSTRAINT operations_hold_expiry CHECK ((status <> 'authorized' OR hold_expires_at IS NOT NULL)
        AND (hold_expires_at IS NULL OR status IN ('authorized', 'processing'))) NOT VALID,
    DROP CONSTRAINT operations_failed_has_no_fee,
    ADD CONSTRAINT operations_failed_has_no_fee CHECK (status NOT IN ('failed', 'canceled') OR fee = 0) NOT VALID;

ALTER TABLE events
    DROP CONSTRAINT events_type_check,
    ADD CONSTRAINT events_type_check CHECK (type IN ('payment.authentication_required', 'payment.authorized',
        'payment.canceled', 'payment.succeeded', 'payment.failed', 'payment.refunded', 'refund.succeeded',
        'refund.failed', 'payout.succeeded', 'payout.failed')) NOT VALID;

-- The reports' volume is what was taken: the captured amount where there is one. The function
-- reads the same expression for the old and the new row, so the deltas still add up.
CREATE OR REPLACE FUNCTION operation_stats_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO operation_stats_deltas (organization_id, hour, type, status, operations, amount, fee)
        VALUES (OLD.organization_id, date_trunc('hour', OLD.created_at, 'UTC'), OLD.type, OLD.status, -1,
                -coalesce(OLD.captured_amount, OLD.amount), -OLD.fee);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO operation_stats_deltas (organization_id, hour, type, status, operations, amount, fee)
        VALUES (NEW.organization_id, date_trunc('hour', NEW.created_at, 'UTC'), NEW.type, NEW.status, 1,
                coalesce(NEW.captured_amount, NEW.amount), NEW.fee);
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER operations_stats ON operations;
CREATE TRIGGER operations_stats
    AFTER INSERT OR DELETE OR UPDATE OF organization_id, type, status, amount, captured_amount, fee, created_at ON operations
    FOR EACH ROW EXECUTE FUNCTION operation_stats_apply();
