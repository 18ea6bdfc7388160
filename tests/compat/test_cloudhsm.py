"""AWS_CLOUDHSM custom key stores on a PKCS#11 token (SoftHSM2 here, a throwaway token per test): AWS's cluster
checks on creation, asynchronous connection with its states and error codes, keys generated inside the token
(checked with PyKCS11: labelled with the key ARN, not extractable, and the inner layer of a Trent ciphertext
opens with that token key directly), keys Unavailable while the store is disconnected, and the store's rules on
update and deletion."""
import datetime
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import softhsm
from conftest import Trent

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PASSWORD = "kmsuser-secret1"
CLUSTER = "cluster-234567abcdefg"


def certificate(subject, key, issuer_name, issuer_key, ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def hsm(tmp_path):
    """A SoftHSM2 token as cluster-234567abcdefg (2 HSMs), a second cluster with one HSM, their certificates
    signed by a trust anchor, and a running Trent that knows both."""
    env = softhsm.tokens(tmp_path, "cluster1", "cluster2", pin=PASSWORD)
    anchor_key = ec.generate_private_key(ec.SECP256R1())
    anchor = certificate("customerCA", anchor_key, "customerCA", anchor_key, True)
    for name in ("cluster1", "cluster2"):
        cluster_key = ec.generate_private_key(ec.SECP256R1())
        (tmp_path / f"{name}.crt").write_text(pem(certificate(name, cluster_key, "customerCA", anchor_key, False)))
    (tmp_path / "clusters.yaml").write_text(
        f"- {{id: {CLUSTER}, module: {MODULE}, token: cluster1, hsm-count: 2, certificate: {tmp_path}/cluster1.crt}}\n"
        f"- {{id: cluster-onehsmabcdefg, module: {MODULE}, token: cluster2, hsm-count: 1, certificate: {tmp_path}/cluster2.crt}}\n")
    trent = Trent("--in-memory", "--cloudhsm-clusters", str(tmp_path / "clusters.yaml"), env=env)
    yield trent, env, pem(anchor)
    trent.stop()


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def probe(env, label, *decrypt):
    result = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "pkcs11_probe.py"), MODULE,
                             "cluster1", PASSWORD, label, *decrypt], capture_output=True, text=True,
                            env={**os.environ, **env}, check=True)
    return json.loads(result.stdout)


def wait_for(kms, store, states):
    deadline = time.time() + 30
    while time.time() < deadline:
        entry = kms.describe_custom_key_stores(CustomKeyStoreId=store)["CustomKeyStores"][0]
        if entry["ConnectionState"] in states:
            return entry
        time.sleep(0.1)
    raise AssertionError(f"still {entry['ConnectionState']}")


