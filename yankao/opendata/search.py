"""Chinese full-text search of the catalogue.

Text is brought to one script before it is cut into words: OpenCC turns Traditional
characters into Simplified (``t2s``), so a query typed in either script finds the same
datasets, and jieba — whose dictionary is Simplified — cuts it. Documents are cut with
``cut_for_search`` (the words and the shorter words inside them), queries with the precise
cut, so every query word is among a matching document's words (decision 0503).

The words are stored in ``SearchDocument``; PostgreSQL matches a weighted ``tsvector``
(title A, keywords B, field names and resources C, description D) built from them, SQLite
an FTS5 table. Neither database's own parser sees Chinese text.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection

_lock = threading.Lock()
_state: dict[str, object] = {}

WORD = re.compile(r"[\w]", re.UNICODE)
FTS_TABLE = "opendata_search_fts"


def _converter():
    converter = _state.get("opencc")
    if converter is None:
        import opencc

        converter = opencc.OpenCC("t2s")
        _state["opencc"] = converter
    return converter


def _tokenizer():
    tokenizer = _state.get("jieba")
    if tokenizer is None:
        with _lock:
            tokenizer = _state.get("jieba")
            if tokenizer is None:
                import logging

                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()  # its cache file lives in the system's temp dir
                tokenizer.initialize()
                _state["jieba"] = tokenizer
    return tokenizer


def warm_up() -> None:
    """Load the dictionary now rather than on the first search (server start, demo)."""
    _tokenizer()
    _converter()


def normalise(text: str) -> str:
    """One script (Simplified), half-width letters and digits, lower case."""
    return _converter().convert(unicodedata.normalize("NFKC", text or "")).casefold()


def _keep(token: str) -> bool:
    return bool(token.strip()) and bool(WORD.search(token))


@lru_cache(maxsize=20_000)
def _words_cached(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in _tokenizer().cut_for_search(normalise(text)) if _keep(t))


def document_words(text: str) -> list[str]:
    """The words of a document's text (short texts — field names, keywords — are cached:
    the same few hundred recur across thousands of datasets)."""
    if len(text) <= 40:
        return list(_words_cached(text))
    return [t.strip() for t in _tokenizer().cut_for_search(normalise(text)) if _keep(t)]


def query_words(text: str) -> list[str]:
    words = [t.strip() for t in _tokenizer().cut(normalise(text)) if _keep(t)]
    return list(dict.fromkeys(words))


@dataclass
class DocumentText:
    title: str
    keywords: list[str]
    fields: list[str]  # field names and resource descriptions
    description: str


@dataclass
class Words:
    title: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)

    @property
    def body(self) -> list[str]:
        return [*self.keywords, *self.fields, *self.description]


def words_of(text: DocumentText) -> Words:
    return Words(
        title=document_words(text.title),
        keywords=[w for keyword in text.keywords for w in document_words(keyword)],
        fields=[w for name in text.fields for w in document_words(name)],
        description=document_words(text.description),
    )


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(words: Words) -> str:
    """A tsvector written out, positions and weights included, for ``CAST(… AS tsvector)``:
    PostgreSQL's parser never cuts the words again."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, group in (("A", words.title), ("B", words.keywords), ("C", words.fields),
                          ("D", words.description)):
        for word in group:
            position += 1
            if position > 16383:  # PostgreSQL's largest position
                break
            entry = positions.setdefault(word, [])
            if len(entry) < 256:  # and its most positions per lexeme
                entry.append(f"{position}{weight}")
    return " ".join(f"{_lexeme(word)}:{','.join(spots)}" for word, spots in positions.items())


def tsquery_literal(words: list[str]) -> str:
    return " & ".join(_lexeme(word) for word in words)


def fts_query(words: list[str]) -> str:
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def write_fts(document_id: int, words: Words | None) -> None:
    """Keep SQLite's FTS5 row of a document (None: remove it)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [document_id])  # noqa: S608
        if words is not None:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [document_id, " ".join(words.title), " ".join(words.body)])
