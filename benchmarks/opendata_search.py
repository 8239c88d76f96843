"""The open-data search at 300,000 datasets on PostgreSQL.

    DATABASE_URL=postgres://…/an_empty_database python benchmarks/opendata_search.py \
        [--datasets 300000] [--queries 400]

Builds the catalogue's search rows straight into the database (COPY: datasets and their
search documents, words cut by the same jieba + OpenCC code as the application, each
distinct piece of text cut once), then measures, in one process and one run:

  baseline    GET /healthz (one SELECT 1) through Django's test client
  selector    catalogue_search: a two-word query with two facets (organization, groups)
  filtered    the same with a filter (fq) on one facet
  http        POST /api/3/action/package_search: the same query through the CKAN API,
              ten full package dictionaries in the answer

and prints median, p95 and p99 in milliseconds and as ratios to the baseline's median.
Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to an empty PostgreSQL database")
    os.environ.setdefault("YANKAO_DATA_DIR", tempfile.mkdtemp(prefix="yankao-bench-"))
    os.environ.setdefault("YANKAO_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "yankao.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(count: int, rng: random.Random) -> None:
    """Datasets and search documents by COPY."""
    from django.apps import apps
    from django.db import connection

    from yankao.core.models import Agency, District
    from yankao.core.services.seed import city_seed
    from yankao.opendata import search
    from yankao.opendata.data import demo_kaohsiung as words
    from yankao.opendata.models import Dataset, Licence, SearchDocument, ServiceCategory
    from yankao.opendata.reference import load_reference

    if Dataset.objects.exists():
        sys.exit("the database already holds datasets; give an empty one "
                 "(or --reuse one this script filled)")
    city_seed(actor=None)
    load_reference(apps.get_model)
    agencies = list(Agency.objects.exclude(kind=Agency.Kind.OUTSIDE))
    districts = list(District.objects.values_list("name_zh", flat=True))
    categories = list(ServiceCategory.objects.all())
    licence = Licence.objects.get(is_default=True)
    subjects = [(title, keywords, columns) for group in words.SUBJECTS.values()
                for title, keywords, columns, _series in group]
    subjects += [(title, keywords, columns) for title, keywords, columns
                 in words.DISTRICT_SUBJECTS]
    cache: dict[str, list[str]] = {}

    def cut(text: str) -> list[str]:
        if text not in cache:
            cache[text] = search.document_words(text)
        return cache[text]

    search.warm_up()
    now = "2018-12-20 10:00:00+08"
    datasets, documents = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    for number in range(count):
        agency = agencies[number % len(agencies)]
        title, keywords, columns = subjects[rng.randrange(len(subjects))]
        district = rng.choice(districts)
        year = rng.randint(2007, 2018)
        category = rng.choice(categories)
        full_title = f"{year - 1911}年{district}{title}"
        pk = uuid.uuid4()
        identifier = f"B{number:09d}-{number % 1000000:06d}"
        datasets.write("\t".join([
            str(pk), identifier, identifier.lower(), str(agency.pk), full_title, "",
            f"{agency.name_zh}提供之{title}", str(category.pk), str(licence.pk), "rawData",
            "t", "1", "year", "聯絡人", "07-0000000", "a@example.invalid", "聯絡人",
            "07-0000000", "a@example.invalid", r"\N", r"\N", "高雄市", "free", "", "", "zh",
            "", "", "public", "published", "", "1", now, now, now, r"\N",
            rng.choice(["gold", "silver", "bronze"]), now, "synced", "1", r"\N"]) + "\n")
        document = search.Words(
            title=[*cut(f"{year - 1911}年"), *cut(district), *cut(title)],
            keywords=[w for k in keywords for w in cut(k)],
            fields=[w for c in columns for w in cut(c)],
            description=[*cut(agency.name_zh), *cut(title)])
        formats = "|CSV|" if rng.random() < 0.7 else "|CSV|JSON|"
        documents.write("\t".join([
            str(number + 1), str(pk), identifier.lower(), " ".join(document.title),
            " ".join(document.body), search.tsvector_literal(document).replace("\\", "\\\\"),
            agency.code, category.slug, licence.code, "gold", "f", formats,
            "|" + "|".join(keywords) + "|", now, full_title[:200]]) + "\n")
    print(f"generated {count:,} rows in {time.perf_counter() - started:.1f} s "
          f"({len(cache):,} distinct pieces cut)", flush=True)
    dataset_columns = [f.column for f in Dataset._meta.concrete_fields]
    document_columns = ["id", "dataset_id", "name", "title_words", "body_words", "vector",
                        "organization", "group", "licence", "quality", "private", "formats",
                        "tags", "modified_at", "title_sort"]
    assert len(dataset_columns) == 41, dataset_columns
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS opendata_sd_vector")
        with cursor.copy("COPY opendata_dataset ({}) FROM STDIN".format(
                ", ".join(f'"{c}"' for c in dataset_columns))) as copy:
            copy.write(datasets.getvalue())
        with cursor.copy("COPY opendata_searchdocument ({}) FROM STDIN".format(
                ", ".join(f'"{c}"' for c in document_columns))) as copy:
            copy.write(documents.getvalue())
        cursor.execute("CREATE INDEX opendata_sd_vector ON opendata_searchdocument "
                       "USING gin (vector)")
        cursor.execute("SELECT setval(pg_get_serial_sequence('opendata_searchdocument', 'id'),"
                       " %s)", [count])
        cursor.execute("ANALYZE opendata_dataset")
        cursor.execute("ANALYZE opendata_searchdocument")
    print(f"loaded and indexed in {time.perf_counter() - started:.1f} s", flush=True)
    assert SearchDocument.objects.count() == count


def two_word_queries(rng: random.Random) -> list[str]:
    """Sixty two-word queries cut from the generated subjects' titles."""
    from yankao.opendata import search
    from yankao.opendata.data import demo_kaohsiung as words

    subjects = [(title, keywords, columns) for group in words.SUBJECTS.values()
                for title, keywords, columns, _series in group]
    subjects += [(title, keywords, columns) for title, keywords, columns
                 in words.DISTRICT_SUBJECTS]
    pairs = set()
    while len(pairs) < 60:
        title, keywords, _columns = subjects[rng.randrange(len(subjects))]
        pieces = [w for w in search.query_words(title) if len(w) > 1]
        if len(pieces) >= 2:
            pairs.add(f"{pieces[0]} {pieces[1]}")
        elif keywords and pieces:
            pairs.add(f"{pieces[0]} {keywords[0]}")
    return sorted(pairs)


