"""Seed files: local-kms's two layouts load as they are; fixed material gives the same keys on two servers;
seeding is idempotent; a bad file stops start-up naming the entry and writes nothing."""
import base64
import os
import subprocess
import tempfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from conftest import BINARY, Trent, store_arguments

LOCAL_KMS_V1 = """
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
        BackingKeys:
          - 5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9
      - Metadata:
          KeyId: 49c5492b-b1bc-42a8-9a5c-b2015e810c1c
          Description: "Your key description"
        NextKeyRotation: "2019-09-12T15:19:21+00:00"
        BackingKeys:
          - 34743777217A25432A46294A404E635266556A586E3272357538782F413F4428
          - 614E645267556B58703273357638792F423F4528472B4B6250655368566D5971
      - Metadata:
          KeyId: 5d05267f-bb87-4d0b-8594-295a4371d414
          Origin: EXTERNAL
  Asymmetric:
    Ecc:
      - Metadata:
          KeyId: 800d5768-3fd7-4edd-a4b8-4c81c3e4c147
          KeyUsage: SIGN_VERIFY
          Description: ECC key with curve secp256r1
        PrivateKeyPem: |
          -----BEGIN EC PRIVATE KEY-----
          MHcCAQEEIMnOrUrXr8rwne7d8f01cfwmpS/w+K7jcyWmmeLDgWKaoAoGCCqGSM49
          AwEHoUQDQgAEYNMBBZ3h1ipuph1iO5k+yLvTs94UN71quXN3f0P/tprs2Fp2FEas
          M7m7XZ2xlDK3wcEAs1QEIoQjjwnhcptQ6A==
          -----END EC PRIVATE KEY-----
Aliases:
  - AliasName: alias/testing
    TargetKeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
"""


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def indent(text, spaces):
    return "\n".join(" " * spaces + line for line in text.strip().splitlines())


