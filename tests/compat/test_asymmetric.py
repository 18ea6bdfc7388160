"""Asymmetric and HMAC keys, checked outside Trent: signatures verified, ciphertexts made and shared secrets
computed with Python's `cryptography` package (the `openssl` command for SM2 and PyNaCl for Ed25519ph, which it lacks)."""
import hashlib
import hmac
import os
import subprocess
import tempfile

import nacl.bindings
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

MESSAGE = b"Trent signs this message"
HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def public_key(kms, key_id):
    return serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])


def code_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


@pytest.mark.parametrize("spec", ["RSA_2048", "RSA_3072", "RSA_4096"])
def test_rsa_signatures_verify_with_cryptography(kms, spec):
    key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert len(key["SigningAlgorithms"]) == 6
    pub = public_key(kms, key["KeyId"])
    assert isinstance(pub, rsa.RSAPublicKey) and pub.key_size == int(spec[4:])
    for algorithm in key["SigningAlgorithms"]:
        size = algorithm[-3:]
        signature = kms.sign(KeyId=key["KeyId"], Message=MESSAGE, SigningAlgorithm=algorithm)["Signature"]
        if "PSS" in algorithm:
            scheme = padding.PSS(mgf=padding.MGF1(HASHES[size]()), salt_length=HASHES[size].digest_size)
        else:
            scheme = padding.PKCS1v15()
        pub.verify(signature, MESSAGE, scheme, HASHES[size]())
        digest = hashlib.new("sha" + size, MESSAGE).digest()
        signature = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)["Signature"]
        pub.verify(signature, MESSAGE, scheme, HASHES[size]())


@pytest.mark.parametrize("spec,curve,size", [
    ("ECC_NIST_P256", ec.SECP256R1, "256"), ("ECC_NIST_P384", ec.SECP384R1, "384"),
    ("ECC_NIST_P521", ec.SECP521R1, "512"), ("ECC_SECG_P256K1", ec.SECP256K1, "256"),
])
def test_ecdsa_signatures_are_der_and_verify(kms, spec, curve, size):
    key_id = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    pub = public_key(kms, key_id)
    assert isinstance(pub.curve, curve)
    algorithm = "ECDSA_SHA_" + size
    signature = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm=algorithm)["Signature"]
    pub.verify(signature, MESSAGE, ec.ECDSA(HASHES[size]()))
    digest = hashlib.new("sha" + size, MESSAGE).digest()
    signature = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)["Signature"]
    pub.verify(signature, digest, ec.ECDSA(Prehashed(HASHES[size]())))
    # A signature made outside verifies inside.
    assert kms.verify(KeyId=key_id, Message=MESSAGE, Signature=signature, SigningAlgorithm=algorithm)["SignatureValid"]


def test_ed25519(kms):
    key_id = kms.create_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm="ED25519_SHA_512")["Signature"]
    public_key(kms, key_id).verify(signature, MESSAGE)


ML_DSA_PUBLIC_KEY_BYTES = {"ML_DSA_44": 1312, "ML_DSA_65": 1952, "ML_DSA_87": 2592}


@pytest.mark.parametrize("spec", sorted(ML_DSA_PUBLIC_KEY_BYTES))
def test_ml_dsa(kms, spec):
    key_id = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm="ML_DSA_SHAKE_256")["Signature"]
    public_key(kms, key_id).verify(signature, MESSAGE)


@pytest.mark.parametrize("spec", sorted(ML_DSA_PUBLIC_KEY_BYTES))
def test_ml_dsa_external_mu(kms, spec):
    """FIPS 204's μ computed by the caller (hashlib's SHAKE256): a signature over μ is a signature over the message."""
    key_id = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    raw = kms.get_public_key(KeyId=key_id)["PublicKey"][-ML_DSA_PUBLIC_KEY_BYTES[spec]:]
    mu = hashlib.shake_256(hashlib.shake_256(raw).digest(64) + b"\x00\x00" + MESSAGE).digest(64)
    sign = dict(KeyId=key_id, SigningAlgorithm="ML_DSA_SHAKE_256")
    over_mu = kms.sign(Message=mu, MessageType="EXTERNAL_MU", **sign)["Signature"]
    public_key(kms, key_id).verify(over_mu, MESSAGE)
    assert kms.verify(Message=mu, MessageType="EXTERNAL_MU", Signature=over_mu, **sign)["SignatureValid"]
    assert kms.verify(Message=MESSAGE, Signature=over_mu, **sign)["SignatureValid"]
    over_message = kms.sign(Message=MESSAGE, **sign)["Signature"]
    assert kms.verify(Message=mu, MessageType="EXTERNAL_MU", Signature=over_message, **sign)["SignatureValid"]
    other_mu = bytes([mu[0] ^ 1]) + mu[1:]
    assert code_of(kms.verify, Message=other_mu, MessageType="EXTERNAL_MU", Signature=over_mu,
                   **sign) == "KMSInvalidSignatureException"
    assert code_of(kms.sign, Message=mu[:63], MessageType="EXTERNAL_MU", **sign) == "ValidationException"


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=False)


def test_sm2_signature_verifies_with_openssl(kms):
    key_id = kms.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    signature = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm="SM2DSA")["Signature"]
    with tempfile.TemporaryDirectory() as work:
        paths = {name: os.path.join(work, name) for name in ["pub.der", "msg", "sig"]}
        for name, content in zip(paths, [der, MESSAGE, signature]):
            with open(paths[name], "wb") as f:
                f.write(content)
        result = openssl("pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", paths["pub.der"], "-rawin",
                         "-in", paths["msg"], "-sigfile", paths["sig"], "-digest", "sm3",
                         "-pkeyopt", "distid:1234567812345678")
        assert result.returncode == 0, result.stdout + result.stderr
        assert b"Signature Verified Successfully" in result.stdout


