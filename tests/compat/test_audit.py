"""The audit trail: one CloudTrail-shaped JSON line per request, allowed or refused, with no secrets in it."""
import base64
import json
import os
import tempfile

import pytest
from botocore.exceptions import ClientError

from conftest import Trent


@pytest.fixture
def audited():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "audit.jsonl")
        trent = Trent("--in-memory", "--audit-log", path, "--log-level", "trace")
        yield trent, path
        trent.stop()


def lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def test_every_request_is_one_cloudtrail_record_without_secrets(audited):
    trent, path = audited
    kms = trent.client(access_key="123456789012", region="eu-west-1")
    key = kms.create_key(Description="audited")["KeyMetadata"]
    marker = b"PLANTED-AUDIT-PLAINTEXT-91b2"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=marker, EncryptionContext={"purpose": "audit"})["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "audit"})
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    with pytest.raises(ClientError):
        kms.decrypt(CiphertextBlob=blob)  # refused: wrong context
    records = lines(path)
    assert [r["eventName"] for r in records] == ["CreateKey", "Encrypt", "Decrypt", "GenerateDataKey", "Decrypt"]
    for record in records:
        assert record["eventSource"] == "kms.amazonaws.com"
        assert record["awsRegion"] == "eu-west-1"
        assert record["userIdentity"]["accountId"] == "123456789012"
        assert record["sourceIPAddress"] == "127.0.0.1"
        assert "Boto3" in record["userAgent"] or "botocore" in record["userAgent"]
        assert len(record["requestID"]) == 36 and record["eventTime"].endswith("Z")
    encrypt = records[1]
    assert encrypt["requestParameters"] == {"keyId": key["KeyId"], "encryptionContext": {"purpose": "audit"}}
    assert encrypt["resources"] == [{"accountId": "123456789012", "type": "AWS::KMS::Key", "ARN": key["Arn"]}]
    refused = records[-1]
    assert refused["errorCode"] == "InvalidCiphertextException" and refused["responseElements"] is None
    text = open(path).read() + "".join(trent.output)
    for secret in [marker, base64.b64encode(marker), data_key["Plaintext"], base64.b64encode(data_key["Plaintext"]),
                   base64.b64encode(blob)]:
        assert secret.decode("latin-1") not in text
