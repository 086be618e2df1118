"""SQL text: tokens, statement splitting and normalized comparison.

The splitter is a port of SQLite's own ``sqlite3_complete()`` state machine
(``complete.c``), so a statement ends where SQLite's shell would end it: at a
``;`` outside strings, comments and quoted names, and for ``CREATE TRIGGER`` only
at ``; END ;``. Several statements on one line are split as well, which
``sqlite3.complete_statement`` alone does not do. The tests check it against
``sqlite3.complete_statement`` on generated scripts.
"""

from __future__ import annotations

import enum
import functools
import re

import attrs

from aifp_fp.value import Value


class TokenKind(enum.Enum):
    """What a token is, as far as splitting and comparing need to know."""

    SPACE = "space"
    COMMENT = "comment"
    STRING = "string"
    QUOTED_NAME = "quoted_name"
    WORD = "word"
    NUMBER = "number"
    PARAMETER = "parameter"
    SEMICOLON = "semicolon"
    PUNCTUATION = "punctuation"
    UNTERMINATED = "unterminated"
    """A string, quoted name or block comment that runs to the end of the text unclosed."""


@attrs.frozen(slots=True, repr=False)
class Token(Value):
    """One token of SQL text with its kind and exact source text."""

    kind: TokenKind
    text: str