def test_a_cloudhsm_key_store_on_a_pkcs11_token(hsm):
    trent, env, anchor = hsm
    kms = trent.client()
    other_key = ec.generate_private_key(ec.SECP256R1())
    stranger = pem(certificate("otherCA", other_key, "otherCA", other_key, True))
    create = dict(CustomKeyStoreName="hsm", CloudHsmClusterId=CLUSTER, TrustAnchorCertificate=anchor,
                  KeyStorePassword=PASSWORD)
    assert code_of(kms.create_custom_key_store, **{**create, "TrustAnchorCertificate": stranger}) == \
        "IncorrectTrustAnchorException"
    assert code_of(kms.create_custom_key_store, **{**create, "CloudHsmClusterId": "cluster-missingabcdef"}) == \
        "CloudHsmClusterNotFoundException"
    assert code_of(kms.create_custom_key_store, **{**create, "CloudHsmClusterId": "cluster-onehsmabcdefg"}) == \
        "CloudHsmClusterInvalidConfigurationException"
    store = kms.create_custom_key_store(**create)["CustomKeyStoreId"]
    assert store.startswith("cks-") and len(store) == 21
    entry = kms.describe_custom_key_stores(CustomKeyStoreName="hsm")["CustomKeyStores"][0]
    assert entry["ConnectionState"] == "DISCONNECTED" and entry["CloudHsmClusterId"] == CLUSTER
    assert entry["CustomKeyStoreType"] == "AWS_CLOUDHSM" and PASSWORD not in json.dumps(entry, default=str)
    assert code_of(kms.create_custom_key_store, **create) == "CustomKeyStoreNameInUseException"
    assert code_of(kms.create_custom_key_store, **{**create, "CustomKeyStoreName": "again"}) == \
        "CloudHsmClusterInUseException"
    assert code_of(kms.create_key, CustomKeyStoreId=store, Origin="AWS_CLOUDHSM") == "CustomKeyStoreInvalidStateException"

    kms.connect_custom_key_store(CustomKeyStoreId=store)  # returns at once; the client polls
    assert wait_for(kms, store, {"CONNECTED", "FAILED"})["ConnectionState"] == "CONNECTED"
    key = kms.create_key(CustomKeyStoreId=store, Origin="AWS_CLOUDHSM", Description="in the HSM")["KeyMetadata"]
    assert key["CustomKeyStoreId"] == store and key["CloudHsmClusterId"] == CLUSTER and key["Origin"] == "AWS_CLOUDHSM"
    assert code_of(kms.create_key, CustomKeyStoreId=store, Origin="AWS_CLOUDHSM", KeySpec="RSA_2048",
                   KeyUsage="SIGN_VERIFY") == "UnsupportedOperationException"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"inside the token")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"inside the token"
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    assert len(kms.generate_random(NumberOfBytes=16, CustomKeyStoreId=store)["Plaintext"]) == 16
    plain = kms.create_key()["KeyMetadata"]["KeyId"]
    moved = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=plain)["CiphertextBlob"]
    back = kms.re_encrypt(CiphertextBlob=moved, DestinationKeyId=key["KeyId"])["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=back)["Plaintext"] == b"inside the token"

    # The token holds the key, labelled with its ARN, and it never leaves; the ciphertext's inner layer opens
    # with it directly: the AES-GCM ran inside the token.
    assert probe(env, key["Arn"]) == {"found": 1, "sensitive": True, "extractable": False}
    header = 1 + 12 + 1 + len("us-east-1") + 1 + len(key["KeyId"]) + 4
    envelope = blob[header:]
    opened = probe(env, key["Arn"], envelope[:12].hex(), blob[:header].hex(), envelope[12:].hex())
    assert bytes.fromhex(opened["plaintext"]) == b"inside the token"

    # Rules while connected; then disconnected, the key is Unavailable.
    assert code_of(kms.delete_custom_key_store, CustomKeyStoreId=store) == "CustomKeyStoreInvalidStateException"
    assert code_of(kms.update_custom_key_store, CustomKeyStoreId=store, KeyStorePassword="another-pass") == \
        "CustomKeyStoreInvalidStateException"
    kms.update_custom_key_store(CustomKeyStoreId=store, NewCustomKeyStoreName="renamed")
    resting = kms.create_key(CustomKeyStoreId=store, Origin="AWS_CLOUDHSM")["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=resting)
    kms.disconnect_custom_key_store(CustomKeyStoreId=store)
    assert kms.describe_key(KeyId=resting)["KeyMetadata"]["KeyState"] == "Unavailable"
    assert code_of(kms.disconnect_custom_key_store, CustomKeyStoreId=store) == "CustomKeyStoreInvalidStateException"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Unavailable"
    assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == "KMSInvalidStateException"
    assert code_of(kms.delete_custom_key_store, CustomKeyStoreId=store) == "CustomKeyStoreHasCMKsException"

    # A wrong password: the connection FAILS with INVALID_CREDENTIALS, and a failed store must be disconnected first.
    kms.update_custom_key_store(CustomKeyStoreId=store, KeyStorePassword="wrong-password")
    kms.connect_custom_key_store(CustomKeyStoreId=store)
    failed = wait_for(kms, store, {"CONNECTED", "FAILED"})
    assert failed["ConnectionState"] == "FAILED" and failed["ConnectionErrorCode"] == "INVALID_CREDENTIALS"
    assert code_of(kms.connect_custom_key_store, CustomKeyStoreId=store) == "CustomKeyStoreInvalidStateException"
    kms.disconnect_custom_key_store(CustomKeyStoreId=store)
    kms.update_custom_key_store(CustomKeyStoreId=store, KeyStorePassword=PASSWORD)
    kms.connect_custom_key_store(CustomKeyStoreId=store)
    assert wait_for(kms, store, {"CONNECTED", "FAILED"})["ConnectionState"] == "CONNECTED"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.describe_key(KeyId=resting)["KeyMetadata"]["KeyState"] == "Disabled"  # back as it was
    kms.schedule_key_deletion(KeyId=resting, PendingWindowInDays=7)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"inside the token"

    # Deleting the key destroys the token object; then the empty, disconnected store can go.
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    request = urllib.request.Request(trent.endpoint + "/admin/clock", data=b'{"advanceSeconds": 691200}', method="POST")
    urllib.request.urlopen(request).read()
    assert probe(env, key["Arn"]) == {"found": 0}
    kms.disconnect_custom_key_store(CustomKeyStoreId=store)
    kms.delete_custom_key_store(CustomKeyStoreId=store)
    assert code_of(kms.describe_custom_key_stores, CustomKeyStoreId=store) == "CustomKeyStoreNotFoundException"
