"""trent migrate and trent backup: the operator's commands around the store."""
import os
import shutil
import sqlite3
import subprocess

import pytest

from conftest import BINARY, POSTGRES, Trent, store_arguments


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60)


def test_migrate_brings_a_store_up_to_date_and_refuses_a_newer_one(data_dir):
    args = store_arguments(["--data-dir", data_dir])
    first = run("migrate", *args)
    assert first.returncode == 0 and "schema up to date" in first.stdout, first.stderr
    assert run("migrate", *args).returncode == 0  # idempotent
    # A migration this binary does not know means a newer Trent wrote the store: refused, never guessed at.
    if POSTGRES:
        url = args[args.index("--store") + 1]
        subprocess.run(["psql", url, "-qc", "INSERT INTO trent_migrations (name) VALUES ('2099-01-v99-future')"],
                       check=True, capture_output=True)
    else:
        with sqlite3.connect(os.path.join(data_dir, "trent.sqlite")) as db:
            db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-v99-future')")
    refused = run("migrate", *args)
    assert refused.returncode != 0
    assert "2099-01-v99-future" in refused.stderr and "newer Trent" in refused.stderr
    started = subprocess.run([BINARY, "serve", "--port", "0", *args], capture_output=True, text=True, timeout=30)
    assert started.returncode != 0 and "newer Trent" in started.stderr


@pytest.mark.skipif(bool(POSTGRES), reason="trent backup copies the SQLite store; PostgreSQL has its own tools")
def test_a_backup_taken_while_serving_restores_every_key(data_dir, tmp_path):
    trent = Trent("--data-dir", data_dir)
    try:
        kms = trent.client()
        key = kms.create_key(Description="backed up")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/backed-up", TargetKeyId=key)
        blob = kms.encrypt(KeyId=key, Plaintext=b"restore me")["CiphertextBlob"]
        copy = tmp_path / "copy"
        result = run("backup", "--data-dir", data_dir, "--to", str(copy))
        assert result.returncode == 0, result.stderr
        assert "root key is not in the copy" in result.stdout
        again = run("backup", "--data-dir", data_dir, "--to", str(copy))
        assert again.returncode != 0 and "never overwrites" in again.stderr
        kms.create_key(Description="after the backup")
    finally:
        trent.stop()
    assert sorted(os.listdir(copy)) == ["trent.sqlite"]
    assert oct(os.stat(copy).st_mode & 0o777) == "0o700"
    shutil.copy(os.path.join(data_dir, "root.key"), copy / "root.key")
    restored = Trent("--data-dir", str(copy))
    try:
        kms = restored.client()
        assert kms.describe_key(KeyId="alias/backed-up")["KeyMetadata"]["Description"] == "backed up"
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"restore me"
        descriptions = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["Description"]
                        for k in kms.list_keys()["Keys"]]
        assert "after the backup" not in descriptions
    finally:
        restored.stop()
