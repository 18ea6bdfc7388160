"""Key policies and IAM policies enforced with --auth sigv4: deny beats allow, the key policy is the root of
trust, attribute-based access through tags and aliases, cross-account use by ARN."""
import json
import os
import tempfile

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Trent

A, B = "111122223333", "444455556666"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
PEOPLE = {
    "admin": {"account": A, "principal": f"arn:aws:iam::{A}:root", "policies": []},
    "alice": {"account": A, "principal": f"arn:aws:iam::{A}:user/alice", "policies": [ALLOW_ALL]},
    "bob": {"account": A, "principal": f"arn:aws:iam::{A}:user/bob", "policies": []},
    "carol": {"account": B, "principal": f"arn:aws:iam::{B}:user/carol", "policies": [ALLOW_ALL]},
    "dave": {"account": A, "principal": f"arn:aws:iam::{A}:user/dave", "policies": [{
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:DescribeKey"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/blue-app"}}},
        ]}]},
    # IAM's global keys and policy variables: the source address, the time, the caller's own user name.
    "erin": {"account": A, "principal": f"arn:aws:iam::{A}:user/erin", "policies": [{
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["kms:CreateKey", "kms:Encrypt", "kms:Decrypt"], "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}}},
            {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Effect": "Allow", "Action": "kms:TagResource", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/owner": "${aws:username}"}}},
            {"Effect": "Allow", "Action": "kms:ListResourceTags", "Resource": "*",
             "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}},
            {"Effect": "Allow", "Action": "kms:GetKeyRotationStatus", "Resource": "*",
             "Condition": {"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}},
        ]}]},
    # Multi-Region condition keys: replicas only to eu-west-1, encryption only with replicas.
    "frank": {"account": A, "principal": f"arn:aws:iam::{A}:user/frank", "policies": [{
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["kms:CreateKey", "kms:DescribeKey"], "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestedRegion": "ap-south-1"}}},
            {"Effect": "Allow", "Action": "kms:ReplicateKey", "Resource": "*",
             "Condition": {"StringEquals": {"kms:ReplicaRegion": ["eu-west-1", "ap-south-1"]}}},
            {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:MultiRegionKeyType": "REPLICA"}}},
        ]}]},
}


@pytest.fixture(scope="module")
def server():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "credentials.json")
        entries = [dict(person, accessKeyId=f"AKID{name.upper()}00000000000", secretAccessKey=f"{name}-secret")
                   for name, person in PEOPLE.items()]
        with open(path, "w") as f:
            json.dump({"credentials": entries}, f)
        trent = Trent("--in-memory", "--auth", "sigv4", "--credentials", path)
        yield trent
        trent.stop()


def as_(server, name, region="us-east-1"):
    return boto3.client("kms", endpoint_url=server.endpoint, region_name=region,
                        aws_access_key_id=f"AKID{name.upper()}00000000000", aws_secret_access_key=f"{name}-secret",
                        config=Config(retries={"max_attempts": 1}))


