-- no-transaction
-- The expiry worker's queue: only the holds waiting for their merchant. Built concurrently, so
-- payments are written while it builds.
CREATE INDEX CONCURRENTLY IF NOT EXISTS operations_hold_expiry_idx ON operations (hold_expires_at) WHERE status = 'authorized';
