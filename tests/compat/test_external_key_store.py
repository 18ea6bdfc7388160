"""External key stores: Trent as AWS KMS calling XKS proxies over HTTPS. Against Trent's own proxy (a second
process, keys in a SoftHSM2 token): create, connect, keys backed by external keys, double encryption (the outer
layer opens with the token key, and what it holds is Trent's inner envelope, not the plaintext). Against a scripted
proxy that checks Trent's SigV4 signatures with botocore: each error of the spec's table, a malformed body, a stall
beyond the timeout, a wrong integrity value and an untrusted certificate, each as AWS's exception and code."""
import json
import os
import socket
import subprocess
import sys
import time

import pytest
from botocore.exceptions import ClientError

import softhsm
from conftest import Trent
from test_xks_proxy import KEYS, MODULE, PIN, PREFIX, tls_files
from xks_scripted_proxy import ScriptedProxy

ACCESS, SECRET = "AKIAXKSTESTFIRST2345", KEYS["AKIAXKSTESTFIRST2345"]
VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    work = tmp_path_factory.mktemp("ext")
    env = softhsm.tokens(work, "xks", pin=PIN)
    probe = os.path.join(os.path.dirname(__file__), "pkcs11_probe.py")
    for label, uses in (("ext-key-1", "ed"), ("ext-key-2", "ed"), ("enc-only", "e")):
        subprocess.run([sys.executable, probe, MODULE, "xks", PIN, "--create", label, uses], check=True,
                       capture_output=True, env={**os.environ, **env})
    (work / "pin").write_text(PIN)
    (work / "secret").write_text(SECRET)
    (work / "xks.yaml").write_text(
        f"token: {{module: {MODULE}, token: xks, pin-file: {work}/pin}}\n"
        f"prefixes:\n  - path: {PREFIX}\n    credentials:\n      - {{access-key-id: {ACCESS}, secret-access-key-file: {work}/secret}}\n")
    tls = tls_files(str(work))
    proxy = Trent("--in-memory", "--xks-proxy", str(work / "xks.yaml"), "--tls-certificate", tls["cert.pem"],
                  "--tls-key", tls["key.pem"], "--port", "0", env=env)
    proxy_port = int(proxy.endpoint.rsplit(":", 1)[1])
    scripted = ScriptedProxy(tls["cert.pem"], tls["key.pem"], ACCESS, SECRET, PREFIX)
    untrusted_tls = tls_files(str(tmp_path_factory.mktemp("other-ca")))
    untrusted = ScriptedProxy(untrusted_tls["cert.pem"], untrusted_tls["key.pem"], ACCESS, SECRET, PREFIX)
    (work / "client.yaml").write_text(
        f"trusted-ca: {tls['ca.pem']}\ntimeout-ms: 1000\n"
        f"vpc-endpoint-services: {{{VPC_SERVICE}: 'localhost:{proxy_port}'}}\n"
        f"ports: {{localhost: {proxy_port}, 127.0.0.1: {scripted.port}, 127.0.0.2: {closed_port()}, 127.0.0.3: {untrusted.port}}}\n")
    kms_server = Trent("--in-memory", "--xks-client", str(work / "client.yaml"), env=env)
    yield kms_server, scripted, env
    kms_server.stop()
    proxy.stop()
    scripted.stop()
    untrusted.stop()


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def store_args(name, endpoint, **extra):
    return {"CustomKeyStoreName": name, "CustomKeyStoreType": "EXTERNAL_KEY_STORE", "XksProxyUriEndpoint": endpoint,
            "XksProxyUriPath": PREFIX, "XksProxyConnectivity": "PUBLIC_ENDPOINT",
            "XksProxyAuthenticationCredential": {"AccessKeyId": ACCESS, "RawSecretAccessKey": SECRET}, **extra}


def connected(kms, store):
    kms.connect_custom_key_store(CustomKeyStoreId=store)
    deadline = time.time() + 30
    while time.time() < deadline:
        entry = kms.describe_custom_key_stores(CustomKeyStoreId=store)["CustomKeyStores"][0]
        if entry["ConnectionState"] in ("CONNECTED", "FAILED"):
            return entry
        time.sleep(0.1)
    raise AssertionError("still connecting")


