"""Keeping the search index: one ``SearchDocument`` per published dataset, written in the
same transaction as the change that calls for it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from yankao.opendata import search
from yankao.opendata.models import Dataset, SearchDocument


def _text(dataset: Dataset, resources, keywords: list[str], fields_of) -> search.DocumentText:
    fields: list[str] = []
    for resource in resources:
        fields.append(resource.description)
        fields.extend(f.name for f in fields_of(resource))
    return search.DocumentText(title=dataset.title, keywords=keywords, fields=fields,
                               description=dataset.description)


def _document(dataset: Dataset, resources, keywords: list[str],
              words: search.Words) -> SearchDocument:
    formats = sorted({r.format for r in resources})
    return SearchDocument(
        dataset=dataset, name=dataset.name, title_words=" ".join(words.title),
        body_words=" ".join(words.body),
        organization=dataset.agency.code, group=dataset.category.slug,
        licence=dataset.licence.code, quality=dataset.quality,
        private=dataset.access != Dataset.Access.PUBLIC,
        formats="|" + "|".join(formats) + "|" if formats else "",
        tags="|" + "|".join(sorted(keywords)) + "|" if keywords else "",
        modified_at=dataset.modified_at, title_sort=dataset.title[:200])


def search_index(dataset: Dataset) -> None:
    """Index a published dataset (public or shared), or take it out of the index."""
    if dataset.state != Dataset.State.PUBLISHED:
        search_unindex(dataset)
        return
    resources = [r for r in dataset.resources.prefetch_related("fields") if r.removed_at is None]
    keywords = [t.name for t in dataset.tags.all()]
    words = search.words_of(_text(dataset, resources, keywords, _fields))
    document = _document(dataset, resources, keywords, words)
    existing = SearchDocument.objects.filter(dataset=dataset).values_list("pk", flat=True).first()
    document.pk = existing
    document.save(force_insert=existing is None, force_update=existing is not None)
    _write_vectors([(document.pk, words)])


def search_unindex(dataset: Dataset) -> None:
    document_id = SearchDocument.objects.filter(dataset=dataset).values_list(
        "pk", flat=True).first()
    if document_id is None:
        return
    search.write_fts(document_id, None)
    SearchDocument.objects.filter(pk=document_id).delete()


def _fields(resource):
    return resource.fields.all()


def search_index_many(datasets: Iterable[Dataset], *, batch_size: int = 1000,
                      resources_of=None, keywords_of=None, fields_of=None) -> int:
    """Index many published datasets at once (the demo, a rebuild). The ``*_of`` callables
    may give what is already in memory. Returns the count."""
    documents: list[tuple[SearchDocument, search.Words]] = []
    for dataset in datasets:
        resources = resources_of(dataset) if resources_of else [
            r for r in dataset.resources.all() if r.removed_at is None]
        keywords = keywords_of(dataset) if keywords_of else [t.name for t in dataset.tags.all()]
        words = search.words_of(_text(dataset, resources, keywords, fields_of or _fields))
        documents.append((_document(dataset, resources, keywords, words), words))
    SearchDocument.objects.filter(dataset__in=[d.dataset for d, _w in documents]).delete()
    created = SearchDocument.objects.bulk_create([d for d, _w in documents],
                                                 batch_size=batch_size)
    _write_vectors([(document.pk, words) for document, (_d, words) in zip(created, documents,
                                                                           strict=True)])
    return len(created)


def _write_vectors(rows: list[tuple[int, search.Words]]) -> None:
    if search.is_postgresql():
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE opendata_searchdocument SET vector = CAST(%s AS tsvector) WHERE id = %s",
                [(search.tsvector_literal(words), pk) for pk, words in rows])
    elif connection.vendor == "sqlite":
        for pk, words in rows:
            search.write_fts(pk, words)
