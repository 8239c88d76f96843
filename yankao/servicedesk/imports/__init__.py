"""Imports into the service desk: ``yankao import KIND FORMAT FILE``.

- ``published``: cases as other systems publish them (Open1999 JSON, Taipei CSV, Open311 XML);
- ``history``: the city's own history in Yankao's columns (cases, calls, surveys);
- ``mapping``: the city's answers to a mapping file (names a file uses → its catalogue);
- ``pipeline`` writes cases in batches (decision 0101), ``lookups`` resolves names.

Every importer is a plain function ``(path, *, actor, progress) -> ImportResult``, called
alike by the command line and by background jobs.
"""
