-- Staff look across every organization: the list's two date orders need global indexes too.
CREATE INDEX operations_created_idx ON operations (created_at DESC, id DESC);
CREATE INDEX operations_executed_idx ON operations (executed_at DESC, id DESC) WHERE executed_at IS NOT NULL;
