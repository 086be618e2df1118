-- user_directives.db: v1.1 -> v1.0 -- back to the first 1.0 shape
--
-- The chain's 1.0 is the first published 1.0 shape (2025-10-22, what
-- v1.0_initial_schema.sql builds), so this goes back to exactly that.
-- Rendered by `aifp-migrate diff ... --as-step --reverse` between the same
-- shape files as the forward step.
--
-- * notes, directive_helpers and helper_functions are dropped: that 1.0
--   shape has no place for their rows (a real loss; the later 1.0 shapes had
--   the helper tables, but the chain's 1.0 does not).
-- * user_directives loses the action_type CHECK (rows kept as they are).
-- * logging_config gets the first shape's '.aifp/logs/...' DEFAULTs back;
--   the stored row is kept as it is.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops directive_helpers
-- aifp-migrate: drops helper_functions
-- aifp-migrate: drops notes

DROP TRIGGER update_user_directives_timestamp;
DROP TABLE directive_helpers;
DROP TABLE helper_functions;
DROP TABLE notes;
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
    "execution_log_dir" TEXT DEFAULT '.aifp/logs/execution/',
    "error_log_dir" TEXT DEFAULT '.aifp/logs/errors/',
    "lifecycle_log_path" TEXT DEFAULT '.aifp/logs/user-directives.log',
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
    CHECK (implementation_status in('not_started','in_progress','completed','failed')),
    CHECK (source_format in('yaml','json','txt')),
    CHECK (status in('pending_validation','validated','implementing','implemented','active','paused','error','deprecated')),
    CHECK (trigger_type in('time','event','condition','manual'))
);
INSERT INTO new_user_directives (id, name, source_file, source_format, domain, description, raw_content, validated_content, trigger_type, trigger_config, action_type, action_config, status, implementation_status, implementation_file_path, validation_questions, validation_answers, validated_at, validated_by, approved, approved_at, priority, created_at, updated_at, activated_at, last_modified_at) SELECT id, name, source_file, source_format, domain, description, raw_content, validated_content, trigger_type, trigger_config, action_type, action_config, status, implementation_status, implementation_file_path, validation_questions, validation_answers, validated_at, validated_by, approved, approved_at, priority, created_at, updated_at, activated_at, last_modified_at FROM user_directives;
DELETE FROM sqlite_sequence WHERE name = 'new_user_directives';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_user_directives', seq FROM sqlite_sequence WHERE name = 'user_directives';
DROP TABLE user_directives;
ALTER TABLE new_user_directives RENAME TO user_directives;
CREATE INDEX idx_user_directives_domain ON user_directives(domain);
CREATE INDEX idx_user_directives_source_file ON user_directives(source_file);
CREATE INDEX idx_user_directives_status ON user_directives(status);
CREATE INDEX idx_user_directives_trigger_type ON user_directives(trigger_type);
CREATE TRIGGER update_user_directives_timestamp AFTER UPDATE ON user_directives FOR EACH ROW BEGIN UPDATE user_directives SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

UPDATE schema_version SET version = '1.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
