"""Development-mode test controls: moving the clock deletes scheduled keys and rotates due ones; reset empties
everything; both are refused when authentication is on."""
import json
import os
import tempfile
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import Trent


def post(server, path, body=None):
    request = urllib.request.Request(server.endpoint + path, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_advancing_the_clock_deletes_and_rotates():
    trent = Trent("--in-memory")
    try:
        kms = trent.client()
        doomed = kms.create_key()["KeyMetadata"]
        kms.create_alias(AliasName="alias/doomed", TargetKeyId=doomed["KeyId"])
        kms.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)
        rotating = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=rotating, RotationPeriodInDays=90)
        status, body = post(trent, "/admin/clock", {"advanceSeconds": 8 * 86400})
        assert status == 200 and body["deletedKeys"] == [doomed["Arn"]] and body["rotatedKeys"] == []
        with pytest.raises(ClientError) as info:
            kms.describe_key(KeyId=doomed["KeyId"])
        assert info.value.response["Error"]["Code"] == "NotFoundException"
        assert all(a["AliasName"] != "alias/doomed" for a in kms.list_aliases()["Aliases"])
        status, body = post(trent, "/admin/clock", {"advanceSeconds": 90 * 86400})
        assert status == 200 and len(body["rotatedKeys"]) == 1
        assert [r["RotationType"] for r in kms.list_key_rotations(KeyId=rotating)["Rotations"]] == ["AUTOMATIC"]
        assert post(trent, "/admin/clock", {"advanceSeconds": -1})[0] == 400
        status, _ = post(trent, "/admin/reset")
        assert status == 200 and kms.list_keys()["Keys"] == []
    finally:
        trent.stop()


def test_admin_endpoints_are_refused_with_authentication():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "credentials.json")
        with open(path, "w") as f:
            json.dump({"credentials": []}, f)
        trent = Trent("--in-memory", "--auth", "sigv4", "--credentials", path)
        try:
            for endpoint in ["/admin/clock", "/admin/reset"]:
                status, body = post(trent, endpoint, {"advanceSeconds": 1})
                assert status == 403 and body["__type"] == "AccessDeniedException"
        finally:
            trent.stop()
