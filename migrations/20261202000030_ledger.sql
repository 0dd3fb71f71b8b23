-- The double-entry ledger. Every money effect of an operation (a charged or captured payment
-- with its fee, a refund, a payout with its fee) is one posting of balanced entries, written in
-- the transaction that moves the operation to its success. Amounts are credit-positive: an
-- account's balance is what ClickPay owes on it (the bank clearing account is what the bank
-- owes ClickPay, so it is negative). The rules are backend/src/domain/ledger.rs; this back-fill
-- applies the same ones to the operations that succeeded before the ledger existed, and
-- `clickpay ledger verify` recomputes everything from the operations to prove they agree.

CREATE TABLE ledger_accounts (
    organization_id uuid REFERENCES organizations (id),
    kind            text NOT NULL CHECK (kind IN ('pending', 'available', 'fees', 'bank_clearing', 'fee_revenue')),
    CONSTRAINT ledger_accounts_owner CHECK ((organization_id IS NULL) = (kind IN ('bank_clearing', 'fee_revenue'))),
    CONSTRAINT ledger_accounts_key UNIQUE NULLS NOT DISTINCT (organization_id, kind)
);
INSERT INTO ledger_accounts (organization_id, kind) VALUES (NULL, 'bank_clearing'), (NULL, 'fee_revenue');
INSERT INTO ledger_accounts (organization_id, kind)
SELECT o.id, k.kind FROM organizations o CROSS JOIN (VALUES ('pending'), ('available'), ('fees')) AS k (kind);

-- Every organization has its three accounts from its first moment, whichever node (of this
-- version or the one before) creates it.
CREATE FUNCTION ledger_open_accounts() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO public.ledger_accounts (organization_id, kind)
    VALUES (NEW.id, 'pending'), (NEW.id, 'available'), (NEW.id, 'fees')
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER organizations_ledger_accounts AFTER INSERT ON organizations
    FOR EACH ROW EXECUTE FUNCTION ledger_open_accounts();

-- A posting: a balance transaction of an operation (payment, refund, payout: what the API's
-- balance transactions list), or one of the two daily movements inside an organization's
-- accounts (release: pending payments becoming available; fees: the day's fees taken into the
-- gateway's income), which change no balance and so carry net 0.
CREATE TABLE ledger_postings (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('payment', 'refund', 'payout', 'release', 'fees')),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    operation_id    uuid UNIQUE REFERENCES operations (id),
    amount          numeric(18, 2) NOT NULL,
    fee             numeric(18, 2) NOT NULL CHECK (fee >= 0),
    net             numeric(18, 2) NOT NULL,
    created_at      timestamptz NOT NULL,
    available_on    date NOT NULL,
    CONSTRAINT ledger_postings_source CHECK ((operation_id IS NOT NULL) = (kind IN ('payment', 'refund', 'payout'))),
    CONSTRAINT ledger_postings_net CHECK (
        CASE WHEN kind IN ('payment', 'refund', 'payout') THEN net = amount - fee ELSE net = 0 AND fee = 0 END),
    CONSTRAINT ledger_postings_sign CHECK (
        CASE kind WHEN 'payment' THEN amount > 0 WHEN 'refund' THEN amount < 0 AND fee = 0
                  WHEN 'payout' THEN amount < 0 ELSE true END)
);

CREATE TABLE ledger_entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    posting_id      uuid NOT NULL REFERENCES ledger_postings (id),
    organization_id uuid,
    account         text NOT NULL,
    amount          numeric(18, 2) NOT NULL CHECK (amount <> 0),
    CONSTRAINT ledger_entries_account FOREIGN KEY (organization_id, account)
        REFERENCES ledger_accounts (organization_id, kind),
    CONSTRAINT ledger_entries_owner CHECK ((organization_id IS NULL) = (account IN ('bank_clearing', 'fee_revenue')))
);

