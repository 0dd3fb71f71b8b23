-- no-transaction
-- The audit-log viewer filters by organization, newest first. Built concurrently: writes go on.
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_log_org_idx ON audit_log (organization_id, created_at DESC) WHERE organization_id IS NOT NULL;
