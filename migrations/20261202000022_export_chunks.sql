-- An export's file is kept in chunks of at most 1 MiB: it is written and served one chunk at a
-- time, so no node holds a whole file (a million rows is about 115 MB) in memory, and no value
-- comes near bytea's 1 GB ceiling. A file of the previous version (one bytea in exports.file)
-- is still served as it is.
CREATE TABLE export_chunks (
    export_id uuid NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
    seq       integer NOT NULL CHECK (seq >= 0),
    data      bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 1048576),
    PRIMARY KEY (export_id, seq)
);
ALTER TABLE exports ADD COLUMN size_bytes bigint CHECK (size_bytes >= 0);
-- A finished export has its file: in exports.file (previous version) or in chunks (size_bytes).
ALTER TABLE exports DROP CONSTRAINT exports_done_has_file;
ALTER TABLE exports ADD CONSTRAINT exports_done_has_file
    CHECK ((status = 'done') = (file IS NOT NULL OR size_bytes IS NOT NULL));
