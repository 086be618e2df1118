-- aifp_core.db: v1.7 -> v1.9 -- keyword table, directive_flow replaces directives_interactions
--
-- Brings the published 1.7 shape (2025-12-11, 10574e7) to the published 1.9
-- shape (2025-12-15, 739bee5). AIFP published no 1.8.
--   * Reshape: keyword text moves into the new master table intent_keywords
--     (one row per distinct keyword, first seen first); each
--     directives_intent_keywords row keeps its id and directive_id and points
--     at its keyword through keyword_id. Every keyword link is carried.
--   * New table directive_flow (+ indexes): AIFP 1.9's workflow navigation
--     graph, empty here; AIFP fills it from its own directive_flow JSON.
--   * REAL LOSS: directives_interactions is dropped, with every row. Its rows
--     are NOT mapped to directive_flow, on purpose: an interaction is an
--     unconditional relation (triggers, depends_on, escalates_to, cross_link,
--     fp_reference) between directive ids with a weight and an active flag; a
--     flow is a conditional navigation step between directive names with a
--     flow_type (status_branch, completion_loop, conditional, error) and a
--     condition_key/condition_value. No relation_type has a certain flow_type
--     (depends_on even points the other way), and no interaction has a
--     condition, so any mapping would invent navigation edges that AIFP's
--     flow helpers would then follow. AIFP itself built directive_flow from a
--     new JSON file, not from the interactions. The tool names this drop.
-- Nothing is refused. DDL rendered by `aifp-migrate diff shapes/v1.7_...
-- shapes/v1.9_... --as-step`; the keyword_id copy is the hand-written part.
-- Inverse: rollback/v1.9_to_v1.7_keyword_table_flow.sql.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops directives_interactions

CREATE TABLE "intent_keywords" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "keyword" TEXT NOT NULL,
    UNIQUE ("keyword")
);
-- Data migration: the distinct keywords, in order of first use.
INSERT OR IGNORE INTO intent_keywords (keyword) SELECT keyword FROM directives_intent_keywords GROUP BY keyword ORDER BY min(id);
CREATE TABLE new_directives_intent_keywords (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "keyword_id" INTEGER NOT NULL,
    UNIQUE ("directive_id", "keyword_id"),
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY ("keyword_id") REFERENCES "intent_keywords" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
-- Data migration: each link points at its keyword's row.
INSERT INTO new_directives_intent_keywords (id, directive_id, keyword_id) SELECT l.id, l.directive_id, k.id FROM directives_intent_keywords AS l JOIN intent_keywords AS k ON k.keyword = l.keyword;
DELETE FROM sqlite_sequence WHERE name = 'new_directives_intent_keywords';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directives_intent_keywords', seq FROM sqlite_sequence WHERE name = 'directives_intent_keywords';
DROP TABLE directives_intent_keywords;
ALTER TABLE new_directives_intent_keywords RENAME TO directives_intent_keywords;

-- Real loss (see header): AIFP 1.9 has no directives_interactions.
DROP TABLE directives_interactions;

CREATE TABLE "directive_flow" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "from_directive" TEXT NOT NULL,
    "to_directive" TEXT NOT NULL,
    "flow_type" TEXT NOT NULL DEFAULT 'conditional',
    "condition_key" TEXT,
    "condition_value" TEXT,
    "condition_description" TEXT,
    "priority" INTEGER DEFAULT 0,
    "description" TEXT,
    CHECK (flow_type in('status_branch','completion_loop','conditional','error')),
    FOREIGN KEY ("from_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ("to_directive") REFERENCES "directives" ("name") ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE INDEX idx_directive_flow_from ON directive_flow(from_directive);
CREATE INDEX idx_directive_flow_type ON directive_flow(flow_type);
CREATE INDEX idx_directive_keywords ON directives_intent_keywords(directive_id);
CREATE INDEX idx_intent_keyword_name ON intent_keywords(keyword);
CREATE INDEX idx_keyword_directives ON directives_intent_keywords(keyword_id);

UPDATE schema_version SET version = '1.9', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
