-- Two-stage payments (api-contract.md, «Two-stage payments»): a payment created with
-- `"capture": false` stops at `authorized` with its amount held on the card, until it is
-- captured (all or part, once), canceled, or its hold expires.
ALTER TABLE operations DROP CONSTRAINT operations_status_check;
ALTER TABLE operations ADD CONSTRAINT operations_status_check CHECK (status IN ('created', 'authentication',
    'processing', 'authorized', 'succeeded', 'failed', 'canceled', 'partially_refunded', 'refunded'));

ALTER TABLE operations
    -- false: a two-stage payment (the bank books a hold, then a capture or a release).
    ADD COLUMN capture boolean NOT NULL DEFAULT true,
    -- What was taken from the card: null until then. The fee and the refunds apply to it.
    ADD COLUMN captured_amount numeric(18, 2) CHECK (captured_amount > 0),
    -- The hold's second step while it is at the bank (`processing`): the settlement worker
    -- asks for it, and sends it again, by (reference, this step).
    ADD COLUMN hold_step text CHECK (hold_step IN ('capture', 'release')),
    ADD COLUMN hold_step_amount numeric(18, 2) CHECK (hold_step_amount > 0),
    -- When an uncaptured hold is released by the expiry worker.
    ADD COLUMN hold_expires_at timestamptz;

UPDATE operations SET captured_amount = amount
 WHERE type IN ('ecom', 'aft') AND status IN ('succeeded', 'partially_refunded', 'refunded');

ALTER TABLE operations DROP CONSTRAINT operations_refunded_le_amount;
ALTER TABLE operations
    ADD CONSTRAINT operations_refunded_le_captured CHECK (refunded_amount = 0 OR refunded_amount <= captured_amount),
    ADD CONSTRAINT operations_captured_le_amount CHECK (captured_amount <= amount),
    ADD CONSTRAINT operations_captured_once_charged CHECK (type NOT IN ('ecom', 'aft')
        OR (status IN ('succeeded', 'partially_refunded', 'refunded')) = (captured_amount IS NOT NULL)),
    ADD CONSTRAINT operations_two_stage_payments CHECK (capture OR type IN ('ecom', 'aft')),
    ADD CONSTRAINT operations_hold_statuses CHECK (status NOT IN ('authorized', 'canceled') OR NOT capture),
    ADD CONSTRAINT operations_hold_step CHECK (hold_step IS NULL OR (status = 'processing' AND NOT capture)),
    ADD CONSTRAINT operations_hold_step_amount CHECK ((hold_step = 'capture') = (hold_step_amount IS NOT NULL)),
    -- The expiry stays while a capture or release is at the bank, so a declined step leaves
    -- the hold as it was.
    ADD CONSTRAINT operations_hold_expiry CHECK ((status <> 'authorized' OR hold_expires_at IS NOT NULL)
        AND (hold_expires_at IS NULL OR status IN ('authorized', 'processing')));

ALTER TABLE operations DROP CONSTRAINT operations_failed_has_no_fee;
ALTER TABLE operations ADD CONSTRAINT operations_failed_has_no_fee CHECK (status NOT IN ('failed', 'canceled') OR fee = 0);

CREATE INDEX operations_hold_expiry_idx ON operations (hold_expires_at) WHERE status = 'authorized';

ALTER TABLE events DROP CONSTRAINT events_type_check;
ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('payment.authentication_required',
    'payment.authorized', 'payment.canceled', 'payment.succeeded', 'payment.failed', 'payment.refunded',
    'refund.succeeded', 'refund.failed', 'payout.succeeded', 'payout.failed'));

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
