"""Time to produce the annual performance report (issue #6: under 30 s for --scale 1).

    yankao demo --scale 1 --data /tmp/city-2018
    python benchmarks/reports_annual.py --data /tmp/city-2018 [--runs 3]

Measures, in one run on one machine, each format of ``yankao report annual --year 2018``
(build from the records + render), and as the baseline WeasyPrint rendering a one-page
Chinese HTML document with the same fonts, and prints medians with ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="a data folder holding a demo city")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", type=int, default=2018)
    args = parser.parse_args()
    os.environ["YANKAO_DATA_DIR"] = args.data
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
    import django

    django.setup()
    from yankao.core.documents import footnoted_document, html_to_pdf
    from yankao.reports.generate import build_report, generate
    from yankao.reports.render.html import render_html

    def timed(work) -> float:
        started = time.perf_counter()
        work()
        return time.perf_counter() - started

    results: dict[str, list[float]] = {"baseline (1-page PDF)": [], "build only": [],
                                       "html": [], "pdf": [], "docx": [],
                                       "pdf, one layout": [], "pdf, footnotes placed": []}
    layouts: list[int] = []
    for _ in range(args.runs):
        results["baseline (1-page PDF)"].append(
            timed(lambda: html_to_pdf("<h1>施政績效成果報告</h1><p>派工案件 82,934 件</p>")))
        results["build only"].append(
            timed(lambda: build_report(structure="annual", year=args.year, base_url="")))
        for fmt in ("html", "pdf", "docx"):
            results[fmt].append(timed(
                lambda fmt=fmt: generate(structure="annual", year=args.year, fmt=fmt)))
        # The layout alone: once (footnotes may slip to the next page), and as the PDF is
        # made, laid out again until every footnote is on the page of its mark.
        page = render_html(build_report(structure="annual", year=args.year, base_url=""),
                           mode="pdf")
        results["pdf, one layout"].append(timed(lambda page=page: html_to_pdf(page)))
        results["pdf, footnotes placed"].append(
            timed(lambda page=page: footnoted_document(page).write_pdf()))
        layouts.append(len(footnoted_document(page).pages))
    baseline = statistics.median(results["baseline (1-page PDF)"])
    print(f"{'measure':<24} {'median s':>9} {'ratio':>7}   runs", file=sys.stdout)
    for label, values in results.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{label:<24} {median:>9.2f} {median / baseline:>7.1f}   {runs}")
    print(f"pages with footnotes placed: {layouts}")


if __name__ == "__main__":
    main()
