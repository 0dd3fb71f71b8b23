-- Operations loaded in bulk (`clickpay generate`, the demo's year of history) were never at any
-- bank: they carry `imported`, and reconciliation with the bank's register leaves them out, as a
-- gateway leaves out a history migrated from its previous acquirer. Adding a column with a
-- constant default rewrites nothing.
ALTER TABLE operations ADD COLUMN imported boolean NOT NULL DEFAULT false;
