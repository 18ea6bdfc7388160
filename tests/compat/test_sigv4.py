"""`trent serve --auth sigv4`: signatures verified in both forms, AWS's errors for everything else."""
import hashlib
import datetime
import json
import os
import tempfile
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import Trent

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
ALICE = {"accessKeyId": "AKIAALICE000000000001", "secretAccessKey": "alice-secret", "account": "111122223333",
         "principal": "arn:aws:iam::111122223333:user/alice", "policies": [ALLOW_ALL]}
TEMPORARY = {"accessKeyId": "ASIATEMP0000000000001", "secretAccessKey": "temp-secret", "sessionToken": "session-token-1",
             "account": "111122223333", "principal": "arn:aws:sts::111122223333:assumed-role/app/session",
             "policies": [ALLOW_ALL]}


@pytest.fixture(scope="module")
def secured():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "credentials.json")
        with open(path, "w") as f:
            json.dump({"credentials": [ALICE, TEMPORARY]}, f)
        trent = Trent("--in-memory", "--auth", "sigv4", "--credentials", path)
        yield trent
        trent.stop()


def client(server, key_id, secret, token=None, region="us-east-1"):
    return boto3.client("kms", endpoint_url=server.endpoint, region_name=region, aws_access_key_id=key_id,
                        aws_secret_access_key=secret, aws_session_token=token, config=Config(retries={"max_attempts": 1}))


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def send(server, body, headers, query=""):
    request = urllib.request.Request(server.endpoint + "/" + ("?" + query if query else ""), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def signed(server, target, body, credentials, when=None):
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body,
                         headers={"X-Amz-Target": "TrentService." + target, "Content-Type": "application/x-amz-json-1.1"})
    signer = botocore.auth.SigV4Auth(credentials, "kms", "us-east-1")
    if when:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            signer.add_auth(request)
    else:
        signer.add_auth(request)
    return request


def test_a_signed_request_passes_and_the_principal_is_the_credentials(secured):
    kms = client(secured, ALICE["accessKeyId"], ALICE["secretAccessKey"])
    key = kms.create_key()["KeyMetadata"]
    assert key["Arn"].startswith("arn:aws:kms:us-east-1:111122223333:key/")
    assert kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["KeyId"] == key["Arn"]


def test_temporary_credentials_need_their_session_token(secured):
    kms = client(secured, TEMPORARY["accessKeyId"], TEMPORARY["secretAccessKey"], TEMPORARY["sessionToken"])
    assert "Keys" in kms.list_keys()
    without = client(secured, TEMPORARY["accessKeyId"], TEMPORARY["secretAccessKey"])
    assert code_of(without.list_keys)[0] == "UnrecognizedClientException"


def test_wrong_secret_unknown_key_and_no_signature(secured):
    assert code_of(client(secured, ALICE["accessKeyId"], "wrong").list_keys) == (
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.")
    assert code_of(client(secured, "AKIAUNKNOWN000000000", "x").list_keys) == (
        "UnrecognizedClientException", "The security token included in the request is invalid.")
    status, body = send(secured, b"{}", {"X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"})
    assert (status, body["__type"]) == (400, "MissingAuthenticationTokenException")
    status, body = send(secured, b"{}", {"X-Amz-Target": "TrentService.ListKeys", "Authorization": "AWS4-HMAC-SHA256 Signature=abc",
                                          "X-Amz-Date": "20261123T000000Z"})
    assert body["__type"] == "IncompleteSignatureException"
    assert "requires 'Credential' parameter" in body["message"]


def test_an_altered_body_is_refused_and_changes_nothing(secured):
    credentials = Credentials(ALICE["accessKeyId"], ALICE["secretAccessKey"])
    kms = client(secured, ALICE["accessKeyId"], ALICE["secretAccessKey"])
    before = len(kms.list_keys()["Keys"])
    request = signed(secured, "CreateKey", b'{"Description":"signed"}', credentials)
    status, body = send(secured, b'{"Description":"altered"}', dict(request.headers))
    assert (status, body["__type"]) == (400, "InvalidSignatureException")
    assert len(kms.list_keys()["Keys"]) == before
    status, body = send(secured, b'{"Description":"signed"}', dict(request.headers))
    assert status == 200 and body["KeyMetadata"]["Description"] == "signed"


def test_an_old_date_is_refused(secured):
    credentials = Credentials(ALICE["accessKeyId"], ALICE["secretAccessKey"])
    old = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    request = signed(secured, "ListKeys", b"{}", credentials, when=old)
    status, body = send(secured, b"{}", dict(request.headers))
    assert (status, body["__type"]) == (400, "InvalidSignatureException")
    assert body["message"].startswith("Signature expired: ")


def test_query_string_signatures(secured):
    credentials = Credentials(TEMPORARY["accessKeyId"], TEMPORARY["secretAccessKey"], TEMPORARY["sessionToken"])
    request = AWSRequest(method="POST", url=secured.endpoint + "/", data=b"",
                         headers={"X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"})
    botocore.auth.SigV4QueryAuth(credentials, "kms", "us-east-1", expires=300).add_auth(request)
    query = request.url.split("?", 1)[1]
    for name in ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"]:
        assert name + "=" in query
    headers = {k: v for k, v in request.headers.items()}
    status, body = send(secured, b"", headers, query)
    assert status == 200 and "Keys" in body
    tampered = query.replace("X-Amz-Expires=300", "X-Amz-Expires=900")
    status, body = send(secured, b"", headers, tampered)
    assert body["__type"] == "InvalidSignatureException"


class BodySignedQueryAuth(botocore.auth.SigV4QueryAuth):
    """A presigned request that signs the SHA-256 of its body (botocore's presigner declares UNSIGNED-PAYLOAD)."""
    body = b""

    def payload(self, request):
        return hashlib.sha256(self.body).hexdigest()


class UnsignedPayloadQueryAuth(botocore.auth.SigV4QueryAuth):
    """A presigned request that declares its body unsigned, as S3's presigned URLs do."""

    def payload(self, request):
        return "UNSIGNED-PAYLOAD"


def presigned(server, target, body, credentials, expires=300, auth=BodySignedQueryAuth, sign_headers=True):
    headers = {"X-Amz-Target": "TrentService." + target, "Content-Type": "application/x-amz-json-1.1"}
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers=headers if sign_headers else {})
    signer = auth(credentials, "kms", "us-east-1", expires=expires)
    signer.body = body
    signer.add_auth(request)
    sent = dict(request.headers.items())
    sent.update(headers)
    return send(server, body, sent, request.url.split("?", 1)[1])


