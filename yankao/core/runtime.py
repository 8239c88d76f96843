"""What a server process does once, after loading and before its first request."""

from __future__ import annotations

import contextlib
import gc


def settle_heap() -> None:
    """Load the URL configuration (and with it every view module), then move every object
    made so far out of the cyclic garbage collector's sight (``gc.freeze``).

    Those objects (modules, classes, translations, templates' code) live as long as the
    process. Left in the collector's oldest generation, each full collection walks them all:
    about 100 ms, every few hundred requests, which is the p99 of an otherwise 16 ms
    request (docs/performance.md, service desk). Frozen, a collection walks only what the
    requests made."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def no_cycle_collection():
    """Run a block that makes tens of thousands of small lists and tuples (a parsed batch)
    without the cyclic garbage collector, which they would set off again and again
    although none of them forms a cycle. Whoever turned it off turns it back on, so it
    ends on, whatever the order in which concurrent requests finish."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
