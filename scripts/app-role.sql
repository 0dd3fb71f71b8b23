-- The application's role owns nothing: migrations run as the owner, and the server connects as
-- this role, which may read and write rows but cannot alter or drop a table, a trigger (the
-- audit log's included) or a function, and may only append to the audit log.
-- psql -v app_role=clickpay_app -f scripts/app-role.sql  (in the application's database)
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
-- No temporary tables: the server uses none, and one could shadow a real table's name.
REVOKE TEMPORARY ON DATABASE :"DBNAME" FROM PUBLIC, :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM :"app_role";
-- The ledger and the statements are append-only (their triggers say so too).
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_postings, ledger_entries, statements FROM :"app_role";
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_accounts FROM :"app_role";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _sqlx_migrations FROM :"app_role";
-- Two-factor sign-in: the enrollment and the challenges are read and written as rows. A recovery
-- code row is only ever marked used: UPDATE reaches used_at alone, so its hash and its user cannot
-- be rewritten, and a trigger (migration 20261202000023) refuses to unmark a used code. This is no
-- barrier against someone who holds the application role itself: it may still DELETE the codes
-- and INSERT new ones, as regenerating them does.
GRANT SELECT, INSERT, UPDATE, DELETE ON user_totp, two_factor_challenges TO :"app_role";
GRANT SELECT, INSERT, DELETE ON two_factor_recovery_codes TO :"app_role";
REVOKE UPDATE, TRUNCATE ON two_factor_recovery_codes FROM :"app_role";
GRANT UPDATE (used_at) ON two_factor_recovery_codes TO :"app_role";
-- Reconciliation: runs and discrepancies are written and closed, never deleted (a trigger of
-- migration 20261202000041 keeps a closed discrepancy as it was closed).
REVOKE DELETE, TRUNCATE ON reconciliation_runs, reconciliation_discrepancies FROM :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
