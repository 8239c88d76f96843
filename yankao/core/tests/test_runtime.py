"""The server process settles its heap once after loading (yankao.wsgi)."""

import gc

from yankao.core.runtime import settle_heap


def test_settle_heap_freezes_what_was_loaded():
    try:
        settle_heap()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