-- What each operation that succeeded posts, for those that have no posting yet: of one
-- organization (or all) executed in [from, to) (or ever), stamped at their execution. The
-- back-fill below, and the statement builder's catch-up for an operation a node of the version
-- before the ledger finished during a rolling deploy. The same rules as
-- backend/src/domain/ledger.rs; Moscow time is UTC+3 all year (the interval form of AT TIME
-- ZONE reads the sign as ISO does). Returns the postings written.
CREATE FUNCTION ledger_post_missing(p_org uuid, p_from timestamptz, p_to timestamptz) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    written bigint;
BEGIN
    WITH missing AS (
        SELECT o.id, o.organization_id, p.kind, p.amount, p.fee, p.at
          FROM public.operations o
         CROSS JOIN LATERAL (
             SELECT CASE WHEN o.type IN ('ecom', 'aft') THEN 'payment' WHEN o.type = 'refund' THEN 'refund' ELSE 'payout' END AS kind,
                    CASE WHEN o.type IN ('ecom', 'aft') THEN coalesce(o.captured_amount, o.amount) ELSE -o.amount END AS amount,
                    CASE WHEN o.type = 'refund' THEN 0 ELSE o.fee END AS fee,
                    coalesce(o.executed_at, o.updated_at) AS at) p
         WHERE (p_org IS NULL OR o.organization_id = p_org)
           AND (p_from IS NULL OR o.executed_at >= p_from) AND (p_to IS NULL OR o.executed_at < p_to)
           AND ((o.type IN ('ecom', 'aft') AND o.status IN ('succeeded', 'partially_refunded', 'refunded'))
                OR (o.type IN ('refund', 'oct') AND o.status = 'succeeded'))
           AND NOT EXISTS (SELECT 1 FROM public.ledger_postings lp WHERE lp.operation_id = o.id)),
    posted AS (
        INSERT INTO public.ledger_postings (id, kind, organization_id, operation_id, amount, fee, net, created_at, available_on)
        SELECT gen_random_uuid(), kind, organization_id, id, amount, fee, amount - fee, at,
               (at AT TIME ZONE INTERVAL '+03:00')::date + CASE kind WHEN 'payment' THEN 1 ELSE 0 END
          FROM missing
        RETURNING id, kind, organization_id, amount, fee, net),
    legs AS (
        INSERT INTO public.ledger_entries (posting_id, organization_id, account, amount)
        SELECT p.id, CASE WHEN leg.account IN ('bank_clearing', 'fee_revenue') THEN NULL ELSE p.organization_id END,
               leg.account, leg.amount
          FROM posted p
         CROSS JOIN LATERAL (VALUES
             (CASE WHEN p.kind = 'payment' THEN 'pending' ELSE 'available' END, p.net),
             ('fees', p.fee),
             ('bank_clearing', -p.amount)) AS leg (account, amount)
         WHERE leg.amount <> 0)
    SELECT count(*) INTO written FROM posted;
    RETURN written;
END;
$$;

-- Back-fill: every operation that succeeded before the ledger existed.
SELECT ledger_post_missing(NULL, NULL, NULL);

CREATE INDEX ledger_entries_posting_idx ON ledger_entries (posting_id);
-- Lists (any type filter), statements and balances read an organization's postings by time,
-- from the index alone.
CREATE INDEX ledger_postings_org_time_idx ON ledger_postings (organization_id, created_at, id)
    INCLUDE (kind, amount, fee, net, operation_id, available_on) WHERE operation_id IS NOT NULL;
-- Pending: payments whose day has not come.
CREATE INDEX ledger_postings_pending_idx ON ledger_postings (organization_id, available_on)
    INCLUDE (net) WHERE kind = 'payment';
CREATE UNIQUE INDEX ledger_postings_release_key ON ledger_postings (organization_id, available_on) WHERE kind = 'release';
CREATE UNIQUE INDEX ledger_postings_fees_key ON ledger_postings (organization_id, available_on) WHERE kind = 'fees';

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_postings p LEFT JOIN ledger_entries e ON e.posting_id = p.id
                GROUP BY p.id HAVING coalesce(sum(e.amount), 0) <> 0 OR count(e.id) < 2) THEN
        RAISE EXCEPTION 'the back-filled ledger does not balance';
    END IF;
END;
$$;

-- The database, not only the code, keeps every posting balanced: checked at commit, once the
-- whole posting is written, for the posting and for any entry added to one.
-- The functions name their tables and fix their search_path: a temporary table of the same name
-- must never stand in for the real one.
CREATE FUNCTION ledger_check_posting(posting uuid) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
DECLARE
    total numeric;
    legs  integer;
BEGIN
    SELECT coalesce(sum(amount), 0), count(*) INTO total, legs FROM public.ledger_entries WHERE posting_id = posting;
    IF total <> 0 OR legs < 2 THEN
        RAISE EXCEPTION 'ledger posting % does not balance: % over % entries', posting, total, legs
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;
CREATE FUNCTION ledger_posting_balances() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM public.ledger_check_posting(NEW.id);
    RETURN NULL;
END;
$$;
CREATE FUNCTION ledger_entry_balances() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM public.ledger_check_posting(NEW.posting_id);
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_postings_balance AFTER INSERT ON ledger_postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_posting_balances();
CREATE CONSTRAINT TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances();

-- Append-only: a mistake is corrected by a new posting, never by changing an old one.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
