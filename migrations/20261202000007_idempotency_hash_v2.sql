-- The request hash no longer covers the CVC, and the PAN enters it only as its look-up hash,
-- under a key used for nothing else (PCI DSS 3.3.1.2). Records saved before carry version 1 and
-- are still compared the old way until they expire (24 h).
ALTER TABLE idempotency_records ADD COLUMN request_hash_version smallint NOT NULL DEFAULT 1
    CHECK (request_hash_version IN (1, 2));
