-- `test.webhook` (api-contract.md, Notifications): sent only when a cabinet user asks for a
-- test; it belongs to no operation. NOT VALID here, validated by the next migration without
-- blocking writes.
ALTER TABLE events
    DROP CONSTRAINT events_type_check,
    ADD CONSTRAINT events_type_check CHECK (type IN ('payment.authentication_required', 'payment.authorized',
        'payment.canceled', 'payment.succeeded', 'payment.failed', 'payment.refunded', 'refund.succeeded',
        'refund.failed', 'payout.succeeded', 'payout.failed', 'test.webhook')) NOT VALID,
    ADD CONSTRAINT events_test_has_no_operation CHECK ((type = 'test.webhook') = (operation_id IS NULL)) NOT VALID;
