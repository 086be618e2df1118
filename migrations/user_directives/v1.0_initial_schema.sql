-- user_directives.db -- schema version 1.0 (initial schema)
--
-- User-defined automation directives: the parsed and validated directives,
-- their source files, generated implementations, dependencies, execution
-- statistics, relationships and the logging configuration.
--
-- This file creates the whole v1.0 schema in an empty database. It must match
-- shared/aifp-schemas/v1.0/user_directives.json exactly
-- (tests/test_shipped_schemas.py checks it), so change it only together with
-- those facts.
--
-- The migration tool runs it inside its own transaction and records it in its
-- schema_history table; this file therefore contains no transaction control.

-- ---------------------------------------------------------------------------
-- Schema version tracking (single row)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS schema_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),      -- only one row allowed
    version TEXT NOT NULL,                      -- e.g. '1.0', '1.1', '2.0'
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

-- ---------------------------------------------------------------------------
-- User directives
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS user_directives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    source_file TEXT NOT NULL,
    source_format TEXT NOT NULL CHECK (source_format IN ('yaml', 'json', 'txt')),
    domain TEXT,                                -- 'home_automation', 'cloud', ...
    description TEXT,
    raw_content TEXT NOT NULL,                  -- as written by the user
    validated_content JSON NOT NULL,            -- after AI validation
    trigger_type TEXT NOT NULL CHECK (trigger_type IN ('time', 'event', 'condition', 'manual')),
    trigger_config JSON NOT NULL,
    action_type TEXT NOT NULL,
    action_config JSON NOT NULL,
    status TEXT DEFAULT 'pending_validation' CHECK (status IN (
        'pending_validation',
        'validated',
        'implementing',
        'implemented',
        'active',
        'paused',
        'error',
        'deprecated'
    )),
    implementation_status TEXT DEFAULT 'not_started' CHECK (implementation_status IN (
        'not_started',
        'in_progress',
        'completed',
        'failed'
    )),
    implementation_file_path TEXT,
    validation_questions JSON,
    validation_answers JSON,
    validated_at DATETIME,
    validated_by TEXT DEFAULT 'ai',
    approved BOOLEAN DEFAULT 0,
    approved_at DATETIME,
    priority INTEGER DEFAULT 0,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    activated_at DATETIME,
    last_modified_at DATETIME
);

CREATE INDEX IF NOT EXISTS idx_user_directives_status ON user_directives(status);
CREATE INDEX IF NOT EXISTS idx_user_directives_trigger_type ON user_directives(trigger_type);
CREATE INDEX IF NOT EXISTS idx_user_directives_domain ON user_directives(domain);
CREATE INDEX IF NOT EXISTS idx_user_directives_source_file ON user_directives(source_file);

