"""Chinese full-text search over the published research records: jieba cuts the text
into words (search mode), BM25 ranks them. The corpus is the commission's own
publications (hundreds to a few thousand texts), indexed in memory when it changes."""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass

K1, B = 1.5, 0.75
_lock = threading.Lock()


def words(text: str) -> list[str]:
    import jieba

    return [w.strip().lower() for w in jieba.cut_for_search(text) if w.strip() and
            (len(w.strip()) > 1 or not w.strip().isascii()) and not _punctuation(w)]


def _punctuation(word: str) -> bool:
    return all(not ch.isalnum() for ch in word)


@dataclass(frozen=True)
class Document:
    kind: str
    key: int
    title: str
    text: str
    url: str


class Index:
    def __init__(self, documents: list[Document]) -> None:
        self.documents = documents
        self.terms = [Counter(words(f"{d.title} {d.title} {d.text}")) for d in documents]
        self.lengths = [sum(t.values()) for t in self.terms]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0
        frequency: Counter = Counter()
        for terms in self.terms:
            frequency.update(terms.keys())
        n = len(documents)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def search(self, query: str, limit: int = 20) -> list[tuple[Document, float]]:
        wanted = set(words(query))
        scored = []
        for number, terms in enumerate(self.terms):
            score = 0.0
            for word in wanted & terms.keys():
                tf = terms[word]
                norm = tf + K1 * (1 - B + B * self.lengths[number] / (self.average or 1))
                score += self.idf[word] * tf * (K1 + 1) / norm
            if score > 0:
                scored.append((self.documents[number], score))
        scored.sort(key=lambda item: -item[1])
        return scored[:limit]


_cache: dict[str, object] = {}


def index_for(signature: tuple, build) -> Index:
    with _lock:
        if _cache.get("signature") != signature:
            _cache["index"], _cache["signature"] = Index(build()), signature
        return _cache["index"]  # type: ignore[return-value]
