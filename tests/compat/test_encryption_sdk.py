"""A round trip through the AWS Encryption SDK for Python with a KMS master key pointed at Trent."""
import boto3
import aws_encryption_sdk
from aws_encryption_sdk import CommitmentPolicy


def test_encryption_sdk_round_trip(server, monkeypatch):
    # botocore's service-specific endpoint setting: the SDK's own KMS clients go to Trent, nothing else changes.
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", server.endpoint)
    kms = server.client(access_key="666677778888")
    key_arn = kms.create_key(Description="esdk")["KeyMetadata"]["Arn"]
    session = boto3.session.Session(
        aws_access_key_id="666677778888", aws_secret_access_key="secret", region_name="us-east-1")
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(
        key_ids=[key_arn], botocore_session=session._session)
    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    message = b"the AWS Encryption SDK talks to Trent" * 100
    ciphertext, header = client.encrypt(source=message, key_provider=provider, encryption_context={"purpose": "compat"})
    assert ciphertext != message
    assert header.encryption_context["purpose"] == "compat"
    plaintext, decrypted_header = client.decrypt(source=ciphertext, key_provider=provider)
    assert plaintext == message
    assert decrypted_header.encryption_context["purpose"] == "compat"
