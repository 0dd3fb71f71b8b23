-- The register was kept in commit order by an advisory lock that each booking held through its
-- commit, so the whole bank booked one request at a time (a commit's flush each). Now each line
-- records the transaction that wrote it, and a reader pages in (xid, seq) order, returning only
-- lines of transactions below the oldest one still running: a line that commits later always
-- sorts after every line already read, so a reader paging with `after` still never skips one.
ALTER TABLE ledger ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX ledger_xid_seq ON ledger (xid, seq);
