"""SIGTERM under load: the server stops promptly and cleanly, and every write it acknowledged is there after a
restart (SQLite in the first pass of the suite, PostgreSQL in the second)."""
import signal
import time

from conftest import KeyWriters, Trent, listed_key_ids


def test_sigterm_under_load_exits_cleanly_and_keeps_every_acknowledged_write(data_dir):
    trent = Trent("--data-dir", data_dir)
    writers = KeyWriters(trent, threads=8, description="before SIGTERM", give_up=True)
    time.sleep(1.5)
    started = time.time()
    trent.proc.send_signal(signal.SIGTERM)
    code = trent.proc.wait(timeout=15)
    acknowledged = writers.stop()
    trent.stop()
    assert code == 0, "".join(trent.output)[-2000:]
    assert time.time() - started < 15
    assert len(acknowledged) > 8

    again = Trent("--data-dir", data_dir)
    try:
        listed = listed_key_ids(again.client())
        missing = [k for k in acknowledged if k not in listed]
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged keys lost at shutdown"
    finally:
        again.stop()
