"""The demo city's FAQ and synonym list, as shipped in ``assistant/data/``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
TOPICS = [
    # code, zh, en, service-desk category of a hand-over
    ("transport", "交通", "Transport", "P-TRAFFIC"),
    ("environment", "環境", "Environment", "P-ENV"),
    ("roads", "道路", "Roads", "P-WORKS"),
    ("service1999", "1999服務", "1999 services", "P-CIVIL"),
]


@dataclass(frozen=True)
class FaqRow:
    key: str
    topic: str
    question_zh: str
    alternatives_zh: str
    answer_zh: str
    question_en: str
    answer_en: str


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def faq_rows() -> list[FaqRow]:
    return [FaqRow(key=row["key"], topic=row["topic"], question_zh=row["question_zh"],
                   alternatives_zh="\n".join(row["alternatives_zh"].split("|")),
                   answer_zh=row["answer_zh"], question_en=row["question_en"],
                   answer_en=row["answer_en"]) for row in _rows("faq_kaohsiung.tsv")]


def synonym_rows() -> list[tuple[str, str]]:
    """(language, comma-separated terms)."""
    return [(row["language"], row["terms"]) for row in _rows("synonyms_kaohsiung.tsv")]
