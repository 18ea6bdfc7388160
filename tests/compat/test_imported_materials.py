"""Several imported key materials per key, as AWS's API works since it added them: ImportType, KeyMaterialId and
KeyMaterialDescription; new material waiting in PENDING_ROTATION until RotateKeyOnDemand makes it current; per
material deletion, expiry and re-import (the same material gets the same KeyMaterialId back); ListKeyRotations
with every material's import state; seed files and `trent export` carrying all of it. Material is wrapped
outside Trent with `cryptography`."""
import datetime
import os
import subprocess

import pytest
import yaml
from botocore.exceptions import ClientError

from conftest import BINARY, Trent, store_arguments
from test_import import advance, wrap

FOREVER = {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def code_of(call, **kwargs):
    return error_of(call, **kwargs)[0]


def importing(kms, key, material, **kwargs):
    """GetParametersForImport, the material wrapped with RSAES_OAEP_SHA_256 here, then ImportKeyMaterial."""
    params = kms.get_parameters_for_import(KeyId=key, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    return kms.import_key_material(KeyId=key, ImportToken=params["ImportToken"],
                                   EncryptedKeyMaterial=wrap(params, material), **kwargs)


def materials(kms, key):
    return kms.list_key_rotations(KeyId=key, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]


@pytest.fixture(params=["memory", "sqlite"])
def server(request, tmp_path):
    trent = Trent("--in-memory") if request.param == "memory" else Trent("--data-dir", str(tmp_path))
    yield trent
    trent.stop()


def test_new_material_waits_then_rotates_and_every_ciphertext_still_decrypts(server):
    kms = server.client()
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    first, second = os.urandom(32), os.urandom(32)
    id1 = importing(kms, key, first, KeyMaterialDescription="first", **FOREVER)["KeyMaterialId"]
    assert len(id1) == 64 and kms.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"] == id1
    old = kms.encrypt(KeyId=key, Plaintext=b"under the first")["CiphertextBlob"]

    id2 = importing(kms, key, second, ImportType="NEW_KEY_MATERIAL", KeyMaterialDescription="second", **FOREVER)["KeyMaterialId"]
    assert id2 != id1
    listed = materials(kms, key)
    assert [(m["KeyMaterialId"], m["KeyMaterialState"], m["ImportState"], m["KeyMaterialDescription"]) for m in listed] == [
        (id1, "CURRENT", "IMPORTED", "first"), (id2, "PENDING_ROTATION", "IMPORTED", "second")]
    assert "RotationDate" not in listed[1] and listed[0]["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    assert kms.list_key_rotations(KeyId=key)["Rotations"] == []
    # One new material at a time can wait.
    assert code_of(importing, kms=kms, key=key, material=os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                   **FOREVER) == "KMSInvalidStateException"
    # Still encrypting under the first until the rotation.
    assert kms.generate_data_key(KeyId=key, KeySpec="AES_256")["KeyMaterialId"] == id1

    kms.rotate_key_on_demand(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"] == id2
    new = kms.encrypt(KeyId=key, Plaintext=b"under the second")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=old)["KeyMaterialId"] == id1
    assert kms.decrypt(CiphertextBlob=new)["KeyMaterialId"] == id2
    rotations = kms.list_key_rotations(KeyId=key)["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], r["RotationType"]) for r in rotations] == [(id2, "CURRENT", "ON_DEMAND")]
    assert "RotationDate" in rotations[0]
    # No material waits now: nothing to rotate to.
    assert code_of(kms.rotate_key_on_demand, KeyId=key) == "KMSInvalidStateException"
    # Automatic rotation stays for KMS-generated material; the status reads false.
    assert code_of(kms.enable_key_rotation, KeyId=key) == "UnsupportedOperationException"
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is False

    # Deleting the older material leaves the key usable; its ciphertexts wait for that material again.
    assert kms.delete_imported_key_material(KeyId=key, KeyMaterialId=id1)["KeyMaterialId"] == id1
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    assert code_of(kms.decrypt, CiphertextBlob=old) == "KMSInvalidStateException"
    assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"under the second"
    assert [(m["KeyMaterialId"], m["ImportState"]) for m in materials(kms, key)] == [(id1, "PENDING_IMPORT"), (id2, "IMPORTED")]

    # The same material, named or not, comes back with the same id; another material or id does not.
    assert code_of(importing, kms=kms, key=key, material=first, KeyMaterialId=id2, **FOREVER) == "IncorrectKeyMaterialException"
    assert code_of(importing, kms=kms, key=key, material=first, KeyMaterialId="0" * 64, **FOREVER) == "NotFoundException"
    assert code_of(importing, kms=kms, key=key, material=first, ImportType="NEW_KEY_MATERIAL", KeyMaterialId=id1,
                   **FOREVER) == "ValidationException"
    assert importing(kms, key, first, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=id1, **FOREVER)["KeyMaterialId"] == id1
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"under the first"
    assert materials(kms, key)[0]["KeyMaterialDescription"] == "first"  # kept when not given again

    # Deleting the current material (no KeyMaterialId) makes the key wait for it.
    assert kms.delete_imported_key_material(KeyId=key)["KeyMaterialId"] == id2
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingImport"
    assert importing(kms, key, second, **FOREVER)["KeyMaterialId"] == id2
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"under the second"


def test_a_waiting_material_can_be_withdrawn_and_replaced(server):
    kms = server.client()
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    id1 = importing(kms, key, os.urandom(32), **FOREVER)["KeyMaterialId"]
    waiting = importing(kms, key, os.urandom(32), ImportType="NEW_KEY_MATERIAL", **FOREVER)["KeyMaterialId"]
    kms.delete_imported_key_material(KeyId=key, KeyMaterialId=waiting)
    assert [m["KeyMaterialId"] for m in materials(kms, key)] == [id1]  # never associated: gone entirely
    replacement = importing(kms, key, os.urandom(32), ImportType="NEW_KEY_MATERIAL", **FOREVER)["KeyMaterialId"]
    kms.rotate_key_on_demand(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"] == replacement


def test_expiration_is_checked_first_and_kept_per_material(server):
    kms = server.client()
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    # ExpirationModel defaults to KEY_MATERIAL_EXPIRES, which needs ValidTo: AWS's answer, word for word.
    assert error_of(importing, kms=kms, key=key, material=os.urandom(32)) == (
        "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    now = datetime.datetime.now(datetime.timezone.utc)
    assert code_of(importing, kms=kms, key=key, material=os.urandom(32), ValidTo=now + datetime.timedelta(days=1),
                   **FOREVER) == "ValidationException"
    assert code_of(importing, kms=kms, key=key, material=os.urandom(32), ExpirationModel="KEY_MATERIAL_EXPIRES",
                   ValidTo=now + datetime.timedelta(days=400)) == "ValidationException"
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingImport"  # nothing changed

    id1 = importing(kms, key, os.urandom(32), **FOREVER)["KeyMaterialId"]
    soon = now + datetime.timedelta(days=1)
    id2 = importing(kms, key, os.urandom(32), ImportType="NEW_KEY_MATERIAL", ExpirationModel="KEY_MATERIAL_EXPIRES",
                    ValidTo=soon)["KeyMaterialId"]
    # A waiting material is not yet the key's: DescribeKey's ValidTo is only for associated material.
    assert "ValidTo" not in kms.describe_key(KeyId=key)["KeyMetadata"]
    kms.rotate_key_on_demand(KeyId=key)
    described = kms.describe_key(KeyId=key)["KeyMetadata"]
    assert described["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert abs(described["ValidTo"].timestamp() - soon.timestamp()) < 1
    advance(server, 2 * 86400)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "PendingImport"
    assert [(m["KeyMaterialId"], m["ImportState"]) for m in materials(kms, key)] == [(id1, "IMPORTED"), (id2, "PENDING_IMPORT")]


def test_the_new_members_are_for_symmetric_keys_only(server):
    kms = server.client()
    key = kms.create_key(Origin="EXTERNAL", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    assert code_of(importing, kms=kms, key=key, material=os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                   **FOREVER) == "ValidationException"
    importing(kms, key, os.urandom(32), **FOREVER)
    # An HMAC key's material never changes after the first import.
    assert code_of(importing, kms=kms, key=key, material=os.urandom(32), **FOREVER) == "IncorrectKeyMaterialException"


def test_export_and_seed_carry_every_imported_material(tmp_path):
    data = str(tmp_path / "data")
    first = Trent("--data-dir", data)
    try:
        kms = first.client()
        key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        m1, m2 = os.urandom(32), os.urandom(32)
        id1 = importing(kms, key, m1, KeyMaterialDescription="one", **FOREVER)["KeyMaterialId"]
        old = kms.encrypt(KeyId=key, Plaintext=b"one")["CiphertextBlob"]
        id2 = importing(kms, key, m2, ImportType="NEW_KEY_MATERIAL", **FOREVER)["KeyMaterialId"]
        kms.rotate_key_on_demand(KeyId=key)
        new = kms.encrypt(KeyId=key, Plaintext=b"two")["CiphertextBlob"]
        kms.delete_imported_key_material(KeyId=key, KeyMaterialId=id1)
        before = materials(kms, key)
    finally:
        first.stop()
    for include in (True, False):
        path = str(tmp_path / f"export-{include}.yaml")
        result = subprocess.run([BINARY, "export", *store_arguments(["--data-dir", data]), "-o", path]
                                + (["--include-key-material"] if include else []), capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        entry = yaml.safe_load(open(path))["Keys"][0]["Material"]["ImportedKeyMaterials"]
        assert [m["KeyMaterialId"] for m in entry] == [id1, id2]
        assert ("KeyMaterial" in entry[1]) == include and "KeyMaterial" not in entry[0]  # id1 was deleted
        second = Trent("--in-memory", "--seed", path)
        try:
            kms = second.client()
            after = materials(kms, key)
            fields = ["KeyMaterialId", "KeyMaterialState", "ImportState", "KeyMaterialDescription", "RotationType"]
            expected = [{f: m.get(f) for f in fields} for m in before]
            if not include:
                expected[1]["ImportState"] = "PENDING_IMPORT"
            assert [{f: m.get(f) for f in fields} for m in after] == expected
            # Either way each material imports again under its own id, and opens what it made.
            assert importing(kms, key, m1, **FOREVER)["KeyMaterialId"] == id1
            if not include:
                assert importing(kms, key, m2, **FOREVER)["KeyMaterialId"] == id2
            assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"two"
            assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"one"
        finally:
            second.stop()


def test_multi_region_imported_keys_import_into_each_replica_then_rotate_from_the_primary(server):
    east, west = server.client(), server.client(region="eu-west-1")
    key = east.create_key(Origin="EXTERNAL", MultiRegion=True)["KeyMetadata"]["KeyId"]
    first, second = os.urandom(32), os.urandom(32)
    id1 = importing(east, key, first, **FOREVER)["KeyMaterialId"]
    # A replica of an imported key has no material until the same material is imported into it.
    replica = east.replicate_key(KeyId=key, ReplicaRegion="eu-west-1")["ReplicaKeyMetadata"]
    assert replica["KeyState"] == "PendingImport"
    assert code_of(importing, kms=west, key=key, material=os.urandom(32), **FOREVER) == "IncorrectKeyMaterialException"
    assert importing(west, key, first, **FOREVER)["KeyMaterialId"] == id1
    old = east.encrypt(KeyId=key, Plaintext=b"first")["CiphertextBlob"]
    assert west.decrypt(CiphertextBlob=old)["Plaintext"] == b"first"

    # New material goes into the primary; replicas refuse it, and wait for the same material.
    assert code_of(importing, kms=west, key=key, material=second, ImportType="NEW_KEY_MATERIAL",
                   **FOREVER) == "UnsupportedOperationException"
    id2 = importing(east, key, second, ImportType="NEW_KEY_MATERIAL", **FOREVER)["KeyMaterialId"]
    assert materials(east, key)[-1]["KeyMaterialState"] == "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
    assert [(m["KeyMaterialId"], m["ImportState"]) for m in materials(west, key)][-1] == (id2, "PENDING_IMPORT")
    assert code_of(east.rotate_key_on_demand, KeyId=key) == "KMSInvalidStateException"
    assert importing(west, key, second, **FOREVER)["KeyMaterialId"] == id2
    assert materials(east, key)[-1]["KeyMaterialState"] == "PENDING_ROTATION"
    assert code_of(west.rotate_key_on_demand, KeyId=key) == "UnsupportedOperationException"  # the primary rotates
    east.rotate_key_on_demand(KeyId=key)
    assert west.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"] == id2
    new = west.encrypt(KeyId=key, Plaintext=b"second")["CiphertextBlob"]
    assert east.decrypt(CiphertextBlob=new)["Plaintext"] == b"second"
    assert east.decrypt(CiphertextBlob=old)["Plaintext"] == b"first"
    assert [r["RotationType"] for r in west.list_key_rotations(KeyId=key)["Rotations"]] == ["ON_DEMAND"]

    # Withdrawing new material from the primary withdraws it from the replicas too.
    id3 = importing(east, key, os.urandom(32), ImportType="NEW_KEY_MATERIAL", **FOREVER)["KeyMaterialId"]
    assert materials(west, key)[-1]["KeyMaterialId"] == id3
    east.delete_imported_key_material(KeyId=key, KeyMaterialId=id3)
    assert [m["KeyMaterialId"] for m in materials(west, key)] == [id1, id2]
