"""Quality, measured on questions written apart from the FAQ (benchmarks/data/): the
held-out test split must keep the accuracy docs/performance.md reports. Floors, not the
exact figures, so an improvement never fails the test."""

import csv
from pathlib import Path

from yankao.assistant import engine, faqdata

QUESTIONS = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "assistant_questions.tsv"


def measure(split: str) -> tuple[float, float, float]:
    rows = faqdata.faq_rows()
    entries = [engine.EntryText(i, r.question_zh, r.alternatives_zh, r.answer_zh,
                                r.question_en, "", r.answer_en) for i, r in enumerate(rows)]
    index = engine.SearchIndex(entries, engine.synonym_map(
        (language, terms.split(",")) for language, terms in faqdata.synonym_rows()))
    with QUESTIONS.open(encoding="utf-8") as handle:
        questions = [q for q in csv.DictReader(handle, delimiter="\t") if q["split"] == split]
    answerable = [q for q in questions if q["expected"] != "-"]
    top1 = top3 = 0
    for question in answerable:
        expected = set(question["expected"].split(","))
        found = [rows[hit.entry_id].key for hit in index.search(question["question"]).hits]
        top1 += bool(found) and found[0] in expected
        top3 += bool(expected & set(found))
    thresholds = engine.Thresholds()
    unanswerable = [q for q in questions if q["expected"] == "-"]
    handed = sum(index.search(q["question"]).decide(thresholds) == "no_match"
                 for q in unanswerable)
    return top1 / len(answerable), top3 / len(answerable), handed / len(unanswerable)


def test_held_out_accuracy_stays_above_its_floor():
    top1, top3, handed_over = measure("test")
    assert top1 >= 0.85 and top3 >= 0.95
    assert handed_over >= 0.5
