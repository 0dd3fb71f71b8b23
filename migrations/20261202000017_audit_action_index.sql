-- no-transaction
-- The audit-log viewer filters by action (exact or a family by prefix), newest first.
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_action_idx ON audit_log (action text_pattern_ops, created_at DESC);