# Words: ASCII letters, "_" and every character from U+0080 up, then digits and "$" too;
# written as negated ASCII classes, which compile ~8x faster than the equivalent ranges.
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\n\f\r]+)
  | (?P<comment>--[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted_name>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
  | (?P<unterminated>/\*.*|'.*|".*|`.*|\[.*)
  | (?P<number>0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f]
             [^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*)
  | (?P<parameter>[?][0-9]*|[:@$][A-Za-z0-9_$]+)
  | (?P<semicolon>;)
  | (?P<punctuation>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@functools.lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Token, ...]:
    """Return the tokens of ``text``; concatenated, their texts give ``text`` back.

    Remembered per text (tokens are immutable): a migration set's files and
    statements are tokenized again by planning, verify and skip decisions.
    """
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        tokens.append(Token(TokenKind(kind), match.group()))
    return tuple(tokens)


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def ascii_upper(text: str) -> str:
    """Return ``text`` with ASCII letters upper-cased only, as SQLite folds names and keywords."""
    return text.translate(_ASCII_UPPER)


_BLANK_KINDS = (TokenKind.SPACE, TokenKind.COMMENT)
"""Looked up once: an Enum member's lookup on its class costs more than the test itself."""


def is_blank(token: Token) -> bool:
    """Return whether a token is whitespace or a comment."""
    return token.kind in _BLANK_KINDS


# sqlite3_complete() token classes and transition table, from SQLite's complete.c.
_SEMI, _WS, _OTHER, _EXPLAIN, _CREATE, _TEMP, _TRIGGER, _END = range(8)
_TRANSITIONS = (
    # SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END
    (1, 0, 2, 3, 4, 2, 2, 2),  # 0 INVALID
    (1, 1, 2, 3, 4, 2, 2, 2),  # 1 START
    (1, 2, 2, 2, 2, 2, 2, 2),  # 2 NORMAL
    (1, 3, 3, 2, 4, 2, 2, 2),  # 3 EXPLAIN
    (1, 4, 2, 2, 2, 4, 5, 2),  # 4 CREATE
    (6, 5, 5, 5, 5, 5, 5, 5),  # 5 TRIGGER
    (6, 6, 5, 5, 5, 5, 5, 7),  # 6 SEMI
    (1, 7, 5, 5, 5, 5, 5, 5),  # 7 END
)
_KEYWORD_CLASS = {
    "EXPLAIN": _EXPLAIN,
    "CREATE": _CREATE,
    "TEMP": _TEMP,
    "TEMPORARY": _TEMP,
    "TRIGGER": _TRIGGER,
    "END": _END,
}


def _token_class(token: Token) -> int:
    if token.kind is TokenKind.SEMICOLON:
        return _SEMI
    if is_blank(token):
        return _WS
    if token.kind is TokenKind.WORD:
        return _KEYWORD_CLASS.get(ascii_upper(token.text), _OTHER)
    return _OTHER


@attrs.frozen(slots=True, repr=False)
class Statement(Value):
    """One SQL statement: its text (ending in ``;``) and its tokens."""

    text: str
    tokens: tuple[Token, ...]
    line: int
    """1-based line of the file on which the statement starts."""

    def words(self) -> tuple[str, ...]:
        """Return the statement's meaningful tokens, keywords and names upper-cased."""
        return normalized(self.tokens)


@attrs.frozen(slots=True, repr=False)
class SplitScript(Value):
    """A script cut into statements, and any unterminated text left at its end."""

    statements: tuple[Statement, ...]
    unterminated: Statement | None


def _statement(tokens: list[Token], line: int) -> Statement:
    start = 0
    while start < len(tokens) and is_blank(tokens[start]):
        line += tokens[start].text.count("\n")
        start += 1
    body = tuple(tokens[start:])
    return Statement("".join(token.text for token in body), body, line)


@functools.lru_cache(maxsize=512)
def split_statements(text: str) -> SplitScript:
    """Return the complete statements of a script, in order (remembered per text).

    Text after the last complete statement that holds more than blanks and
    comments is returned as ``unterminated``: if appending ``;`` completes it,
    it is accepted as the last statement (as SQLite's shell does), otherwise it
    is an unterminated statement the caller must refuse.
    """
    statements: list[Statement] = []
    current: list[Token] = []
    state = 0
    line = 1
    start_line = 1
    meaningful = False
    for token in tokenize(text):
        if not current:
            start_line = line
        current.append(token)
        line += token.text.count("\n")
        cls = _token_class(token)
        state = _TRANSITIONS[state][cls]
        if cls not in (_WS, _SEMI):
            meaningful = True
        if state == 1:
            if meaningful:
                statements.append(_statement(current, start_line))
            current = []
            state = 0
            meaningful = False
    if not meaningful:
        return SplitScript(tuple(statements), None)
    tail = _statement(current, start_line)
    unclosed = any(token.kind is TokenKind.UNTERMINATED for token in tail.tokens)
    if not unclosed and _TRANSITIONS[state][_SEMI] == 1:
        body = list(tail.tokens)
        while body and is_blank(body[-1]):
            body.pop()
        completed = (*body, Token(TokenKind.SEMICOLON, ";"))
        text = "".join(token.text for token in completed)
        statements.append(Statement(text, completed, tail.line))
        return SplitScript(tuple(statements), None)
    return SplitScript(tuple(statements), tail)


def _unquote(token: Token) -> str:
    text = token.text
    if text.startswith("["):
        return text[1:-1]
    quote = text[0]
    return text[1:-1].replace(quote * 2, quote)


def name_of(token: Token) -> str:
    """Return the identifier a WORD or quoted-name token stands for (as written)."""
    if token.kind is TokenKind.QUOTED_NAME:
        return _unquote(token)
    if token.kind is TokenKind.STRING:
        return token.text[1:-1].replace("''", "'")
    return token.text


def normalized(tokens: tuple[Token, ...]) -> tuple[str, ...]:
    """Return tokens as compared for meaning: no blanks or comments, names case-folded.

    Keywords and names compare case-insensitively (as SQLite does) and quoting
    of names does not matter; strings and numbers keep their exact text.
    """
    words: list[str] = []
    for token in tokens:
        if is_blank(token):
            continue
        if token.kind in (TokenKind.WORD, TokenKind.QUOTED_NAME):
            words.append(ascii_upper(name_of(token)))
        else:
            words.append(token.text)
    return tuple(words)


def meaningful(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Return the tokens that are neither blanks nor comments."""
    # is_blank's test inline: this runs over every token of every statement a run reads
    # (~40,000 for one up of project.db), and the call was most of its time
    return tuple(token for token in tokens if token.kind not in _BLANK_KINDS)
