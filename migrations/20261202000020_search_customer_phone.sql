-- no-transaction
-- The cabinet's search finds an operation by its customer's phone (stored +digits) across all dates.
CREATE INDEX CONCURRENTLY IF NOT EXISTS operations_customer_phone_idx ON operations (customer_phone) WHERE customer_phone IS NOT NULL;
