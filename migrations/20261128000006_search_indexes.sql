-- The cabinet's search by order id or a card's last four digits: plain indexes the search's
-- two branches can each use (an OR across the organization's date index scanned every row).
CREATE INDEX operations_card_last4_idx ON operations (card_last4);
CREATE INDEX operations_order_id_idx ON operations (order_id);
