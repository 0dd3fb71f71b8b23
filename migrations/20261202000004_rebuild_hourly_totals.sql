-- Migration 5 filled the hourly totals from a snapshot taken before its trigger existed, so an
-- operation written by another node during that migration (a rolling deploy) was never counted.
-- Rebuild them while writes wait: the SHARE lock blocks inserts and updates of operations until
-- this commits, and the trigger, which exists now, records every write after it.
LOCK TABLE operations IN SHARE MODE;
SELECT pg_advisory_xact_lock(hashtext('operation_stats_compact'));
DELETE FROM operation_stats_deltas;
DELETE FROM operation_stats_hourly;
INSERT INTO operation_stats_hourly (organization_id, hour, type, status, operations, amount, fee)
SELECT organization_id, date_trunc('hour', created_at, 'UTC'), type, status, count(*), sum(amount), sum(fee)
  FROM operations GROUP BY 1, 2, 3, 4;
