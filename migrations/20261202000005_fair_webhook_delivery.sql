-- Fair, leased webhook delivery. `leased_by` names the batch that holds an event, so a node
-- whose lease ran out cannot record attempts over the node that took the event next. The index
-- serves the per-organization claim. Events of organizations that had no notification URL were
-- marked failed without any attempt; they go out once a URL is set, so they wait again.
ALTER TABLE events ADD COLUMN leased_by uuid;

CREATE INDEX events_org_due_idx ON events (organization_id, next_attempt_at) WHERE delivery_status = 'pending';

UPDATE events SET delivery_status = 'pending', next_attempt_at = created_at
 WHERE delivery_status = 'failed' AND attempts = 0;
