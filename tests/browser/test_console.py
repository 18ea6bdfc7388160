"""The console in a browser, checked against what the API sees (boto3) after each step."""
import base64
import json
import uuid

import pytest
import requests

from conftest import Console, client


def fresh_account():
    return str(uuid.uuid4().int)[:12].rjust(12, "1")


@pytest.fixture
def person(server, browser, request):
    return Console(browser, server.endpoint, request.node.name.replace("test_", ""))


def alias_names(kms, key_id):
    return sorted(a["AliasName"] for a in kms.list_aliases(KeyId=key_id)["Aliases"])


def create_key_through_wizard(person, alias, description="made in the console", tag=("team", "payments")):
    person.get("/console/keys", "keys-empty")
    person.click("#create-key", "wizard-step1")
    person.click("#wizard-next", "wizard-step2")
    person.type("#wizard-alias", alias)
    person.type("#wizard-description", description)
    person.type("#tag-key-0", tag[0])
    person.type("#tag-value-0", tag[1])
    person.click("#wizard-next", "wizard-step3")
    person.click("#wizard-next", "wizard-step4-review")
    policy = person.find("#wizard-policy").get_attribute("value")
    assert '"Enable IAM User Permissions"' in policy
    person.click("#wizard-finish", "key-created")
    return person.driver.current_url.split("/console/keys/")[1].split("?")[0]


def test_wizard_aliases_tab_and_the_more_summary(person):
    account = fresh_account()
    kms = client(person_server(person), account)
    person.sign_in_development(account)
    key_id = create_key_through_wizard(person, "orders")
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["Description"] == "made in the console"
    assert metadata["KeySpec"] == "SYMMETRIC_DEFAULT" and metadata["KeyState"] == "Enabled"
    assert alias_names(kms, key_id) == ["alias/orders"]
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "team", "TagValue": "payments"}]
    assert "Enable IAM User Permissions" in kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]

    # Two more aliases on the Aliases tab, typed without the alias/ prefix.
    for name in ["orders-v2", "billing"]:
        person.type("#alias-name", name)
        person.click("#create-alias", f"alias-{name}-created")
    assert alias_names(kms, key_id) == ["alias/billing", "alias/orders", "alias/orders-v2"]

    # The keys table shows one alias and "(+2 more)", which leads to the key's Aliases tab.
    person.get("/console/keys", "keys-with-more")
    row = [r for r in person.all("#keys-table tbody tr") if key_id in r.text][0]
    assert "alias/billing (+2 more)" in row.text
    row.find_element("css selector", "a.more").click()
    person.shot("more-leads-to-aliases-tab")
    assert person.driver.current_url.endswith(f"/console/keys/{key_id}?tab=aliases")
    assert "Aliases (3)" in person.text("#tab-panel")

    # Typing alias/x gives alias/alias/x, as the guide says; the form says so before submitting.
    person.type("#alias-name", "alias/x")
    assert "alias/alias/x" in person.text("#alias-preview")
    person.click("#create-alias", "alias-alias-x")
    assert "alias/alias/x" in alias_names(kms, key_id)

    # The duplicate name and the reserved aws/ prefix are refused next to the field, in words.
    person.type("#alias-name", "orders")
    person.click("#create-alias", "duplicate-alias-error")
    error = person.text("#create-alias-form .field-error")
    assert "already in use" in error and "AlreadyExistsException" in error
    assert person.find("#alias-name").get_attribute("value") == "orders"
    person.type("#alias-name", "aws/mine")
    person.click("#create-alias", "reserved-alias-error")
    error = person.text("#create-alias-form .field-error")
    assert "aws/ are reserved" in error and "NotAuthorizedException" in error
    person.type("#alias-name", "bad name!")
    person.click("#create-alias", "invalid-alias-error")
    assert "not valid" in person.text("#create-alias-form .field-error")
    assert len(alias_names(kms, key_id)) == 4

    # Select two aliases and delete both at once.
    person.get(f"/console/keys/{key_id}?tab=aliases", "aliases-before-delete")
    for name in ["alias/orders-v2", "alias/alias/x"]:
        person.find(f'#aliases-table input[value="{name}"]').click()
    person.click("#delete-selected-aliases", "two-aliases-deleted")
    assert "2 of 2 alias(es) deleted" in person.text(".flash")
    assert alias_names(kms, key_id) == ["alias/billing", "alias/orders"]


