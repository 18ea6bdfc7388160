"""Losing the PostgreSQL database under load: requests fail fast with DependencyTimeoutException (never a hang),
/ready says not ready, and when the database returns the node recovers by itself with every acknowledged write.
Runs in the PostgreSQL pass of the suite, on a PostgreSQL server of its own that it stops and starts."""
import subprocess
import time
import urllib.request

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from conftest import POSTGRES, ROOT, KeyWriters, Trent, listed_key_ids

pytestmark = pytest.mark.skipif(not POSTGRES, reason="runs in the PostgreSQL pass of the suite")


def shell(script):
    return subprocess.run(["bash", "-c", f"source {ROOT}/scripts/postgres.sh; {script}"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def own_postgres():
    url, directory = shell('start_postgres; echo "$POSTGRES_URL $POSTGRES_DIR"').split()
    yield url, directory
    shell(f'POSTGRES_DIR={directory}; stop_postgres')


def pg_ctl(directory, *args):
    shell(f'as_postgres "$(postgres_bin)/pg_ctl" -D {directory}/data -w {" ".join(args)} >/dev/null')


def ready(endpoint):
    try:
        return urllib.request.urlopen(endpoint + "/ready", timeout=5).status == 200
    except Exception:  # noqa: BLE001 - 503 raises
        return False


def test_losing_the_database_fails_fast_and_recovers_with_every_acknowledged_write(own_postgres, data_dir):
    url, directory = own_postgres
    port = url.split(":")[2].split("/")[0]
    trent = Trent("--store", url, "--data-dir", data_dir, "--store-timeout", "2")
    writers = None
    try:
        kms = trent.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"before")["CiphertextBlob"]
        writers = KeyWriters(trent)
        time.sleep(1.5)
        pg_ctl(directory, "-m", "immediate", "stop")
        time.sleep(1.5)  # the change feed is gone: the node no longer trusts its cache

        # Every request answers within the store timeout (2 s) and a margin: an error, never a hang. (One attempt
        # per call: botocore would retry a 503 on its own.)
        once = boto3.client("kms", endpoint_url=trent.endpoint, region_name="us-east-1", aws_access_key_id="AKID",
                            aws_secret_access_key="secret", config=Config(retries={"total_max_attempts": 1}))
        for call in (lambda: once.create_key(), lambda: once.encrypt(KeyId=key, Plaintext=b"x"),
                     lambda: once.describe_key(KeyId=key)):
            started = time.time()
            with pytest.raises(botocore.exceptions.ClientError) as refused:
                call()
            assert time.time() - started < 3.5
            assert refused.value.response["Error"]["Code"] == "DependencyTimeoutException"
        assert not ready(trent.endpoint)

        pg_ctl(directory, "-o", f'"-c listen_addresses=127.0.0.1 -p {port} -k {directory}"',
               "-l", f"{directory}/server.log", "start")
        deadline = time.time() + 20
        while time.time() < deadline and not ready(trent.endpoint):
            time.sleep(0.2)
        assert ready(trent.endpoint), "the node did not recover by itself"
        time.sleep(1)
        acknowledged = writers.stop()
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before"
        missing = [k for k in acknowledged if k not in listed_key_ids(kms)]
        assert acknowledged and not missing, f"{len(missing)} acknowledged keys lost"
    finally:
        if writers:
            writers.stop()
        trent.stop()


@pytest.fixture
def primary_and_standby():
    out = shell('start_postgres; start_standby; echo "$POSTGRES_URL $POSTGRES_DIR $STANDBY_URL $STANDBY_DIR"').split()
    yield out
    shell(f'POSTGRES_DIR={out[3]}; stop_postgres; POSTGRES_DIR={out[1]}; stop_postgres')


def test_after_the_primary_is_lost_and_a_standby_promoted_no_acknowledged_write_is_lost(primary_and_standby,
                                                                                         data_dir):
    primary_url, primary_dir, standby_url, standby_dir = primary_and_standby
    hosts = ",".join(u.split("@")[1].split("/")[0] for u in (primary_url, standby_url))
    trent = Trent("--store", f"postgres://trent@{hosts}/postgres?sslmode=disable", "--data-dir", data_dir,
                  "--store-timeout", "2")
    writers = KeyWriters(trent, description="replicated")
    try:
        time.sleep(2)
        acknowledged = writers.acknowledged
        before = len(acknowledged)
        pg_ctl(primary_dir, "-m", "immediate", "stop")
        pg_ctl(standby_dir, "promote")
        # Trent finds the promoted standby by itself and writes there, without a restart.
        deadline = time.time() + 30
        while time.time() < deadline and len(acknowledged) <= before + 5:
            time.sleep(0.2)
        writers.stop()
        assert len(acknowledged) > before + 5, "no writes after the failover"
        assert "PostgreSQL primary is now" in "".join(trent.output)
        missing = [k for k in acknowledged if k not in listed_key_ids(trent.client())]
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged keys lost in the failover"
    finally:
        writers.stop()
        trent.stop()
