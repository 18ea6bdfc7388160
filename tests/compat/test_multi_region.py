"""Multi-Region keys through boto3 with one client per Region: replication, ciphertexts that open in either
Region, rotation from the primary, a new primary Region, and all of it kept across a restart (SQLite)."""
import pytest
from botocore.exceptions import ClientError

from conftest import Trent


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def test_multi_region_keys_across_regions_and_a_restart(data_dir):
    first = Trent("--data-dir", data_dir)
    try:
        east, west = first.client(region="us-east-1"), first.client(region="eu-west-1")
        key = east.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]
        assert key["KeyId"].startswith("mrk-") and key["MultiRegion"]
        reply = east.replicate_key(KeyId=key["Arn"], ReplicaRegion="eu-west-1", Description="replica",
                                   Tags=[{"TagKey": "site", "TagValue": "dublin"}])
        replica = reply["ReplicaKeyMetadata"]
        assert replica["Arn"] == key["Arn"].replace("us-east-1", "eu-west-1")
        assert reply["ReplicaTags"] == [{"TagKey": "site", "TagValue": "dublin"}]
        assert code_of(east.replicate_key, KeyId=key["KeyId"], ReplicaRegion="eu-west-1") == "AlreadyExistsException"

        blob = east.encrypt(KeyId=key["KeyId"], Plaintext=b"hello", EncryptionContext={"a": "b"})["CiphertextBlob"]
        assert west.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"hello"
        east.rotate_key_on_demand(KeyId=key["KeyId"])
        assert code_of(west.rotate_key_on_demand, KeyId=key["KeyId"]) == "UnsupportedOperationException"
        rotated = east.encrypt(KeyId=key["KeyId"], Plaintext=b"after rotation")["CiphertextBlob"]
        assert west.decrypt(CiphertextBlob=rotated)["Plaintext"] == b"after rotation"
        east.update_primary_region(KeyId=key["KeyId"], PrimaryRegion="eu-west-1")
    finally:
        first.stop()

    second = Trent("--data-dir", data_dir)
    try:
        east, west = second.client(region="us-east-1"), second.client(region="eu-west-1")
        config = west.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
        assert config["MultiRegionKeyType"] == "PRIMARY"
        assert [r["Region"] for r in config["ReplicaKeys"]] == ["us-east-1"]
        described = east.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        assert described["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
        assert described["Description"] == "primary"
        assert east.decrypt(CiphertextBlob=rotated)["Plaintext"] == b"after rotation"
        assert west.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "site", "TagValue": "dublin"}]
    finally:
        second.stop()
