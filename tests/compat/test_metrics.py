"""Prometheus metrics on GET /metrics: every request by operation and outcome, with durations."""
import re
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import Trent


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
