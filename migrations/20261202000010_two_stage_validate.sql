-- Validates the constraints the previous migration added NOT VALID. VALIDATE CONSTRAINT takes a
-- SHARE UPDATE EXCLUSIVE lock: payments keep being written while existing rows are checked.
ALTER TABLE operations VALIDATE CONSTRAINT operations_status_check;
ALTER TABLE operations VALIDATE CONSTRAINT operations_refunded_le_captured;
ALTER TABLE operations VALIDATE CONSTRAINT operations_captured_positive;
ALTER TABLE operations VALIDATE CONSTRAINT operations_captured_le_amount;
ALTER TABLE operations VALIDATE CONSTRAINT operations_captured_when_charged;
ALTER TABLE operations VALIDATE CONSTRAINT operations_two_stage_charged_has_captured;
ALTER TABLE operations VALIDATE CONSTRAINT operations_two_stage_payments;
ALTER TABLE operations VALIDATE CONSTRAINT operations_hold_statuses;
ALTER TABLE operations VALIDATE CONSTRAINT operations_hold_step;
ALTER TABLE operations VALIDATE CONSTRAINT operations_hold_step_amount;
ALTER TABLE operations VALIDATE CONSTRAINT operations_hold_expiry;
ALTER TABLE operations VALIDATE CONSTRAINT operations_failed_has_no_fee;
ALTER TABLE events VALIDATE CONSTRAINT events_type_check;
