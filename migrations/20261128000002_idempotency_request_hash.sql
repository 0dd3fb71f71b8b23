-- Payment requests carry the PAN and the CVC, so the idempotency record keeps only a keyed
-- hash of the request's canonical JSON (sorted keys): enough to compare bodies as parsed JSON,
-- nothing to leak.
ALTER TABLE idempotency_records DROP COLUMN request_body;
ALTER TABLE idempotency_records ADD COLUMN request_hash bytea NOT NULL CHECK (length(request_hash) = 32);
