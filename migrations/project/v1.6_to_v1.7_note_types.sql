-- project.db: v1.6 -> v1.7 -- three more note types
--
-- AIFP's 1.7 (2026-03-11) widened the CHECK on notes.note_type with
-- 'deferred', 'completed' and 'obsolete'. Rebuilds notes (a CHECK changes
-- only by a rebuild), with its columns in the published order.
--
-- Accepts both published 1.6 shapes (2026-02-08 without types.links, which
-- is added first; 2026-02-10) and the chain's 1.6. types is not rebuilt, so
-- types.links stays where the database has it.
--
-- Data: every row kept as it is (the list only grew); nothing refused.
--
-- DDL rendered by `aifp-migrate diff` from the chain's 1.6 to its 1.7.
-- Inverse: rollback/v1.7_to_v1.6_note_types.sql.

-- The 2026-02-08 shape of 1.6 has no types.links: add it (skipped where it exists).
ALTER TABLE types ADD COLUMN "links" TEXT;

DROP TRIGGER update_notes_timestamp;
CREATE TABLE new_notes (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "note_type" TEXT NOT NULL,
    "reference_table" TEXT,
    "reference_id" INTEGER,
    "source" TEXT DEFAULT 'ai',
    "directive_name" TEXT,
    "severity" TEXT DEFAULT 'info',
    "send_with_directive" BOOLEAN DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (note_type in('clarification','pivot','research','entry_deletion','warning','error','info','auto_summary','decision','evolution','analysis','task_context','external','summary','deferred','completed','obsolete')),
    CHECK (severity in('info','warning','error')),
    CHECK (source in('ai','user','directive'))
);
INSERT INTO new_notes (id, content, note_type, reference_table, reference_id, source, directive_name, severity, send_with_directive, created_at, updated_at) SELECT id, content, note_type, reference_table, reference_id, source, directive_name, severity, send_with_directive, created_at, updated_at FROM notes;
DELETE FROM sqlite_sequence WHERE name = 'new_notes';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_notes', seq FROM sqlite_sequence WHERE name = 'notes';
DROP TABLE notes;
ALTER TABLE new_notes RENAME TO notes;
CREATE INDEX idx_notes_directive ON notes(directive_name);
CREATE INDEX idx_notes_directive_send ON notes(directive_name,send_with_directive)WHERE send_with_directive = 1 AND directive_name IS NOT NULL;
CREATE INDEX idx_notes_severity ON notes(severity);
CREATE INDEX idx_notes_source ON notes(source);
CREATE TRIGGER update_notes_timestamp AFTER UPDATE ON notes FOR EACH ROW BEGIN UPDATE notes SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.7', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
