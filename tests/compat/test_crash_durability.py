"""A short form of the crash harness: a few SIGKILLs under concurrent writes lose nothing acknowledged."""
import crash_harness
from conftest import Trent


def test_sigkill_under_concurrent_writes_loses_nothing_acknowledged(data_dir):
    acknowledged = crash_harness.run(lambda: Trent("--data-dir", data_dir), kills=3, seed=7)
    assert acknowledged > 50
