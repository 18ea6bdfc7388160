// PKCS#11 (Cryptoki) through p11-kit's header from Debian (libp11-kit-dev), the module loaded at run time with
// dlopen. The helpers below call through the module's function list, which is awkward from Swift, and keep the
// templates of the few objects Trent makes in one place. Every helper returns the module's CK_RV.
#include <dlfcn.h>
#include <string.h>
#include <p11-kit-1/p11-kit/pkcs11.h>

#define TRENT_P11_CANNOT_LOAD 0x80000001UL
#define TRENT_P11_NO_ENTRY 0x80000002UL
#define TRENT_P11_NOT_FOUND 0x80000003UL

static inline CK_RV trent_p11_load(const char *path, CK_FUNCTION_LIST_PTR *list, void **handle) {
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*handle == NULL) return TRENT_P11_CANNOT_LOAD;
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(*handle, "C_GetFunctionList");
    if (get == NULL) return TRENT_P11_NO_ENTRY;
    CK_RV rv = get(list);
    if (rv != CKR_OK) return rv;
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    rv = (*list)->C_Initialize(&args);
    return rv == CKR_CRYPTOKI_ALREADY_INITIALIZED ? CKR_OK : rv;
}

/// The slot whose token's label (32 bytes, space-padded) is `label`.
static inline CK_RV trent_p11_find_token(CK_FUNCTION_LIST_PTR list, const char *label, CK_SLOT_ID *slot) {
    CK_SLOT_ID slots[64];
    CK_ULONG count = 64;
    CK_RV rv = list->C_GetSlotList(CK_TRUE, slots, &count);
    if (rv != CKR_OK) return rv;
    char padded[32];
    memset(padded, ' ', 32);
    size_t length = strlen(label);
    memcpy(padded, label, length > 32 ? 32 : length);
    for (CK_ULONG i = 0; i < count; i++) {
        CK_TOKEN_INFO info;
        if (list->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
        if (memcmp(info.label, padded, 32) == 0) {
            *slot = slots[i];
            return CKR_OK;
        }
    }
    return TRENT_P11_NOT_FOUND;
}

static inline CK_RV trent_p11_open(CK_FUNCTION_LIST_PTR list, CK_SLOT_ID slot, CK_SESSION_HANDLE *session) {
    return list->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, session);
}

static inline CK_RV trent_p11_close(CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session) {
    return list->C_CloseSession(session);
}

static inline CK_RV trent_p11_login(CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, const unsigned char *pin, CK_ULONG length) {
    CK_RV rv = list->C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)pin, length);
    return rv == CKR_USER_ALREADY_LOGGED_IN ? CKR_OK : rv;
}

static inline CK_RV trent_p11_logout(CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session) {
    return list->C_Logout(session);
}

/// A token secret key that never leaves the token (sensitive, not extractable): AES-256 for encryption, or a
/// 256-bit generic secret for HMAC-SHA-256 when `hmac` is set.
static inline CK_RV trent_p11_generate_key(
    CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, const char *label, int hmac, CK_OBJECT_HANDLE *key)
{
    CK_OBJECT_CLASS class = CKO_SECRET_KEY;
    CK_KEY_TYPE type = hmac ? CKK_GENERIC_SECRET : CKK_AES;
    CK_ULONG length = 32;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE template[] = {
        {CKA_CLASS, &class, sizeof class}, {CKA_KEY_TYPE, &type, sizeof type}, {CKA_VALUE_LEN, &length, sizeof length},
        {CKA_TOKEN, &yes, sizeof yes}, {CKA_PRIVATE, &yes, sizeof yes}, {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_EXTRACTABLE, &no, sizeof no}, {CKA_ENCRYPT, hmac ? &no : &yes, sizeof yes},
        {CKA_DECRYPT, hmac ? &no : &yes, sizeof yes}, {CKA_SIGN, hmac ? &yes : &no, sizeof yes},
        {CKA_VERIFY, hmac ? &yes : &no, sizeof yes}, {CKA_WRAP, &no, sizeof no}, {CKA_UNWRAP, &no, sizeof no},
        {CKA_LABEL, (void *)label, strlen(label)},
    };
    CK_MECHANISM mechanism = {hmac ? CKM_GENERIC_SECRET_KEY_GEN : CKM_AES_KEY_GEN, NULL, 0};
    return list->C_GenerateKey(session, &mechanism, template, sizeof template / sizeof template[0], key);
}

/// The secret key labelled `label`; TRENT_P11_NOT_FOUND when there is none.
static inline CK_RV trent_p11_find_key(
    CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, const char *label, CK_OBJECT_HANDLE *key)
{
    CK_OBJECT_CLASS class = CKO_SECRET_KEY;
    CK_ATTRIBUTE template[] = {{CKA_CLASS, &class, sizeof class}, {CKA_LABEL, (void *)label, strlen(label)}};
    CK_RV rv = list->C_FindObjectsInit(session, template, 2);
    if (rv != CKR_OK) return rv;
    CK_ULONG found = 0;
    rv = list->C_FindObjects(session, key, 1, &found);
    list->C_FindObjectsFinal(session);
    if (rv != CKR_OK) return rv;
    return found == 1 ? CKR_OK : TRENT_P11_NOT_FOUND;
}

/// AES-GCM inside the token with a 12-byte IV and a 16-byte tag: `out` receives ciphertext and tag (encrypting)
/// or the plaintext (decrypting); *outLength holds its capacity on entry.
static inline CK_RV trent_p11_gcm(
    CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, int encrypt, unsigned char *iv,
    unsigned char *aad, CK_ULONG aadLength, unsigned char *in, CK_ULONG inLength, unsigned char *out, CK_ULONG *outLength)
{
    CK_GCM_PARAMS params;
    memset(&params, 0, sizeof params);
    params.iv_ptr = iv;
    params.iv_len = 12;
    params.iv_bits = 96;
    params.aad_ptr = aad;
    params.aad_len = aadLength;
    params.tag_bits = 128;
    CK_MECHANISM mechanism = {CKM_AES_GCM, &params, sizeof params};
    CK_RV rv = encrypt ? list->C_EncryptInit(session, &mechanism, key) : list->C_DecryptInit(session, &mechanism, key);
    if (rv != CKR_OK) return rv;
    return encrypt ? list->C_Encrypt(session, in, inLength, out, outLength)
                   : list->C_Decrypt(session, in, inLength, out, outLength);
}

static inline CK_RV trent_p11_hmac(
    CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, unsigned char *data, CK_ULONG length,
    unsigned char *out, CK_ULONG *outLength)
{
    CK_MECHANISM mechanism = {CKM_SHA256_HMAC, NULL, 0};
    CK_RV rv = list->C_SignInit(session, &mechanism, key);
    if (rv != CKR_OK) return rv;
    return list->C_Sign(session, data, length, out, outLength);
}

static inline CK_RV trent_p11_random(CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, unsigned char *out, CK_ULONG length) {
    return list->C_GenerateRandom(session, out, length);
}

/// Whether a key may encrypt and decrypt (CKA_ENCRYPT, CKA_DECRYPT).
static inline CK_RV trent_p11_key_usage(
    CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, CK_BBOOL *encrypt, CK_BBOOL *decrypt)
{
    CK_ATTRIBUTE template[] = {{CKA_ENCRYPT, encrypt, sizeof *encrypt}, {CKA_DECRYPT, decrypt, sizeof *decrypt}};
    return list->C_GetAttributeValue(session, key, template, 2);
}

static inline CK_RV trent_p11_destroy(CK_FUNCTION_LIST_PTR list, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key) {
    return list->C_DestroyObject(session, key);
}
