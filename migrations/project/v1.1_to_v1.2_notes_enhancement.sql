-- project.db: v1.1 -> v1.2 -- notes enhancement
--
-- Adds source, directive_name and severity to notes, with an index on each
-- (migration plan Example 3 / Phase 3).
--
-- IMPORTANT: real v1.0 project databases (and so every v1.1 one) ALREADY have
-- these three columns and the three idx_notes_* indexes; see
-- v1.0_initial_schema.sql and shared/aifp-schemas/v1.0/project.json.
-- The column definitions below are therefore token-identical to the ones in
-- the v1.0 notes table: the migration tool SKIPS an ADD COLUMN whose identical
-- column already exists (and reports it), and CREATE INDEX IF NOT EXISTS is a
-- no-op for the identical existing indexes. On real data this step only
-- changes the version. On a database whose notes table lacks the columns it
-- adds them. Do not change a definition here without changing it there.
--
-- Inverse: rollback/v1.2_to_v1.1_notes_enhancement.sql (version only).

-- Add new fields to notes table
ALTER TABLE notes ADD COLUMN source TEXT DEFAULT 'user';
ALTER TABLE notes ADD COLUMN directive_name TEXT;
ALTER TABLE notes ADD COLUMN severity TEXT DEFAULT 'info';

-- Create indexes
CREATE INDEX IF NOT EXISTS idx_notes_source ON notes(source);
CREATE INDEX IF NOT EXISTS idx_notes_directive ON notes(directive_name);
CREATE INDEX IF NOT EXISTS idx_notes_severity ON notes(severity);

-- Update schema version
UPDATE schema_version SET version = '1.2', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
