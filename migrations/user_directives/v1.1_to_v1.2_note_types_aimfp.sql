-- user_directives.db: v1.1 -> v1.2 -- more note types, AIMFP log path defaults
--
-- Takes a database at the published 1.1 shape (2026-01-09, 437bc2c) to
-- exactly the LATEST published 1.2 shape (2026-03-29, 6956b3d, after the
-- AIFP -> AIMFP rename). Rendered by `aifp-migrate diff
-- shapes/v1.1_2026-01-09_437bc2c.sql shapes/v1.2_2026-03-29_6956b3d.sql
-- --as-step`.
--
-- * notes is rebuilt: its note_type CHECK also allows 'deferred',
--   'completed' and 'obsolete' (widened: every row fits, ids kept).
-- * logging_config is rebuilt with the DEFAULTs '.aimfp-project/logs/...'.
--   Defaults only: the stored row keeps its paths. Whether an installation's
--   folder is .aifp-project/ or .aimfp-project/ is a fact of the file system
--   (aifp-migrate finds both and renames neither), which a SQL step cannot
--   see; rewriting '.aifp-project/logs/...' would point AIMFP at a folder
--   that may not exist and orphan the logs already written.
-- Nothing is refused, nothing is lost.
--
-- Inverse: rollback/v1.2_to_v1.1_note_types_aimfp.sql.

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
    "execution_log_dir" TEXT DEFAULT '.aimfp-project/logs/execution/',
    "error_log_dir" TEXT DEFAULT '.aimfp-project/logs/errors/',
    "lifecycle_log_path" TEXT DEFAULT '.aimfp-project/logs/user-directives.log',
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
    CHECK (note_type in('implementation','validation','execution','dependency','error','optimization','user_feedback','lifecycle','testing','general','deferred','completed','obsolete')),
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

UPDATE schema_version SET version = '1.2', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
