"""Yankao's PostgreSQL backend for Django: Django's own, with a health check that costs no
round trip (``ENGINE = "yankao.core.postgres"``, set by ``yankao.config``)."""
