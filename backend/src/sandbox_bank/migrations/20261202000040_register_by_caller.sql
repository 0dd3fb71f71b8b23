-- Reconciliation against the register (issue 17): each booking is filed under the label of the
-- caller that made it (`X-Sandbox-Label`, the gateway's merchant account at this bank), so a
-- gateway reads its own register while tests and other gateways share the bank; and a register
-- fault may leave a line out of `GET /ledger` (booked and answered as usual), for
-- reconciliation to find.
--
-- Online: nullable columns and a constant default are catalogue changes (no rewrite, and the
-- register's append-only trigger, which fires on UPDATE and DELETE of rows, is not touched).
ALTER TABLE bookings ADD COLUMN label text CHECK (label IS NULL OR length(label) BETWEEN 1 AND 100);

ALTER TABLE ledger
    ADD COLUMN label text,
    -- A line the fault setting `omit_from_register_rate` dropped from the file.
    ADD COLUMN omitted boolean NOT NULL DEFAULT false;

-- A caller's register of a day: by label and time, in register order.
CREATE INDEX ledger_label_created_at ON ledger (label, created_at, seq) WHERE label IS NOT NULL;
