-- Node-local caches of who may call the API (API keys with their organization's status) and who
-- may read the docs (verified Basic credentials) are dropped on every node when what they cached
-- changes: a statement that touches those rows notifies channel `clickpay_auth` with the table's
-- name, after its transaction commits. The row-level detail is not sent: such changes are rare
-- and a flush is cheap.
CREATE FUNCTION notify_auth_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM pg_notify('clickpay_auth', TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- Not on `last_used_at`, which the API itself writes once a minute per key.
CREATE TRIGGER api_keys_notify_auth AFTER UPDATE OF revoked_at, key_hash, organization_id OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change();
CREATE TRIGGER organizations_notify_auth AFTER UPDATE OF status OR DELETE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change();
-- Logins update users all the time (failed counts, lock times); only what the docs' cache
-- trusts a credential on is announced. The cache also checks the account on every request.
CREATE TRIGGER users_notify_auth
    AFTER UPDATE OF password_hash, active, role, must_change_password OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change();
