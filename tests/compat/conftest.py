"""Black-box compatibility suite: starts the real `trent` binary on a free loopback port and drives it with
the real clients (boto3, the aws CLI, the AWS Encryption SDK)."""
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("TRENT_BIN", os.path.join(ROOT, ".build", "debug", "trent"))
ACCOUNT = "111122223333"


# With TRENT_COMPAT_POSTGRES set to a server's URL (the test command starts one), every server this suite starts
# keeps its keys in PostgreSQL instead: `--in-memory` becomes a fresh database of its own, and `--data-dir PATH`
# a database named after PATH, so a restart on the same data directory finds the same data.
POSTGRES = os.environ.get("TRENT_COMPAT_POSTGRES")


def postgres_database(name):
    """The URL of database `name` on the test server, created if it does not exist yet."""
    base, _, query = POSTGRES.partition("?")
    root = base.rsplit("/", 1)[0]
    exists = subprocess.run(
        ["psql", POSTGRES, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", POSTGRES, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"{root}/{name}?{query}"


def store_arguments(args):
    """The server's arguments, moved onto PostgreSQL when the suite runs against it."""
    if not POSTGRES or "--store" in args:
        return list(args)
    args = list(args)
    if "--in-memory" in args:
        args.remove("--in-memory")
        args += ["--store", postgres_database("trent_" + uuid.uuid4().hex), "--data-dir",
                 tempfile.mkdtemp(prefix="trent-pg-")]
    elif "--data-dir" in args:
        path = os.path.abspath(args[args.index("--data-dir") + 1])
        args += ["--store", postgres_database("trent_" + uuid.uuid5(uuid.NAMESPACE_URL, path).hex)]
    return args


class Trent:
    """One running server process; its output is kept so tests can search it."""

    def __init__(self, *args, env=None):
        self.args = store_arguments(args)
        self.output = []
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--port", "0", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full_env)
        deadline = time.time() + 30
        self.endpoint = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            match = re.search(r"serving AWS KMS at (https?://\S+)", line)
            if match:
                self.endpoint = match.group(1)
                break
        if not self.endpoint:
            self.proc.kill()
            raise RuntimeError("trent did not start:\n" + "".join(self.output))
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def client(self, access_key="AKIDEXAMPLE", region="us-east-1"):
        return boto3.client(
            "kms", endpoint_url=self.endpoint, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)
        return "".join(self.output)


def audited_trent(*args):
    """An in-memory server logging at trace level with an audit log of its own (its path in .audit_path)."""
    audit = os.path.join(tempfile.mkdtemp(prefix="trent-audit-"), "audit.jsonl")
    trent = Trent("--in-memory", "--log-level", "trace", "--audit-log", audit, *args)
    trent.audit_path = audit
    return trent


@pytest.fixture(scope="session")
def server():
    trent = Trent("--in-memory", "--log-level", "trace")
    yield trent
    trent.stop()


@pytest.fixture
def kms(server):
    """A client in a fresh account of its own, so tests do not see each other's keys."""
    account = str(uuid.uuid4().int)[:12].rjust(12, "1")
    return server.client(access_key=account)


@pytest.fixture
def data_dir():
    path = tempfile.mkdtemp(prefix="trent-compat-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


class KeyWriters:
    """Threads creating keys on a server until stopped, keeping the ids of the keys it acknowledged. A refused
    request is retried after a pause, or ends the thread with `give_up=True` (a server going away)."""

    def __init__(self, trent, threads=3, description="under load", give_up=False):
        import botocore.exceptions
        self.acknowledged = []
        self._stop = threading.Event()

        def write():
            kms = trent.client()
            while not self._stop.is_set():
                try:
                    self.acknowledged.append(kms.create_key(Description=description)["KeyMetadata"]["KeyId"])
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
                    if give_up:
                        return
                    time.sleep(0.05)

        self._threads = [threading.Thread(target=write) for _ in range(threads)]
        for thread in self._threads:
            thread.start()

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join()
        return self.acknowledged


def listed_key_ids(kms):
    """Every key id ListKeys returns, all pages."""
    listed = set()
    for page in kms.get_paginator("list_keys").paginate():
        listed.update(k["KeyId"] for k in page["Keys"])
    return listed
