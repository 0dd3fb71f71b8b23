-- Idempotency in atomic phases: the key is claimed in the transaction that creates the
-- operation (and names it), and completed in the transaction that records its outcome. A record
-- left incomplete by a crash is taken over once its lock is older than the lock timeout.
ALTER TABLE idempotency_records
    ADD COLUMN locked_at    timestamptz,
    ADD COLUMN operation_id uuid REFERENCES operations (id);

-- Records left unfinished by the earlier design never named their operation, so a take-over
-- could not tell "nothing was made" from "a charge was made": they stay in progress until they
-- expire (24 h), as they did before, rather than run again. Records written by a node of the
-- earlier version during a rolling deploy (no lock time) are treated the same way.
UPDATE idempotency_records SET locked_at = '9999-12-31T00:00:00Z' WHERE completed_at IS NULL;
