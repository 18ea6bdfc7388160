"""GetKeyLastUsage through boto3: which cryptographic operation last used a key, with the request id the client
saw and the event id of the audit record; kept across a restart (flushed at shutdown)."""
import json
import os

import pytest
from botocore.exceptions import ClientError

from conftest import Trent


def test_last_usage_names_the_request_and_the_audit_event(data_dir):
    audit = os.path.join(data_dir, "audit.jsonl")
    first = Trent("--data-dir", data_dir, "--audit-log", audit)
    try:
        kms = first.client()
        key = kms.create_key()["KeyMetadata"]
        unused = kms.get_key_last_usage(KeyId=key["KeyId"])
        assert unused["KeyId"] == key["KeyId"]
        assert unused.get("KeyLastUsage", {}) == {}
        assert unused["KeyCreationDate"] == key["CreationDate"]
        assert unused["TrackingStartDate"] >= unused["KeyCreationDate"]

        encrypted = kms.encrypt(KeyId=key["Arn"], Plaintext=b"p")
        request_id = encrypted["ResponseMetadata"]["RequestId"]
        usage = kms.get_key_last_usage(KeyId=key["Arn"])["KeyLastUsage"]
        assert usage["Operation"] == "Encrypt"
        assert usage["KmsRequestId"] == request_id
        with open(audit) as f:
            records = [json.loads(line) for line in f if line.strip()]
        [record] = [r for r in records if r["requestID"] == request_id]
        assert record["eventName"] == "Encrypt"
        assert usage["CloudTrailEventId"] == record["eventID"]

        with pytest.raises(ClientError) as info:
            kms.get_key_last_usage(KeyId="alias/aws/s3")
        assert info.value.response["Error"]["Code"] == "InvalidArnException"  # key id or ARN only, as in AWS
    finally:
        first.stop()

    second = Trent("--data-dir", data_dir)
    try:
        usage = second.client().get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"]
        assert usage["Operation"] == "Encrypt"
        assert usage["KmsRequestId"] == request_id
    finally:
        second.stop()
