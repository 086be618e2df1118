-- aifp_core.db at 1.0 as AIFP published it on 2025-10-12
-- (commit f2cad87, docs/db-schema/schemaExampleMCP.sql).
-- Rendered from tests/facts/history/aifp_core/01_2025-10-12_f2cad87_v1.0.json by
-- scripts/render_shapes.py: do not edit. aifp-migrate never runs this
-- file on a database; it replays it in memory to recognise a database
-- at this shape.

CREATE TABLE "categories" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);

CREATE TABLE "directive_categories" (
    "directive_id" INTEGER NOT NULL,
    "category_id" INTEGER NOT NULL,
    PRIMARY KEY ("directive_id", "category_id"),
    FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE TABLE "directives" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "level" INTEGER DEFAULT NULL,
    "parent_directive" TEXT,
    "description" TEXT,
    "workflow" JSON NOT NULL,
    "md_file_path" TEXT,
    "roadblocks_json" TEXT,
    "intent_keywords_json" TEXT,
    "confidence_threshold" REAL DEFAULT 0.5,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name"),
    FOREIGN KEY ("parent_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "directives_interactions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "source_directive_id" INTEGER NOT NULL,
    "target_directive_id" INTEGER NOT NULL,
    "relation_type" TEXT NOT NULL,
    "weight" INTEGER DEFAULT 1,
    "description" TEXT,
    "active" BOOLEAN DEFAULT 1,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (relation_type in('triggers','depends_on','escalates_to','cross_link','fp_reference')),
    FOREIGN KEY ("source_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ("target_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "helper_functions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_path" TEXT,
    "parameters" JSON,
    "purpose" TEXT,
    "error_handling" TEXT,
    "created_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("name")
);

CREATE TABLE "schema_version" (
    "id" INTEGER PRIMARY KEY,
    "version" TEXT NOT NULL,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (id = 1)
);

CREATE TABLE "tools" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "maps_to_directive_id" INTEGER,
    "description" TEXT,
    UNIQUE ("name"),
    FOREIGN KEY ("maps_to_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE INDEX idx_interactions_relation_type ON directives_interactions(relation_type);

CREATE INDEX idx_interactions_source ON directives_interactions(source_directive_id);

CREATE INDEX idx_interactions_target ON directives_interactions(target_directive_id);

CREATE TRIGGER enforce_level_on_fp BEFORE INSERT ON directives FOR EACH ROW WHEN NEW . type = 'fp' AND NEW . level IS NOT NULL BEGIN SELECT RAISE(ABORT,'FP directives cannot have a level value.');END;
