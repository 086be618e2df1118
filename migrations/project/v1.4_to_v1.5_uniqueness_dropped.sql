-- project.db: v1.4 -> v1.5 -- functions and types lose UNIQUE(name)
--
-- AIFP's 1.5 (2026-02-05) dropped UNIQUE(name) from functions and types.
-- Accepts the published 1.4 shape (the only one). Rebuilds functions and
-- types (a UNIQUE constraint can only go by a rebuild). functions' columns
-- come out in the order the direct v1.2_to_v1.5 step builds without a
-- rebuild (returns, is_reserved, id_in_name after created_at/updated_at),
-- so every 1.5 database of the chain has one structure; only the column
-- order differs from the published 1.5 shape.
--
-- Data: every row kept, no value changes; nothing refused.
-- Only databases at 1.4 take this step; 1.2 databases go v1.2_to_v1.5.
--
-- DDL rendered by `aifp-migrate diff` from the 1.4 facts to the chain's 1.5.
-- Inverse: rollback/v1.5_to_v1.4_uniqueness_dropped.sql.

DROP TRIGGER update_functions_timestamp;
DROP TRIGGER update_types_timestamp;
CREATE TABLE new_functions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_id" INTEGER NOT NULL,
    "purpose" TEXT,
    "parameters" JSON,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "returns" JSON,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_functions (id, name, file_id, purpose, parameters, created_at, updated_at, returns, is_reserved, id_in_name) SELECT id, name, file_id, purpose, parameters, created_at, updated_at, returns, is_reserved, id_in_name FROM functions;
DELETE FROM sqlite_sequence WHERE name = 'new_functions';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_functions', seq FROM sqlite_sequence WHERE name = 'functions';
DROP TABLE functions;
ALTER TABLE new_functions RENAME TO functions;
CREATE TABLE new_types (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_id" INTEGER,
    "definition_json" TEXT NOT NULL,
    "description" TEXT,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_types (id, name, file_id, definition_json, description, is_reserved, id_in_name, created_at, updated_at) SELECT id, name, file_id, definition_json, description, is_reserved, id_in_name, created_at, updated_at FROM types;
DELETE FROM sqlite_sequence WHERE name = 'new_types';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_types', seq FROM sqlite_sequence WHERE name = 'types';
DROP TABLE types;
ALTER TABLE new_types RENAME TO types;
CREATE INDEX idx_functions_file_id ON functions(file_id);
CREATE TRIGGER update_functions_timestamp AFTER UPDATE ON functions FOR EACH ROW BEGIN UPDATE functions SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;
CREATE TRIGGER update_types_timestamp AFTER UPDATE ON types FOR EACH ROW BEGIN UPDATE types SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.5', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
