-- no-transaction
-- The cabinet's search finds an operation by its bank transaction id across all dates.
CREATE INDEX CONCURRENTLY IF NOT EXISTS operations_bank_transaction_id_idx ON operations (bank_transaction_id) WHERE bank_transaction_id IS NOT NULL;
