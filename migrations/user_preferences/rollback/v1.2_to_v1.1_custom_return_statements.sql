-- user_preferences.db: v1.2 -> v1.1 -- drop custom_return_statements
--
-- Back to the latest 1.1 shape (tracking_notes stays: the chain's 1.1 has
-- it). Rendered by `aifp-migrate diff ... --as-step --reverse`.
-- custom_return_statements is dropped with its indexes and trigger: 1.1 has
-- no place for its rows (a real loss). Every other table is untouched.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops custom_return_statements

DROP TRIGGER update_custom_return_statements_timestamp;
DROP TABLE custom_return_statements;

UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
