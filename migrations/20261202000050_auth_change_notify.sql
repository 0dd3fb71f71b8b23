-- Node-local caches of who may call the API (API keys with their organization's status) and who
-- may read the docs (verified Basic credentials) are dropped on every node when what they cached
-- changes: a row whose cached columns really change notifies channel `clickpay_auth` with the
-- table's name, once the transaction commits (identical notifications of one transaction are
-- delivered once). The row itself is not named: such changes are rare and a flush is cheap.
CREATE FUNCTION notify_auth_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM pg_notify('clickpay_auth', TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- Not on `last_used_at`, which the API itself writes once a minute per key.
CREATE TRIGGER api_keys_notify_auth AFTER UPDATE ON api_keys FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.key_hash IS DISTINCT FROM NEW.key_hash
          OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION notify_auth_change();
CREATE TRIGGER api_keys_notify_auth_delete AFTER DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change();
-- An organization's edit sets every column it may change; only a new status matters here.
CREATE TRIGGER organizations_notify_auth AFTER UPDATE ON organizations FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION notify_auth_change();
CREATE TRIGGER organizations_notify_auth_delete AFTER DELETE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change();
-- Logins update users all the time (failed counts, lock times); only what the docs' cache
-- trusts a credential on is announced. The cache also checks the account on every request.
CREATE TRIGGER users_notify_auth AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.active IS DISTINCT FROM NEW.active
          OR OLD.role IS DISTINCT FROM NEW.role OR OLD.must_change_password IS DISTINCT FROM NEW.must_change_password)
    EXECUTE FUNCTION notify_auth_change();
CREATE TRIGGER users_notify_auth_delete AFTER DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_change();
