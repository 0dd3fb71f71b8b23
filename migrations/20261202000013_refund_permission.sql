-- The right «Возвраты»: a partner user may refund from the cabinet only when staff granted it
-- (staff always may). Constant default: no table rewrite.
ALTER TABLE users ADD COLUMN can_refund boolean NOT NULL DEFAULT false;
