"""Real aifp_core rows, as AIFP published them, for the aifp_core lineage tests.

Source: AIFP's public repository, github.com/aryanduntley/AIFP (renamed AIMFP
on 2026-03-29), the JSON files its ``sync-directives.py`` loads into
aifp_core.db:

- directives: ``docs/directives-json/directives-fp-core.json`` at commit
  010eee4 (2025-11-01, the 1.4 era): the first ten FP directives, every field
  as published (workflow, roadblocks_json and intent_keywords_json are JSON);
- helpers: ``docs/helpers/registry-depricated/helpers_registry_core.json`` and
  ``helpers_registry_git.json`` (2025-11, paths under ``src/aifp/helpers/``),
  and ``dev/helpers-json/helpers-core.json``, ``helpers-settings.json``,
  ``helpers-git.json``, ``helpers-index.json``, ``helpers-orchestrators.json``
  (later layout, paths under ``helpers/``), with the ``target_database`` each
  file gives (before and after AIFP's 2026-01-28 rename of 'orchestrator' /
  'system');
- directive_helpers: the ``used_by_directives`` entries of those helpers;
- flows: ``dev/directives-json/directive_flow_user_preferences.json`` and the
  flow example in ``dev/sync-directives.py``.

Rows marked ``"synthetic": True`` are not AIFP's: directives that the real
flows and mappings point at, whose full rows were not copied (their name and
type are AIFP's; their workflow is abbreviated), and one git flow needed to
exercise the 'git' flow category. The parameters and purpose texts of the
helpers are AIFP's, shortened where long.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


CATEGORIES: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "purity",
        "description": "Eliminates hidden state and ensures all functions are referentially "
        "transparent.",
    },
    {
        "id": 2,
        "name": "immutability",
        "description": "Promotes immutable values and avoids mutation of variables.",
    },
    {
        "id": 3,
        "name": "ownership",
        "description": "Ensures safe data ownership, preventing unintended sharing or mutation.",
    },
    {"id": 4, "name": "anti_oop", "description": "Prohibits class-based programming constructs."},
]


def _fp(
    id_: int,
    name: str,
    category: int,
    description: str,
    trunk: str,
    branches: list[dict[str, Any]],
    roadblocks: list[dict[str, str]],
    keywords: list[str],
    threshold: float,
) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "type": "fp",
        "level": None,
        "parent_directive": None,
        "description": description,
        "workflow": _j(
            {"trunk": trunk, "branches": branches, "error_handling": {"on_failure": "prompt_user"}}
        ),
        "md_file_path": f"directives/{name}.md",
        "roadblocks_json": _j(roadblocks),
        "intent_keywords": keywords,
        "confidence_threshold": threshold,
        "category": category,
    }


DIRECTIVES: list[dict[str, Any]] = [
    _fp(
        1,
        "fp_purity",
        1,
        "Enforces pure functions: deterministic output for given inputs, no external state or "
        "side effects. Central FP rule; applies to all code generation and compliance checks. "
        "Links to project_compliance_check.",
        "analyze_function",
        [
            {
                "if": "mutation_detected",
                "then": "refactor_to_pure",
                "details": {"explicit_params": True},
            },
            {"if": "external_state_access", "then": "isolate_side_effects"},
            {"if": "pure", "then": "mark_compliant"},
            {
                "if": "refactored",
                "then": "update_functions_table",
                "details": {"side_effects_json": "none", "purity_level": "pure"},
            },
            {
                "if": "low_confidence",
                "then": "prompt_user",
                "details": {"clarify": "Function purity uncertain"},
            },
            {
                "fallback": "prompt_user",
                "details": {
                    "clarify": "Function purity uncertain—refactor or confirm purity?",
                    "log_note": True,
                },
            },
        ],
        [
            {"issue": "stateful_function", "resolution": "Isolate state outside of function scope"},
            {"issue": "hidden_mutation", "resolution": "Refactor to pure function"},
            {"issue": "language_mismatch", "resolution": "Escalate to fp_language_standardization"},
            {
                "issue": "external_dependency",
                "resolution": "Pass as explicit parameter or isolate with fp_wrapper_generation",
            },
        ],
        ["pure", "no side effects", "deterministic"],
        0.7,
    ),
    _fp(
        2,
        "fp_state_elimination",
        1,
        "Detects and removes reliance on global variables or hidden mutable structures. Used "
        "during function analysis to strip implicit global state.",
        "scan_scope",
        [
            {"if": "global_references", "then": "inline_dependencies"},
            {"if": "mutable_static_data", "then": "convert_to_immutable"},
            {
                "fallback": "prompt_user",
                "details": {"clarify": "Global or static dependencies unclear"},
            },
        ],
        [
            {"issue": "global_dependency", "resolution": "Pass as explicit parameter"},
            {"issue": "static_mutable_data", "resolution": "Refactor to immutable constant"},
        ],
        ["global state", "stateless", "function scope"],
        0.6,
    ),
    _fp(
        3,
        "fp_side_effect_detection",
        1,
        "Scans function bodies for I/O, print, logging, or mutation and isolates effects via "
        "wrappers. Supports isolation of side effects for safe functional behavior. Links to "
        "project_update_db and project_compliance_check.",
        "scan_for_side_effects",
        [
            {"if": "io_operations_found", "then": "wrap_in_effect_function"},
            {"if": "logging_detected", "then": "redirect_to_logger_function"},
            {
                "if": "side_effects_isolated",
                "then": "update_side_effects_json",
                "details": {"link_to_project_update_db": True},
            },
            {"fallback": "mark_as_pure_if_none_found"},
        ],
        [
            {"issue": "untracked_side_effect", "resolution": "Use effect wrapper"},
            {"issue": "logging_in_function", "resolution": "Route through functional logger"},
            {"issue": "hidden_io", "resolution": "Escalate to fp_io_isolation"},
        ],
        # "mutation" is shared with no other directive; "pure" below is shared
        ["side effects", "io", "mutation"],
        0.7,
    ),
    _fp(
        4,
        "fp_immutability",
        2,
        "Ensures all variables and data structures are immutable by default and replaced, not "
        "modified. Foundational FP rule ensuring referential transparency and predictable state.",
        "analyze_variables",
        [
            {"if": "mutation_found", "then": "replace_with_copy"},
            {"if": "mutable_structure_detected", "then": "replace_with_tuple_or_const"},
            {"fallback": "mark_as_immutable"},
        ],
        [
            {"issue": "variable_reassignment", "resolution": "Use new variable binding"},
            {"issue": "mutable_container", "resolution": "Replace with immutable type"},
        ],
        ["immutable", "no mutation", "constant"],
        0.6,
    ),
    _fp(
        5,
        "fp_const_refactoring",
        2,
        "Promotes use of constants; automatically lifts repeated literals to top-level immutable "
        "declarations. Prevents accidental mutation and simplifies dependency tracking.",
        "scan_assignments",
        [
            {"if": "repeated_literals", "then": "extract_to_const"},
            {"if": "mutable_bindings", "then": "convert_to_const"},
            {"fallback": "mark_compliant"},
        ],
        [
            {"issue": "duplicate_literals", "resolution": "Extract to shared const"},
            {"issue": "mutable_assignment", "resolution": "Enforce constant declaration"},
        ],
        ["const", "binding", "immutable variable"],
        0.6,
    ),
    _fp(
        6,
        "fp_no_reassignment",
        2,
        "Disallows variable reassignment; enforces single-assignment semantics per scope. Ensures "
        "all variable bindings are immutable; core immutability enforcement.",
        "track_variable_bindings",
        [
            {"if": "reassignment_detected", "then": "create_new_binding"},
            {"fallback": "mark_as_compliant"},
        ],
        [{"issue": "reassignment_found", "resolution": "Replace with new variable name"}],
        ["no reassignment", "immutable assignment"],
        0.7,
    ),
    _fp(
        7,
        "fp_ownership_safety",
        3,
        "Applies borrow or copy semantics to data passed between functions, preventing shared "
        "mutability. Prevents shared mutable data between functions; vital for concurrency safety.",
        "analyze_function_parameters",
        [
            {"if": "shared_reference_detected", "then": "apply_copy_semantics"},
            {"if": "borrow_pattern_safe", "then": "approve_function"},
            {
                "fallback": "prompt_user",
                "details": {"clarify": "Ownership unclear; copy or borrow?"},
            },
        ],
        [
            {"issue": "shared_mutation_risk", "resolution": "Duplicate or isolate data"},
            {"issue": "unclear_borrowing", "resolution": "Default to copy semantics"},
        ],
        ["ownership", "borrow", "copy"],
        0.7,
    ),
    _fp(
        8,
        "fp_borrow_check",
        3,
        "Implements lightweight borrow-checking; warns if references outlive their data source. "
        "Emulates borrow semantics in dynamic languages to ensure safe ownership boundaries.",
        "analyze_borrow_scope",
        [
            {"if": "dangling_reference", "then": "error_borrow_violation"},
            {"if": "safe_borrow", "then": "mark_compliant"},
            {"fallback": "prompt_user"},
        ],
        [
            {"issue": "dangling_reference", "resolution": "Use copy or shorter scope"},
            {
                "issue": "borrow_lifetime_conflict",
                "resolution": "Restructure code for ownership clarity",
            },
        ],
        ["borrow check", "reference lifetime"],
        0.6,
    ),
    _fp(
        9,
        "fp_no_oop",
        4,
        "Detects OOP usage such as class, inheritance, and stateful methods; refactors into "
        "functional equivalents. Core anti-OOP directive; ensures functional procedural "
        "compliance.",
        "scan_code_for_oop",
        [
            {"if": "class_detected", "then": "refactor_to_module_function"},
            {"if": "method_with_state", "then": "convert_to_pure_function"},
            {"fallback": "mark_as_compliant"},
        ],
        [
            {"issue": "oop_construct", "resolution": "Flatten class into module"},
            {"issue": "stateful_method", "resolution": "Convert to stateless function"},
        ],
        ["class", "oop", "inheritance"],
        0.8,
    ),
    _fp(
        10,
        "fp_wrapper_generation",
        4,
        "Detects OOP library imports and generates pure functional wrappers for AI-safe usage. "
        "Maintains FP purity across legacy OOP dependencies. See examples/wrappers/ for reference "
        "implementations.",
        "detect_oop_libraries",
        [
            {"if": "library_on_blacklist", "then": "generate_wrapper"},
            {"if": "unknown_library", "then": "prompt_for_wrapper"},
            {"fallback": "skip_if_pure"},
        ],
        [
            {
                "issue": "unwrapped_library",
                "resolution": "Generate wrapper via fp_wrapper_generation",
            },
            {"issue": "dynamic_import", "resolution": "Manual wrapper required"},
        ],
        ["wrapper", "library", "functional wrapper", "class"],  # "class" again: shared keyword
        0.6,
    ),
]


def _other(id_: int, name: str, type_: str, level: int | None, description: str) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "type": type_,
        "level": level,
        "parent_directive": None,
        "description": description,
        "workflow": _j({"trunk": "abbreviated", "branches": []}),
        "md_file_path": f"directives/{name}.md",
        "roadblocks_json": None,
        "intent_keywords": [],
        "confidence_threshold": 0.5,
        "category": None,
        "synthetic": True,
    }


DIRECTIVES += [
    _other(
        11,
        "aifp_run",
        "project",
        0,
        "Gateway and reminder system; entry point of every interaction.",
    ),
    _other(12, "aifp_status", "project", 0, "Comprehensive project state."),
    _other(
        13,
        "user_preferences_sync",
        "user_preference",
        None,
        "Load user preferences before customizable directives.",
    ),
    _other(
        14, "user_preferences_update", "user_preference", None, "Update a directive preference."
    ),
    _other(15, "tracking_toggle", "user_preference", None, "Enable or disable tracking features."),
    _other(16, "git_init", "git", None, "Initialize or integrate Git."),
    _other(17, "project_notes_log", "project", 2, None),  # description NULL on purpose
]

# file_path and target_database as AIFP's helper files give them: ``old`` before
# AIFP's 2026-01-28 rename of 'orchestrator'/'system', ``new`` after it.
HELPERS: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "get_directive",
        "file_path": "src/aifp/helpers/mcp/tools/directive_tools.py",
        "parameters": _j(
            [
                {
                    "name": "directive_id",
                    "type": "int",
                    "required": True,
                    "description": "Directive ID",
                }
            ]
        ),
        "purpose": "Retrieve specific directive by ID from directives table.",
        "error_handling": "Return None if directive not found.",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "core",
        "new": "core",
    },
    {
        "id": 2,
        "name": "get_directive_by_name",
        "file_path": "src/aifp/helpers/mcp/tools/directive_tools.py",
        "parameters": _j([{"name": "directive_name", "type": "str", "required": True}]),
        "purpose": "Retrieve specific directive by name from directives table.",
        "error_handling": "Return None if directive not found.",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "core",
        "new": "core",
    },
    {
        "id": 3,
        "name": "get_categories",
        "file_path": "src/aifp/helpers/mcp/tools/category_tools.py",
        "parameters": _j([]),
        "purpose": "Retrieve all categories from categories table.",
        "error_handling": "Return empty list if no categories found.",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "core",
        "new": "core",
    },
    {
        "id": 4,
        "name": "get_current_commit_hash",
        "file_path": "src/aifp/helpers/git/git_queries.py",
        "parameters": _j([{"name": "project_root", "type": "str", "required": True}]),
        "purpose": "Get current Git HEAD commit hash for external change detection.",
        "error_handling": "Returns None if Git unavailable or not a Git repository.",
        "is_tool": 0,
        "is_sub_helper": 0,
        "old": "project",
        "new": "project",
    },
    {
        "id": 5,
        "name": "create_user_branch",
        "file_path": "helpers/git/operations.py",
        "parameters": _j(
            [
                {"name": "user", "type": "string", "required": True},
                {"name": "purpose", "type": "string", "required": True},
            ]
        ),
        "purpose": "Create work branch following aifp-{user}-{number} convention",
        "error_handling": "Auto-increment number if branch exists",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "project",
        "new": "project",
    },
    {
        "id": 6,
        "name": "core_allowed_check_constraints",
        "file_path": "helpers/core/validation.py",
        "parameters": _j(
            [
                {"name": "table", "type": "string", "required": True},
                {"name": "field", "type": "string", "required": True},
            ]
        ),
        "purpose": "Returns list of allowed values for CHECK constraint enum fields in "
        "aifp_core.db.",
        "error_handling": "Returns error if table does not exist, field does not exist, or field "
        "does not have a CHECK constraint list",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "core",
        "new": "core",
    },
    {
        "id": 7,
        "name": "get_core_tables",
        "file_path": "helpers/core/schema.py",
        "parameters": _j([]),
        "purpose": "List all tables in core database",
        "error_handling": "",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "core",
        "new": "core",
    },
    {
        "id": 8,
        "name": "query_settings",
        "file_path": "helpers/user_preferences/crud.py",
        "parameters": _j(
            [
                {"name": "table", "type": "string", "required": True},
                {"name": "where_clause", "type": "string", "required": False},
            ]
        ),
        "purpose": "Execute complex SQL WHERE clause (advanced, rare use)",
        "error_handling": "Returns empty array if no matches",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "user_preferences",
        "new": "user_preferences",
    },
    {
        "id": 9,
        "name": "add_directive_preference",
        "file_path": "helpers/user_preferences/management.py",
        "parameters": _j(
            [
                {"name": "directive_name", "type": "string", "required": True},
                {"name": "preference_key", "type": "string", "required": True},
            ]
        ),
        "purpose": "Add/update user preference for directive",
        "error_handling": "",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "user_preferences",
        "new": "user_preferences",
    },
    {
        "id": 10,
        "name": "get_user_directives_by_status",
        "file_path": "helpers/user_directives/status.py",
        "parameters": _j([]),
        "purpose": "Get user directives grouped by status (active, disabled, in_progress, etc.)",
        "error_handling": "Return empty object if no user directives exist",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "user_directives",
        "new": "user_directives",
    },
    {
        "id": 11,
        "name": "aifp_run",
        "file_path": "helpers/orchestrators/orchestrators.py",
        "parameters": _j([{"name": "user_request", "type": "string", "required": True}]),
        "purpose": "Main entry point orchestrator. Routes requests and optionally fetches "
        "comprehensive status.",
        "error_handling": "Returns error message if database not accessible.",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "orchestrator",
        "new": "multi_db",
    },
    {
        "id": 12,
        "name": "get_project_status",
        "file_path": "helpers/orchestrators/status.py",
        "parameters": _j([{"name": "project_root", "type": "str", "required": True}]),
        "purpose": "Queries work hierarchy tables and returns counts + relevant records + nested "
        "tree structure based on detail level.",
        "error_handling": "",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "orchestrator",
        "new": "project",
    },
    {
        "id": 13,
        "name": "get_user_name_for_branch",
        "file_path": "helpers/git/operations.py",
        "parameters": _j([]),
        "purpose": "Detect username from git config/environment/system",
        "error_handling": 'Fallback to "user" if all detection fails',
        "is_tool": 0,
        "is_sub_helper": 1,
        "old": "project",
        "new": "project",
    },
]

# A helper whose database its path does not tell (helpers/shared/ holds core and
# no-database helpers): carried only from shapes that store target_database.
# Its row is AIFP's (helpers-index.json, 2026-01-31, 'no_db'); the pre-rename
# name 'system' it carries at older shapes is the test's.
HELPERS.append(
    {
        "id": 14,
        "name": "get_supportive_context",
        "file_path": "helpers/shared/supportive_context.py",
        "parameters": _j([]),
        "purpose": "Returns the full supportive context reference document.",
        "error_handling": "Returns error if supportive_context.txt not found at expected path.",
        "is_tool": 1,
        "is_sub_helper": 0,
        "old": "system",
        "new": "no_db",
        "needs_stored_target": True,
    }
)

# Helpers whose target database the chain cannot derive with certainty.
HELPER_SHARED = {
    "id": 20,
    "name": "get_databases",
    "file_path": "helpers/shared/database_info.py",
    "parameters": _j([]),
    "purpose": "Get list of all available databases with metadata",
    "error_handling": "Return empty array if none found",
    "is_tool": 1,
    "is_sub_helper": 0,
    "old": "core",
    "new": "core",
}
HELPER_UNCLASSIFIED_ORCHESTRATOR = {
    "id": 21,
    "name": "project_init",
    "file_path": "helpers/orchestrators/orchestrators.py",
    "parameters": _j([{"name": "project_root", "type": "string", "required": True}]),
    "purpose": "Project initialization orchestrator.",
    "error_handling": "Return detailed error if: already initialized, OOP detected",
    "is_tool": 1,
    "is_sub_helper": 0,
    "old": "orchestrator",
    "new": None,
}

DIRECTIVE_HELPERS: list[dict[str, Any]] = [
    {
        "id": 1,
        "directive_id": 13,
        "helper_function_id": 8,
        "execution_context": "load_preferences",
        "sequence_order": 1,
        "is_required": 1,
        "parameters_mapping": _j(
            {
                "table": "directive_preferences",
                "where_clause": "WHERE directive_name=? AND active=1",
            }
        ),
        "description": "Query directive-specific preferences before executing customizable "
        "directives",
    },
    {
        "id": 2,
        "directive_id": 15,
        "helper_function_id": 8,
        "execution_context": "check_current_status",
        "sequence_order": 1,
        "is_required": 1,
        "parameters_mapping": _j(
            {"table": "tracking_settings", "where_clause": "WHERE feature_name=?"}
        ),
        "description": "Check if tracking feature currently enabled before toggling",
    },
    {
        "id": 3,
        "directive_id": 14,
        "helper_function_id": 9,
        "execution_context": "update_or_insert",
        "sequence_order": 2,
        "is_required": 1,
        "parameters_mapping": _j({"directive_name": "workflow.confirmed_directive"}),
        "description": "Add or update directive-specific preference after user confirms",
    },
    {
        "id": 4,
        "directive_id": 16,
        "helper_function_id": 4,
        "execution_context": "get_current_hash_after_init",
        "sequence_order": 3,
        "is_required": 1,
        "parameters_mapping": _j({}),
        "description": "Get current Git HEAD to store in project.last_known_git_hash",
    },
]

# Flows valid at 1.9 (flow types status_branch, completion_loop, conditional, error),
# with the category AIFP's own files give them.
FLOWS: list[dict[str, Any]] = [
    {
        "id": 1,
        "from_directive": "aifp_run",
        "to_directive": "aifp_status",
        "flow_type": "status_branch",
        "condition_key": "is_new_session",
        "condition_value": "true",
        "condition_description": None,
        "priority": 100,
        "description": None,
        "category": "project",
    },
    {
        "id": 2,
        "from_directive": "aifp_run",
        "to_directive": "user_preferences_sync",
        "flow_type": "conditional",
        "condition_key": "directive_is_customizable",
        "condition_value": "true",
        "condition_description": "Load user preferences before executing any directive that "
        "supports customization",
        "priority": 100,
        "description": "Load preferences before executing customizable directives "
        "(project_file_write, project_task_decomposition, etc.)",
        "category": "user_preferences",
    },
    {
        "id": 3,
        "from_directive": "user_preferences_sync",
        "to_directive": "aifp_status",
        "flow_type": "completion_loop",
        "condition_key": None,
        "condition_value": None,
        "condition_description": None,
        "priority": 100,
        "description": "Preferences loaded, return to workflow",
        "category": "user_preferences",
    },
    {
        "id": 4,
        "from_directive": "aifp_status",
        "to_directive": "user_preferences_update",
        "flow_type": "conditional",
        "condition_key": "user_requests_preference_change",
        "condition_value": "true",
        "condition_description": "User explicitly requests to change AI behavior preference",
        "priority": 80,
        "description": "User explicitly updates preferences (e.g., 'always add docstrings', "
        "'never use X pattern')",
        "category": "user_preferences",
    },
    {
        "id": 5,
        "from_directive": "aifp_status",
        "to_directive": "tracking_toggle",
        "flow_type": "conditional",
        "condition_key": "user_requests_tracking_toggle",
        "condition_value": "true",
        "condition_description": "User wants to enable or disable tracking features",
        "priority": 80,
        "description": "Toggle tracking features",
        "category": "user_preferences",
    },
    {
        "id": 6,
        "from_directive": "aifp_status",
        "to_directive": "git_init",
        "flow_type": "conditional",
        "condition_key": "git_not_initialized",
        "condition_value": "true",
        "condition_description": None,
        "priority": 60,
        "description": None,
        "category": "git",
        "synthetic": True,
    },
]

FLOW_TOUCHING_FP = {
    "id": 30,
    "from_directive": "aifp_status",
    "to_directive": "fp_purity",
    "flow_type": "conditional",
    "condition_key": "uncertain_about_function_purity",
    "condition_value": "true",
    "condition_description": "AI unsure if function is pure",
    "priority": 40,
    "description": "Consult fp_purity to understand pure function requirements",
    "category": None,
}

EXPECTED_VERSIONS = [
    {"db_name": "project", "expected_version": "1.9", "minimum_version": "1.0"},
]


# --- writing these rows into a database at any published aifp_core shape ---------------


def columns_of(shape: dict[str, Any], table: str) -> list[str]:
    """Return a table's column names in a facts document (``tests/facts`` format)."""
    return [c["name"] for c in shape["tables"][table]["columns"]]