def test_keys_backed_by_trents_own_proxy_are_encrypted_twice(world):
    trent, _, env = world
    kms = trent.client()
    store = kms.create_custom_key_store(**store_args("team-a", "https://localhost"))["CustomKeyStoreId"]
    entry = kms.describe_custom_key_stores(CustomKeyStoreId=store)["CustomKeyStores"][0]
    assert entry["XksProxyConfiguration"]["UriEndpoint"] == "https://localhost" and SECRET not in json.dumps(entry, default=str)
    assert code_of(kms.create_key, CustomKeyStoreId=store, Origin="EXTERNAL_KEY_STORE", XksKeyId="ext-key-1")[0] == \
        "CustomKeyStoreInvalidStateException"
    assert connected(kms, store)["ConnectionState"] == "CONNECTED"
    key = kms.create_key(CustomKeyStoreId=store, Origin="EXTERNAL_KEY_STORE", XksKeyId="ext-key-1")["KeyMetadata"]
    assert key["XksKeyConfiguration"] == {"Id": "ext-key-1"} and key["Origin"] == "EXTERNAL_KEY_STORE"
    assert code_of(kms.create_key, CustomKeyStoreId=store, Origin="EXTERNAL_KEY_STORE", XksKeyId="ext-key-1")[0] == \
        "XksKeyAlreadyInUseException"
    assert code_of(kms.create_key, CustomKeyStoreId=store, Origin="EXTERNAL_KEY_STORE", XksKeyId="missing")[0] == \
        "XksKeyNotFoundException"
    assert code_of(kms.create_key, CustomKeyStoreId=store, Origin="EXTERNAL_KEY_STORE", XksKeyId="enc-only")[0] == \
        "XksKeyInvalidConfigurationException"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"twice over", EncryptionContext={"app": "x"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "x"})["Plaintext"] == b"twice over"
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    # The outer layer opens with the token key; inside is Trent's envelope (salt, nonce, ciphertext, tag).
    header = 1 + 12 + 1 + len("us-east-1") + 1 + len(key["KeyId"]) + 4
    outer = blob[header:]
    assert outer[0] == 0x58 and outer[1] == 12
    metadata_length = outer[30]
    ciphertext = outer[31 + metadata_length:]
    # The external key encrypted Trent's whole inner envelope: 44 bytes more than the plaintext.
    assert len(ciphertext) == len(b"twice over") + 44

    assert code_of(kms.generate_random, NumberOfBytes=8, CustomKeyStoreId=store)[0] == "UnsupportedOperationException"
    kms.disconnect_custom_key_store(CustomKeyStoreId=store)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Unavailable"
    assert connected(kms, store)["ConnectionState"] == "CONNECTED"
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "x"})["Plaintext"] == b"twice over"


def test_creation_fails_as_aws_says_for_each_proxy_problem(world):
    trent, _, _ = world
    kms = trent.client()
    # The scripted proxy checks signatures with botocore: a wrong secret is AuthenticationFailedException there.
    wrong_secret = store_args("bad-secret", "https://127.0.0.1", XksProxyUriPath=PREFIX.replace("team-a", "team-x"))
    wrong_secret["XksProxyAuthenticationCredential"] = {"AccessKeyId": ACCESS, "RawSecretAccessKey": "q" * 43}
    assert code_of(kms.create_custom_key_store, **wrong_secret)[0] == "XksProxyIncorrectAuthenticationCredentialException"
    wrong_path = store_args("bad-path", "https://localhost")
    wrong_path["XksProxyUriPath"] = "/elsewhere/kms/xks/v1"
    assert code_of(kms.create_custom_key_store, **wrong_path)[0] in (
        "XksProxyInvalidConfigurationException", "XksProxyInvalidResponseException")
    assert code_of(kms.create_custom_key_store, **store_args("closed", "https://127.0.0.2"))[0] == \
        "XksProxyUriUnreachableException"
    assert code_of(kms.create_custom_key_store, **store_args("untrusted", "https://127.0.0.3"))[0] == \
        "XksProxyUriUnreachableException"