def denied(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    assert info.value.response["Error"]["Code"] == "AccessDeniedException", info.value.response
    return info.value.response["Error"]["Message"]


def test_identity_policies_decide_under_the_default_key_policy(server):
    key = as_(server, "alice").create_key()["KeyMetadata"]
    message = denied(as_(server, "bob").create_key)
    assert message == (f"User: arn:aws:iam::{A}:user/bob is not authorized to perform: kms:CreateKey on resource: * "
                       "because no identity-based policy allows the kms:CreateKey action")
    denied(as_(server, "bob").encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert as_(server, "alice").encrypt(KeyId=key["KeyId"], Plaintext=b"x")["KeyId"] == key["Arn"]


def test_a_key_policy_deny_beats_every_allow_and_changes_nothing(server):
    admin = as_(server, "admin")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "no alice", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{A}:user/alice"},
         "Action": ["kms:Encrypt", "kms:Disable*"], "Resource": "*"},
    ]}
    key = admin.create_key(Policy=json.dumps(policy))["KeyMetadata"]
    alice = as_(server, "alice")
    message = denied(alice.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert message.endswith("with an explicit deny in a resource-based policy")
    denied(alice.disable_key, KeyId=key["KeyId"])
    assert admin.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert json.loads(admin.get_key_policy(KeyId=key["KeyId"])["Policy"]) == policy


def test_attribute_based_access_follows_tags_and_aliases(server):
    admin, dave = as_(server, "admin"), as_(server, "dave")
    key = admin.create_key()["KeyMetadata"]["KeyId"]
    denied(dave.encrypt, KeyId=key, Plaintext=b"x")
    admin.tag_resource(KeyId=key, Tags=[{"TagKey": "team", "TagValue": "blue"}])
    blob = dave.encrypt(KeyId=key, Plaintext=b"abac")["CiphertextBlob"]
    admin.tag_resource(KeyId=key, Tags=[{"TagKey": "team", "TagValue": "red"}])
    denied(dave.encrypt, KeyId=key, Plaintext=b"x")
    denied(dave.decrypt, CiphertextBlob=blob)
    admin.create_alias(AliasName="alias/blue-app", TargetKeyId=key)
    assert dave.decrypt(CiphertextBlob=blob)["Plaintext"] == b"abac"
    admin.delete_alias(AliasName="alias/blue-app")
    denied(dave.decrypt, CiphertextBlob=blob)


def test_cross_account_use_by_arn_only_where_the_key_policy_allows(server):
    admin, carol = as_(server, "admin"), as_(server, "carol")
    private = admin.create_key()["KeyMetadata"]
    shared_policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{B}:root"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"},
    ]}
    shared = admin.create_key(Policy=json.dumps(shared_policy))["KeyMetadata"]
    denied(carol.encrypt, KeyId=private["Arn"], Plaintext=b"x")
    blob = carol.encrypt(KeyId=shared["Arn"], Plaintext=b"across")["CiphertextBlob"]
    assert carol.decrypt(CiphertextBlob=blob)["Plaintext"] == b"across"
    assert carol.describe_key(KeyId=shared["Arn"])["KeyMetadata"]["KeyId"] == shared["KeyId"]
    with pytest.raises(ClientError) as info:
        carol.disable_key(KeyId=shared["Arn"])  # not an operation AWS allows across accounts
    assert info.value.response["Error"]["Code"] == "NotFoundException"
    with pytest.raises(ClientError) as info:
        carol.encrypt(KeyId=shared["KeyId"], Plaintext=b"x")  # a bare key id means carol's own account
    assert info.value.response["Error"]["Code"] == "NotFoundException"


def test_put_key_policy_checks_grammar_and_lockout(server):
    alice = as_(server, "alice")
    key = alice.create_key()["KeyMetadata"]["KeyId"]
    lockout = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:user/bob"}, "Action": "kms:*", "Resource": "*"}]}
    with pytest.raises(ClientError) as info:
        alice.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(lockout))
    assert info.value.response["Error"] == {
        "Code": "MalformedPolicyDocumentException",
        "Message": "The new key policy will not allow you to update the key policy in the future."}
    for bad in ["not json", json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}),
                json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})]:
        with pytest.raises(ClientError) as info:
            alice.put_key_policy(KeyId=key, PolicyName="default", Policy=bad)
        assert info.value.response["Error"]["Code"] == "MalformedPolicyDocumentException"
    alice.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(lockout), BypassPolicyLockoutSafetyCheck=True)
    denied(alice.describe_key, KeyId=key)


