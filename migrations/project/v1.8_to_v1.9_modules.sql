-- project.db: v1.8 -> v1.9 -- modules
--
-- AIFP's 1.9 (2026-03-29, the first AIMFP schema): modules (name and path
-- UNIQUE, indexed), module_files linking modules to files, modules_fts
-- (external content, sync triggers) and update_modules_timestamp.
--
-- Accepts the published 1.8 shape and the chain's 1.8. New tables only:
-- no table is rebuilt, no row changes, nothing refused; modules_fts is
-- built with 'rebuild' (on an empty modules table).
--
-- DDL rendered by `aifp-migrate diff` from the chain's 1.8 to its 1.9.
-- Inverse: rollback/v1.9_to_v1.8_modules.sql.

CREATE TABLE "module_files" (
    "module_id" INTEGER NOT NULL,
    "file_id" INTEGER NOT NULL,
    PRIMARY KEY ("module_id", "file_id"),
    FOREIGN KEY ("file_id") REFERENCES "files" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("module_id") REFERENCES "modules" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
CREATE TABLE "modules" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "description" TEXT,
    "purpose" TEXT,
    "external_dependencies" JSON,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    UNIQUE ("path")
);
CREATE VIRTUAL TABLE "modules_fts" USING fts5(name,purpose,description,content = 'modules',content_rowid = 'id');
INSERT INTO modules_fts (modules_fts) VALUES ('rebuild');
CREATE INDEX idx_module_files_file ON module_files(file_id);
CREATE INDEX idx_modules_name ON modules(name);
CREATE INDEX idx_modules_path ON modules(path);
CREATE TRIGGER modules_fts_delete AFTER DELETE ON modules BEGIN INSERT INTO modules_fts(modules_fts,rowid,name,purpose,description)VALUES('delete',old . id,old . name,COALESCE(old . purpose,''),COALESCE(old . description,''));END;
CREATE TRIGGER modules_fts_insert AFTER INSERT ON modules BEGIN INSERT INTO modules_fts(rowid,name,purpose,description)VALUES(new . id,new . name,COALESCE(new . purpose,''),COALESCE(new . description,''));END;
CREATE TRIGGER modules_fts_update AFTER UPDATE OF name,purpose,description ON modules BEGIN INSERT INTO modules_fts(modules_fts,rowid,name,purpose,description)VALUES('delete',old . id,old . name,COALESCE(old . purpose,''),COALESCE(old . description,''));INSERT INTO modules_fts(rowid,name,purpose,description)VALUES(new . id,new . name,COALESCE(new . purpose,''),COALESCE(new . description,''));END;
CREATE TRIGGER update_modules_timestamp AFTER UPDATE ON modules FOR EACH ROW BEGIN UPDATE modules SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END;

-- Update schema version
UPDATE schema_version SET version = '1.9', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
