-- project.db: rollback v1.2 -> v1.1 -- notes enhancement
--
-- Hand-written inverse of ../v1.1_to_v1.2_notes_enhancement.sql.
--
-- This rollback changes NO structure, only the version. On the canonical
-- chain notes already had source, directive_name and severity (and the three
-- idx_notes_* indexes) at v1.0, so v1.1 has them too; the forward step only
-- changed the version. Dropping the columns or indexes here would leave the
-- database unlike every real v1.0/v1.1 project database (and would discard the
-- notes' source/directive/severity values), so they are kept.

-- Revert schema version
UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
