-- Background exports of the cabinet (xlsx of a filter): queued by a user, built by a worker
-- (claimed under a lease, so a dead builder's export is taken up again), kept 24 hours in
-- PostgreSQL so any node serves the file.
CREATE TABLE exports (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    filter       jsonb NOT NULL CHECK (jsonb_typeof(filter) = 'object'),
    status       text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    rows_total   bigint CHECK (rows_total >= 0),
    rows_done    bigint NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
    file_name    text NOT NULL CHECK (length(file_name) <= 200),
    file         bytea,
    error        text,
    leased_until timestamptz,
    -- Whose lease it is: every write of a builder names its claim, so a builder whose lease
    -- ran out cannot overwrite the one that took over.
    claim        uuid,
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    expires_at   timestamptz NOT NULL,
    CONSTRAINT exports_done_has_file CHECK ((status = 'done') = (file IS NOT NULL))
);
CREATE INDEX exports_queue_idx ON exports (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX exports_user_idx ON exports (user_id, created_at DESC);
CREATE INDEX exports_expiry_idx ON exports (expires_at);