def test_grants_authorize_at_once_and_stop_when_revoked_or_retired(server):
    admin, bob, alice = as_(server, "admin"), as_(server, "bob"), as_(server, "alice")
    key = admin.create_key()["KeyMetadata"]
    denied(bob.encrypt, KeyId=key["Arn"], Plaintext=b"x")
    grant = admin.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{A}:user/bob", Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"app": "ledger"}}, RetiringPrincipal=f"arn:aws:iam::{A}:user/alice",
        Name="bob-ledger")
    assert len(grant["GrantId"]) == 64
    again = admin.create_grant(
        KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{A}:user/bob", Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"app": "ledger"}}, RetiringPrincipal=f"arn:aws:iam::{A}:user/alice",
        Name="bob-ledger")
    assert again["GrantId"] == grant["GrantId"]  # idempotent by Name
    blob = bob.encrypt(KeyId=key["Arn"], Plaintext=b"granted", EncryptionContext={"app": "ledger", "extra": "ok"},
                       GrantTokens=[grant["GrantToken"]])["CiphertextBlob"]
    assert bob.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "ledger", "extra": "ok"})["Plaintext"] == b"granted"
    denied(bob.encrypt, KeyId=key["Arn"], Plaintext=b"x")  # the constraint is not met
    denied(bob.describe_key, KeyId=key["Arn"])  # not a granted operation
    listed = admin.list_grants(KeyId=key["KeyId"])["Grants"]
    assert [(g["GrantId"], g["Operations"], g["IssuingAccount"]) for g in listed] == [
        (grant["GrantId"], ["Decrypt", "Encrypt"], f"arn:aws:iam::{A}:root")]
    assert listed[0]["Constraints"] == {"EncryptionContextSubset": {"app": "ledger"}}
    retirable = alice.list_retirable_grants(RetiringPrincipal=f"arn:aws:iam::{A}:user/alice")["Grants"]
    assert [g["GrantId"] for g in retirable] == [grant["GrantId"]]
    alice.retire_grant(GrantToken=grant["GrantToken"])
    denied(bob.encrypt, KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"app": "ledger"})
    second = admin.create_grant(KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{A}:user/bob", Operations=["Encrypt"])
    bob.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    admin.revoke_grant(KeyId=key["KeyId"], GrantId=second["GrantId"])
    denied(bob.encrypt, KeyId=key["Arn"], Plaintext=b"x")
    assert admin.list_grants(KeyId=key["KeyId"])["Grants"] == []
    with pytest.raises(ClientError) as info:
        admin.create_grant(KeyId=key["KeyId"], GranteePrincipal=f"arn:aws:iam::{A}:user/bob", Operations=["Sign"])
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_source_address_time_and_policy_variables(server):
    erin = as_(server, "erin")
    key = erin.create_key()["KeyMetadata"]["KeyId"]  # from loopback: allowed by IpAddress
    blob = erin.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    denied(erin.decrypt, CiphertextBlob=blob)  # NotIpAddress 10.0.0.0/8 holds for 127.0.0.1: explicit deny
    erin.tag_resource(KeyId=key, Tags=[{"TagKey": "owner", "TagValue": "erin"}])  # ${aws:username} is erin
    denied(erin.tag_resource, KeyId=key, Tags=[{"TagKey": "owner", "TagValue": "frank"}])
    assert erin.list_resource_tags(KeyId=key)["Tags"] == [{"TagKey": "owner", "TagValue": "erin"}]
    denied(erin.get_key_rotation_status, KeyId=key)  # aws:CurrentTime is not before 2020


def test_multi_region_condition_keys(server):
    frank, frank_west = as_(server, "frank"), as_(server, "frank", "eu-west-1")
    key = frank.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    denied(frank.replicate_key, KeyId=key, ReplicaRegion="eu-central-1")
    # ReplicateKey to ap-south-1 is allowed, but creating a key there is not: AWS needs both.
    message = denied(frank.replicate_key, KeyId=key, ReplicaRegion="ap-south-1")
    assert "kms:CreateKey" in message
    frank.replicate_key(KeyId=key, ReplicaRegion="eu-west-1")
    denied(frank.encrypt, KeyId=key, Plaintext=b"x")  # the primary
    assert frank_west.encrypt(KeyId=key, Plaintext=b"x")["KeyId"].startswith("arn:aws:kms:eu-west-1:")