def person_server(person):
    class Endpoint:
        endpoint = person.base
    return Endpoint()


def test_region_selector_shows_the_other_regions_keys(person):
    account = fresh_account()
    west = client(person_server(person), account, region="us-west-2")
    west_key = west.create_key(Description="west")["KeyMetadata"]["KeyId"]
    east_key = client(person_server(person), account).create_key(Description="east")["KeyMetadata"]["KeyId"]
    person.sign_in_development(account)
    assert east_key in person.text("#keys-table") and west_key not in person.text("#keys-table")
    person.select("#region-select", "us-west-2")
    person.shot("switched-to-us-west-2")
    assert person.find("#region-select").get_attribute("value") == "us-west-2"
    assert west_key in person.text("#keys-table") and east_key not in person.text("#keys-table")


def test_disable_and_schedule_deletion(person):
    account = fresh_account()
    kms = client(person_server(person), account)
    key_id = kms.create_key(Description="to delete")["KeyMetadata"]["KeyId"]
    person.sign_in_development(account)
    person.find(f'#keys-table input[value="{key_id}"]').click()
    person.click('button[value="disable"]', "disabled")
    assert "1 key(s) disabled" in person.text(".flash")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    assert "Disabled" in [r for r in person.all("#keys-table tbody tr") if key_id in r.text][0].text

    person.get(f"/console/keys/{key_id}", "key-disabled")
    person.click("#schedule-key-deletion", "schedule-deletion-confirmation")
    assert "cannot be recovered" in person.text()
    person.type("#days", "7")
    person.click("#schedule", "schedule-without-confirming")  # the browser refuses: the box is required
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    person.find("#confirm-deletion").click()
    person.click("#schedule", "scheduled")
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["KeyState"] == "PendingDeletion"
    assert person.text("#key-status") == "Pending deletion"
    assert person.text("#deletion-date")
    person.click("#cancel-key-deletion", "deletion-cancelled")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"


def test_use_this_key_encrypts_and_decrypts_text(person, server):
    account = fresh_account()
    kms = client(person_server(person), account)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    person.sign_in_development(account)
    person.get(f"/console/keys/{key_id}?tab=use", "use-this-key")
    marker = "console-secret-" + uuid.uuid4().hex
    person.type("#plaintext", marker)
    person.click("#encrypt", "encrypted-marker")
    person.type("#plaintext", "the launch code is 1234")
    person.type("#enc-context", "purpose=test")
    person.click("#encrypt", "encrypted")
    ciphertext = person.text("#result-ciphertext")
    # The API agrees: the blob opens with the same context.
    opened = kms.decrypt(CiphertextBlob=base64.b64decode(ciphertext), EncryptionContext={"purpose": "test"})
    assert opened["Plaintext"] == b"the launch code is 1234"
    person.type("#ciphertext", ciphertext)
    person.type("#dec-context", "purpose=test")
    person.click("#decrypt", "decrypted")
    assert person.text("#result-plaintext") == "the launch code is 1234"
    person.type("#ciphertext", ciphertext)
    person.type("#dec-context", "purpose=other")
    person.click("#decrypt", "decrypt-wrong-context")
    assert "InvalidCiphertextException" in person.text("#tab-panel .field-error")
    # What was typed is in no log line and no audit record; the console's calls are audited as the console's.
    with open(server.audit_path) as f:
        trail = f.read()
    assert marker not in trail and marker not in "".join(server.output)
    records = [json.loads(line) for line in trail.splitlines() if line.strip()]
    mine = [r for r in records if r.get("recipientAccountId") == account and r["eventName"] == "Encrypt"]
    assert len(mine) == 2 and all(r["userAgent"] == "Trent console" for r in mine)


