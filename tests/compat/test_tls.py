"""HTTPS served by Trent itself (--tls-certificate/--tls-key): boto3 verifies the certificate, plain HTTP is
refused on the port, and aws:SecureTransport is true for policies."""
import json
import subprocess
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Trent


@pytest.fixture
def certificate(tmp_path):
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def test_https_with_a_verified_certificate(certificate, tmp_path):
    cert, key = certificate
    credentials = tmp_path / "credentials.json"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    credentials.write_text(json.dumps({"credentials": [{
        "accessKeyId": "AKIDTLS0000000000000", "secretAccessKey": "tls-secret", "account": "111122223333",
        "principal": "arn:aws:iam::111122223333:user/tls", "policies": [policy]}]}))
    trent = Trent("--in-memory", "--tls-certificate", cert, "--tls-key", key, "--auth", "sigv4",
                  "--credentials", str(credentials))
    try:
        assert trent.endpoint.startswith("https://127.0.0.1:")
        kms = boto3.client("kms", endpoint_url=trent.endpoint, region_name="us-east-1", verify=cert,
                           aws_access_key_id="AKIDTLS0000000000000", aws_secret_access_key="tls-secret",
                           config=Config(retries={"max_attempts": 1}))
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]  # allowed: the deny needs aws:SecureTransport false
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"over TLS")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"over TLS"
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(trent.endpoint.replace("https://", "http://") + "/health", timeout=5)
    finally:
        trent.stop()
    # The same caller and policy over plain HTTP: aws:SecureTransport is false, so the deny applies.
    plain = Trent("--in-memory", "--auth", "sigv4", "--credentials", str(credentials))
    try:
        kms = boto3.client("kms", endpoint_url=plain.endpoint, region_name="us-east-1",
                           aws_access_key_id="AKIDTLS0000000000000", aws_secret_access_key="tls-secret",
                           config=Config(retries={"max_attempts": 1}))
        with pytest.raises(ClientError) as info:
            kms.create_key()
        assert info.value.response["Error"]["Code"] == "AccessDeniedException"
    finally:
        plain.stop()


def test_tls_options_go_together(certificate):
    cert, _ = certificate
    with pytest.raises(RuntimeError) as info:
        Trent("--in-memory", "--tls-certificate", cert)
    assert "--tls-key" in str(info.value)
