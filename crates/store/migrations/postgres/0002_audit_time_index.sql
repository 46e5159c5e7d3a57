-- The audit page reads one chain newest-first, and the global events about an institution's
-- members newest-first: both by index.
CREATE INDEX audit_events_chain_time ON audit_events(chain, occurred_at);
CREATE INDEX audit_events_target_chain_time ON audit_events(target_id, chain, occurred_at);
DROP INDEX audit_events_actor;
