"""The server process settles its heap once after loading (yankao.wsgi); batch work runs
without the cycle collector and turns it back on."""

import gc

from yankao.core.runtime import no_cycle_collection, settle_heap


def test_settle_heap_freezes_what_was_loaded():
    try:
        settle_heap()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_no_cycle_collection_turns_the_collector_back_on():
    assert gc.isenabled()
    with no_cycle_collection():
        assert not gc.isenabled()
        with no_cycle_collection():  # a second request at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
