-- aifp_core.db: rollback v1.4 -> v1.1 -- directive_helpers, helper flags, notes
--
-- Hand-written inverse of ../v1.1_to_v1.4_directive_helpers.sql: back to the
-- 1.1 structure (= real 1.0). Real losses, because 1.1 has nowhere to keep
-- them: every row of directive_helpers and of notes, and the values of
-- helper_functions.is_tool / is_sub_helper. Every other row and column is kept.
-- DDL rendered by `aifp-migrate diff ... --as-step --reverse`.

DROP TABLE directive_helpers;
DROP TABLE notes;
ALTER TABLE helper_functions DROP COLUMN is_tool;
ALTER TABLE helper_functions DROP COLUMN is_sub_helper;

UPDATE schema_version SET version = '1.1', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