def every_spec_seed():
    sm2 = subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2"],
                         capture_output=True, text=True, check=True).stdout
    keys = {
        "RSA_2048": pem(rsa.generate_private_key(65537, 2048)),
        "ECC_NIST_P256": pem(ec.generate_private_key(ec.SECP256R1())),
        "ECC_NIST_P384": pem(ec.generate_private_key(ec.SECP384R1())),
        "ECC_NIST_P521": pem(ec.generate_private_key(ec.SECP521R1())),
        "ECC_SECG_P256K1": pem(ec.generate_private_key(ec.SECP256K1())),
        "ECC_NIST_EDWARDS25519": pem(ed25519.Ed25519PrivateKey.generate()),
        "SM2": sm2,
    }
    lines = ["Version: 2", "Keys:"]
    for n, (spec, text) in enumerate(keys.items()):
        lines += [f"  - KeyId: 00000000-0000-4000-8000-00000000000{n}", "    Metadata:", f"      KeySpec: {spec}",
                  "      KeyUsage: SIGN_VERIFY", "    Material:", "      PrivateKeyPem: |", indent(text, 8)]
    lines += ["  - KeyId: 00000000-0000-4000-8000-000000000010", "    Metadata:", "      KeySpec: SYMMETRIC_DEFAULT",
              "    Tags:", "      - {TagKey: team, TagValue: blue}", "    RotationPeriodInDays: 90",
              "    Material:", "      BackingKeys: [" + os.urandom(32).hex() + ", " + base64.b64encode(os.urandom(32)).decode() + "]",
              "  - KeyId: 00000000-0000-4000-8000-000000000011", "    Account: '444455556666'", "    Region: eu-west-1",
              "    Metadata: {KeySpec: HMAC_256, KeyUsage: GENERATE_VERIFY_MAC}",
              "    Material: {BackingKeys: [" + os.urandom(32).hex() + "]}",
              "  - KeyId: 00000000-0000-4000-8000-000000000012",
              "    Metadata: {KeySpec: ML_DSA_65, KeyUsage: SIGN_VERIFY}",
              "    Material: {BackingKeys: [" + os.urandom(32).hex() + "]}",
              "  - KeyId: 00000000-0000-4000-8000-000000000013",
              "    Metadata: {KeySpec: ML_DSA_44, KeyUsage: SIGN_VERIFY}",
              "    Material: {BackingKeys: [" + os.urandom(32).hex() + "]}",
              "Aliases:", "  - {AliasName: alias/seeded, TargetKeyId: 00000000-0000-4000-8000-000000000010}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def work():
    with tempfile.TemporaryDirectory() as path:
        yield path


def write(work, name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_local_kms_original_layout_loads(work):
    seed = write(work, "seed.yaml", LOCAL_KMS_V1)
    trent = Trent("--in-memory", "--seed", seed, "--region", "eu-west-2")
    try:
        kms = trent.client(region="eu-west-2")
        assert kms.describe_key(KeyId="alias/testing")["KeyMetadata"]["KeyId"] == "bc436485-5092-42b8-92a3-0aa8b93536dc"
        rotated = kms.describe_key(KeyId="49c5492b-b1bc-42a8-9a5c-b2015e810c1c")["KeyMetadata"]
        assert rotated["Description"] == "Your key description"
        assert kms.get_key_rotation_status(KeyId=rotated["KeyId"])["KeyRotationEnabled"]
        assert kms.describe_key(KeyId="5d05267f-bb87-4d0b-8594-295a4371d414")["KeyMetadata"]["KeyState"] == "PendingImport"
        ecc = kms.describe_key(KeyId="800d5768-3fd7-4edd-a4b8-4c81c3e4c147")["KeyMetadata"]
        assert ecc["KeySpec"] == "ECC_NIST_P256" and ecc["KeyUsage"] == "SIGN_VERIFY"
        signature = kms.sign(KeyId=ecc["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        public = serialization.load_der_public_key(kms.get_public_key(KeyId=ecc["KeyId"])["PublicKey"])
        public.verify(signature, b"m", ec.ECDSA(__import__("cryptography.hazmat.primitives.hashes", fromlist=["SHA256"]).SHA256()))
    finally:
        trent.stop()


def test_fixed_material_gives_the_same_keys_on_two_servers(work):
    seed = write(work, "seed.yaml", every_spec_seed())
    a, b = Trent("--in-memory", "--seed", seed), Trent("--in-memory", "--seed", seed)
    try:
        ka, kb = a.client(), b.client()
        blob = ka.encrypt(KeyId="alias/seeded", Plaintext=b"fixture", EncryptionContext={"t": "1"})["CiphertextBlob"]
        assert kb.decrypt(CiphertextBlob=blob, EncryptionContext={"t": "1"})["Plaintext"] == b"fixture"
        for n, algorithm in enumerate(["RSASSA_PSS_SHA_256", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512",
                                       "ECDSA_SHA_256", "ED25519_SHA_512", "SM2DSA"]):
            key = f"00000000-0000-4000-8000-00000000000{n}"
            signature = ka.sign(KeyId=key, Message=b"m", SigningAlgorithm=algorithm)["Signature"]
            assert kb.verify(KeyId=key, Message=b"m", Signature=signature, SigningAlgorithm=algorithm)["SignatureValid"]
            assert ka.get_public_key(KeyId=key)["PublicKey"] == kb.get_public_key(KeyId=key)["PublicKey"]
        for mldsa in ["00000000-0000-4000-8000-000000000012", "00000000-0000-4000-8000-000000000013"]:
            signature = ka.sign(KeyId=mldsa, Message=b"m", SigningAlgorithm="ML_DSA_SHAKE_256")["Signature"]
            assert kb.verify(KeyId=mldsa, Message=b"m", Signature=signature,
                             SigningAlgorithm="ML_DSA_SHAKE_256")["SignatureValid"]
            assert ka.get_public_key(KeyId=mldsa)["PublicKey"] == kb.get_public_key(KeyId=mldsa)["PublicKey"]
        other_a = a.client(access_key="444455556666", region="eu-west-1")
        other_b = b.client(access_key="444455556666", region="eu-west-1")
        mac = other_a.generate_mac(KeyId="00000000-0000-4000-8000-000000000011", Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
        assert other_b.verify_mac(KeyId="00000000-0000-4000-8000-000000000011", Message=b"m", MacAlgorithm="HMAC_SHA_256",
                                  Mac=mac)["MacValid"]
        assert ka.list_resource_tags(KeyId="00000000-0000-4000-8000-000000000010")["Tags"] == [{"TagKey": "team", "TagValue": "blue"}]
        assert len(ka.list_key_rotations(KeyId="00000000-0000-4000-8000-000000000010", IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]) == 2
    finally:
        a.stop()
        b.stop()


def test_seeding_is_idempotent_across_restarts(work):
    seed = write(work, "seed.yaml", LOCAL_KMS_V1)
    data = os.path.join(work, "data")
    for _ in range(2):
        trent = Trent("--data-dir", data, "--seed", seed)
        try:
            kms = trent.client()
            assert len(kms.list_keys()["Keys"]) == 4
            assert [a["AliasName"] for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")] == ["alias/testing"]
        finally:
            trent.stop()


def test_a_bad_seed_file_stops_start_up_and_writes_nothing(work):
    bad = LOCAL_KMS_V1.replace("5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9", "not-hex")
    seed = write(work, "bad.yaml", bad)
    data = os.path.join(work, "data")
    result = subprocess.run([BINARY, "serve", "--port", "0", *store_arguments(["--data-dir", data]), "--seed", seed],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "Keys[0] (KeyId bc436485-5092-42b8-92a3-0aa8b93536dc)" in result.stderr + result.stdout
    assert "BackingKeys" in result.stderr + result.stdout
    trent = Trent("--data-dir", data)
    try:
        assert trent.client().list_keys()["Keys"] == []
    finally:
        trent.stop()


def test_export_then_seed_reproduces_the_state(work):
    data = os.path.join(work, "data")
    first = Trent("--data-dir", data)
    try:
        kms = first.client()
        plain = kms.create_key(Description="plain", Tags=[{"TagKey": "env", "TagValue": "test"}])["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/plain", TargetKeyId=plain)
        kms.enable_key_rotation(KeyId=plain, RotationPeriodInDays=120)
        kms.create_grant(KeyId=plain, GranteePrincipal="arn:aws:iam::111122223333:role/app", Operations=["Encrypt"])
        signer = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY", Description="signer")["KeyMetadata"]["KeyId"]
        off = kms.create_key(Description="off")["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=off)
        blob = kms.encrypt(KeyId=plain, Plaintext=b"exported")["CiphertextBlob"]
        signature = kms.sign(KeyId=signer, Message=b"m", SigningAlgorithm="ECDSA_SHA_384")["Signature"]
        global_key = kms.create_key(MultiRegion=True, Description="global")["KeyMetadata"]["KeyId"]
        kms.replicate_key(KeyId=global_key, ReplicaRegion="eu-west-1", Description="replica")
        global_blob = kms.encrypt(KeyId=global_key, Plaintext=b"everywhere")["CiphertextBlob"]
        def state(client):
            fields = ["KeyId", "Arn", "Description", "KeySpec", "KeyUsage", "KeyState", "Enabled", "Origin", "MultiRegion"]
            keys = sorted(k["KeyId"] for k in client.list_keys()["Keys"])
            return {
                "keys": [{f: client.describe_key(KeyId=k)["KeyMetadata"][f] for f in fields} for k in keys],
                "aliases": sorted((a["AliasName"], a.get("TargetKeyId")) for a in client.list_aliases()["Aliases"]),
                "tags": [client.list_resource_tags(KeyId=k)["Tags"] for k in keys],
                "policies": [client.get_key_policy(KeyId=k, PolicyName="default")["Policy"] for k in keys],
                "rotation": client.get_key_rotation_status(KeyId=plain)["RotationPeriodInDays"],
                "grants": [g["Operations"] for g in client.list_grants(KeyId=plain)["Grants"]],
            }
        before = state(kms)
    finally:
        first.stop()
    exported = os.path.join(work, "export.yaml")
    result = subprocess.run([BINARY, "export", *store_arguments(["--data-dir", data]), "--include-key-material", "-o", exported],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert open(exported).read().startswith("# WARNING")
    second = Trent("--in-memory", "--seed", exported)
    try:
        kms = second.client()
        assert state(kms) == before
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"exported"
        assert kms.verify(KeyId=signer, Message=b"m", Signature=signature, SigningAlgorithm="ECDSA_SHA_384")["SignatureValid"]
        # The multi-Region set comes back as a set: roles, members, and ciphertexts that open in either Region.
        west = second.client(region="eu-west-1")
        config = west.describe_key(KeyId=global_key)["KeyMetadata"]["MultiRegionConfiguration"]
        assert config["MultiRegionKeyType"] == "REPLICA" and config["PrimaryKey"]["Region"] == "us-east-1"
        assert [r["Region"] for r in kms.describe_key(KeyId=global_key)["KeyMetadata"]["MultiRegionConfiguration"]
                ["ReplicaKeys"]] == ["eu-west-1"]
        assert west.decrypt(CiphertextBlob=global_blob)["Plaintext"] == b"everywhere"
    finally:
        second.stop()
    without = subprocess.run([BINARY, "export", *store_arguments(["--data-dir", data])], capture_output=True, text=True)
    assert without.returncode == 0 and "BackingKeys" not in without.stdout and "PRIVATE KEY" not in without.stdout
