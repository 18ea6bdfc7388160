"""Looks into a PKCS#11 token with PyKCS11 (a client the team did not write), in a process of its own so each
test's SoftHSM2 configuration (SOFTHSM2_CONF) is read afresh. Usage:

    pkcs11_probe.py MODULE TOKEN PIN LABEL [IV_HEX AAD_HEX CIPHERTEXT_AND_TAG_HEX]
    pkcs11_probe.py MODULE TOKEN PIN --create LABEL USES      (USES: e, d or ed: may encrypt, decrypt)

prints JSON: whether a secret key labelled LABEL exists, its CKA_SENSITIVE and CKA_EXTRACTABLE, and with the
three hex arguments the AES-GCM decryption of the ciphertext with that key inside the token."""
import json
import sys

import PyKCS11

module, token, pin, label = sys.argv[1:5]
library = PyKCS11.PyKCS11Lib()
library.load(module)
slot = [s for s in library.getSlotList(tokenPresent=True) if library.getTokenInfo(s).label.strip() == token][0]
session = library.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
session.login(pin)
if label == "--create":  # an AES-256 token key, as an external key manager's administrator would make one
    name, uses = sys.argv[5], sys.argv[6]
    session.generateKey([
        (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY), (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_AES), (PyKCS11.CKA_VALUE_LEN, 32),
        (PyKCS11.CKA_TOKEN, True), (PyKCS11.CKA_PRIVATE, True), (PyKCS11.CKA_SENSITIVE, True),
        (PyKCS11.CKA_EXTRACTABLE, False), (PyKCS11.CKA_ENCRYPT, "e" in uses), (PyKCS11.CKA_DECRYPT, "d" in uses),
        (PyKCS11.CKA_LABEL, name)], PyKCS11.Mechanism(PyKCS11.CKM_AES_KEY_GEN, None))
    print(json.dumps({"created": name}))
    sys.exit(0)
found = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY), (PyKCS11.CKA_LABEL, label)])
answer = {"found": len(found)}
if found:
    sensitive, extractable = session.getAttributeValue(found[0], [PyKCS11.CKA_SENSITIVE, PyKCS11.CKA_EXTRACTABLE])
    answer.update(sensitive=bool(sensitive), extractable=bool(extractable))
    if len(sys.argv) == 8:
        iv, aad, sealed = (bytes.fromhex(a) for a in sys.argv[5:8])
        mechanism = PyKCS11.AES_GCM_Mechanism(iv, aad, 128)
        answer["plaintext"] = bytes(session.decrypt(found[0], sealed, mechanism)).hex()
session.logout()
session.closeSession()
print(json.dumps(answer))
