"""The console under --auth sigv4: people sign in with the credentials file's access keys and act as its
principals, so key policies apply to them as to any SDK caller."""
import json
import os
import tempfile

import boto3
import pytest
import requests
from botocore.config import Config

from conftest import Console, Trent

ACCOUNT = "444455556666"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
ALICE = {"accessKeyId": "AKIACONSOLEALICE0001", "secretAccessKey": "alice-secret-console-test",
         "account": ACCOUNT, "principal": f"arn:aws:iam::{ACCOUNT}:user/alice", "policies": [ALLOW_ALL]}
BOB = {"accessKeyId": "AKIACONSOLEBOB000001", "secretAccessKey": "bob-secret-console-test",
       "account": ACCOUNT, "principal": f"arn:aws:iam::{ACCOUNT}:user/bob", "policies": [ALLOW_ALL]}


@pytest.fixture(scope="module")
def secured():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "credentials.json")
        with open(path, "w") as f:
            json.dump({"credentials": [ALICE, BOB]}, f)
        audit = os.path.join(work, "audit.jsonl")
        trent = Trent("--in-memory", "--auth", "sigv4", "--credentials", path, "--audit-log", audit)
        trent.audit_path = audit
        yield trent
        output = trent.stop()
        # The secrets typed into the sign-in form never reach the server's output or the audit trail.
        with open(audit) as f:
            trail = f.read()
        for secret in [ALICE["secretAccessKey"], BOB["secretAccessKey"]]:
            assert secret not in output and secret not in trail


def sdk(server, who):
    return boto3.client("kms", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=who["accessKeyId"], aws_secret_access_key=who["secretAccessKey"],
                        config=Config(retries={"max_attempts": 1}))


def sign_in(person, who, secret=None):
    person.driver.delete_all_cookies()
    person.get("/console/signin", "signin")
    person.type("#accessKeyId", who["accessKeyId"])
    person.type("#secretAccessKey", secret or who["secretAccessKey"])
    person.click("#sign-in", "after-signin")


def test_sign_in_policy_refusal_audit_and_sign_out(secured, browser):
    person = Console(browser, secured.endpoint, "sigv4")
    alice = sdk(secured, ALICE)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Bob may not disable", "Effect": "Deny", "Principal": {"AWS": BOB["principal"]},
         "Action": "kms:DisableKey", "Resource": "*"}]}
    key_id = alice.create_key(Description="guarded", Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]

    # A wrong secret is refused and no session is signed in.
    sign_in(person, BOB, secret="not-the-secret")
    assert "not accepted" in person.text(".field-error")
    assert person.driver.current_url.endswith("/console/signin")

    sign_in(person, BOB)
    assert "bob" in person.text(".who")
    assert key_id in person.text("#keys-table")
    person.find(f'#keys-table input[value="{key_id}"]').click()
    person.click('button[value="disable"]', "bob-refused")
    flash = person.text(".flash")
    assert "AccessDeniedException" in flash and "not allowed" in flash
    assert alice.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    # The wizard offers the principals Trent knows as administrators and users.
    person.get("/console/create", "wizard-sigv4")
    person.click("#wizard-next")
    person.type("#wizard-alias", "bob-made")
    person.click("#wizard-next", "wizard-principals")
    assert ALICE["principal"] in person.text("#create-key-form")

    # The audit trail names bob and the console as the user agent for the refused call.
    with open(secured.audit_path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    refused = [r for r in records if r["eventName"] == "DisableKey" and r.get("errorCode") == "AccessDeniedException"]
    assert refused and refused[-1]["userIdentity"]["arn"] == BOB["principal"]
    assert refused[-1]["userAgent"] == "Trent console"

    cookie = person.driver.get_cookie("trent_console")["value"]
    person.click("#sign-out", "signed-out")
    assert person.driver.current_url.endswith("/console/signin")
    person.get("/console/keys", "keys-after-sign-out")
    assert person.driver.current_url.endswith("/console/signin")
    # The old session id is worth nothing after sign-out.
    stale = requests.get(f"{secured.endpoint}/console/keys", cookies={"trent_console": cookie}, allow_redirects=False)
    assert stale.status_code == 303 and stale.headers["Location"] == "/console/signin"

    # Alice may disable it, through the console too.
    sign_in(person, ALICE)
    person.find(f'#keys-table input[value="{key_id}"]').click()
    person.click('button[value="disable"]', "alice-disabled")
    assert alice.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