def test_sign_and_verify_and_public_key(person):
    account = fresh_account()
    kms = client(person_server(person), account)
    key_id = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    person.sign_in_development(account)
    person.get(f"/console/keys/{key_id}?tab=crypto", "crypto-config")
    pem = person.text("#public-key")
    der = base64.b64decode("".join(pem.strip().splitlines()[1:-1]))
    assert der == kms.get_public_key(KeyId=key_id)["PublicKey"]
    person.get(f"/console/keys/{key_id}?tab=use", "use-sign")
    person.type("#message", "hello")
    person.click("#sign", "signed")
    signature = person.text("#result-signature")
    assert kms.verify(KeyId=key_id, Message=b"hello", Signature=base64.b64decode(signature),
                      SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]


def test_a_forged_form_without_the_csrf_token_is_refused(person):
    account = fresh_account()
    kms = client(person_server(person), account)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    person.sign_in_development(account)
    cookie = person.driver.get_cookie("trent_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    forged = requests.post(f"{person.base}/console/keys/actions", data={"key": key_id, "action": "disable"},
                           cookies={"trent_console": cookie["value"]}, allow_redirects=False)
    assert forged.status_code == 403
    wrong = requests.post(f"{person.base}/console/keys/actions",
                          data={"key": key_id, "action": "disable", "csrf": "forged"},
                          cookies={"trent_console": cookie["value"]}, allow_redirects=False)
    assert wrong.status_code == 403
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    page = requests.get(f"{person.base}/console/keys", cookies={"trent_console": cookie["value"]})
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]


def test_tags_rotation_policy_and_pages(person):
    account = fresh_account()
    kms = client(person_server(person), account)
    key_id = kms.create_key(Tags=[{"TagKey": "env", "TagValue": "dev"}])["KeyMetadata"]["KeyId"]
    person.sign_in_development(account)
    person.get(f"/console/keys/{key_id}?tab=tags", "tags")
    person.type("#tv-0", "prod")
    person.type("#new-tag-key", "owner")
    person.type("#new-tag-value", "alice")
    person.click("#save-tags", "tags-saved")
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]}
    assert tags == {"env": "prod", "owner": "alice"}

    person.get(f"/console/keys/{key_id}?tab=rotation", "rotation")
    person.find("#rotation-enabled").click()
    person.type("#period", "180")
    person.click("#save-rotation", "rotation-enabled")
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] and status["RotationPeriodInDays"] == 180
    person.click("#rotate-now", "rotated-now")
    assert len(kms.list_key_rotations(KeyId=key_id)["Rotations"]) == 1
    assert "ON_DEMAND" in person.text("#rotations-table")

    person.get(f"/console/keys/{key_id}?tab=policy&edit=1", "policy-edit")
    person.type("#policy", '{"Version": "2012-10-17", "Statement": [}')
    person.click("#save-policy", "policy-malformed")
    assert "MalformedPolicyDocumentException" in person.text("#tab-panel")

    # Search by tag, and the AWS managed keys page.
    person.get("/console/keys?q=owner%3Dalice", "search-by-tag")
    assert key_id in person.text("#keys-table")
    person.get("/console/keys?q=nothing-matches", "search-no-match")
    assert key_id not in person.text("#keys-table")
    kms.describe_key(KeyId="alias/aws/s3")
    person.get("/console/aws-keys", "aws-managed-keys")
    assert "alias/aws/s3" in person.text("#aws-keys-table")
    person.get("/console/custom-key-stores", "custom-key-stores")
    assert "No custom key stores" in person.text()
