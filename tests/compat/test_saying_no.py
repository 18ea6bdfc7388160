"""When KMS says no: request quotas (token buckets per account, Region and AWS quota group), fault rules from
/admin/faults and seed files, --explain; and fixtures from other emulators: LocalStack's _custom_id_ and
_custom_key_material_ tags, moto's /moto-api/reset, LocalStack-style init scripts."""
import base64
import json
import os
import re
import time
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import Trent

THROTTLED = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."


def write(directory, name, text, mode=0o644):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def admin(trent, method, path, body=None):
    request = urllib.request.Request(trent.endpoint + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def no_retries(trent):
    """A client that never retries (the suite's usual client still retries once in botocore's legacy mode)."""
    return boto3.client("kms", endpoint_url=trent.endpoint, region_name="us-east-1", aws_access_key_id="AKID",
                        aws_secret_access_key="secret", config=Config(retries={"total_max_attempts": 1}))


def scrape(trent, name, **labels):
    with urllib.request.urlopen(trent.endpoint + "/metrics") as response:
        text = response.read().decode()
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{name}{{{re.escape(wanted)}}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_a_low_quota_throttles_then_refills_and_sdk_retries_absorb_it(tmp_path):
    quotas = write(str(tmp_path), "quotas.yaml", "cryptographic-symmetric: 5\nCreateKey: 1\n")
    trent = Trent("--in-memory", "--quotas", quotas, "--explain")
    try:
        kms = no_retries(trent)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        with pytest.raises(ClientError) as info:
            kms.create_key()  # CreateKey's own quota: 1 per second
        assert info.value.response["Error"]["Code"] == "ThrottlingException"
        assert info.value.response["Error"]["Message"] == THROTTLED
        assert "CreateKey" in info.value.response["ResponseMetadata"]["HTTPHeaders"]["x-trent-reason"]

        # A tight loop for three seconds: about 5 a second pass, after the first second's burst.
        passed = throttled = 0
        started = time.monotonic()
        while time.monotonic() - started < 3:
            try:
                kms.encrypt(KeyId=key, Plaintext=b"x")
                passed += 1
            except ClientError as error:
                assert error.response["Error"]["Code"] == "ThrottlingException"
                throttled += 1
        elapsed = time.monotonic() - started
        print(f"quota 5/s: {passed} passed in {elapsed:.2f} s ({(passed - 5) / elapsed:.2f}/s after the burst), "
              f"{throttled} throttled")
        assert throttled > passed and 5 + 4 * elapsed <= passed <= 5 + 5 * elapsed + 2
        assert scrape(trent, "trent_throttled_requests_total", group="cryptographic-symmetric") == throttled

        time.sleep(1.1)  # the bucket refills
        kms.encrypt(KeyId=key, Plaintext=b"x")

        # botocore's standard retry mode backs off on ThrottlingException: the same burst succeeds.
        patient = boto3.client("kms", endpoint_url=trent.endpoint, region_name="us-east-1", aws_access_key_id="AKID",
                               aws_secret_access_key="secret",
                               config=Config(retries={"mode": "standard", "max_attempts": 15}))
        for _ in range(15):
            patient.encrypt(KeyId=key, Plaintext=b"x")
        # DescribeKey has no rate in this file: never throttled.
        for _ in range(30):
            kms.describe_key(KeyId=key)
    finally:
        trent.stop()


def test_aws_quotas_load_and_a_bad_quota_file_stops_start_up(tmp_path):
    trent = Trent("--in-memory", "--quotas", "aws")
    try:
        kms = trent.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        for _ in range(20):  # far below 10,000/s
            kms.encrypt(KeyId=key, Plaintext=b"x")
    finally:
        trent.stop()
    bad = write(str(tmp_path), "bad.yaml", "Encrypt: 5\n")
    with pytest.raises(RuntimeError) as info:
        Trent("--in-memory", "--quotas", bad)
    assert "shared cryptographic quota" in str(info.value)


def test_fault_rules_answer_errors_add_latency_and_are_marked(tmp_path):
    audit = str(tmp_path / "audit.jsonl")
    trent = Trent("--in-memory", "--audit-log", audit, "--explain")
    try:
        kms = no_retries(trent)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
        other_blob = kms.encrypt(KeyId=other, Plaintext=b"y")["CiphertextBlob"]
        status, added = admin(trent, "POST", "/admin/faults",
                              {"Operation": "Decrypt", "KeyId": key, "Error": "DependencyTimeoutException", "Count": 3})
        assert status == 200 and added["Rule"]["Remaining"] == 3
        assert [r["Id"] for r in admin(trent, "GET", "/admin/faults")[1]["Rules"]] == [added["Rule"]["Id"]]
        for _ in range(3):
            with pytest.raises(ClientError) as info:
                kms.decrypt(CiphertextBlob=blob)  # the key named by the ciphertext matches
            assert info.value.response["Error"]["Code"] == "DependencyTimeoutException"
            assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
            assert added["Rule"]["Id"] in info.value.response["ResponseMetadata"]["HTTPHeaders"]["x-trent-reason"]
            assert kms.decrypt(CiphertextBlob=other_blob)["Plaintext"] == b"y"  # another key is untouched
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"  # the rule ended after 3
        assert admin(trent, "GET", "/admin/faults")[1]["Rules"] == []

        admin(trent, "POST", "/admin/faults", {"Operation": "Generate*", "LatencyMs": 400, "Count": 1})
        started = time.monotonic()
        kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        assert time.monotonic() - started >= 0.4
        started = time.monotonic()
        kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        assert time.monotonic() - started < 0.4

        assert admin(trent, "POST", "/admin/faults", {"Error": "NoSuchException"})[0] == 400
        admin(trent, "POST", "/admin/faults", {"Operation": "ListKeys", "Error": "KMSInternalException"})
        admin(trent, "DELETE", "/admin/faults")
        kms.list_keys()
        assert scrape(trent, "trent_injected_faults_total", operation="Decrypt", error="DependencyTimeoutException") == 3
    finally:
        trent.stop()
    records = [json.loads(line) for line in open(audit)]
    injected = [r for r in records if r.get("additionalEventData", {}).get("trentInjectedFault")]
    assert len(injected) == 3 and all(r["errorCode"] == "DependencyTimeoutException" for r in injected)


def test_faults_come_from_a_seed_file_and_never_with_sigv4(tmp_path):
    seed = write(str(tmp_path), "seed.yaml", "Keys: []\nFaults:\n  - {Operation: ListKeys, Error: ThrottlingException, Count: 1}\n")
    trent = Trent("--in-memory", "--seed", seed)
    try:
        kms = no_retries(trent)
        with pytest.raises(ClientError) as info:
            kms.list_keys()
        assert info.value.response["Error"]["Code"] == "ThrottlingException"
        kms.list_keys()
    finally:
        trent.stop()
    credentials = write(str(tmp_path), "credentials.json", json.dumps({"credentials": [
        {"accessKeyId": "AKIDADMIN000000000000", "secretAccessKey": "s", "account": "111122223333",
         "principal": "arn:aws:iam::111122223333:root", "policies": []}]}))
    with pytest.raises(RuntimeError) as info:
        Trent("--in-memory", "--auth", "sigv4", "--credentials", credentials, "--seed", seed)
    assert "development mode only" in str(info.value)
    secured = Trent("--in-memory", "--auth", "sigv4", "--credentials", credentials)
    try:
        assert admin(secured, "POST", "/admin/faults", {"Error": "KMSInternalException"})[0] == 403
        assert admin(secured, "POST", "/moto-api/reset")[0] == 403
    finally:
        secured.stop()


def test_explain_names_the_key_state_rule():
    trent = Trent("--in-memory", "--explain")
    try:
        kms = trent.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=key)
        with pytest.raises(ClientError) as info:
            kms.encrypt(KeyId=key, Plaintext=b"x")
        assert "Disabled does not allow Encrypt" in info.value.response["ResponseMetadata"]["HTTPHeaders"]["x-trent-reason"]
    finally:
        trent.stop()
    quiet = Trent("--in-memory")  # without --explain, no header
    try:
        kms = quiet.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=key)
        with pytest.raises(ClientError) as info:
            kms.encrypt(KeyId=key, Plaintext=b"x")
        assert "x-trent-reason" not in info.value.response["ResponseMetadata"]["HTTPHeaders"]
    finally:
        quiet.stop()


