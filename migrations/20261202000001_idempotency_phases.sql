-- Idempotency in atomic phases: the key is claimed in the transaction that creates the
-- operation (and names it), and completed in the transaction that records its outcome. A record
-- left incomplete by a crash is taken over once its lock is older than the lock timeout.
ALTER TABLE idempotency_records
    ADD COLUMN locked_at    timestamptz,
    ADD COLUMN operation_id uuid REFERENCES operations (id);

UPDATE idempotency_records SET locked_at = created_at WHERE completed_at IS NULL;

ALTER TABLE idempotency_records
    ADD CONSTRAINT idempotency_records_locked_or_done CHECK (completed_at IS NOT NULL OR locked_at IS NOT NULL);