CREATE TRIGGER IF NOT EXISTS update_user_directives_timestamp
AFTER UPDATE ON user_directives
FOR EACH ROW
BEGIN
    UPDATE user_directives SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Execution statistics (one row per directive)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS directive_executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    directive_id INTEGER NOT NULL,
    last_execution_time DATETIME,
    next_scheduled_time DATETIME,
    total_executions INTEGER DEFAULT 0,
    success_count INTEGER DEFAULT 0,
    error_count INTEGER DEFAULT 0,
    last_error_time DATETIME,
    last_error_type TEXT,
    last_error_message TEXT,
    avg_execution_time_ms REAL,
    max_execution_time_ms REAL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (directive_id) REFERENCES user_directives(id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS idx_directive_executions_directive_id ON directive_executions(directive_id);
CREATE INDEX IF NOT EXISTS idx_directive_executions_last_execution ON directive_executions(last_execution_time);

CREATE TRIGGER IF NOT EXISTS update_directive_executions_timestamp
AFTER UPDATE ON directive_executions
FOR EACH ROW
BEGIN
    UPDATE directive_executions SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Dependencies a directive needs (packages, services, files, ...)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS directive_dependencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    directive_id INTEGER NOT NULL,
    dependency_type TEXT NOT NULL CHECK (dependency_type IN (
        'python_package',
        'system_package',
        'api_service',
        'file',
        'environment_variable',
        'hardware'
    )),
    dependency_name TEXT NOT NULL,
    dependency_version TEXT,
    status TEXT DEFAULT 'not_installed' CHECK (status IN (
        'not_installed',
        'pending_confirmation',
        'installing',
        'installed',
        'failed',
        'not_available'
    )),
    install_command TEXT,
    user_confirmed BOOLEAN DEFAULT 0,
    confirmed_at DATETIME,
    installed_at DATETIME,
    required BOOLEAN DEFAULT 1,
    description TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (directive_id) REFERENCES user_directives(id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS idx_directive_dependencies_directive_id ON directive_dependencies(directive_id);
CREATE INDEX IF NOT EXISTS idx_directive_dependencies_status ON directive_dependencies(status);

CREATE TRIGGER IF NOT EXISTS update_directive_dependencies_timestamp
AFTER UPDATE ON directive_dependencies
FOR EACH ROW
BEGIN
    UPDATE directive_dependencies SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Generated implementations (code AIFP wrote for a directive)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS directive_implementations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    directive_id INTEGER NOT NULL,
    implementation_type TEXT NOT NULL CHECK (implementation_type IN (
        'event_handler',
        'scheduler',
        'service',
        'function',
        'script'
    )),
    file_path TEXT NOT NULL,
    function_name TEXT,
    language TEXT DEFAULT 'python',
    framework TEXT,
    entry_point TEXT,
    deployed BOOLEAN DEFAULT 0,
    deployed_at DATETIME,
    process_id INTEGER,
    file_checksum TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (directive_id) REFERENCES user_directives(id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS idx_directive_implementations_directive_id ON directive_implementations(directive_id);
CREATE INDEX IF NOT EXISTS idx_directive_implementations_type ON directive_implementations(implementation_type);

CREATE TRIGGER IF NOT EXISTS update_directive_implementations_timestamp
AFTER UPDATE ON directive_implementations
FOR EACH ROW
BEGIN
    UPDATE directive_implementations SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Relationships between user directives
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS directive_relationships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_directive_id INTEGER NOT NULL,
    target_directive_id INTEGER NOT NULL,
    relationship_type TEXT NOT NULL CHECK (relationship_type IN (
        'depends_on',
        'triggers',
        'conflicts_with',
        'enhances'
    )),
    description TEXT,
    active BOOLEAN DEFAULT 1,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (source_directive_id) REFERENCES user_directives(id) ON DELETE CASCADE,
    FOREIGN KEY (target_directive_id) REFERENCES user_directives(id) ON DELETE CASCADE,
    UNIQUE (source_directive_id, target_directive_id, relationship_type)
);

-- ---------------------------------------------------------------------------
-- Source files the directives were parsed from
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS source_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_path TEXT NOT NULL UNIQUE,
    file_format TEXT NOT NULL CHECK (file_format IN ('yaml', 'json', 'txt')),
    file_checksum TEXT NOT NULL,
    last_parsed_at DATETIME,
    parse_status TEXT DEFAULT 'not_parsed' CHECK (parse_status IN (
        'not_parsed',
        'parsing',
        'parsed_successfully',
        'parse_error'
    )),
    parse_error_message TEXT,
    directive_count INTEGER DEFAULT 0,
    active_directive_count INTEGER DEFAULT 0,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX IF NOT EXISTS idx_source_files_checksum ON source_files(file_checksum);

CREATE TRIGGER IF NOT EXISTS update_source_files_timestamp
AFTER UPDATE ON source_files
FOR EACH ROW
BEGIN
    UPDATE source_files SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- ---------------------------------------------------------------------------
-- Logging configuration (single row)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS logging_config (
    id INTEGER PRIMARY KEY CHECK (id = 1),      -- only one row allowed

    -- Execution logs
    execution_logs_enabled BOOLEAN DEFAULT 1,
    execution_log_rotation TEXT DEFAULT 'daily' CHECK (execution_log_rotation IN ('daily', 'weekly', 'size')),
    execution_log_retention_days INTEGER DEFAULT 30,
    execution_log_compress_after_days INTEGER DEFAULT 7,
    execution_log_max_size_mb INTEGER DEFAULT 100,

    -- Error logs
    error_logs_enabled BOOLEAN DEFAULT 1,
    error_log_rotation TEXT DEFAULT 'size' CHECK (error_log_rotation IN ('daily', 'weekly', 'size')),
    error_log_retention_days INTEGER DEFAULT 90,
    error_log_max_size_mb INTEGER DEFAULT 10,
    error_log_format TEXT DEFAULT 'json' CHECK (error_log_format IN ('json', 'text')),

    -- What to keep in the database
    store_execution_statistics BOOLEAN DEFAULT 1,
    store_last_error_only BOOLEAN DEFAULT 1,
    store_execution_history BOOLEAN DEFAULT 0,

    -- Where logs go (relative to the project root)
    execution_log_dir TEXT DEFAULT '.aifp/logs/execution/',
    error_log_dir TEXT DEFAULT '.aifp/logs/errors/',
    lifecycle_log_path TEXT DEFAULT '.aifp/logs/user-directives.log',

    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

-- ---------------------------------------------------------------------------
-- Initial version
-- ---------------------------------------------------------------------------
INSERT INTO schema_version (id, version) VALUES (1, '1.0');
