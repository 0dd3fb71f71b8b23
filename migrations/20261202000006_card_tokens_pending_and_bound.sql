-- A saved card becomes a token only when its payment succeeds (or is authorized): until then it
-- waits, not chargeable and not shown; a failed payment deletes the card it saved, and touches
-- no other token. Tokens saved before this were all issued already.
ALTER TABLE card_tokens ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE card_tokens ALTER COLUMN active SET DEFAULT false;

-- AES-GCM binds each sealed card to its row (associated data: its id and organization), so a
-- ciphertext copied to another row does not open. Rows sealed before are re-sealed by
-- `clickpay migrate`, which holds the key.
ALTER TABLE card_tokens ADD COLUMN bound boolean NOT NULL DEFAULT false;
