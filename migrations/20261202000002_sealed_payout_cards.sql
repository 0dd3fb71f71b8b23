-- A payout's card number, sealed like a saved card's (AES-256-GCM, bound to the operation as
-- associated data), kept only until the payout is final, so a payout the bank never received
-- can be sent again under the same reference. The row is deleted with the final transition.
CREATE TABLE sealed_cards (
    operation_id uuid PRIMARY KEY REFERENCES operations (id),
    ciphertext   bytea NOT NULL,
    nonce        bytea NOT NULL CHECK (length(nonce) = 12),
    created_at   timestamptz NOT NULL DEFAULT now()
);
