"""The FAQ assistant's quality and speed, on questions written apart from the FAQ.

    python benchmarks/assistant_search.py [--rounds 20]

Quality: top-1 and top-3 accuracy on the held-out questions of
benchmarks/data/assistant_questions.tsv (split "test"; "dev" was used to choose the
tokens, the weights and the thresholds), the share of unanswerable questions handed to a
person, and the outcome mix. Speed: the time per question of the whole search (OpenCC,
jieba, BM25, the decision) and, as the baseline in the same run, of a plain scan that
counts the characters each FAQ question shares with the asked one; median and p99 of
every question over several rounds. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yankao.assistant import engine, faqdata  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "data" / "assistant_questions.tsv"


def build() -> tuple[engine.SearchIndex, list]:
    rows = faqdata.faq_rows()
    entries = [engine.EntryText(i, r.question_zh, r.alternatives_zh, r.answer_zh,
                                r.question_en, "", r.answer_en) for i, r in enumerate(rows)]
    synonyms = engine.synonym_map((lang, terms.split(",")) for lang, terms in
                                  faqdata.synonym_rows())
    return engine.SearchIndex(entries, synonyms), rows


def quality(index, rows, questions, split: str) -> dict:
    chosen = [q for q in questions if q["split"] == split]
    thresholds = engine.Thresholds()
    top1 = top3 = answered_right = answered = 0
    outcomes: dict[str, int] = {}
    handed = unanswerable = 0
    for q in chosen:
        result = index.search(q["question"])
        decision = result.decide(thresholds)
        if q["expected"] == "-":
            unanswerable += 1
            handed += decision == "no_match"
            continue
        outcomes[decision] = outcomes.get(decision, 0) + 1
        expected = set(q["expected"].split(","))
        found = [rows[h.entry_id].key for h in result.hits]
        top1 += bool(found) and found[0] in expected
        top3 += bool(expected & set(found))
        if decision == "answered":
            answered += 1
            answered_right += found[0] in expected
    n = len(chosen) - unanswerable
    return {"split": split, "questions": n, "top1": top1 / n, "top3": top3 / n,
            "outcomes": outcomes, "answered_precision": answered_right / max(answered, 1),
            "unanswerable": unanswerable, "handed_over": handed}


def naive_scan(faq_questions: list[str], question: str) -> int:
    asked = set(question)
    return max(range(len(faq_questions)), key=lambda i: len(asked & set(faq_questions[i])))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    index, rows = build()
    print(f"index of {len(rows)} entries built in {time.perf_counter() - started:.2f} s "
          "(jieba's dictionary included)")
    with QUESTIONS.open(encoding="utf-8") as handle:
        questions = list(csv.DictReader(handle, delimiter="\t"))
    for split in ("dev", "test"):
        r = quality(index, rows, questions, split)
        print(f"{split}: {r['questions']} answerable questions, top-1 {r['top1']:.1%}, "
              f"top-3 {r['top3']:.1%}; outcomes {r['outcomes']}; one-answer precision "
              f"{r['answered_precision']:.1%}; {r['handed_over']} of {r['unanswerable']} "
              "unanswerable handed to a person")
    texts = [q["question"] for q in questions]
    faq_questions = [r.question_zh for r in rows]
    search, baseline = [], []
    for _ in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter()
            index.search(text).decide(engine.Thresholds())
            search.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            naive_scan(faq_questions, text)
            baseline.append(time.perf_counter() - t0)
    for name, values in (("search", search), ("baseline scan", baseline)):
        print(f"{name:>14}: median {statistics.median(values) * 1000:.3f} ms, "
              f"p99 {percentile(values, 0.99) * 1000:.3f} ms over {len(values)} questions")
    # The same, each question's fastest round first: what the work costs, without the
    # pauses another process on a shared machine causes.
    best = {}
    for name, values in (("search", search), ("baseline scan", baseline)):
        per_question = [min(values[i::len(texts)]) for i in range(len(texts))]
        best[name] = per_question
        print(f"{name:>14}: best-of-{args.rounds} per question: median "
              f"{statistics.median(per_question) * 1000:.3f} ms, p99 "
              f"{percentile(per_question, 0.99) * 1000:.3f} ms, max "
              f"{max(per_question) * 1000:.3f} ms")
    print(f"ratio search/baseline: median "
          f"{statistics.median(search) / statistics.median(baseline):.2f}, p99 "
          f"{percentile(search, 0.99) / percentile(baseline, 0.99):.2f}")


if __name__ == "__main__":
    main()