@pytest.mark.parametrize("mode,fragment", [
    ("error:InvalidStateException:400", "is not enabled in the external key manager"),
    ("error:AccessDeniedException:403", "denied access to the operation"),
    ("error:KeyNotFoundException:404", "was not found in its external key manager"),
    ("error:ThrottlingException:429", "very high request rate"),
    ("error:InternalException:500", "cannot communicate with the external key manager"),
    ("error:DependencyTimeoutException:503", "did not respond to the request in the time allotted"),
    ("error:UnsupportedOperationException:501", "does not support the requested operation"),
    ("malformed", "cannot interpret the response"),
    ("badcdiv", "cannot interpret the response"),
    ("stall", "did not respond in time"),
])
def test_each_proxy_answer_becomes_awss_exception(world, mode, fragment):
    trent, scripted, _ = world
    kms = trent.client()
    scripted.mode = "healthy"
    stores = kms.describe_custom_key_stores()["CustomKeyStores"]
    store = next((s["CustomKeyStoreId"] for s in stores if s["CustomKeyStoreName"] == "scripted"), None)
    if store is None:
        store = kms.create_custom_key_store(**store_args("scripted", "https://127.0.0.1"))["CustomKeyStoreId"]
        assert connected(kms, store)["ConnectionState"] == "CONNECTED"
    key = kms.create_key(CustomKeyStoreId=store, Origin="EXTERNAL_KEY_STORE", XksKeyId=f"k-{mode.replace(':', '-')}")
    key_id = key["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"scripted")["CiphertextBlob"]
    assert scripted.signatures_checked > 0  # botocore agreed with Trent's signatures
    scripted.mode = mode
    try:
        call = kms.decrypt if mode != "badcdiv" else kms.encrypt
        kwargs = {"CiphertextBlob": blob} if mode != "badcdiv" else {"KeyId": key_id, "Plaintext": b"x"}
        code, message = code_of(call, **kwargs)
        assert code == "KMSInvalidStateException" and fragment in message, (code, message)
    finally:
        scripted.mode = "healthy"
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"scripted"


def test_connection_failures_carry_awss_codes(world):
    trent, scripted, _ = world
    kms = trent.client()
    scripted.mode = "healthy"
    store = kms.create_custom_key_store(**store_args("flaky", "https://127.0.0.1",
                                                     XksProxyUriPath=PREFIX.replace("team-a", "team-b")))["CustomKeyStoreId"]
    for mode, code in (("error:AuthenticationFailedException:401", "XKS_PROXY_ACCESS_DENIED"),
                       ("stall", "XKS_PROXY_TIMED_OUT"), ("malformed", "XKS_PROXY_INVALID_RESPONSE")):
        scripted.mode = mode
        try:
            entry = connected(kms, store)
        finally:
            scripted.mode = "healthy"
        assert entry["ConnectionState"] == "FAILED" and entry["ConnectionErrorCode"] == code, entry
        kms.disconnect_custom_key_store(CustomKeyStoreId=store)


def test_vpc_endpoint_service_connectivity_through_the_configured_address(world):
    trent, _, _ = world
    kms = trent.client()
    vpc = store_args("over-vpc", "https://xks.vpc.internal", XksProxyConnectivity="VPC_ENDPOINT_SERVICE",
                     XksProxyVpcEndpointServiceName=VPC_SERVICE, XksProxyVpcEndpointServiceOwner="111122223333")
    store = kms.create_custom_key_store(**vpc)["CustomKeyStoreId"]
    assert kms.describe_custom_key_stores(CustomKeyStoreId=store)["CustomKeyStores"][0]["XksProxyConfiguration"][
        "VpcEndpointServiceName"] == VPC_SERVICE
    assert connected(kms, store)["ConnectionState"] == "CONNECTED"
    key = kms.create_key(CustomKeyStoreId=store, Origin="EXTERNAL_KEY_STORE", XksKeyId="ext-key-2")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"over the endpoint service")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"over the endpoint service"
    # The same service again, and a service that is not there.
    assert code_of(kms.create_custom_key_store, **{**vpc, "CustomKeyStoreName": "again",
                                                   "XksProxyUriEndpoint": "https://other.vpc.internal"})[0] == \
        "XksProxyVpcEndpointServiceInUseException"
    missing = {**vpc, "CustomKeyStoreName": "missing", "XksProxyUriEndpoint": "https://third.vpc.internal",
               "XksProxyVpcEndpointServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000f"}
    assert code_of(kms.create_custom_key_store, **missing)[0] == "XksProxyVpcEndpointServiceNotFoundException"
