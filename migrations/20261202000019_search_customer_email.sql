-- no-transaction
-- The cabinet's search finds an operation by its customer's e-mail (stored lower-case) across all dates.
CREATE INDEX CONCURRENTLY IF NOT EXISTS operations_customer_email_idx ON operations (customer_email) WHERE customer_email IS NOT NULL;
