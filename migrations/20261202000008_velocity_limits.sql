-- Per-organization daily caps on payouts and refunds (count and sum, by Moscow day), so a
-- leaked key cannot drain a merchant. The counters live here, so every node enforces the same
-- cap; each payout or refund counts in its own transaction (a refused one rolls back).
CREATE TABLE velocity_limits (
    organization_id       uuid PRIMARY KEY REFERENCES organizations (id),
    payouts_per_day       integer NOT NULL CHECK (payouts_per_day > 0),
    payout_amount_per_day numeric(18, 2) NOT NULL CHECK (payout_amount_per_day > 0),
    refunds_per_day       integer NOT NULL CHECK (refunds_per_day > 0),
    refund_amount_per_day numeric(18, 2) NOT NULL CHECK (refund_amount_per_day > 0),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE velocity_counters (
    organization_id uuid NOT NULL REFERENCES organizations (id),
    day             date NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('payout', 'refund')),
    operations      integer NOT NULL CHECK (operations >= 0),
    amount          numeric(20, 2) NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (organization_id, day, kind)
);
