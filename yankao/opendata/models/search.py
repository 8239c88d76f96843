"""The search index of published datasets: words segmented by jieba from the title,
keywords, description and field names, in one script (see search.py of the app)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from yankao.opendata.models.catalogue import Dataset


class SearchDocument(models.Model):
    """One row per dataset visible to everyone, with its words and the values it is
    faceted and filtered by. PostgreSQL searches ``vector`` (GIN index, migration 0003);
    SQLite searches the FTS5 table ``opendata_search_fts`` kept beside it."""

    # The integer id is the row id of SQLite's FTS5 table.
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE,
                                   related_name="search_document")
    title_words = models.TextField(default="", blank=True)
    body_words = models.TextField(default="", blank=True)
    vector = SearchVectorField(null=True, blank=True)
    name = models.CharField(max_length=40)
    organization = models.CharField(max_length=32, db_index=True)
    group = models.CharField(max_length=40, db_index=True)
    licence = models.CharField(max_length=40)
    quality = models.CharField(max_length=8)
    # Shared with named agencies only: found by those agencies' staff, never by the public.
    private = models.BooleanField(default=False)
    formats = models.CharField(max_length=200, default="", blank=True)
    tags = models.TextField(default="", blank=True)
    modified_at = models.DateTimeField(db_index=True)
    title_sort = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["organization", "group"], name="opendata_sd_facets")]

    def __str__(self) -> str:
        return str(self.dataset_id)
