import pytest
from botocore.exceptions import ClientError


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def test_create_describe_list(kms):
    created = kms.create_key(Description="compat", Tags=[{"TagKey": "env", "TagValue": "test"}])["KeyMetadata"]
    assert created["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert created["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert created["Enabled"] is True
    assert created["Origin"] == "AWS_KMS"
    described = kms.describe_key(KeyId=created["Arn"])["KeyMetadata"]
    assert described["KeyId"] == created["KeyId"]
    assert described["CreationDate"] == created["CreationDate"]
    keys = kms.list_keys()["Keys"]
    assert {"KeyId": created["KeyId"], "KeyArn": created["Arn"]} in keys
    assert kms.list_resource_tags(KeyId=created["KeyId"])["Tags"] == [{"TagKey": "env", "TagValue": "test"}]
    policy = kms.get_key_policy(KeyId=created["KeyId"], PolicyName="default")["Policy"]
    assert '"Version"' in policy and created["AWSAccountId"] in policy
    assert kms.list_key_policies(KeyId=created["KeyId"])["PolicyNames"] == ["default"]


def test_paginators_return_every_key_once(kms):
    ids = {kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(7)}
    seen = []
    for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}):
        seen += [k["KeyId"] for k in page["Keys"]]
    assert len(seen) == len(set(seen))
    assert ids <= set(seen)


def test_key_states(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key)
    code, message = error_of(kms.encrypt, KeyId=key, Plaintext=b"x")
    assert code == "DisabledException"
    assert message.endswith(f":key/{key} is disabled.")
    kms.enable_key(KeyId=key)
    out = kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert out["KeyState"] == "PendingDeletion" and out["PendingWindowInDays"] == 7
    assert error_of(kms.encrypt, KeyId=key, Plaintext=b"x")[0] == "KMSInvalidStateException"
    assert error_of(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=6)[0] == "ValidationException"
    assert kms.cancel_key_deletion(KeyId=key)["KeyId"].endswith(key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"


def test_errors_as_aws_sends_them(kms):
    assert error_of(kms.describe_key, KeyId="alias/missing") == (
        "NotFoundException", f"Alias arn:aws:kms:us-east-1:{kms_account(kms)}:alias/missing is not found.")
    code, message = error_of(kms.describe_key, KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")
    assert code == "NotFoundException"
    assert message == f"Key 'arn:aws:kms:us-east-1:{kms_account(kms)}:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist"
    code, message = error_of(kms.generate_random, NumberOfBytes=2000)
    assert code == "ValidationException"
    assert message == ("1 validation error detected: Value '2000' at 'numberOfBytes' failed to satisfy constraint: "
                       "Member must have value less than or equal to 1024")
    # Only a symmetric encryption key may leave KeyUsage out, whatever the spec could do.
    for spec in ("ECC_NIST_P256", "RSA_2048", "HMAC_256"):
        assert error_of(kms.create_key, KeySpec=spec) == (
            "ValidationException",
            "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
    assert error_of(kms.get_key_last_usage, KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")[0] == "NotFoundException"
    assert error_of(kms.delete_custom_key_store, CustomKeyStoreId="cks-1234567890abcdef0")[0] == "CustomKeyStoreNotFoundException"
    assert error_of(kms.create_custom_key_store, CustomKeyStoreName="hsm", CloudHsmClusterId="cluster-abcdefghijk",
                    TrustAnchorCertificate="cert", KeyStorePassword="password")[0] == "CloudHsmClusterNotFoundException"


def kms_account(kms):
    return kms.meta.config.__dict__.get("_user_provided_options", {}).get("account") or _account(kms)


def _account(kms):
    return kms._request_signer._credentials.access_key


def test_accounts_and_regions_are_separate(server):
    a = server.client(access_key="210987654321")
    b = server.client(access_key="210987654322")
    west = server.client(access_key="210987654321", region="eu-west-1")
    key = a.create_key()["KeyMetadata"]
    assert key["Arn"].startswith("arn:aws:kms:us-east-1:210987654321:key/")
    assert error_of(b.describe_key, KeyId=key["KeyId"])[0] == "NotFoundException"
    assert error_of(west.describe_key, KeyId=key["KeyId"])[0] == "NotFoundException"
    assert west.create_key()["KeyMetadata"]["Arn"].startswith("arn:aws:kms:eu-west-1:210987654321:key/")
    ciphertext = a.encrypt(KeyId=key["KeyId"], Plaintext=b"mine")["CiphertextBlob"]
    assert error_of(b.decrypt, CiphertextBlob=ciphertext)[0] == "AccessDeniedException"


def test_dry_run(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert error_of(kms.encrypt, KeyId=key, Plaintext=b"x", DryRun=True)[0] == "DryRunOperationException"
    assert error_of(kms.generate_data_key, KeyId=key, KeySpec="AES_256", DryRun=True)[0] == "DryRunOperationException"


def test_tag_rules(kms):
    key = kms.create_key(Tags=[{"TagKey": "Team Name", "TagValue": "blue-1 @ :/=+."}])["KeyMetadata"]["KeyId"]
    assert error_of(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "aws:owner", "TagValue": "x"}])[0] == "TagException"
    assert error_of(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "bad*key", "TagValue": "x"}])[0] == "TagException"
    assert error_of(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "k" * 129, "TagValue": "x"}])[0] == "ValidationException"
    too_many = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(50)]
    assert error_of(kms.tag_resource, KeyId=key, Tags=too_many)[0] == "TagException"
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "Team Name", "TagValue": "red"}])
    kms.untag_resource(KeyId=key, TagKeys=["nothing-here"])
    assert kms.list_resource_tags(KeyId=key)["Tags"] == [{"TagKey": "Team Name", "TagValue": "red"}]


def test_rotation(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"before rotation")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key)
    assert status["KeyRotationEnabled"] and status["RotationPeriodInDays"] == 180 and "NextRotationDate" in status
    kms.rotate_key_on_demand(KeyId=key)
    rotations = kms.list_key_rotations(KeyId=key)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before rotation"
    kms.disable_key_rotation(KeyId=key)
    assert not kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"]


def test_no_custom_key_stores(kms):
    assert kms.describe_custom_key_stores()["CustomKeyStores"] == []
    assert error_of(kms.describe_custom_key_stores, CustomKeyStoreId="cks-1234567890abcdef0")[0] == "CustomKeyStoreNotFoundException"
