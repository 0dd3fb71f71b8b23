-- A recovery code is used once: once marked used, it is never unmarked (the application role
-- may update used_at only, and this trigger refuses to set it back).
CREATE FUNCTION recovery_code_used_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.used_at IS NOT NULL THEN
        RAISE EXCEPTION 'a used recovery code stays used' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER recovery_code_used_once BEFORE UPDATE ON two_factor_recovery_codes
    FOR EACH ROW EXECUTE FUNCTION recovery_code_used_once();
