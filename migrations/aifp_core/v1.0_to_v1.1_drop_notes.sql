-- aifp_core.db: v1.0 -> v1.1 -- drop notes
--
-- Removes the notes table from aifp_core.db (notes moved to project.db);
-- migration plan Example 2 / Phase 2.
--
-- Real aifp_core v1.0 databases have no notes table (see
-- v1.0_initial_schema.sql), so on them DROP TABLE IF EXISTS does nothing and
-- this step only changes the version. It still removes a leftover notes table
-- from installations that predate the v1.0 schema.
--
-- Inverse: rollback/v1.1_to_v1.0_drop_notes.sql (version only).

-- Remove notes table (moved to project.db)
DROP TABLE IF EXISTS notes;

-- Update schema version
UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
