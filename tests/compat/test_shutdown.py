"""SIGTERM under load: the server stops promptly and cleanly, and every write it acknowledged is there after a
restart (SQLite in the first pass of the suite, PostgreSQL in the second)."""
import signal
import threading
import time

import botocore.exceptions

from conftest import Trent


def test_sigterm_under_load_exits_cleanly_and_keeps_every_acknowledged_write(data_dir):
    trent = Trent("--data-dir", data_dir)
    acknowledged = []
    stop = threading.Event()

    def writer():
        kms = trent.client()
        while not stop.is_set():
            try:
                acknowledged.append(kms.create_key(Description="before SIGTERM")["KeyMetadata"]["KeyId"])
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
                return  # the server is going away

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    started = time.time()
    trent.proc.send_signal(signal.SIGTERM)
    code = trent.proc.wait(timeout=15)
    stop.set()
    for thread in threads:
        thread.join()
    trent.stop()
    assert code == 0, "".join(trent.output)[-2000:]
    assert time.time() - started < 15
    assert len(acknowledged) > 8

    again = Trent("--data-dir", data_dir)
    try:
        kms = again.client()
        listed = set()
        for page in kms.get_paginator("list_keys").paginate():
            listed.update(k["KeyId"] for k in page["Keys"])
        missing = [k for k in acknowledged if k not in listed]
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged keys lost at shutdown"
    finally:
        again.stop()
