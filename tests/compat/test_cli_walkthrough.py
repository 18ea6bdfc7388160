"""The alias walkthrough of AWS's "Managing aliases" guide, run with the aws CLI: create-alias, list-aliases,
list-aliases --key-id, update-alias, list-aliases --query, delete-alias. The guide's example key ids
(1234abcd-… and 0987dcba-…) do not exist on a fresh server, so the two keys are created first and their ids
take the place of the examples; every command and flag is the guide's."""
import json
import os
import subprocess


def aws(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="333344445555", AWS_SECRET_ACCESS_KEY="secret",
               AWS_DEFAULT_REGION="us-west-2", AWS_PAGER="")
    result = subprocess.run(["aws", "--endpoint-url", server.endpoint, *args], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_managing_aliases_walkthrough(server):
    first = aws(server, "kms", "create-key")["KeyMetadata"]["KeyId"]
    second = aws(server, "kms", "create-key")["KeyMetadata"]["KeyId"]

    assert aws(server, "kms", "create-alias", "--alias-name", "alias/example-key", "--target-key-id", first) is None
    aws(server, "kms", "create-alias", "--alias-name", "alias/test-key", "--target-key-id", first)

    listed = aws(server, "kms", "list-aliases")["Aliases"]
    example = next(a for a in listed if a["AliasName"] == "alias/example-key")
    assert example["AliasArn"] == "arn:aws:kms:us-west-2:333344445555:alias/example-key"
    assert example["TargetKeyId"] == first
    assert any(a["AliasName"] == "alias/aws/s3" for a in listed)

    by_key = aws(server, "kms", "list-aliases", "--key-id", first)["Aliases"]
    assert sorted(a["AliasName"] for a in by_key) == ["alias/example-key", "alias/test-key"]

    assert aws(server, "kms", "update-alias", "--alias-name", "alias/test-key", "--target-key-id", second) is None
    queried = aws(server, "kms", "list-aliases", "--query", "Aliases[?AliasName==`alias/test-key`]")
    assert len(queried) == 1
    assert queried[0]["TargetKeyId"] == second
    assert queried[0]["LastUpdatedDate"] >= queried[0]["CreationDate"]

    assert aws(server, "kms", "delete-alias", "--alias-name", "alias/example-key") is None
    remaining = [a["AliasName"] for a in aws(server, "kms", "list-aliases", "--key-id", first)["Aliases"]]
    assert remaining == []
