import pytest
from botocore.exceptions import ClientError


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def test_alias_rules(kms):
    a = kms.create_key()["KeyMetadata"]
    b = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=a["KeyId"])
    kms.create_alias(AliasName="alias/App", TargetKeyId=a["Arn"])  # case-sensitive: a second alias
    assert code_of(kms.create_alias, AliasName="alias/app", TargetKeyId=b["KeyId"]) == "AlreadyExistsException"
    assert code_of(kms.create_alias, AliasName="alias/aws/app", TargetKeyId=b["KeyId"]) == "NotAuthorizedException"
    assert code_of(kms.create_alias, AliasName="app", TargetKeyId=b["KeyId"]) == "ValidationException"
    assert code_of(kms.create_alias, AliasName="alias/bad name", TargetKeyId=b["KeyId"]) == "ValidationException"
    assert code_of(kms.create_alias, AliasName="alias/other", TargetKeyId="alias/app") == "InvalidArnException"
    assert "Aliases" not in str(kms.describe_key(KeyId="alias/app"))
    assert kms.describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"] == a["KeyId"]
    assert code_of(kms.disable_key, KeyId="alias/app") == "InvalidArnException"
    kms.schedule_key_deletion(KeyId=b["KeyId"], PendingWindowInDays=7)
    assert code_of(kms.create_alias, AliasName="alias/late", TargetKeyId=b["KeyId"]) == "KMSInvalidStateException"
    assert code_of(kms.update_alias, AliasName="alias/app", TargetKeyId=b["KeyId"]) == "KMSInvalidStateException"


def test_list_aliases_includes_aws_managed_aliases(kms):
    names = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]}
    assert "alias/aws/s3" in names and "TargetKeyId" not in names["alias/aws/s3"]
    pages = list(kms.get_paginator("list_aliases").paginate(PaginationConfig={"PageSize": 3}))
    flattened = [a["AliasName"] for p in pages for a in p["Aliases"]]
    assert len(flattened) == len(set(flattened)) == len(names)