def test_sm2_ciphertext_made_with_openssl_decrypts_inside(kms):
    key_id = kms.create_key(KeySpec="SM2", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "pub.der")
        with open(path, "wb") as f:
            f.write(der)
        result = openssl("pkeyutl", "-encrypt", "-pubin", "-keyform", "DER", "-inkey", path, data=b"sm2 from outside")
    assert result.returncode == 0, result.stderr
    out = kms.decrypt(KeyId=key_id, CiphertextBlob=result.stdout, EncryptionAlgorithm="SM2PKE")
    assert out["Plaintext"] == b"sm2 from outside"


@pytest.mark.parametrize("algorithm,hash_type", [("RSAES_OAEP_SHA_1", hashes.SHA1), ("RSAES_OAEP_SHA_256", hashes.SHA256)])
def test_rsa_ciphertext_made_outside_decrypts_inside(kms, algorithm, hash_type):
    key_id = kms.create_key(KeySpec="RSA_3072", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    oaep = padding.OAEP(mgf=padding.MGF1(hash_type()), algorithm=hash_type(), label=None)
    ciphertext = public_key(kms, key_id).encrypt(b"made outside", oaep)
    out = kms.decrypt(KeyId=key_id, CiphertextBlob=ciphertext, EncryptionAlgorithm=algorithm)
    assert out["Plaintext"] == b"made outside"
    assert out["EncryptionAlgorithm"] == algorithm
    assert code_of(kms.encrypt, KeyId=key_id, Plaintext=b"x") == "InvalidKeyUsageException"
    assert code_of(kms.encrypt, KeyId=key_id, Plaintext=b"x" * 400, EncryptionAlgorithm=algorithm) == "ValidationException"


@pytest.mark.parametrize("spec,curve", [("ECC_NIST_P256", ec.SECP256R1()), ("ECC_NIST_P384", ec.SECP384R1()),
                                        ("ECC_NIST_P521", ec.SECP521R1())])
def test_ecdh_matches_the_peer(kms, spec, curve):
    key_id = kms.create_key(KeySpec=spec, KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
    peer = ec.generate_private_key(curve)
    peer_der = peer.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ours = kms.derive_shared_secret(KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=peer_der)
    theirs = peer.exchange(ec.ECDH(), public_key(kms, key_id))
    assert ours["SharedSecret"] == theirs
    assert ours["KeyOrigin"] == "AWS_KMS"


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"])
def test_data_key_pairs_are_pkcs8_and_spki(kms, spec):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec=spec)
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    derived = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert derived == pair["PublicKey"]
    assert kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"] == pair["PrivateKeyPlaintext"]


@pytest.mark.parametrize("spec,algorithm,name", [("HMAC_224", "HMAC_SHA_224", "sha224"), ("HMAC_256", "HMAC_SHA_256", "sha256"),
                                                 ("HMAC_384", "HMAC_SHA_384", "sha384"), ("HMAC_512", "HMAC_SHA_512", "sha512")])
def test_hmac(kms, spec, algorithm, name):
    key_id = kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    mac = kms.generate_mac(KeyId=key_id, Message=MESSAGE, MacAlgorithm=algorithm)["Mac"]
    assert len(mac) == hashlib.new(name).digest_size
    assert kms.verify_mac(KeyId=key_id, Message=MESSAGE, MacAlgorithm=algorithm, Mac=mac)["MacValid"]
    assert code_of(kms.verify_mac, KeyId=key_id, Message=MESSAGE + b"!", MacAlgorithm=algorithm, Mac=mac) == "KMSInvalidMacException"
    assert hmac.compare_digest(mac, mac)


def test_ed25519ph_signs_a_digest_as_aws_does(kms):
    """AWS: ED25519_PH_SHA_512 requires MessageType DIGEST and still applies HashEdDSA's SHA-512 prehash to it, so the
    64 bytes are the message of Ed25519ph. Checked outside with PyNaCl's own libsodium (cryptography has no Ed25519ph)."""
    key_id = kms.create_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    digest = hashlib.sha512(MESSAGE).digest()
    sign = dict(KeyId=key_id, SigningAlgorithm="ED25519_PH_SHA_512")
    signature = kms.sign(Message=digest, MessageType="DIGEST", **sign)["Signature"]
    assert kms.verify(Message=digest, MessageType="DIGEST", Signature=signature, **sign)["SignatureValid"]
    raw = public_key(kms, key_id).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    state = nacl.bindings.crypto_sign_ed25519ph_state()
    nacl.bindings.crypto_sign_ed25519ph_update(state, digest)
    assert nacl.bindings.crypto_sign_ed25519ph_final_verify(state, signature, raw)

    assert code_of(kms.sign, Message=MESSAGE, **sign) == "ValidationException"
    assert code_of(kms.sign, Message=digest[:32], MessageType="DIGEST", **sign) == "ValidationException"
    assert code_of(kms.sign, KeyId=key_id, Message=digest, MessageType="DIGEST",
                   SigningAlgorithm="ED25519_SHA_512") == "ValidationException"
    assert code_of(kms.verify, Message=bytes(64), MessageType="DIGEST", Signature=signature,
                   **sign) == "KMSInvalidSignatureException"
