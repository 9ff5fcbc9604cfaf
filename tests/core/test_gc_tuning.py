"""core/gc_tuning: the serving process freezes its start-up heap and collects young objects less often."""
import gc

import pytest

from core import gc_tuning


@pytest.fixture
def restore_gc():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_tune_freezes_the_start_up_heap_and_raises_the_young_threshold(restore_gc):
    assert gc_tuning.tune({}) is True
    assert gc.get_freeze_count() > 1000  # the test process's modules, at least
    assert gc.get_threshold() == gc_tuning.THRESHOLDS


def test_it_can_be_turned_off(restore_gc):
    before = gc.get_threshold()
    assert gc_tuning.tune({"SB_GC_TUNING": "0"}) is False
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_pause_meter_records_each_collection():
    with gc_tuning.PauseMeter() as meter:
        gc.collect(0)
        gc.collect(2)
    assert len(meter.pauses[0]) >= 1 and len(meter.pauses[2]) >= 1
    assert all(p >= 0 for p in meter.pauses[0] + meter.pauses[2])
    assert meter._callback not in gc.callbacks
