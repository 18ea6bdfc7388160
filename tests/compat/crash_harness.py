"""Crash durability: several threads write to a real Trent on a SQLite data directory (CreateKey, CreateAlias,
UpdateAlias, TagResource, ScheduleKeyDeletion, Encrypt), the server is SIGKILLed at a random moment, restarted on
the same directory, and everything it acknowledged must be there: keys, aliases pointing where the last
acknowledged call (or the call in flight) put them, tags, deletion schedules, and ciphertexts that decrypt.
Used by tests/compat/test_crash_durability.py (a few kills) and scripts/crash-loop.sh (30 or more)."""
import os
import random
import signal
import threading
import time
import uuid

import boto3
from botocore.config import Config

ACCOUNT = "123412341234"


class Ledger:
    """What the server acknowledged, per writer thread (each thread owns its keys and aliases)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.keys = set()
        self.aliases = {}        # alias -> set of targets it may have (last acknowledged, and one in flight)
        self.tags = {}           # (key, tag key) -> value
        self.scheduled = set()
        self.ciphertexts = []    # (key, blob, plaintext)
        self.acknowledged = 0


def client(endpoint):
    return boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=ACCOUNT,
                        aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=5))


def writer(endpoint, ledger, stop, seed):
    rng = random.Random(seed)
    kms = client(endpoint)
    own_keys, doomed_keys, own_aliases = [], [], {}
    try:
        while not stop.is_set():
            choice = rng.random()
            if choice < 0.2 or not own_keys:
                key = kms.create_key(Description=f"crash-{seed}")["KeyMetadata"]["KeyId"]
                with ledger.lock:
                    ledger.keys.add(key)
                    ledger.acknowledged += 1
                (doomed_keys if rng.random() < 0.2 else own_keys).append(key)
            elif choice < 0.35:
                alias = f"alias/crash-{uuid.uuid4().hex[:12]}"
                key = rng.choice(own_keys)
                with ledger.lock:
                    ledger.aliases[alias] = {key}  # in flight: present with this target, or absent
                    ledger.aliases.setdefault("?" + alias, set())
                kms.create_alias(AliasName=alias, TargetKeyId=key)
                with ledger.lock:
                    ledger.aliases.pop("?" + alias, None)
                    ledger.acknowledged += 1
                own_aliases[alias] = key
            elif choice < 0.5 and own_aliases:
                alias = rng.choice(list(own_aliases))
                key = rng.choice(own_keys)
                with ledger.lock:
                    ledger.aliases[alias] = {own_aliases[alias], key}
                kms.update_alias(AliasName=alias, TargetKeyId=key)
                with ledger.lock:
                    ledger.aliases[alias] = {key}
                    ledger.acknowledged += 1
                own_aliases[alias] = key
            elif choice < 0.65:
                key = rng.choice(own_keys)
                tag = uuid.uuid4().hex[:8]
                kms.tag_resource(KeyId=key, Tags=[{"TagKey": tag, "TagValue": str(seed)}])
                with ledger.lock:
                    ledger.tags[(key, tag)] = str(seed)
                    ledger.acknowledged += 1
            elif choice < 0.72 and doomed_keys:
                key = doomed_keys.pop()
                kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=30)
                with ledger.lock:
                    ledger.scheduled.add(key)
                    ledger.acknowledged += 1
            else:
                key = rng.choice(own_keys)
                plaintext = os.urandom(32)
                blob = kms.encrypt(KeyId=key, Plaintext=plaintext)["CiphertextBlob"]
                with ledger.lock:
                    ledger.ciphertexts.append((key, blob, plaintext))
                    ledger.acknowledged += 1
    except Exception:  # noqa: BLE001 - the server was killed under us: what was not acknowledged does not count
        return


def verify(endpoint, ledger):
    """Every acknowledged write is present after the restart; returns the number of checks made."""
    kms = client(endpoint)
    checks = 0
    present = set()
    marker = None
    while True:
        page = kms.list_keys(Limit=1000, **({"Marker": marker} if marker else {}))
        present |= {k["KeyId"] for k in page["Keys"]}
        if not page.get("Truncated"):
            break
        marker = page["NextMarker"]
    missing = ledger.keys - present
    assert not missing, f"{len(missing)} acknowledged key(s) lost, e.g. {sorted(missing)[:3]}"
    checks += len(ledger.keys)
    targets = {}
    marker = None
    while True:
        page = kms.list_aliases(Limit=100, **({"Marker": marker} if marker else {}))
        targets.update({a["AliasName"]: a.get("TargetKeyId") for a in page["Aliases"]})
        if not page.get("Truncated"):
            break
        marker = page["NextMarker"]
    for alias, allowed in ledger.aliases.items():
        if alias.startswith("?"):
            continue
        in_flight = ("?" + alias) in ledger.aliases
        if in_flight and alias not in targets:
            continue
        assert targets.get(alias) in allowed, f"{alias} points at {targets.get(alias)}, expected one of {allowed}"
        checks += 1
    by_key = {}
    for (key, tag), value in ledger.tags.items():
        if key not in by_key:
            by_key[key] = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key)["Tags"]}
        assert by_key[key].get(tag) == value, f"tag {tag} of {key} lost"
        checks += 1
    for key in ledger.scheduled:
        assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingDeletion", f"{key} not scheduled"
        checks += 1
    for key, blob, plaintext in ledger.ciphertexts:
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == plaintext, f"a ciphertext of {key} no longer decrypts"
        checks += 1
    return checks


def run(start_server, kills, writers=4, min_delay=0.5, max_delay=2.5, seed=None, report=print):
    """`start_server()` returns an object with .endpoint and .proc on the same data directory each time."""
    rng = random.Random(seed)
    ledger = Ledger()
    for round_number in range(1, kills + 1):
        server = start_server()
        stop = threading.Event()
        threads = [threading.Thread(target=writer, args=(server.endpoint, ledger, stop, rng.random()))
                   for _ in range(writers)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(min_delay, max_delay))
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
        stop.set()
        for thread in threads:
            thread.join()
        server.stop()
        restarted = start_server()
        try:
            checks = verify(restarted.endpoint, ledger)
        finally:
            restarted.stop()
        report(f"kill {round_number}/{kills}: {ledger.acknowledged} acknowledged writes so far, {checks} checks passed")
    return ledger.acknowledged
