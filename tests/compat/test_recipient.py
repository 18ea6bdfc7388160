"""Recipient (AWS Nitro Enclaves): Trent verifies the attestation document (COSE_Sign1, ES384, a certificate
chain ending at --attestation-root) and answers CiphertextForRecipient, CMS EnvelopedData for the enclave's RSA
key, with the plaintext member left out. The documents are built here with cbor2 and `cryptography` under a
test root, and what Trent returns is opened with `openssl cms -decrypt` and the enclave's private key."""
import datetime
import json
import os
import subprocess
import tempfile
import time

import boto3
import cbor2
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from conftest import Trent

ACCOUNT = "111122223333"
IMAGE = bytes(range(48))  # PCR0, the enclave image's SHA-384
OTHER_IMAGE = bytes(48)


def certificate(subject, key, issuer=None, issuer_key=None, ca=False, not_after=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer or subject)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(not_after or now + datetime.timedelta(hours=3))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
    return builder.sign(issuer_key or key, hashes.SHA384())


class Authority:
    """A stand-in for the Nitro Enclaves PKI: a root, and a leaf per document."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP384R1())
        self.root = certificate("test nitro root", self.key, ca=True)

    def pem(self):
        return self.root.public_bytes(serialization.Encoding.PEM)

    def document(self, enclave_public, image=IMAGE, expired=False, tamper=False):
        leaf_key = ec.generate_private_key(ec.SECP384R1())
        not_after = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5) if expired else None
        leaf = certificate("i-0123456789abcdef0-enc0123456789abcdef", leaf_key, "test nitro root", self.key,
                           not_after=not_after)
        spki = enclave_public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        payload = cbor2.dumps({
            "module_id": "i-0123456789abcdef0-enc0123456789abcdef", "digest": "SHA384",
            "timestamp": int(time.time() * 1000), "pcrs": {0: image, 1: bytes(48), 2: bytes(48), 8: bytes(48)},
            "certificate": leaf.public_bytes(serialization.Encoding.DER),
            "cabundle": [self.root.public_bytes(serialization.Encoding.DER)],
            "public_key": spki, "user_data": None, "nonce": None})
        protected = cbor2.dumps({1: -35})
        der = leaf_key.sign(cbor2.dumps(["Signature1", protected, b"", payload]), ec.ECDSA(hashes.SHA384()))
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(48, "big") + s.to_bytes(48, "big")
        if tamper:  # another image claimed after signing
            payload = payload.replace(image, OTHER_IMAGE)
        return cbor2.dumps([protected, {}, payload, signature])


@pytest.fixture(scope="module")
def setting():
    with tempfile.TemporaryDirectory() as work:
        authority = Authority()
        root = os.path.join(work, "root.pem")
        with open(root, "wb") as f:
            f.write(authority.pem())
        enclave = rsa.generate_private_key(65537, 2048)
        enclave_pem = os.path.join(work, "enclave.pem")
        with open(enclave_pem, "wb") as f:
            f.write(enclave.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        trent = Trent("--in-memory", "--attestation-root", root)
        yield trent, authority, enclave, enclave_pem, work
        trent.stop()


def recipient(authority, enclave, **kwargs):
    return {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256",
            "AttestationDocument": authority.document(enclave.public_key(), **kwargs)}


def opened(envelope, enclave_pem, work):
    """What `openssl cms -decrypt` finds inside CiphertextForRecipient with the enclave's private key."""
    path = os.path.join(work, "envelope.der")
    with open(path, "wb") as f:
        f.write(envelope)
    result = subprocess.run(["openssl", "cms", "-decrypt", "-inform", "DER", "-in", path, "-inkey", enclave_pem, "-binary"],
                            capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_decrypt_and_generate_data_key_answer_only_for_the_enclave(setting):
    trent, authority, enclave, enclave_pem, work = setting
    kms = trent.client()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"for the enclave")["CiphertextBlob"]
    answer = kms.decrypt(CiphertextBlob=blob, Recipient=recipient(authority, enclave))
    assert "Plaintext" not in answer or not answer["Plaintext"]
    assert opened(answer["CiphertextForRecipient"], enclave_pem, work) == b"for the enclave"
    # The envelope is CMS EnvelopedData with RSAES-OAEP key transport, as openssl reads it.
    path = os.path.join(work, "envelope.der")
    shown = subprocess.run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", path],
                           capture_output=True, text=True).stdout
    assert "pkcs7-envelopedData" in shown and "rsaesOaep" in shown

    data_key = kms.generate_data_key(KeyId=key, KeySpec="AES_256", Recipient=recipient(authority, enclave))
    assert "Plaintext" not in data_key or not data_key["Plaintext"]
    inside = opened(data_key["CiphertextForRecipient"], enclave_pem, work)
    assert len(inside) == 32 and kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == inside