def measure(label: str, function, runs: int) -> list[float]:
    for _ in range(5):
        function(0)
    times = []
    for number in range(runs):
        started = time.perf_counter()
        function(number)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--reuse", action="store_true",
                        help="measure a database an earlier run of this script filled")
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    from yankao.opendata.models import SearchDocument
    from yankao.opendata.selectors.search import SearchQuery, catalogue_search

    if args.reuse:
        found = SearchDocument.objects.count()
        if found != args.datasets:
            sys.exit(f"--reuse: the database holds {found:,} datasets, not {args.datasets:,}")
    else:
        build(args.datasets, random.Random(args.seed))  # noqa: S311 - made-up data
    queries = two_word_queries(random.Random(args.seed + 1))  # noqa: S311
    client = Client()
    facets = ("organization", "groups")

    def baseline(_number):
        assert client.get("/healthz").status_code == 200

    def selector(number):
        catalogue_search(actor=None, query=SearchQuery(
            text=queries[number % len(queries)], facet_fields=facets))

    def filtered(number):
        catalogue_search(actor=None, query=SearchQuery(
            text=queries[number % len(queries)], facet_fields=facets,
            filters=(("groups", "public-information"),)))

    def http(number):
        response = client.post("/api/3/action/package_search", json.dumps({
            "q": queries[number % len(queries)], "facet.field": list(facets)}),
            content_type="application/json")
        assert response.status_code == 200

    hits = [catalogue_search(actor=None, query=SearchQuery(text=q)).count for q in queries]
    print(f"{len(queries)} two-word queries; matches per query: median "
          f"{statistics.median(hits):,.0f}, max {max(hits):,}")
    results = {name: measure(name, fn, args.queries) for name, fn in (
        ("baseline", baseline), ("selector", selector), ("filtered", filtered),
        ("http", http))}
    base = statistics.median(results["baseline"])
    print(f"{'measure':<10} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8} {'ratio p50':>10} "
          f"{'ratio p99':>10}")
    for name, times in results.items():
        median, p95, p99 = (statistics.median(times), percentile(times, .95),
                            percentile(times, .99))
        print(f"{name:<10} {median:>10.2f} {p95:>8.2f} {p99:>8.2f} {median / base:>10.1f} "
              f"{p99 / base:>10.1f}")


if __name__ == "__main__":
    main()