def test_localstack_custom_id_and_material_tags_make_the_same_key_on_two_servers():
    key_id = "0f0e0d0c-0b0a-4908-8706-050403020100"
    material = base64.b64encode(bytes(range(32))).decode()
    tags = [{"TagKey": "_custom_id_", "TagValue": key_id}, {"TagKey": "_custom_key_material_", "TagValue": material},
            {"TagKey": "team", "TagValue": "blue"}]
    first, second = Trent("--in-memory"), Trent("--in-memory")
    try:
        a, b = first.client(), second.client()
        assert a.create_key(Tags=tags)["KeyMetadata"]["KeyId"] == key_id
        assert b.create_key(Tags=tags)["KeyMetadata"]["KeyId"] == key_id
        assert a.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "team", "TagValue": "blue"}]
        blob = a.encrypt(KeyId=key_id, Plaintext=b"portable")["CiphertextBlob"]
        assert b.decrypt(CiphertextBlob=blob)["Plaintext"] == b"portable"
        with pytest.raises(ClientError) as info:
            a.create_key(Tags=tags[:1])
        assert info.value.response["Error"]["Code"] == "AlreadyExistsException"

        private = ec.generate_private_key(ec.SECP256R1())
        der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        signer = a.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Tags=[
            {"TagKey": "_custom_key_material_", "TagValue": base64.b64encode(der).decode()}])["KeyMetadata"]["KeyId"]
        signature = a.sign(KeyId=signer, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        private.public_key().verify(signature, b"m", ec.ECDSA(hashes.SHA256()))
    finally:
        first.stop()
        second.stop()


def test_moto_reset_empties_the_state():
    trent = Trent("--in-memory")
    try:
        kms = trent.client()
        kms.create_key()
        assert admin(trent, "POST", "/moto-api/reset") == (200, {"status": "ok"})
        assert kms.list_keys()["Keys"] == []
    finally:
        trent.stop()


def test_init_scripts_run_in_order_with_the_endpoint_and_a_failing_one_is_reported(tmp_path):
    init = tmp_path / "init"
    ready = init / "ready.d"
    ready.mkdir(parents=True)
    write(str(ready), "01-key.py", """#!/usr/bin/env python3
import os, boto3
kms = boto3.client("kms", endpoint_url=os.environ["AWS_ENDPOINT_URL_KMS"], region_name=os.environ["AWS_REGION"])
key = kms.create_key(Description="from init")["KeyMetadata"]["KeyId"]
open("key.txt", "w").write(key)
""", 0o755)
    write(str(ready), "02-alias.sh", """#!/bin/sh
set -e
python3 -c "import os, boto3; boto3.client('kms', endpoint_url=os.environ['AWS_ENDPOINT_URL']).create_alias(AliasName='alias/from-init', TargetKeyId=open('key.txt').read())"
""", 0o755)
    write(str(ready), "03-fails.sh", "#!/bin/sh\nexit 7\n", 0o755)
    write(str(ready), "README", "not executable, not run\n")
    trent = Trent("--in-memory", "--init-dir", str(init))
    try:
        deadline = time.time() + 30
        while time.time() < deadline and not any("init scripts done" in line for line in trent.output):
            time.sleep(0.1)
        output = "".join(trent.output)
        assert "03-fails.sh failed (status 7)" in output and "init scripts done (3 in ready.d)" in output
        aliases = {a["AliasName"]: a.get("TargetKeyId") for a in trent.client().list_aliases()["Aliases"]}
        assert aliases["alias/from-init"] == (ready / "key.txt").read_text()
    finally:
        trent.stop()
    # With --init-strict the failing script stops Trent.
    (ready / "01-key.py").unlink()
    (ready / "02-alias.sh").unlink()
    strict = Trent("--in-memory", "--init-dir", str(init), "--init-strict")
    try:
        assert strict.proc.wait(timeout=30) == 3
    finally:
        output = strict.stop()
    assert "stopping: --init-strict" in output
