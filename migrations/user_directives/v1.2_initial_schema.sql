-- user_directives.db -- schema version 1.2 (initial schema)
--
-- The whole latest published shape (2026-03-29, commit 6956b3d), for a
-- database that does not exist yet: the tool builds a new database from this
-- file directly instead of from v1.0_initial_schema.sql plus every step (faster;
-- bench/new_user_db_bench.py). `aifp-migrate verify` checks that both ways build
-- the same structure.
--
-- Rendered from tests/facts/history/user_directives/07_2026-03-29_6956b3d_v1.2.json by
-- `python -m tests.lineage_users`: do not edit by hand. No transaction control:
-- the tool runs it inside its own transaction.

CREATE TABLE "directive_dependencies" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "dependency_type" TEXT NOT NULL,
    "dependency_name" TEXT NOT NULL,
    "dependency_version" TEXT,
    "status" TEXT DEFAULT 'not_installed',
    "install_command" TEXT,
    "user_confirmed" BOOLEAN DEFAULT 0,
    "confirmed_at" DATETIME,
    "installed_at" DATETIME,
    "required" BOOLEAN DEFAULT 1,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (dependency_type in('python_package','system_package','api_service','file','environment_variable','hardware')),
    CHECK (status in('not_installed','pending_confirmation','installing','installed','failed','not_available')),
    FOREIGN KEY ("directive_id") REFERENCES "user_directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "directive_executions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "last_execution_time" DATETIME,
    "next_scheduled_time" DATETIME,
    "total_executions" INTEGER DEFAULT 0,
    "success_count" INTEGER DEFAULT 0,
    "error_count" INTEGER DEFAULT 0,
    "last_error_time" DATETIME,
    "last_error_type" TEXT,
    "last_error_message" TEXT,
    "avg_execution_time_ms" REAL,
    "max_execution_time_ms" REAL,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("directive_id") REFERENCES "user_directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

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

CREATE TABLE "directive_implementations" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "implementation_type" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "function_name" TEXT,
    "language" TEXT DEFAULT 'python',
    "framework" TEXT,
    "entry_point" TEXT,
    "deployed" BOOLEAN DEFAULT 0,
    "deployed_at" DATETIME,
    "process_id" INTEGER,
    "file_checksum" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (implementation_type in('event_handler','scheduler','service','function','script')),
    FOREIGN KEY ("directive_id") REFERENCES "user_directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "directive_relationships" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_directive_id" INTEGER NOT NULL,
    "target_directive_id" INTEGER NOT NULL,
    "relationship_type" TEXT NOT NULL,
    "description" TEXT,
    "active" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("source_directive_id", "target_directive_id", "relationship_type"),
    CHECK (relationship_type in('depends_on','triggers','conflicts_with','enhances')),
    FOREIGN KEY ("source_directive_id") REFERENCES "user_directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("target_directive_id") REFERENCES "user_directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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

CREATE TABLE "logging_config" (
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
    CHECK (note_type in('implementation','validation','execution','dependency','error','optimization','user_feedback','lifecycle','testing','general','deferred','completed','obsolete')),
    CHECK (severity in('info','warning','error'))
);

CREATE TABLE "schema_version" (
    "id" INTEGER PRIMARY KEY,
    "version" TEXT NOT NULL,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (id = 1)
);

CREATE TABLE "source_files" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "file_path" TEXT NOT NULL,
    "file_format" TEXT NOT NULL,
    "file_checksum" TEXT NOT NULL,
    "last_parsed_at" DATETIME,
    "parse_status" TEXT DEFAULT 'not_parsed',
    "parse_error_message" TEXT,
    "directive_count" INTEGER DEFAULT 0,
    "active_directive_count" INTEGER DEFAULT 0,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("file_path"),
    CHECK (file_format in('yaml','json','txt')),
    CHECK (parse_status in('not_parsed','parsing','parsed_successfully','parse_error'))
);

CREATE TABLE "user_directives" (
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

CREATE INDEX idx_directive_dependencies_directive_id ON directive_dependencies(directive_id);

CREATE INDEX idx_directive_dependencies_status ON directive_dependencies(status);

CREATE INDEX idx_directive_executions_directive_id ON directive_executions(directive_id);

CREATE INDEX idx_directive_executions_last_execution ON directive_executions(last_execution_time);

CREATE INDEX idx_directive_helpers_directive ON directive_helpers(directive_id);

CREATE INDEX idx_directive_helpers_helper ON directive_helpers(helper_function_id);

CREATE INDEX idx_directive_implementations_directive_id ON directive_implementations(directive_id);

CREATE INDEX idx_directive_implementations_type ON directive_implementations(implementation_type);

CREATE INDEX idx_notes_created_at ON notes(created_at);

CREATE INDEX idx_notes_note_type ON notes(note_type);

CREATE INDEX idx_notes_reference_type ON notes(reference_type);

CREATE INDEX idx_notes_severity ON notes(severity);

CREATE INDEX idx_source_files_checksum ON source_files(file_checksum);

CREATE INDEX idx_user_directives_domain ON user_directives(domain);

CREATE INDEX idx_user_directives_source_file ON user_directives(source_file);

CREATE INDEX idx_user_directives_status ON user_directives(status);

CREATE INDEX idx_user_directives_trigger_type ON user_directives(trigger_type);

CREATE TRIGGER update_directive_dependencies_timestamp AFTER UPDATE ON directive_dependencies FOR EACH ROW BEGIN UPDATE directive_dependencies SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_directive_executions_timestamp AFTER UPDATE ON directive_executions FOR EACH ROW BEGIN UPDATE directive_executions SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_directive_implementations_timestamp AFTER UPDATE ON directive_implementations FOR EACH ROW BEGIN UPDATE directive_implementations SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_source_files_timestamp AFTER UPDATE ON source_files FOR EACH ROW BEGIN UPDATE source_files SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

CREATE TRIGGER update_user_directives_timestamp AFTER UPDATE ON user_directives FOR EACH ROW BEGIN UPDATE user_directives SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

INSERT INTO schema_version (id, version) VALUES (1, '1.2');
