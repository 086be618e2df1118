-- user_directives.db: v1.0 -> v1.1 -- helper tables, action_type CHECK, notes
--
-- Takes a database at ANY of the four published 1.0 shapes to exactly the
-- published 1.1 shape (2026-01-09, 437bc2c), column order included:
--   2025-10-22 ea1832b (what v1.0_initial_schema.sql builds),
--   2025-10-31 130cba2 (logging_config path defaults '.aifp-project/...'),
--   2025-11-01 010eee4 (+ directive_helpers, helper_functions),
--   2025-11-24 3f6b85c (+ CHECK on user_directives.action_type).
-- The DDL is rendered by `aifp-migrate diff shapes/v1.0_2025-10-22_ea1832b.sql
-- shapes/v1.1_2026-01-09_437bc2c.sql --as-step`; the guard and the
-- action_type expression are the hand-written data migration.
--
-- What it does:
-- * logging_config is rebuilt so its path DEFAULTs are 1.1's
--   '.aifp-project/logs/...' (a no-op rebuild on the three later shapes).
--   Stored values are NOT rewritten: the one row AIFP inserts holds the paths
--   its logs were written to ('.aifp/logs/...' on the first shape), and no
--   SQL step can know whether they moved; a stored path is user data.
-- * user_directives is rebuilt with CHECK action_type IN ('api_call',
--   'script_execution', 'function_call', 'command', 'notification'); rows,
--   ids and the AUTOINCREMENT counter are kept, child rows stay attached.
--   A value equal to an allowed one once case, surrounding blanks, and '-' or
--   ' ' for '_' are ignored becomes that value ('API Call' -> 'api_call').
-- * directive_helpers, helper_functions and their indexes are created where
--   missing (on the two later 1.0 shapes they exist, identical, and the tool
--   skips them: their rows stay).
-- * notes (new in 1.1) is created with its four indexes.
--
-- What it refuses: a user_directives row whose action_type still is none of
-- the five values (no certain mapping). The guard names each row (table,
-- column, row id, the CHECK and the value) before anything is written; exit
-- 1, the database stays exactly as it was.
--
-- What it cannot carry: nothing else; every row of every column is kept.
--
-- Inverse: rollback/v1.1_to_v1.0_helpers_notes.sql.

-- Guard: rows the new CHECK on user_directives.action_type cannot hold even after
-- the certain mapping.
SELECT 'user_directives', 'action_type', id, 'CHECK (action_type IN (''api_call'', ''script_execution'', ''function_call'', ''command'', ''notification'')): ' || quote(action_type) || ' is none of these, even ignoring case, blanks and - for _' FROM user_directives WHERE replace(replace(lower(trim(action_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') NOT IN ('api_call', 'script_execution', 'function_call', 'command', 'notification');

-- Rendered by aifp-migrate diff from the first 1.0 shape to the 1.1 shape; the
-- user_directives INSERT ... SELECT carries the action_type mapping.
DROP TRIGGER update_user_directives_timestamp;
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
CREATE TABLE new_user_directives (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "source_file" TEXT NOT NULL,
    "source_format" TEXT NOT NULL,
    "domain" TEXT,
    "description" TEXT,
    "raw_content" TEXT NOT NULL,
    "validated_content" JSON NOT NULL,
    "trigger_type" TEXT NOT NULL,
    "trigger_config" JSON NOT NULL,
    "action_type" TEXT NOT NULL,
    "action_config" JSON NOT NULL,
    "status" TEXT DEFAULT 'pending_validation',
    "implementation_status" TEXT DEFAULT 'not_started',
    "implementation_file_path" TEXT,
    "validation_questions" JSON,
    "validation_answers" JSON,
    "validated_at" DATETIME,
    "validated_by" TEXT DEFAULT 'ai',
    "approved" BOOLEAN DEFAULT 0,
    "approved_at" DATETIME,
    "priority" INTEGER DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "activated_at" DATETIME,
    "last_modified_at" DATETIME,
    UNIQUE ("name"),
    CHECK (action_type in('api_call','script_execution','function_call','command','notification')),
    CHECK (implementation_status in('not_started','in_progress','completed','failed')),
    CHECK (source_format in('yaml','json','txt')),
    CHECK (status in('pending_validation','validated','implementing','implemented','active','paused','error','deprecated')),
    CHECK (trigger_type in('time','event','condition','manual'))
);
INSERT INTO new_user_directives (id, name, source_file, source_format, domain, description, raw_content, validated_content, trigger_type, trigger_config, action_type, action_config, status, implementation_status, implementation_file_path, validation_questions, validation_answers, validated_at, validated_by, approved, approved_at, priority, created_at, updated_at, activated_at, last_modified_at) SELECT id, name, source_file, source_format, domain, description, raw_content, validated_content, trigger_type, trigger_config, CASE WHEN replace(replace(lower(trim(action_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') IN ('api_call', 'script_execution', 'function_call', 'command', 'notification') THEN replace(replace(lower(trim(action_type, ' ' || char(9) || char(10) || char(13))), '-', '_'), ' ', '_') ELSE action_type END, action_config, status, implementation_status, implementation_file_path, validation_questions, validation_answers, validated_at, validated_by, approved, approved_at, priority, created_at, updated_at, activated_at, last_modified_at FROM user_directives;
DELETE FROM sqlite_sequence WHERE name = 'new_user_directives';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_user_directives', seq FROM sqlite_sequence WHERE name = 'user_directives';
DROP TABLE user_directives;
ALTER TABLE new_user_directives RENAME TO user_directives;
CREATE TABLE "directive_helpers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "helper_function_id" INTEGER NOT NULL,
    "execution_context" TEXT,
    "sequence_order" INTEGER DEFAULT 0,
    "is_required" BOOLEAN DEFAULT 1,
    "parameters_mapping" JSON,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("directive_id", "helper_function_id", "execution_context"),
    FOREIGN KEY ("directive_id") REFERENCES "user_directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("helper_function_id") REFERENCES "helper_functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
CREATE TABLE "helper_functions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_path" TEXT,
    "parameters" JSON,
    "purpose" TEXT,
    "error_handling" TEXT,
    "function_signature" TEXT,
    "return_type" TEXT,
    "is_pure" BOOLEAN DEFAULT 1,
    "implementation_status" TEXT DEFAULT 'not_implemented',
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    CHECK (implementation_status in('not_implemented','generated','tested','approved'))
);
CREATE TABLE "notes" (
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
CREATE INDEX idx_directive_helpers_directive ON directive_helpers(directive_id);
CREATE INDEX idx_directive_helpers_helper ON directive_helpers(helper_function_id);
CREATE INDEX idx_notes_created_at ON notes(created_at);
CREATE INDEX idx_notes_note_type ON notes(note_type);
CREATE INDEX idx_notes_reference_type ON notes(reference_type);
CREATE INDEX idx_notes_severity ON notes(severity);
CREATE INDEX idx_user_directives_domain ON user_directives(domain);
CREATE INDEX idx_user_directives_source_file ON user_directives(source_file);
CREATE INDEX idx_user_directives_status ON user_directives(status);
CREATE INDEX idx_user_directives_trigger_type ON user_directives(trigger_type);
CREATE TRIGGER update_user_directives_timestamp AFTER UPDATE ON user_directives FOR EACH ROW BEGIN UPDATE user_directives SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
