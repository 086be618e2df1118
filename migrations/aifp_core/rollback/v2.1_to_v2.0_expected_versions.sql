-- aifp_core.db: rollback v2.1 -> v2.0 -- expected_schema_versions
--
-- Hand-written inverse of ../v2.0_to_v2.1_expected_versions.sql: back to the
-- latest 2.0 structure (2026-01-28), whose directive_flow and helper_functions
-- are already 2.1's. REAL LOSS: the rows of expected_schema_versions (2.0 has
-- no such table). Every other row is kept.
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse`.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops expected_schema_versions

DROP TABLE expected_schema_versions;

UPDATE schema_version SET version = '2.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
