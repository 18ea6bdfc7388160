"""Two trent processes on one PostgreSQL database behave as one service (the PostgreSQL pass of the suite): a key
disabled or an alias moved on one node is obeyed by the other within a second, alias names stay unique across
nodes, and a key's deletion at the end of its waiting period happens once."""
import tempfile
import threading
import time
import uuid

import botocore.exceptions
import pytest

from conftest import POSTGRES, Trent, postgres_database

pytestmark = pytest.mark.skipif(not POSTGRES, reason="runs in the PostgreSQL pass of the suite")


@pytest.fixture
def two_nodes(tmp_path):
    store = postgres_database("trent_" + uuid.uuid4().hex)
    root_key = tmp_path / "root.key"
    root_key.write_text("3c" * 32 + "\n")
    nodes = [Trent("--store", store, "--root-key-file", str(root_key), "--data-dir", tempfile.mkdtemp(prefix="node-"))
             for _ in range(2)]
    yield nodes
    for node in nodes:
        node.stop()


def within(seconds, condition):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def refused(call):
    try:
        call()
        return False
    except botocore.exceptions.ClientError:
        return True


def test_a_change_on_one_node_is_obeyed_by_the_other_within_a_second(two_nodes):
    a, b = (node.client() for node in two_nodes)
    key = a.create_key()["KeyMetadata"]["KeyId"]
    other = a.create_key()["KeyMetadata"]["KeyId"]
    a.create_alias(AliasName="alias/shared", TargetKeyId=key)
    # B reads (and caches) both before the changes.
    assert b.encrypt(KeyId="alias/shared", Plaintext=b"x")["KeyId"].endswith(key)
    a.disable_key(KeyId=key)
    assert within(1.0, lambda: refused(lambda: b.encrypt(KeyId=key, Plaintext=b"x"))), "B still encrypts"
    a.enable_key(KeyId=key)
    assert within(1.0, lambda: not refused(lambda: b.encrypt(KeyId=key, Plaintext=b"x")))
    a.update_alias(AliasName="alias/shared", TargetKeyId=other)
    assert within(1.0, lambda: b.describe_key(KeyId="alias/shared")["KeyMetadata"]["KeyId"] == other)


def test_alias_names_stay_unique_when_both_nodes_race(two_nodes):
    clients = [node.client() for node in two_nodes]
    key = clients[0].create_key()["KeyMetadata"]["KeyId"]
    wins = []

    def race(client):
        try:
            client.create_alias(AliasName="alias/raced", TargetKeyId=key)
            wins.append(1)
        except botocore.exceptions.ClientError as error:
            assert error.response["Error"]["Code"] == "AlreadyExistsException"

    threads = [threading.Thread(target=race, args=(clients[i % 2],)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    names = [a["AliasName"] for a in clients[1].list_aliases(KeyId=key)["Aliases"]]
    assert names == ["alias/raced"]


def test_a_scheduled_deletion_happens_once(two_nodes):
    import json
    import urllib.request
    a, b = (node.client() for node in two_nodes)
    key = a.create_key()["KeyMetadata"]["KeyId"]
    a.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    # Both nodes' clocks pass the deletion date; each sweeps at once, one of them deletes.
    for node in two_nodes:
        request = urllib.request.Request(node.endpoint + "/admin/clock", method="POST",
                                         data=json.dumps({"advanceSeconds": 8 * 86400}).encode(),
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
    assert within(5, lambda: refused(lambda: b.describe_key(KeyId=key)))
    logs = ["".join(node.output) for node in two_nodes]
    assert sum(log.count(f"deleted arn:aws:kms:us-east-1:111122223333:key/{key}") for log in logs) == 1


def test_a_key_policy_changed_on_one_node_is_enforced_by_the_other_within_a_second(tmp_path):
    import json

    import boto3
    from botocore.config import Config
    account = "111122223333"
    people = {
        "admin": {"account": account, "principal": f"arn:aws:iam::{account}:root", "policies": []},
        "alice": {"account": account, "principal": f"arn:aws:iam::{account}:user/alice", "policies": [
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}]},
    }
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"credentials": [
        dict(person, accessKeyId=f"AKID{name.upper()}00000000000", secretAccessKey=f"{name}-secret")
        for name, person in people.items()]}))
    root_key = tmp_path / "root.key"
    root_key.write_text("4d" * 32 + "\n")
    store = postgres_database("trent_" + uuid.uuid4().hex)
    nodes = [Trent("--store", store, "--root-key-file", str(root_key), "--data-dir", tempfile.mkdtemp(prefix="node-"),
                   "--auth", "sigv4", "--credentials", str(credentials)) for _ in range(2)]
    try:
        def as_(node, name):
            return boto3.client("kms", endpoint_url=node.endpoint, region_name="us-east-1",
                                aws_access_key_id=f"AKID{name.upper()}00000000000",
                                aws_secret_access_key=f"{name}-secret", config=Config(retries={"max_attempts": 1}))
        key = as_(nodes[0], "admin").create_key()["KeyMetadata"]["KeyId"]
        alice_on_b = as_(nodes[1], "alice")
        alice_on_b.encrypt(KeyId=key, Plaintext=b"allowed")  # B has read and cached the key and its policy
        deny = {"Version": "2012-10-17", "Statement": [
            {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "no alice", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{account}:user/alice"},
             "Action": "kms:Encrypt", "Resource": "*"}]}
        as_(nodes[0], "admin").put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(deny))

        def alice_refused():
            try:
                alice_on_b.encrypt(KeyId=key, Plaintext=b"now denied")
                return False
            except botocore.exceptions.ClientError as error:
                return error.response["Error"]["Code"] == "AccessDeniedException"
        assert within(1.0, alice_refused), "node B still let alice encrypt under the old policy"
    finally:
        for node in nodes:
            node.stop()
