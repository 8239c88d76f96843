"""The search index: BM25 (bm25s) over each entry's question, other phrasings and answer.

Pure: it is built from plain records and knows nothing of the database. One index per
language; a question with any Chinese character is searched in the Chinese index,
others in the English one. ``decide`` turns scores into one of three outcomes.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from yankao.assistant.text import Segmenter, _fold_english, has_chinese, normalise

K1, B = 1.2, 0.75
QUESTION_WEIGHT = 3  # the question counts twice: it says what the entry is about


@dataclass(frozen=True)
class EntryText:
    id: int
    question_zh: str
    alternatives_zh: str
    answer_zh: str
    question_en: str = ""
    alternatives_en: str = ""
    answer_en: str = ""


@dataclass(frozen=True)
class Thresholds:
    answer_confidence: int = 600
    answer_margin: int = 150
    suggest_confidence: int = 200


@dataclass(frozen=True)
class Hit:
    entry_id: int
    score: float


@dataclass(frozen=True)
class Result:
    language: str
    tokens: tuple[str, ...]
    hits: tuple[Hit, ...]  # best first, at most three, all with a positive score
    confidence: int  # per mille
    margin: int  # per mille of the best score

    def decide(self, thresholds: Thresholds) -> str:
        """"answered", "suggested" or "no_match"."""
        if not self.hits:
            return "no_match"
        if (self.confidence >= thresholds.answer_confidence
                and self.margin >= thresholds.answer_margin):
            return "answered"
        if self.confidence >= thresholds.suggest_confidence:
            return "suggested"
        return "no_match"


def synonym_map(groups: Iterable[tuple[str, Sequence[str]]]) -> dict[str, str]:
    """term → main term, for (language, terms) groups; terms normalised as text is."""
    mapping: dict[str, str] = {}
    for language, terms in groups:
        cleaned = [normalise(term) for term in terms if term.strip()]
        if language == "en":
            cleaned = [_fold_english(term) for term in cleaned]
        if len(cleaned) < 2:
            continue
        for term in cleaned[1:]:
            mapping.setdefault(term, cleaned[0])
    return mapping


class _LanguageIndex:
    def __init__(self, ids: list[int], documents: list[list[str]]):
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
        self.ids = np.array(ids)
        self.size = len(ids)
        self.token_sets = [frozenset(document) for document in documents]
        frequency = Counter(token for document in documents for token in set(document))
        # bm25s's default (Lucene) idf, kept here to bound what a question can score.
        self.idf = {token: math.log(1 + (self.size - df + 0.5) / (df + 0.5))
                    for token, df in frequency.items()}
        self.max_idf = math.log(1 + (self.size + 0.5) / 0.5) if self.size else 0.0
        self.retriever = None
        if self.size:
            vocab: dict[str, int] = {}
            encoded = [[vocab.setdefault(token, len(vocab)) for token in document]
                       for document in documents]
            self.retriever = bm25s.BM25(k1=K1, b=B)
            self.retriever.index(bm25s.tokenization.Tokenized(ids=encoded, vocab=vocab),
                                 show_progress=False)

    def search(self, tokens: list[str]) -> tuple[list[Hit], int, int]:
        unique = list(dict.fromkeys(tokens))
        known = [token for token in unique if token in self.idf]
        if not known or self.retriever is None:
            return [], 0, 0
        scores = self.retriever.get_scores(known)
        count = min(3, self.size)
        top = np.argpartition(-scores, count - 1)[:count] if count < self.size else \
            np.arange(self.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = [Hit(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]
        if not hits:
            return [], 0, 0
        # Confidence: the share of the question's weight (idf; unknown words weigh the
        # most) that the best entry contains.
        best = self.token_sets[int(top[0])]
        asked = sum(self.idf[token] for token in known) + self.max_idf * (
            len(unique) - len(known))
        found = sum(self.idf[token] for token in known if token in best)
        confidence = round(1000 * found / asked) if asked else 0
        second = hits[1].score if len(hits) > 1 else 0.0
        margin = round(1000 * (hits[0].score - second) / hits[0].score)
        return hits, confidence, margin


class SearchIndex:
    """Both languages' indexes over one set of entries and synonyms."""

    def __init__(self, entries: Sequence[EntryText], synonyms: dict[str, str] | None = None):
        synonyms = synonyms or {}
        vocabulary = set(synonyms.values())
        self.segmenter = Segmenter(vocabulary=vocabulary, synonyms=synonyms)
        zh_ids, zh_docs, en_ids, en_docs = [], [], [], []
        for entry in entries:
            zh_ids.append(entry.id)
            zh_docs.append(self._document(entry.question_zh, entry.alternatives_zh,
                                          entry.answer_zh))
            if entry.question_en:
                en_ids.append(entry.id)
                en_docs.append(self._document(entry.question_en, entry.alternatives_en,
                                              entry.answer_en))
        self.languages = {"zh": _LanguageIndex(zh_ids, zh_docs),
                          "en": _LanguageIndex(en_ids, en_docs)}
        self.size = len(entries)

    def _document(self, question: str, alternatives: str, answer: str) -> list[str]:
        tokens = self.segmenter.tokens(normalise(question)) * QUESTION_WEIGHT
        for line in alternatives.splitlines():
            if line.strip():
                tokens += self.segmenter.tokens(normalise(line))
        return tokens + self.segmenter.tokens(normalise(answer))

    def search(self, question: str) -> Result:
        text = normalise(question)
        language = "zh" if has_chinese(text) else "en"
        tokens = self.segmenter.tokens(text)
        hits, confidence, margin = self.languages[language].search(tokens)
        return Result(language=language, tokens=tuple(tokens), hits=tuple(hits),
                      confidence=confidence, margin=margin)


class IndexCache:
    """The index of this process, rebuilt when the stored revision moves on.

    ``load`` returns (revision, entries, synonyms); ``current_revision`` is the cheap check
    made before each search (one indexed read), so an edit on one server reaches every
    server's next question.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision: object = None
        self._index: SearchIndex | None = None

    def get(self, *, current_revision: object,
            load: Callable[[], tuple[object, Sequence[EntryText], dict[str, str]]]
            ) -> SearchIndex:
        index = self._index
        if index is not None and self._revision == current_revision:
            return index
        with self._lock:
            if self._index is None or self._revision != current_revision:
                revision, entries, synonyms = load()
                self._index = SearchIndex(entries, synonyms)
                self._revision = revision
            return self._index

    def clear(self) -> None:
        with self._lock:
            self._index, self._revision = None, None


CACHE = IndexCache()