def _insert(
    conn: sqlite3.Connection, shape: dict[str, Any], table: str, row: dict[str, Any]
) -> None:
    names = [n for n in columns_of(shape, table) if n in row]
    conn.execute(
        f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" for _ in names)})',
        [row[n] for n in names],
    )


def new_target_names(shape: dict[str, Any]) -> bool:
    """Whether the shape's target_database CHECK has AIFP's 2026-01-28 names."""
    checks = shape["tables"]["helper_functions"]["checks"]
    return any("MULTI_DB" in c.upper() for c in checks)


def carried(shape: dict[str, Any], helpers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The helpers a shape can hold: one whose database no path tells needs a stored value."""
    stored = "target_database" in columns_of(shape, "helper_functions")
    return [h for h in helpers if stored or not h.get("needs_stored_target")]


def target_nullable(shape: dict[str, Any]) -> bool:
    table = shape["tables"]["helper_functions"]
    return any(c["name"] == "target_database" and not c["notnull"] for c in table["columns"])


def populate(
    conn: sqlite3.Connection,
    shape: dict[str, Any],
    *,
    directives: list[dict[str, Any]] = DIRECTIVES,
    helpers: list[dict[str, Any]] = HELPERS,
    flows: list[dict[str, Any]] = FLOWS,
) -> None:
    """Write AIFP's rows the way ``shape`` (a facts document) stores them, in one transaction.

    Keywords go in as a JSON array, as keyword text rows or as keyword ids;
    target_database with AIFP's names before or after its 2026-01-28 rename
    (NULL for every other helper on the 2025-11-24 1.6 shape, which allowed it);
    notes, tools and directives_interactions get a row where they exist.
    """
    tables = shape["tables"]
    conn.execute("BEGIN")
    for row in CATEGORIES:
        _insert(conn, shape, "categories", row)
    for d in directives:
        row = dict(d)
        if "raw_keywords" in d:
            row["intent_keywords_json"] = d["raw_keywords"]
        else:
            row["intent_keywords_json"] = (
                json.dumps(d["intent_keywords"]) if d["intent_keywords"] else None
            )
        _insert(conn, shape, "directives", row)
        if d["category"] is not None:
            _insert(
                conn,
                shape,
                "directive_categories",
                {"directive_id": d["id"], "category_id": d["category"]},
            )
    if "directives_intent_keywords" in tables:
        by_text = "keyword" in columns_of(shape, "directives_intent_keywords")
        ids: dict[str, int] = {}
        for d in directives:
            for word in d["intent_keywords"]:
                if by_text:
                    _insert(
                        conn,
                        shape,
                        "directives_intent_keywords",
                        {"directive_id": d["id"], "keyword": word},
                    )
                    continue
                if word not in ids:
                    ids[word] = len(ids) + 1
                    _insert(conn, shape, "intent_keywords", {"id": ids[word], "keyword": word})
                _insert(
                    conn,
                    shape,
                    "directives_intent_keywords",
                    {"directive_id": d["id"], "keyword_id": ids[word]},
                )
    new_names, nullable = new_target_names(shape), target_nullable(shape)
    for h in carried(shape, helpers):
        row = dict(h)
        row["target_database"] = h["new"] if new_names else h["old"]
        if nullable and h["id"] % 2:
            row["target_database"] = None  # the 2025-11-24 1.6 shape allowed NULL: derive it
        row["return_statements"] = json.dumps([f"Returns {h['name']} result"])
        _insert(conn, shape, "helper_functions", row)
    if "directive_helpers" in tables:
        ids_present = {h["id"] for h in helpers}
        for m in DIRECTIVE_HELPERS:
            if m["helper_function_id"] in ids_present:
                _insert(conn, shape, "directive_helpers", m)
    if "notes" in tables:
        _insert(
            conn,
            shape,
            "notes",
            {
                "content": "notes moved to project.db",
                "reference_table": "directives",
                "reference_id": 1,
            },
        )
    if "tools" in tables:
        _insert(
            conn,
            shape,
            "tools",
            {"name": "aifp_run", "maps_to_directive_id": 11, "description": "MCP tool"},
        )
    if "directives_interactions" in tables:
        _insert(
            conn,
            shape,
            "directives_interactions",
            {
                "source_directive_id": 1,
                "target_directive_id": 3,
                "relation_type": "depends_on",
                "weight": 2,
                "description": "purity needs side-effect detection",
                "active": 1,
            },
        )
    if "directive_flow" in tables:
        for f in flows:
            row = dict(f)
            row["flow_category"] = f["category"]
            _insert(conn, shape, "directive_flow", row)
    if "expected_schema_versions" in tables:
        for row in EXPECTED_VERSIONS:
            _insert(conn, shape, "expected_schema_versions", row)
    conn.execute("COMMIT")
