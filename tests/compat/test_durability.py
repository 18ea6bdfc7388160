"""What was acknowledged survives a restart; key material is sealed at rest; secrets stay out of logs."""
import base64
import os
import sqlite3
import stat
import subprocess

from conftest import POSTGRES, Trent


def test_restart_loses_nothing(data_dir):
    first = Trent("--data-dir", data_dir)
    kms = first.client()
    key = kms.create_key(Description="durable")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/durable", TargetKeyId=key)
    blob = kms.encrypt(KeyId="alias/durable", Plaintext=b"still here", EncryptionContext={"a": "b"})["CiphertextBlob"]
    first.stop()

    root_key = os.path.join(data_dir, "root.key")
    assert stat.S_IMODE(os.stat(root_key).st_mode) == 0o600

    second = Trent("--data-dir", data_dir)
    try:
        kms = second.client()
        assert kms.describe_key(KeyId="alias/durable")["KeyMetadata"]["Description"] == "durable"
        assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"still here"
    finally:
        second.stop()


def test_key_material_is_not_stored_in_clear(data_dir):
    trent = Trent("--data-dir", data_dir)
    kms = trent.client()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    trent.stop()
    if POSTGRES:
        # The material sits sealed inside the key's document: base64 of nonce, sealed 256-bit material and tag.
        url = trent.args[trent.args.index("--store") + 1]
        sealed = subprocess.run(
            ["psql", url, "-tAc", "SELECT m->>'sealed' FROM trent_keys, jsonb_array_elements(record->'materials') m"],
            capture_output=True, text=True, check=True).stdout.strip()
        assert len(base64.b64decode(sealed)) == 12 + 32 + 16
        assert key
        return
    with sqlite3.connect(os.path.join(data_dir, "trent.sqlite")) as db:
        (sealed,) = db.execute("SELECT sealed FROM key_materials").fetchone()
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert len(sealed) == 12 + 32 + 16  # nonce, sealed 256-bit material, tag
    assert mode == "wal"
    assert key


def test_secrets_never_reach_the_log(server):
    kms = server.client(access_key="777788889999")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    marker = b"PLANTED-PLAINTEXT-MARKER-7f3a"
    blob = kms.encrypt(KeyId=key, Plaintext=marker)["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    data_key = kms.generate_data_key(KeyId=key, KeySpec="AES_256")["Plaintext"]
    try:
        kms.encrypt(KeyId="alias/none", Plaintext=marker)
    except Exception:  # noqa: BLE001 - a refused request is logged too
        pass
    log = "".join(server.output)
    import base64
    for secret in [marker, base64.b64encode(marker), data_key, base64.b64encode(data_key)]:
        assert secret.decode("latin-1") not in log
