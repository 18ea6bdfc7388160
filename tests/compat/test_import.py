"""Importing key material: wrapping with the public key from GetParametersForImport, expiry on Trent's
clock, re-import of the same material only."""
import datetime
import json
import os
import urllib.request

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import Trent


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def wrap(params, material, hash_type=hashes.SHA256):
    public = serialization.load_der_public_key(params["PublicKey"])
    return public.encrypt(material, padding.OAEP(mgf=padding.MGF1(hash_type()), algorithm=hash_type(), label=None))


def advance(server, seconds):
    request = urllib.request.Request(server.endpoint + "/admin/clock", data=json.dumps({"advanceSeconds": seconds}).encode(),
                                     method="POST")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


@pytest.fixture(params=["memory", "sqlite"])
def server(request, tmp_path):
    """Every import test runs on both stores (the SQLite store once dropped ValidTo on reading a key back)."""
    trent = Trent("--in-memory") if request.param == "memory" else Trent("--data-dir", str(tmp_path))
    yield trent
    trent.stop()


def test_symmetric_import_lifecycle(server):
    kms = server.client()
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert key["KeyState"] == "PendingImport" and key["Origin"] == "EXTERNAL"
    assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == "KMSInvalidStateException"
    material = os.urandom(32)
    params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    valid_to = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    kms.import_key_material(KeyId=key["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrap(params, material),
                            ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=valid_to)
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "Enabled" and described["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"imported")["CiphertextBlob"]

    other = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_1", WrappingKeySpec="RSA_3072")
    assert code_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=other["ImportToken"],
                   EncryptedKeyMaterial=wrap(other, os.urandom(32), hashes.SHA1),
                   ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == "IncorrectKeyMaterialException"

    kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    assert code_of(kms.decrypt, CiphertextBlob=blob) == "KMSInvalidStateException"
    kms.import_key_material(KeyId=key["KeyId"], ImportToken=other["ImportToken"],
                            EncryptedKeyMaterial=wrap(other, material, hashes.SHA1), ExpirationModel="KEY_MATERIAL_EXPIRES",
                            ValidTo=valid_to)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"imported"

    # ValidTo passes on Trent's clock: the material is deleted and the key waits for import again.
    assert advance(server, 2 * 86400)["expiredMaterialKeys"] == [key["Arn"]]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    # The import token itself lives 24 hours.
    assert code_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=params["ImportToken"],
                   EncryptedKeyMaterial=wrap(params, material),
                   ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == "ExpiredImportTokenException"


def test_import_errors(server):
    kms = server.client()
    native = kms.create_key()["KeyMetadata"]["KeyId"]
    assert code_of(kms.get_parameters_for_import, KeyId=native, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                   WrappingKeySpec="RSA_2048") == "UnsupportedOperationException"
    a = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    b = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    params = kms.get_parameters_for_import(KeyId=a, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    assert code_of(kms.import_key_material, KeyId=b, ImportToken=params["ImportToken"],
                   EncryptedKeyMaterial=wrap(params, os.urandom(32)),
                   ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE") == "InvalidImportTokenException"
    forever = {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
    assert code_of(kms.import_key_material, KeyId=a, ImportToken=b"garbage" * 10,
                   EncryptedKeyMaterial=wrap(params, os.urandom(32)), **forever) == "InvalidImportTokenException"
    assert code_of(kms.import_key_material, KeyId=a, ImportToken=params["ImportToken"],
                   EncryptedKeyMaterial=os.urandom(256), **forever) == "InvalidCiphertextException"
    assert code_of(kms.import_key_material, KeyId=a, ImportToken=params["ImportToken"],
                   EncryptedKeyMaterial=wrap(params, os.urandom(16)), **forever) == "ValidationException"


def test_asymmetric_import_signs_as_the_imported_key(server):
    kms = server.client()
    key = kms.create_key(Origin="EXTERNAL", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    private = rsa.generate_private_key(65537, 2048)
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Private keys are too long for RSA-OAEP alone: RSA_AES_KEY_WRAP wraps an AES key, and that the material.
    params = kms.get_parameters_for_import(KeyId=key, WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec="RSA_3072")
    aes_key = os.urandom(32)
    wrapped = wrap(params, aes_key) + keywrap.aes_key_wrap_with_padding(aes_key, der)
    kms.import_key_material(KeyId=key, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped,
                            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    signature = kms.sign(KeyId=key, Message=b"m", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["Signature"]
    private.public_key().verify(signature, b"m", padding.PKCS1v15(), hashes.SHA256())
