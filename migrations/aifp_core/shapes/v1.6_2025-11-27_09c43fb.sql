-- aifp_core.db at 1.6 as AIFP published it on 2025-11-27
-- (commit 09c43fb, src/aifp/database/schemas/aifp_core.sql).
-- Rendered from tests/facts/history/aifp_core/06_2025-11-27_09c43fb_v1.6.json by
-- scripts/render_shapes.py: do not edit. aifp-migrate never runs this
-- file on a database; it replays it in memory to recognise a database
-- at this shape.

CREATE TABLE "categories" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    UNIQUE ("name")
);

CREATE TABLE "directive_categories" (
    "directive_id" INTEGER NOT NULL,
    "category_id" INTEGER NOT NULL,
    PRIMARY KEY ("directive_id", "category_id"),
    FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
    UNIQUE ("directive_id", "helper_function_id", "execution_context"),
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("helper_function_id") REFERENCES "helper_functions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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
    UNIQUE ("name"),
    CHECK (type in('fp','project','git','user_system','user_preference')),
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
    CHECK (relation_type in('triggers','depends_on','escalates_to','cross_link','fp_reference')),
    FOREIGN KEY ("source_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ("target_directive_id") REFERENCES "directives" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "helper_functions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "parameters" JSON,
    "purpose" TEXT NOT NULL,
    "error_handling" TEXT,
    "is_tool" BOOLEAN NOT NULL DEFAULT 0,
    "is_sub_helper" BOOLEAN NOT NULL DEFAULT 0,
    "return_statements" JSON,
    "target_database" TEXT NOT NULL,
    UNIQUE ("name"),
    CHECK (target_database in('core','project','user_preferences','user_directives','orchestrator','system'))
);

CREATE TABLE "schema_version" (
    "id" INTEGER PRIMARY KEY,
    "version" TEXT NOT NULL,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (id = 1)
);

CREATE INDEX idx_directive_helpers_directive ON directive_helpers(directive_id);

CREATE INDEX idx_directive_helpers_helper ON directive_helpers(helper_function_id);

CREATE INDEX idx_interactions_relation_type ON directives_interactions(relation_type);

CREATE INDEX idx_interactions_source ON directives_interactions(source_directive_id);

CREATE INDEX idx_interactions_target ON directives_interactions(target_directive_id);

CREATE TRIGGER enforce_level_on_fp BEFORE INSERT ON directives FOR EACH ROW WHEN NEW . type = 'fp' AND NEW . level IS NOT NULL BEGIN SELECT RAISE(ABORT,'FP directives cannot have a level value.');END;
