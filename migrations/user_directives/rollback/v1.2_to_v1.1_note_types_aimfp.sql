-- user_directives.db: v1.2 -> v1.1 -- narrower note types, '.aifp-project' defaults
--
-- Back to the 1.1 shape. Rendered by `aifp-migrate diff ... --as-step
-- --reverse`, plus a guard.
-- * notes: 1.1's note_type CHECK does not allow 'deferred', 'completed' or
--   'obsolete', and no value of 1.1 means the same. Rather than delete or
--   relabel such notes, the guard refuses them by row id (exit 1, nothing
--   changed): the user decides what becomes of them.
-- * logging_config gets the '.aifp-project/logs/...' DEFAULTs back; the stored
--   row is kept as it is.

-- Guard: notes 1.1 cannot hold.
SELECT 'notes', 'note_type', id, 'CHECK (note_type IN (...)) at 1.1: ' || quote(note_type) || ' exists only from 1.2 on; change or delete the note to go back' FROM notes WHERE note_type IN ('deferred', 'completed', 'obsolete');
CREATE TABLE new_logging_config (
    "id" INTEGER PRIMARY KEY,
    "execution_logs_enabled" BOOLEAN DEFAULT 1,
    "execution_log_rotation" TEXT DEFAULT 'daily',
    "execution_log_retention_days" INTEGER DEFAULT 30,
    "execution_log_compress_after_days" INTEGER DEFAULT 7,
    "execution_log_max_size_mb" INTEGER DEFAULT 100,
    "error_logs_enabled" BOOLEAN DEFAULT 1,
    "error_log_rotation" TEXT DEFAULT 'size',
    "error_log_retention_days" INTEGER DEFAULT 90,
    "error_log_max_size_mb" INTEGER DEFAULT 10,
    "error_log_format" TEXT DEFAULT 'json',
    "store_execution_statistics" BOOLEAN DEFAULT 1,
    "store_last_error_only" BOOLEAN DEFAULT 1,
    "store_execution_history" BOOLEAN DEFAULT 0,
    "execution_log_dir" TEXT DEFAULT '.aifp-project/logs/execution/',
    "error_log_dir" TEXT DEFAULT '.aifp-project/logs/errors/',
    "lifecycle_log_path" TEXT DEFAULT '.aifp-project/logs/user-directives.log',
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (error_log_format in('json','text')),
    CHECK (error_log_rotation in('daily','weekly','size')),
    CHECK (execution_log_rotation in('daily','weekly','size')),
    CHECK (id = 1)
);
INSERT INTO new_logging_config (id, execution_logs_enabled, execution_log_rotation, execution_log_retention_days, execution_log_compress_after_days, execution_log_max_size_mb, error_logs_enabled, error_log_rotation, error_log_retention_days, error_log_max_size_mb, error_log_format, store_execution_statistics, store_last_error_only, store_execution_history, execution_log_dir, error_log_dir, lifecycle_log_path, updated_at) SELECT id, execution_logs_enabled, execution_log_rotation, execution_log_retention_days, execution_log_compress_after_days, execution_log_max_size_mb, error_logs_enabled, error_log_rotation, error_log_retention_days, error_log_max_size_mb, error_log_format, store_execution_statistics, store_last_error_only, store_execution_history, execution_log_dir, error_log_dir, lifecycle_log_path, updated_at FROM logging_config;
DROP TABLE logging_config;
ALTER TABLE new_logging_config RENAME TO logging_config;
CREATE TABLE new_notes (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "content" TEXT NOT NULL,
    "note_type" TEXT NOT NULL,
    "reference_type" TEXT,
    "reference_name" TEXT,
    "reference_id" INTEGER,
    "severity" TEXT DEFAULT 'info',
    "metadata_json" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (note_type in('implementation','validation','execution','dependency','error','optimization','user_feedback','lifecycle','testing','general')),
    CHECK (severity in('info','warning','error'))
);
INSERT INTO new_notes (id, content, note_type, reference_type, reference_name, reference_id, severity, metadata_json, created_at) SELECT id, content, note_type, reference_type, reference_name, reference_id, severity, metadata_json, created_at FROM notes;
DELETE FROM sqlite_sequence WHERE name = 'new_notes';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_notes', seq FROM sqlite_sequence WHERE name = 'notes';
DROP TABLE notes;
ALTER TABLE new_notes RENAME TO notes;
CREATE INDEX idx_notes_created_at ON notes(created_at);
CREATE INDEX idx_notes_note_type ON notes(note_type);
CREATE INDEX idx_notes_reference_type ON notes(reference_type);
CREATE INDEX idx_notes_severity ON notes(severity);

UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
