"""Trent as an external key store proxy (`--xks-proxy`): the XKS proxy API v1 over HTTPS with a test CA, keys in a
SoftHSM2 token found by label, requests signed by two signers the team did not write (botocore's SigV4Auth and
`curl --aws-sigv4`) for service kms-xks-proxy; the spec's errors and HTTP codes, the ciphertext data integrity
value checked here independently, two credentials at once for rotation."""
import base64
import datetime
import hashlib
import ipaddress
import json
import os
import subprocess
import sys
from unittest import mock

import botocore.auth
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import softhsm
from conftest import Trent

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "xks-pin-2468"
PREFIX = "/keystores/team-a/kms/xks/v1"
KEYS = {"AKIAXKSTESTFIRST2345": "a" * 43, "AKIAXKSTESTSECOND234": "B" * 44}


def tls_files(directory):
    """A test CA and a certificate for localhost signed by it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Trent test CA")])
    ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {name: os.path.join(directory, name) for name in ("ca.pem", "cert.pem", "key.pem")}
    open(paths["ca.pem"], "wb").write(ca.public_bytes(serialization.Encoding.PEM))
    open(paths["cert.pem"], "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(paths["key.pem"], "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    work = tmp_path_factory.mktemp("xks")
    env = softhsm.tokens(work, "xks", pin=PIN)
    probe = os.path.join(os.path.dirname(__file__), "pkcs11_probe.py")
    for label, uses in (("both-key", "ed"), ("encrypt-only", "e"), ("decrypt-only", "d")):
        subprocess.run([sys.executable, probe, MODULE, "xks", PIN, "--create", label, uses], check=True,
                       capture_output=True, env={**os.environ, **env})
    (work / "pin").write_text(PIN)
    credentials = []
    for number, (access, secret) in enumerate(KEYS.items()):
        (work / f"secret{number}").write_text(secret)
        credentials.append(f"      - {{access-key-id: {access}, secret-access-key-file: {work}/secret{number}}}\n")
    (work / "xks.yaml").write_text(
        f"token: {{module: {MODULE}, token: xks, pin-file: {work}/pin}}\n"
        f"prefixes:\n  - path: {PREFIX}\n    region: us-east-1\n    credentials:\n" + "".join(credentials))
    tls = tls_files(str(work))
    trent = Trent("--in-memory", "--xks-proxy", str(work / "xks.yaml"), "--tls-certificate", tls["cert.pem"],
                  "--tls-key", tls["key.pem"], env=env)
    base = trent.endpoint.replace("127.0.0.1", "localhost")
    yield base, tls["ca.pem"]
    trent.stop()


def call(proxy, path, body, access="AKIAXKSTESTFIRST2345", secret=None, region="us-east-1", service="kms-xks-proxy"):
    base, ca = proxy
    url = base + path
    data = json.dumps(body)
    request = AWSRequest(method="POST", url=url, data=data, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(access, secret or KEYS.get(access, "x" * 43)), service, region).add_auth(request)
    return requests.post(url, data=data, headers=dict(request.headers), verify=ca, timeout=10)


def metadata(operation="Encrypt"):
    return {"requestMetadata": {"awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice", "kmsOperation": operation,
                                "kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae",
                                "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}


def b64(data):
    return base64.b64encode(data).decode()


def test_health_metadata_encrypt_and_decrypt_signed_by_botocore(proxy):
    health = call(proxy, PREFIX + "/health", {"requestMetadata": {"kmsRequestId": "1", "kmsOperation": "CreateCustomKeyStore"}})
    assert health.status_code == 200, health.text
    assert health.json()["xksProxyFleetSize"] == 1 and health.json()["ekmFleetDetails"][0]["healthStatus"] == "ACTIVE"
    assert call(proxy, PREFIX + "/keys/both-key/metadata", metadata("DescribeKey")).json() == {
        "keySpec": "AES_256", "keyUsage": ["ENCRYPT", "DECRYPT"], "keyStatus": "ENABLED"}
    assert call(proxy, PREFIX + "/keys/encrypt-only/metadata", metadata("CreateKey")).json()["keyUsage"] == ["ENCRYPT"]

    aad = b"project=nile,department=marketing"
    answer = call(proxy, PREFIX + "/keys/both-key/encrypt", {
        **metadata(), "plaintext": b64(b"Hello World!"), "additionalAuthenticatedData": b64(aad),
        "encryptionAlgorithm": "AES_GCM", "ciphertextDataIntegrityValueAlgorithm": "SHA_256"})
    assert answer.status_code == 200, answer.text
    fields = {k: base64.b64decode(v) for k, v in answer.json().items()}
    assert len(fields["initializationVector"]) == 12 and len(fields["authenticationTag"]) == 16
    assert len(fields["ciphertext"]) == len(b"Hello World!")
    # Appendix C, computed here: SHA-256 over AAD ‖ IV ‖ ciphertext ‖ tag (no ciphertext metadata).
    expected = hashlib.sha256(aad + fields["initializationVector"] + fields["ciphertext"] + fields["authenticationTag"])
    assert fields["ciphertextDataIntegrityValue"] == expected.digest()
    sealed = {"ciphertext": answer.json()["ciphertext"], "initializationVector": answer.json()["initializationVector"],
              "authenticationTag": answer.json()["authenticationTag"], "encryptionAlgorithm": "AES_GCM"}
    opened = call(proxy, PREFIX + "/keys/both-key/decrypt", {**metadata("Decrypt"), **sealed,
                                                            "additionalAuthenticatedData": b64(aad)})
    assert base64.b64decode(opened.json()["plaintext"]) == b"Hello World!"
    wrong = call(proxy, PREFIX + "/keys/both-key/decrypt", {**metadata("Decrypt"), **sealed,
                                                           "additionalAuthenticatedData": b64(b"other")})
    assert wrong.status_code == 400 and wrong.json()["errorName"] == "InvalidCiphertextException"
    usage = call(proxy, PREFIX + "/keys/encrypt-only/decrypt", {**metadata("Decrypt"), **sealed})
    assert usage.status_code == 400 and usage.json()["errorName"] == "InvalidKeyUsageException"
    usage = call(proxy, PREFIX + "/keys/decrypt-only/encrypt", {**metadata(), "plaintext": b64(b"x"),
                                                               "encryptionAlgorithm": "AES_GCM"})
    assert usage.status_code == 400 and usage.json()["errorName"] == "InvalidKeyUsageException"
    missing = call(proxy, PREFIX + "/keys/no-such-key/metadata", metadata("DescribeKey"))
    assert missing.status_code == 404 and missing.json()["errorName"] == "KeyNotFoundException"
    invalid = call(proxy, PREFIX + "/keys/both-key/encrypt", {**metadata(), "plaintext": "not base64!",
                                                             "encryptionAlgorithm": "AES_GCM"})
    assert invalid.status_code == 400 and invalid.json()["errorName"] == "ValidationException"
    # The second credential of the prefix works as well (rotation).
    assert call(proxy, PREFIX + "/keys/both-key/metadata", metadata("DescribeKey"), access="AKIAXKSTESTSECOND234").ok


def test_paths_methods_and_signatures_are_refused_as_the_spec_says(proxy):
    base, ca = proxy
    unknown = requests.post(base + PREFIX + "/keys/both-key/sign", data="{}", verify=ca)  # not even signed
    assert unknown.status_code == 404 and unknown.json()["errorName"] == "InvalidUriPathException"
    assert requests.get(base + PREFIX + "/health", verify=ca).status_code == 405
    # A prefix the proxy does not serve is not found either.
    assert requests.post(base + "/other/kms/xks/v1/health", data="{}", verify=ca).status_code == 404
    for kwargs in ({"secret": "z" * 43}, {"service": "kms"}, {"region": "eu-west-1"}, {"access": "AKIAUNKNOWNKEY234567"}):
        refused = call(proxy, PREFIX + "/health", {"requestMetadata": {"kmsRequestId": "1", "kmsOperation": "x"}}, **kwargs)
        assert refused.status_code == 401 and refused.json()["errorName"] == "AuthenticationFailedException", kwargs
    # A signature more than 5 minutes old.
    stale = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=6)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: stale):
        refused = call(proxy, PREFIX + "/health", {"requestMetadata": {"kmsRequestId": "1", "kmsOperation": "x"}})
    assert refused.status_code == 401


def test_curl_signs_a_request_the_proxy_accepts(proxy, tmp_path):
    base, ca = proxy
    body = tmp_path / "body.json"
    body.write_text(json.dumps({**metadata(), "plaintext": b64(b"from curl"), "encryptionAlgorithm": "AES_GCM"}))
    result = subprocess.run(
        ["curl", "-sS", "--cacert", ca, "--aws-sigv4", "aws:amz:us-east-1:kms-xks-proxy",
         "--user", f"AKIAXKSTESTFIRST2345:{KEYS['AKIAXKSTESTFIRST2345']}", "-H", "Content-Type: application/json",
         "--data-binary", f"@{body}", "-w", "\n%{http_code}", base + PREFIX + "/keys/both-key/encrypt"],
        capture_output=True, text=True, timeout=30)
    text, status = result.stdout.rsplit("\n", 1)
    assert status == "200", result.stdout + result.stderr
    sealed = json.loads(text)
    opened = call(proxy, PREFIX + "/keys/both-key/decrypt", {**metadata("Decrypt"), **sealed, "encryptionAlgorithm": "AES_GCM"})
    assert base64.b64decode(opened.json()["plaintext"]) == b"from curl"
