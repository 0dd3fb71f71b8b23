-- Revoking a saved card looks up its operations; without this index that scanned the table.
CREATE INDEX operations_card_token_idx ON operations (card_token_id) WHERE card_token_id IS NOT NULL;
