"""Where AWS's answer is documented or recorded, Trent gives the same one (issue 14's points, as they land)."""
import pytest
from botocore.exceptions import ClientError


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


KEY_ONLY = [
    ("disable_key", {}), ("enable_key", {}), ("schedule_key_deletion", {}), ("cancel_key_deletion", {}),
    ("update_key_description", {"Description": "d"}), ("tag_resource", {"Tags": [{"TagKey": "a", "TagValue": "b"}]}),
    ("untag_resource", {"TagKeys": ["a"]}), ("list_resource_tags", {}), ("get_key_policy", {"PolicyName": "default"}),
    ("put_key_policy", {"PolicyName": "default", "Policy": "{}"}), ("list_key_policies", {}),
    ("enable_key_rotation", {}), ("disable_key_rotation", {}), ("get_key_rotation_status", {}),
    ("rotate_key_on_demand", {}), ("list_key_rotations", {}),
    ("create_grant", {"GranteePrincipal": "arn:aws:iam::111122223333:user/x", "Operations": ["Decrypt"]}),
    ("list_grants", {}), ("revoke_grant", {"GrantId": "0" * 64}),
    ("get_parameters_for_import", {"WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
    ("delete_imported_key_material", {}),
]


@pytest.mark.parametrize("operation,extra", KEY_ONLY, ids=[op for op, _ in KEY_ONLY])
def test_key_only_operations_refuse_aliases_whether_or_not_they_exist(kms, operation, extra):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/present", TargetKeyId=key)
    arn = kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]
    alias_arn = arn.split(":key/")[0] + ":alias/present"
    for reference in ("alias/present", "alias/absent", alias_arn):
        assert error_of(getattr(kms, operation), KeyId=reference, **extra) == (
            "InvalidArnException", "Key Aliases are not supported for this operation.")
    # Nothing changed: the key is still enabled and untagged.
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"


def test_alias_names_without_the_prefix_are_validation_errors(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    message = ('Alias must start with the prefix "alias/". '
               "Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")
    assert error_of(kms.create_alias, AliasName="no-prefix", TargetKeyId=key) == ("ValidationException", message)
    assert error_of(kms.update_alias, AliasName="no-prefix", TargetKeyId=key) == ("ValidationException", message)
    assert error_of(kms.delete_alias, AliasName="no-prefix") == ("ValidationException", message)
    assert error_of(kms.create_alias, AliasName="alias/a:b", TargetKeyId=key)[0] == "ValidationException"


def test_rotation_status_is_false_while_pending_deletion_and_back_after_cancelling(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    status = kms.get_key_rotation_status(KeyId=key)
    assert status["KeyRotationEnabled"] is False and "NextRotationDate" not in status
    kms.cancel_key_deletion(KeyId=key)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True


def test_on_demand_rotations_stop_at_25_with_awss_message(kms):
    key = kms.create_key()["KeyMetadata"]
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == (
        "LimitExceededException",
        "The on-demand rotations limit has been reached for the given keyId. "
        f"No more on-demand rotations can be performed for this key: {key['Arn']}")


def test_more_than_50_tags_is_a_tag_exception(kms):
    tags = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(51)]
    assert error_of(kms.create_key, Tags=tags)[0] == "TagException"
    key = kms.create_key(Tags=tags[:50])["KeyMetadata"]["KeyId"]
    assert error_of(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "one-more", "TagValue": "v"}])[0] == "TagException"
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "k0", "TagValue": "replaced"}])  # replacing stays within 50


def test_grants_list_only_the_named_grantee_and_need_operations(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    alice, bob = "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob"
    kms.create_grant(KeyId=key, GranteePrincipal=alice, Operations=["Decrypt"])
    kms.create_grant(KeyId=key, GranteePrincipal=bob, Operations=["Encrypt"])
    listed = kms.list_grants(KeyId=key, GranteePrincipal=alice)["Grants"]
    assert [g["GranteePrincipal"] for g in listed] == [alice]
    assert error_of(kms.create_grant, KeyId=key, GranteePrincipal=alice, Operations=[])[0] == "ValidationException"


def blob_members():
    """Every (operation, member, max length) of botocore's KMS model whose member is a blob with a maximum."""
    import botocore.loaders
    model = botocore.loaders.Loader().load_service_model("kms", "service-2")
    found = []
    for name, operation in model["operations"].items():
        if "input" not in operation:
            continue
        for member, ref in model["shapes"][operation["input"]["shape"]].get("members", {}).items():
            shape = model["shapes"][ref["shape"]]
            if shape["type"] == "blob" and "max" in shape:
                found.append((name, member, shape["max"], shape.get("min", 0)))
    return found


@pytest.mark.parametrize("operation,member,maximum,minimum", blob_members(),
                         ids=[f"{o}.{m}" for o, m, _, _ in blob_members()])
def test_blob_members_are_named_without_a_value_in_validation_messages(server, operation, member, maximum, minimum):
    import base64

    import requests
    path = member[0].lower() + member[1:]

    def message(size):
        body = {member: base64.b64encode(b"\x00" * size).decode()}
        reply = requests.post(server.endpoint + "/", json=body, headers={
            "X-Amz-Target": f"TrentService.{operation}", "Content-Type": "application/x-amz-json-1.1"})
        assert reply.status_code == 400
        assert reply.json()["__type"] == "ValidationException"
        return reply.json()["message"]

    too_long = message(maximum + 1)
    assert f"Value at '{path}' failed to satisfy constraint: Member must have length less than or equal to {maximum}" \
        in too_long
    assert "ByteBuffer" not in too_long and "AAAA" not in too_long
    if minimum >= 1:
        assert f"Value at '{path}' failed to satisfy constraint: Member must have length greater than or equal to " \
            f"{minimum}" in message(0)
