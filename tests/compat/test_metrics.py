"""Prometheus metrics on GET /metrics: every request by operation and outcome, with durations."""
import re
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import POSTGRES, Trent


def scrape(trent):
    with urllib.request.urlopen(trent.endpoint + "/metrics") as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return response.read().decode()


def value(text, name, **labels):
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{name}{{{re.escape(wanted)}}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_requests_are_counted_by_operation_and_outcome():
    trent = Trent("--in-memory")
    try:
        kms = trent.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        for _ in range(3):
            kms.encrypt(KeyId=key, Plaintext=b"x")
        with pytest.raises(ClientError):
            kms.decrypt(CiphertextBlob=b"not a ciphertext blob at all")
        text = scrape(trent)
        assert value(text, "trent_requests_total", operation="Encrypt", outcome="ok") == 3
        assert value(text, "trent_requests_total", operation="CreateKey", outcome="ok") == 1
        assert value(text, "trent_requests_total", operation="Decrypt", outcome="InvalidCiphertextException") == 1
        assert value(text, "trent_request_duration_seconds_count", operation="Encrypt") == 3
        assert "# TYPE trent_request_duration_seconds histogram" in text
        assert key not in text  # no identifiers in labels
    finally:
        trent.stop()


def test_the_cache_and_background_jobs_are_counted():
    trent = Trent("--in-memory")
    try:
        kms = trent.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/metered", TargetKeyId=key)
        for _ in range(5):
            kms.encrypt(KeyId="alias/metered", Plaintext=b"x")
        deadline = time.time() + 10
        text = ""
        while time.time() < deadline:
            text = scrape(trent)
            # the first deletion pass runs at start-up, but on its own task: wait for it as well
            if (
                value(text, "trent_cache_lookups_total", kind="key", outcome="hit") >= 4
                and value(text, "trent_background_runs_total", job="deletion", outcome="ran") >= 1
            ):
                break
            time.sleep(0.3)
        assert value(text, "trent_cache_lookups_total", kind="key", outcome="hit") >= 4
        assert value(text, "trent_cache_lookups_total", kind="alias", outcome="hit") >= 4
        assert value(text, "trent_cache_lookups_total", kind="key", outcome="miss") >= 1
        assert value(text, "trent_cache_invalidations_total", source="this node") >= 2
        assert value(text, "trent_cache_entries", kind="key") >= 1
        assert value(text, "trent_background_runs_total", job="deletion", outcome="ran") >= 1
        if POSTGRES:  # the same server on PostgreSQL: its storage calls are timed
            assert value(text, "trent_store_call_duration_seconds_count", store="postgres") >= 1
            assert 'trent_store_calls_in_flight{store="postgres"}' in text
    finally:
        trent.stop()
