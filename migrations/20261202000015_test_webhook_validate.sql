ALTER TABLE events VALIDATE CONSTRAINT events_type_check;
ALTER TABLE events VALIDATE CONSTRAINT events_test_has_no_operation;
