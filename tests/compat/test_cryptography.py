import pytest
from botocore.exceptions import ClientError


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def test_round_trip_without_key_id(kms):
    key = kms.create_key()["KeyMetadata"]
    plaintext = bytes(range(256)) * 16
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=plaintext, EncryptionContext={"dept": "it"})
    assert out["KeyId"] == key["Arn"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"dept": "it"})
    assert back["Plaintext"] == plaintext
    assert back["KeyId"] == key["Arn"]
    assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=plaintext + b"x") == "ValidationException"


@pytest.mark.parametrize("context", [{}, {"dept": "hr"}, {"dept": "it", "extra": "1"}, {"Dept": "it"}])
def test_encryption_context_is_bound(kms, context):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"s", EncryptionContext={"dept": "it"})["CiphertextBlob"]
    assert code_of(kms.decrypt, CiphertextBlob=blob, EncryptionContext=context) == "InvalidCiphertextException"


def test_tampering_is_detected(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = bytearray(kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"])
    for index in range(0, len(blob), 7):
        changed = bytearray(blob)
        changed[index] ^= 1
        assert code_of(kms.decrypt, CiphertextBlob=bytes(changed)) == "InvalidCiphertextException"


def test_incorrect_key(kms):
    a = kms.create_key()["KeyMetadata"]["KeyId"]
    b = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=a, Plaintext=b"x")["CiphertextBlob"]
    assert code_of(kms.decrypt, CiphertextBlob=blob, KeyId=b) == "IncorrectKeyException"


def test_data_keys_and_reencrypt(kms):
    a = kms.create_key()["KeyMetadata"]["KeyId"]
    b = kms.create_key()["KeyMetadata"]["KeyId"]
    data_key = kms.generate_data_key(KeyId=a, KeySpec="AES_256", EncryptionContext={"k": "v"})
    assert len(data_key["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"] == data_key["Plaintext"]
    small = kms.generate_data_key(KeyId=a, NumberOfBytes=7)
    assert len(small["Plaintext"]) == 7
    without = kms.generate_data_key_without_plaintext(KeyId=a, KeySpec="AES_128")
    assert "Plaintext" not in without
    assert len(kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]) == 16
    moved = kms.re_encrypt(CiphertextBlob=data_key["CiphertextBlob"], SourceEncryptionContext={"k": "v"}, DestinationKeyId=b)
    assert moved["KeyId"].endswith(b) and moved["SourceKeyId"].endswith(a)
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]
    assert code_of(kms.generate_data_key, KeyId=a) == "ValidationException"
    assert len(kms.generate_random(NumberOfBytes=64)["Plaintext"]) == 64


def test_aws_managed_key_on_first_use(kms):
    out = kms.encrypt(KeyId="alias/aws/ebs", Plaintext=b"x")
    metadata = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    assert metadata["KeyManager"] == "AWS" and metadata["Arn"] == out["KeyId"]
    assert code_of(kms.disable_key, KeyId=metadata["KeyId"]) == "AccessDeniedException"
    assert kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"] == b"x"
