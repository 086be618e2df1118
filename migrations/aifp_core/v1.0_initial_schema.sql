-- aifp_core.db -- schema version 1.0 (initial schema)
--
-- The read-only MCP configuration database shipped with AIFP: directives,
-- their categories and interactions, helper functions and tools.
--
-- This file creates the whole v1.0 schema in an empty database. It must match
-- shared/aifp-schemas/v1.0/aifp_core.json exactly (tests/test_shipped_schemas.py
-- checks it), so change it only together with those facts.
--
-- The migration tool runs it inside its own transaction and records it in its
-- schema_history table; this file therefore contains no transaction control.
-- Note: aifp_core v1.0 has no notes table (see v1.0_to_v1.1_drop_notes.sql).

-- ---------------------------------------------------------------------------
-- Schema version tracking (single row)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS schema_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),      -- only one row allowed
    version TEXT NOT NULL,                      -- e.g. '1.0', '1.1', '2.0'
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

-- ---------------------------------------------------------------------------
-- Directives
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS directives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE NOT NULL,
    type TEXT NOT NULL,                         -- 'fp', 'project', 'git', 'user_system', ...
    level INTEGER DEFAULT NULL,                 -- hierarchy level; FP directives have none
    parent_directive TEXT REFERENCES directives(name),
    description TEXT,
    workflow JSON NOT NULL,                     -- trunk/branches/fallback workflow
    md_file_path TEXT,
    roadblocks_json TEXT,
    intent_keywords_json TEXT,
    confidence_threshold REAL DEFAULT 0.5,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

-- FP directives are flat: refuse a level on them.
CREATE TRIGGER IF NOT EXISTS enforce_level_on_fp
BEFORE INSERT ON directives
FOR EACH ROW
WHEN NEW.type = 'fp' AND NEW.level IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'FP directives cannot have a level value.');
END;

-- ---------------------------------------------------------------------------
-- Categories (many-to-many with directives)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE NOT NULL,
    description TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS directive_categories (
    directive_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    PRIMARY KEY (directive_id, category_id),
    FOREIGN KEY (directive_id) REFERENCES directives(id) ON DELETE CASCADE,
    FOREIGN KEY (category_id) REFERENCES categories(id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- Directive interactions (directed graph between directives)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS directives_interactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_directive_id INTEGER NOT NULL,
    target_directive_id INTEGER NOT NULL,
    relation_type TEXT NOT NULL CHECK (relation_type IN (
        'triggers',
        'depends_on',
        'escalates_to',
        'cross_link',
        'fp_reference'
    )),
    weight INTEGER DEFAULT 1,
    description TEXT,
    active BOOLEAN DEFAULT 1,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (source_directive_id) REFERENCES directives(id),
    FOREIGN KEY (target_directive_id) REFERENCES directives(id)
);

CREATE INDEX IF NOT EXISTS idx_interactions_source ON directives_interactions(source_directive_id);
CREATE INDEX IF NOT EXISTS idx_interactions_target ON directives_interactions(target_directive_id);
CREATE INDEX IF NOT EXISTS idx_interactions_relation_type ON directives_interactions(relation_type);

-- ---------------------------------------------------------------------------
-- Helper functions and MCP tools
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS helper_functions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE NOT NULL,
    file_path TEXT,
    parameters JSON,
    purpose TEXT,
    error_handling TEXT,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS tools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE NOT NULL,
    maps_to_directive_id INTEGER,
    description TEXT,
    FOREIGN KEY (maps_to_directive_id) REFERENCES directives(id)
);

-- ---------------------------------------------------------------------------
-- Initial version
-- ---------------------------------------------------------------------------
INSERT INTO schema_version (id, version) VALUES (1, '1.0');
