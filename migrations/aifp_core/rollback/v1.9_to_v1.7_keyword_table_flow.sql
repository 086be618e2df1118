-- aifp_core.db: rollback v1.9 -> v1.7 -- keyword table, directive_flow
--
-- Hand-written inverse of ../v1.7_to_v1.9_keyword_table_flow.sql: back to the
-- 1.7 structure (2025-12-11).
--   * Each directives_intent_keywords row gets its keyword text back from
--     intent_keywords; then intent_keywords is dropped (a keyword that no
--     directive uses is lost: 1.7 has no place for it).
--   * REAL LOSS: directive_flow is dropped with its rows (1.7 has no flows).
--   * directives_interactions comes back EMPTY: its rows were lost going up.
-- Refused (exit 1, nothing changed): a keyword link whose keyword_id has no
-- intent_keywords row (its text cannot be restored).
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse`.
--
-- Data this file destroys (verify checks these markers; the tool names
-- the losses and asks before it runs):
-- aifp-migrate: drops directive_flow

SELECT 'directives_intent_keywords', 'keyword_id', id, 'no intent_keywords row ' || quote(keyword_id) || ': the keyword text cannot be restored' FROM directives_intent_keywords WHERE keyword_id NOT IN (SELECT id FROM intent_keywords);

DROP TABLE directive_flow;
CREATE TABLE new_directives_intent_keywords (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "directive_id" INTEGER NOT NULL,
    "keyword" TEXT NOT NULL,
    UNIQUE ("directive_id", "keyword"),
    FOREIGN KEY ("directive_id") REFERENCES "directives" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);
INSERT INTO new_directives_intent_keywords (id, directive_id, keyword) SELECT l.id, l.directive_id, k.keyword FROM directives_intent_keywords AS l JOIN intent_keywords AS k ON k.id = l.keyword_id;
DELETE FROM sqlite_sequence WHERE name = 'new_directives_intent_keywords';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_directives_intent_keywords', seq FROM sqlite_sequence WHERE name = 'directives_intent_keywords';
DROP TABLE directives_intent_keywords;
ALTER TABLE new_directives_intent_keywords RENAME TO directives_intent_keywords;
DROP TABLE intent_keywords;
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
CREATE INDEX idx_directive_keywords ON directives_intent_keywords(directive_id);
CREATE INDEX idx_intent_keyword ON directives_intent_keywords(keyword);
CREATE INDEX idx_interactions_relation_type ON directives_interactions(relation_type);
CREATE INDEX idx_interactions_source ON directives_interactions(source_directive_id);
CREATE INDEX idx_interactions_target ON directives_interactions(target_directive_id);

UPDATE schema_version SET version = '1.7', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
