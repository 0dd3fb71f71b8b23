-- Two-factor sign-in (TOTP, RFC 6238) for cabinet users.

-- A user's enrollment: one per user. The secret is sealed with AES-256-GCM, its associated data
-- naming the user, so a ciphertext copied to another user's row does not open. An enrollment is
-- pending until a first code confirms it; the confirming code's step is the first used step, so
-- no code is accepted twice (nor an older one after a newer).
CREATE TABLE user_totp (
    user_id           uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- 20 secret bytes + the 16-byte tag; room for a longer secret later.
    secret_ciphertext bytea NOT NULL CHECK (length(secret_ciphertext) BETWEEN 32 AND 80),
    secret_nonce      bytea NOT NULL CHECK (length(secret_nonce) = 12),
    confirmed_at      timestamptz,
    last_used_step    bigint CHECK (last_used_step IS NULL OR last_used_step >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_totp_confirmed_with_a_step CHECK ((confirmed_at IS NULL) = (last_used_step IS NULL))
);

-- One-time recovery codes: only an HMAC-SHA256 of each (a server key), never the code. They
-- belong to the enrollment: disabling or resetting it removes them.
CREATE TABLE two_factor_recovery_codes (
    user_id    uuid NOT NULL REFERENCES user_totp (user_id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, code_hash)
);

-- The second step of a sign-in: the password was right, a code is due. Only a SHA-256 of the
-- challenge token is kept; it lives five minutes, allows five tries and is used once.
CREATE TABLE two_factor_challenges (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_method text NOT NULL CHECK (login_method IN ('login', 'phone', 'email')),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL CHECK (expires_at > created_at AND expires_at <= created_at + interval '10 minutes'),
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 5),
    consumed_at  timestamptz
);
CREATE INDEX two_factor_challenges_user_idx ON two_factor_challenges (user_id);
