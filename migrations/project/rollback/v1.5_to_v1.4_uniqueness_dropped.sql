-- project.db: rollback v1.5 -> v1.4 -- functions and types get UNIQUE(name) back
--
-- Hand-written inverse of ../v1.4_to_v1.5_uniqueness_dropped.sql: rebuilds
-- functions (in the published 1.4 column order) and types with UNIQUE(name).
-- A name that 1.5 let two functions (or two types) share cannot go back:
-- each such row is refused by name before any write. No other change.
--
-- DDL rendered by `aifp-migrate diff --reverse`; the guards by hand.

-- Guards: names used twice cannot be UNIQUE again.
SELECT 'functions', 'name', id, 'UNIQUE(name): ' || quote(name) || ' is also the name of function ' || (SELECT min(u.id) FROM functions u WHERE u.name = t.name) FROM functions t WHERE EXISTS (SELECT 1 FROM functions u WHERE u.name = t.name AND u.id < t.id);
SELECT 'types', 'name', id, 'UNIQUE(name): ' || quote(name) || ' is also the name of type ' || (SELECT min(u.id) FROM types u WHERE u.name = t.name) FROM types t WHERE EXISTS (SELECT 1 FROM types u WHERE u.name = t.name AND u.id < t.id);

DROP TRIGGER update_functions_timestamp;
DROP TRIGGER update_types_timestamp;
CREATE TABLE new_functions (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_id" INTEGER NOT NULL,
    "purpose" TEXT,
    "parameters" JSON,
    "returns" JSON,
    "is_reserved" BOOLEAN DEFAULT 0,
    "id_in_name" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_functions (id, name, file_id, purpose, parameters, returns, is_reserved, id_in_name, created_at, updated_at) SELECT id, name, file_id, purpose, parameters, returns, is_reserved, id_in_name, created_at, updated_at FROM functions;
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
    UNIQUE ("name"),
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
UPDATE schema_version SET version = '1.4', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
