-- no-transaction
-- Reconciliation finds the operations whose bank answer the gateway recorded within a day (and
-- its grace window) by the time of that status change; built concurrently, so payments go on.
CREATE INDEX CONCURRENTLY IF NOT EXISTS operation_status_history_recorded_idx ON operation_status_history (created_at)
    WHERE to_status IN ('authorized', 'succeeded', 'failed', 'canceled');