def test_random_key_pairs_and_shared_secrets_for_the_enclave(setting):
    trent, authority, enclave, enclave_pem, work = setting
    kms = trent.client()
    random = kms.generate_random(NumberOfBytes=24, Recipient=recipient(authority, enclave))
    assert "Plaintext" not in random or not random["Plaintext"]
    assert len(opened(random["CiphertextForRecipient"], enclave_pem, work)) == 24

    key = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=key, KeyPairSpec="ECC_NIST_P256", Recipient=recipient(authority, enclave))
    assert "PrivateKeyPlaintext" not in pair or not pair["PrivateKeyPlaintext"]
    private = serialization.load_der_private_key(opened(pair["CiphertextForRecipient"], enclave_pem, work), None)
    assert private.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo) == pair["PublicKey"]

    agreement = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
    peer = ec.generate_private_key(ec.SECP256R1())
    peer_public = peer.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    derived = kms.derive_shared_secret(KeyId=agreement, KeyAgreementAlgorithm="ECDH", PublicKey=peer_public,
                                       Recipient=recipient(authority, enclave))
    assert "SharedSecret" not in derived or not derived["SharedSecret"]
    kms_public = serialization.load_der_public_key(kms.get_public_key(KeyId=agreement)["PublicKey"])
    assert opened(derived["CiphertextForRecipient"], enclave_pem, work) == peer.exchange(ec.ECDH(), kms_public)


def test_forged_expired_and_foreign_documents_are_refused(setting):
    trent, authority, enclave, _, _ = setting
    kms = trent.client()
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    stranger = Authority()  # signs well, but is not the configured root
    for bad in [recipient(authority, enclave, tamper=True), recipient(authority, enclave, expired=True),
                recipient(stranger, enclave),
                {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"\xa0not cose"}]:
        with pytest.raises(ClientError) as info:
            kms.decrypt(CiphertextBlob=blob, Recipient=bad)
        assert info.value.response["Error"]["Code"] == "ValidationException", info.value.response
        assert "secret" not in info.value.response["Error"]["Message"]


def test_a_policy_condition_on_the_image_hash_allows_and_denies():
    authority = Authority()
    enclave = rsa.generate_private_key(65537, 2048)
    with tempfile.TemporaryDirectory() as work:
        root = os.path.join(work, "root.pem")
        with open(root, "wb") as f:
            f.write(authority.pem())
        credentials = os.path.join(work, "credentials.json")
        people = [
            {"account": ACCOUNT, "principal": f"arn:aws:iam::{ACCOUNT}:root", "policies": [],
             "accessKeyId": "AKIDADMIN000000000000", "secretAccessKey": "admin-secret"},
            {"account": ACCOUNT, "principal": f"arn:aws:iam::{ACCOUNT}:role/enclave", "policies": [],
             "accessKeyId": "AKIDENCLAVE0000000000", "secretAccessKey": "enclave-secret"},
        ]
        with open(credentials, "w") as f:
            json.dump({"credentials": people}, f)
        trent = Trent("--in-memory", "--auth", "sigv4", "--credentials", credentials, "--attestation-root", root)
        try:
            def client(who, secret):
                return boto3.client("kms", endpoint_url=trent.endpoint, region_name="us-east-1", aws_access_key_id=who,
                                    aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))
            admin = client("AKIDADMIN000000000000", "admin-secret")
            role = client("AKIDENCLAVE0000000000", "enclave-secret")
            policy = {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/enclave"}, "Action": "kms:Decrypt",
                 "Resource": "*", "Condition": {"StringEqualsIgnoreCase": {
                     "kms:RecipientAttestation:ImageSha384": IMAGE.hex(),
                     "kms:RecipientAttestation:PCR8": bytes(48).hex()}}},
            ]}
            key = admin.create_key(Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
            blob = admin.encrypt(KeyId=key, Plaintext=b"measured")["CiphertextBlob"]
            allowed = role.decrypt(CiphertextBlob=blob, Recipient=recipient(authority, enclave))
            assert allowed["CiphertextForRecipient"]
            for attempt in [{"Recipient": recipient(authority, enclave, image=OTHER_IMAGE)}, {}]:
                with pytest.raises(ClientError) as info:
                    role.decrypt(CiphertextBlob=blob, **attempt)
                assert info.value.response["Error"]["Code"] == "AccessDeniedException"
        finally:
            trent.stop()
