-- aifp_core.db: rollback v1.1 -> v1.0 -- drop notes
--
-- Hand-written inverse of ../v1.0_to_v1.1_drop_notes.sql.
--
-- This rollback only sets the version back. The plan's draft recreated a
-- notes table here, but real aifp_core v1.0 databases have NO notes table:
-- recreating one would make the rolled-back database unlike v1.0 (and it
-- would be empty anyway, since the forward step's data is gone).

-- Revert schema version
UPDATE schema_version SET version = '1.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
