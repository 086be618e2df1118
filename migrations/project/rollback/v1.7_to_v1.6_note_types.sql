-- project.db: rollback v1.7 -> v1.6 -- three more note types
--
-- Inverse of ../v1.6_to_v1.7_note_types.sql: rebuilds notes with 1.6's
-- CHECK on note_type (and with send_with_directive where the chain's 1.6
-- has it, after updated_at). A note whose note_type is 'deferred',
-- 'completed' or 'obsolete' has no certain 1.6 equivalent: such rows are
-- refused by name (table, column, row id) before any write, never deleted.
-- No other change; every other row is kept as it is.
--
-- DDL rendered by `aifp-migrate diff --reverse`; the guard by hand.

-- Guard: note types 1.6 does not know.
SELECT 'notes', 'note_type', id, 'CHECK note_type IN (...) of 1.6: ' || quote(note_type) || ' is new in 1.7 and has no 1.6 equivalent' FROM notes WHERE note_type IN ('deferred', 'completed', 'obsolete');

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
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "send_with_directive" BOOLEAN DEFAULT 0,
    CHECK (note_type in('clarification','pivot','research','entry_deletion','warning','error','info','auto_summary','decision','evolution','analysis','task_context','external','summary')),
    CHECK (severity in('info','warning','error')),
    CHECK (source in('ai','user','directive'))
);
INSERT INTO new_notes (id, content, note_type, reference_table, reference_id, source, directive_name, severity, created_at, updated_at, send_with_directive) SELECT id, content, note_type, reference_table, reference_id, source, directive_name, severity, created_at, updated_at, send_with_directive FROM notes;
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
UPDATE schema_version SET version = '1.6', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
