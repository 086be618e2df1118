-- aifp_core.db at 2.0 as AIFP published it on 2026-01-04
-- (commit f14f262, src/aifp/database/schemas/aifp_core.sql).
-- Rendered from tests/facts/history/aifp_core/09_2026-01-04_f14f262_v2.0.json by
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

CREATE TABLE "directive_flow" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "from_directive" TEXT NOT NULL,
    "to_directive" TEXT NOT NULL,
    "flow_category" TEXT NOT NULL DEFAULT 'project',
    "flow_type" TEXT NOT NULL DEFAULT 'conditional',
    "condition_key" TEXT,
    "condition_value" TEXT,
    "condition_description" TEXT,
    "priority" INTEGER DEFAULT 0,
    "description" TEXT,
    CHECK (flow_category in('project','fp','user_preferences','git')),
    CHECK (flow_type in('status_branch','completion_loop','conditional','error')),
    FOREIGN KEY ("from_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ("to_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
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
    "confidence_threshold" REAL DEFAULT 0.5,
    UNIQUE ("name"),
    CHECK (type in('fp','project','git','user_system','user_preference')),
    FOREIGN KEY ("parent_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
);

CREATE TABLE "directives_intent_keywords" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "keyword_id" INTEGER NOT NULL,
    UNIQUE ("directive_id", "keyword_id"),
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("keyword_id") REFERENCES "intent_keywords" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
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

CREATE TABLE "intent_keywords" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "keyword" TEXT NOT NULL,
    UNIQUE ("keyword")
);

CREATE TABLE "schema_version" (
    "id" INTEGER PRIMARY KEY,
    "version" TEXT NOT NULL,
    "updated_at" DATETIME DEFAULT CURRENT_TIMESTAMP,
    CHECK (id = 1)
);

CREATE INDEX idx_directive_flow_category ON directive_flow(flow_category);

CREATE INDEX idx_directive_flow_from ON directive_flow(from_directive);

CREATE INDEX idx_directive_flow_type ON directive_flow(flow_type);

CREATE INDEX idx_directive_helpers_directive ON directive_helpers(directive_id);

CREATE INDEX idx_directive_helpers_helper ON directive_helpers(helper_function_id);

CREATE INDEX idx_directive_keywords ON directives_intent_keywords(directive_id);

CREATE INDEX idx_intent_keyword_name ON intent_keywords(keyword);

CREATE INDEX idx_keyword_directives ON directives_intent_keywords(keyword_id);

CREATE TRIGGER enforce_level_on_fp BEFORE INSERT ON directives FOR EACH ROW WHEN NEW . type = 'fp' AND NEW . level IS NOT NULL BEGIN SELECT RAISE(ABORT,'FP directives cannot have a level value.');END;
