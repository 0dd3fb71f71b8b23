-- Hourly totals per organization, type and status, so the reports' charts read tens of
-- thousands of small rows instead of every operation. Hours are cut in UTC, which serves every
-- zone whose offset is whole hours; the report reads the operations for the others.
--
-- The trigger only appends deltas (the old row's contribution out, the new one in): inserts
-- never wait on each other, so the totals can never contend or deadlock with the payment flows'
-- row locks. The worker folds the deltas into the hourly table; readers add both.
CREATE TABLE operation_stats_hourly (
    organization_id uuid NOT NULL,
    hour            timestamptz NOT NULL,
    type            text NOT NULL,
    status          text NOT NULL,
    operations      bigint NOT NULL,
    amount          numeric(20, 2) NOT NULL,
    fee             numeric(20, 2) NOT NULL,
    PRIMARY KEY (organization_id, hour, type, status)
);

CREATE TABLE operation_stats_deltas (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL,
    hour            timestamptz NOT NULL,
    type            text NOT NULL,
    status          text NOT NULL,
    operations      integer NOT NULL,
    amount          numeric(18, 2) NOT NULL,
    fee             numeric(18, 2) NOT NULL
);

INSERT INTO operation_stats_hourly (organization_id, hour, type, status, operations, amount, fee)
SELECT organization_id, date_trunc('hour', created_at, 'UTC'), type, status, count(*), sum(amount), sum(fee)
  FROM operations GROUP BY 1, 2, 3, 4;

CREATE FUNCTION operation_stats_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO operation_stats_deltas (organization_id, hour, type, status, operations, amount, fee)
        VALUES (OLD.organization_id, date_trunc('hour', OLD.created_at, 'UTC'), OLD.type, OLD.status, -1, -OLD.amount, -OLD.fee);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO operation_stats_deltas (organization_id, hour, type, status, operations, amount, fee)
        VALUES (NEW.organization_id, date_trunc('hour', NEW.created_at, 'UTC'), NEW.type, NEW.status, 1, NEW.amount, NEW.fee);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER operations_stats
    AFTER INSERT OR DELETE OR UPDATE OF organization_id, type, status, amount, fee, created_at ON operations
    FOR EACH ROW EXECUTE FUNCTION operation_stats_apply();

-- Folds the deltas into the hourly totals; one caller at a time, the others return at once.
CREATE FUNCTION operation_stats_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('operation_stats_compact')) THEN
        RETURN 0;
    END IF;
    WITH gone AS (DELETE FROM operation_stats_deltas RETURNING *),
         merged AS (
            INSERT INTO operation_stats_hourly AS s (organization_id, hour, type, status, operations, amount, fee)
            SELECT organization_id, hour, type, status, sum(operations), sum(amount), sum(fee) FROM gone GROUP BY 1, 2, 3, 4
            ON CONFLICT (organization_id, hour, type, status) DO UPDATE
               SET operations = s.operations + EXCLUDED.operations, amount = s.amount + EXCLUDED.amount, fee = s.fee + EXCLUDED.fee
            RETURNING 1)
    SELECT count(*) INTO moved FROM merged;
    RETURN moved;
END;
$$;