def test_presigned_requests_sign_their_body_and_headers_and_expire_within_a_week(secured):
    credentials = Credentials(ALICE["accessKeyId"], ALICE["secretAccessKey"])
    status, body = presigned(secured, "ListKeys", b"{}", credentials)
    assert status == 200 and "Keys" in body, body
    # AWS caps X-Amz-Expires at seven days.
    status, body = presigned(secured, "ListKeys", b"{}", credentials, expires=604801)
    assert body["__type"] == "IncompleteSignatureException" and "604800" in body["message"]
    status, body = presigned(secured, "ListKeys", b"{}", credentials, expires=604800)
    assert status == 200
    # S3-style presigning declares UNSIGNED-PAYLOAD: a KMS request's body must be signed.
    status, body = presigned(secured, "ListKeys", b"{}", credentials, auth=UnsignedPayloadQueryAuth)
    assert body["__type"] == "InvalidSignatureException" and "UNSIGNED-PAYLOAD" in body["message"]
    # A URL that signs only the host cannot be replayed as another operation.
    status, body = presigned(secured, "CreateKey", b"{}", credentials, sign_headers=False)
    assert body["__type"] == "IncompleteSignatureException" and "x-amz-target" in body["message"]


class UnsignedPayloadAuth(botocore.auth.SigV4Auth):
    def payload(self, request):
        return "UNSIGNED-PAYLOAD"


class HostOnlyAuth(botocore.auth.SigV4Auth):
    def headers_to_sign(self, request):
        headers = super().headers_to_sign(request)
        for name in list(headers.keys()):
            if name not in ("host", "x-amz-date"):
                del headers[name]
        return headers


def test_header_signatures_must_cover_the_body_and_the_target(secured):
    credentials = Credentials(ALICE["accessKeyId"], ALICE["secretAccessKey"])
    request = AWSRequest(method="POST", url=secured.endpoint + "/", data=b"{}", headers={
        "X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    UnsignedPayloadAuth(credentials, "kms", "us-east-1").add_auth(request)
    status, body = send(secured, b"{}", dict(request.headers.items()))
    assert body["__type"] == "InvalidSignatureException" and "UNSIGNED-PAYLOAD" in body["message"]

    request = AWSRequest(method="POST", url=secured.endpoint + "/", data=b"{}", headers={
        "X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"})
    HostOnlyAuth(credentials, "kms", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    status, body = send(secured, b"{}", headers)
    assert body["__type"] == "IncompleteSignatureException" and "x-amz-target" in body["message"]
    headers["X-Amz-Target"] = "TrentService.CreateKey"  # what an unsigned target would allow
    status, body = send(secured, b'{"Description": "replayed"}', headers)
    assert status == 400
    assert not [k for k in client(secured, ALICE["accessKeyId"], ALICE["secretAccessKey"]).list_keys()["Keys"]
                if client(secured, ALICE["accessKeyId"], ALICE["secretAccessKey"]).describe_key(
                    KeyId=k["KeyId"])["KeyMetadata"].get("Description") == "replayed"]
