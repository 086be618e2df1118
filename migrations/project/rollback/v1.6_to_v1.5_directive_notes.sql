-- project.db: rollback v1.6 -> v1.5 -- notes.send_with_directive, types.links
--
-- Inverse of ../v1.5_to_v1.6_directive_notes.sql: drops the partial index
-- idx_notes_directive_send, then notes.send_with_directive and types.links
-- (DROP COLUMN, no rebuild).
-- Data loss (real, named by the tool): the values of those two columns.
--
-- DDL rendered by `aifp-migrate diff --reverse`.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops notes.send_with_directive
-- aifp-migrate: drops types.links

DROP INDEX idx_notes_directive_send;
ALTER TABLE notes DROP COLUMN send_with_directive;
ALTER TABLE types DROP COLUMN links;

-- Update schema version
UPDATE schema_version SET version = '1.5', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
