-- The audit page reads one chain newest-first, and the global events of an institution's
-- members newest-first: both by index.
CREATE INDEX audit_events_chain_time ON audit_events(chain, occurred_at);
CREATE INDEX audit_events_actor_chain_time ON audit_events(actor_user_id, chain, occurred_at);
DROP INDEX audit_events_actor;
