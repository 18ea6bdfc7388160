"""The root key in a PKCS#11 token (--root-key-pkcs11), on a throwaway SoftHSM2 token: Trent seals and unseals
every key's material inside the token, the root key is a non-extractable token object (checked with PyKCS11,
a client the team did not write), what is in the SQLite store opens with that token key and nothing else, and a
wrong PIN or a missing token stops start-up with a clear message."""
import json
import os
import sqlite3
import subprocess
import sys

import pytest

import softhsm
from conftest import BINARY, POSTGRES, Trent, store_arguments

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "135792"


@pytest.fixture
def token(tmp_path):
    """A SoftHSM2 configuration of its own, one token in it, and a Trent config file naming it."""
    env = softhsm.tokens(tmp_path, "trent-root", pin=PIN)
    (tmp_path / "pin").write_text(PIN + "\n")
    config = tmp_path / "hsm.yaml"
    config.write_text(f"module: {MODULE}\ntoken: trent-root\nlabel: trent-root-key\npin-file: {tmp_path}/pin\n")
    return tmp_path, env, config


def probe(env, label, *decrypt):
    result = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "pkcs11_probe.py"), MODULE,
                             "trent-root", PIN, label, *decrypt], capture_output=True, text=True,
                            env={**os.environ, **env}, check=True)
    return json.loads(result.stdout)


@pytest.mark.skipif(bool(POSTGRES), reason="reads the SQLite store's file directly")
def test_material_is_sealed_inside_the_token_and_survives_a_restart(token):
    work, env, config = token
    data = str(work / "data")
    trent = Trent("--data-dir", data, "--root-key-pkcs11", str(config), env=env)
    try:
        assert any("PKCS#11 token trent-root" in line for line in trent.output)
        kms = trent.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"sealed in the token")["CiphertextBlob"]
    finally:
        trent.stop()
    assert not os.path.exists(os.path.join(data, "root.key"))  # no root key on disk

    # The token holds the root key, sensitive and not extractable.
    assert probe(env, "trent-root-key") == {"found": 1, "sensitive": True, "extractable": False}
    # What the store holds for the key opens with the token key (AES-GCM, the key's ARN and material id as AAD).
    database = sqlite3.connect(os.path.join(data, "trent.sqlite"))
    material_id, sealed = database.execute("SELECT material_id, sealed FROM key_materials WHERE key_id = ?", (key,)).fetchone()
    arn = f"arn:aws:kms:us-east-1:111122223333:key/{key}"
    opened = probe(env, "trent-root-key", bytes(sealed[:12]).hex(), f"{arn}#{material_id}".encode().hex(),
                   bytes(sealed[12:]).hex())
    assert len(bytes.fromhex(opened["plaintext"])) == 32

    again = Trent("--data-dir", data, "--root-key-pkcs11", str(config), env=env)
    try:
        assert again.client().decrypt(CiphertextBlob=blob)["Plaintext"] == b"sealed in the token"
    finally:
        again.stop()


def test_a_wrong_pin_or_a_missing_token_or_key_stops_start_up(token):
    work, env, config = token
    (work / "pin").write_text("000000\n")
    result = subprocess.run([BINARY, "serve", "--port", "0", "--in-memory", "--root-key-pkcs11", str(config)],
                            capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert result.returncode != 0 and "wrong PIN" in result.stderr
    (work / "pin").write_text(PIN + "\n")
    config.write_text(config.read_text().replace("token: trent-root", "token: elsewhere"))
    result = subprocess.run([BINARY, "serve", "--port", "0", "--in-memory", "--root-key-pkcs11", str(config)],
                            capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert result.returncode != 0 and "no such token" in result.stderr
    # A store with sealed data and a token without its key: refused, nothing made.
    config.write_text(config.read_text().replace("token: elsewhere", "token: trent-root"))
    data = str(work / "other")
    plain = Trent("--data-dir", data)  # on PostgreSQL too when the suite runs there
    try:
        plain.client().create_key()
    finally:
        plain.stop()
    result = subprocess.run([BINARY, "serve", "--port", "0", *store_arguments(["--data-dir", data]),
                             "--root-key-pkcs11", str(config)],
                            capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert result.returncode != 0 and "holds no key labelled trent-root-key" in result.stderr


def test_rekey_moves_a_store_into_the_token_and_out_again_and_export_reads_it(token):
    work, env, config = token
    data = str(work / "moved")
    plain = Trent("--data-dir", data)
    try:
        kms = plain.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"moved into the HSM")["CiphertextBlob"]
    finally:
        plain.stop()
    run_env = {**os.environ, **env}
    into = subprocess.run([BINARY, "rekey", *store_arguments(["--data-dir", data]), "--new-root-key-pkcs11", str(config)],
                          capture_output=True, text=True, env=run_env, timeout=120)
    assert into.returncode == 0 and "PKCS#11 token trent-root" in into.stdout, into.stderr
    # The old development key no longer opens the store; the token's key does.
    refused = subprocess.run([BINARY, "serve", "--port", "0", *store_arguments(["--data-dir", data])],
                             capture_output=True, text=True, env=run_env, timeout=60)
    assert refused.returncode != 0
    held = Trent("--data-dir", data, "--root-key-pkcs11", str(config), env=env)
    try:
        assert held.client().decrypt(CiphertextBlob=blob)["Plaintext"] == b"moved into the HSM"
    finally:
        held.stop()
    exported = subprocess.run([BINARY, "export", *store_arguments(["--data-dir", data]), "--root-key-pkcs11", str(config),
                               "--include-key-material"], capture_output=True, text=True, env=run_env, timeout=60)
    assert exported.returncode == 0 and key in exported.stdout, exported.stderr
    # And out again, to a key file.
    (work / "new.key").write_text("11" * 32)
    out = subprocess.run([BINARY, "rekey", *store_arguments(["--data-dir", data]), "--root-key-pkcs11", str(config),
                          "--new-root-key-file", str(work / "new.key")], capture_output=True, text=True, env=run_env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    again = Trent("--data-dir", data, "--root-key-file", str(work / "new.key"), env=env)
    try:
        assert again.client().decrypt(CiphertextBlob=blob)["Plaintext"] == b"moved into the HSM"
    finally:
        again.stop()
