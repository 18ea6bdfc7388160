// The system's C crypto libraries, for what swift-crypto does not offer. libcrypto (OpenSSL 3) first:
// secp256k1, SM2, SM3, HMAC-SHA-224, signing a caller's digest with RSA, SHAKE. libsodium for Ed25519ph, which
// libcrypto has only from 3.2.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/obj_mac.h>
#include <sodium.h>
#include <openssl/cms.h>
#include <openssl/x509_vfy.h>
#include <openssl/crypto.h>

// Small helpers for what is awkward to reach from Swift: OpenSSL's stack macros, OPENSSL_free, and out-pointers.

/// 1 when the DER certificate `leaf` chains to the DER certificate `root` (the only trust anchor) through any of
/// `intermediates` (DER certificates back to back), checked at Unix time `at`; 0 otherwise.
static inline int trent_x509_chain_verifies(
    const unsigned char *leaf, long leafLength, const unsigned char *intermediates, long intermediatesLength,
    const unsigned char *root, long rootLength, long long at)
{
    int ok = 0;
    const unsigned char *p;
    X509 *leafCertificate = NULL, *rootCertificate = NULL, *next = NULL;
    X509_STORE *store = NULL;
    X509_STORE_CTX *context = NULL;
    STACK_OF(X509) *chain = sk_X509_new_null();
    if (chain == NULL) goto done;
    p = leaf;
    leafCertificate = d2i_X509(NULL, &p, leafLength);
    if (leafCertificate == NULL || p != leaf + leafLength) goto done;
    p = root;
    rootCertificate = d2i_X509(NULL, &p, rootLength);
    if (rootCertificate == NULL || p != root + rootLength) goto done;
    p = intermediates;
    while (p < intermediates + intermediatesLength) {
        next = d2i_X509(NULL, &p, (long)(intermediates + intermediatesLength - p));
        if (next == NULL || !sk_X509_push(chain, next)) { X509_free(next); goto done; }
    }
    store = X509_STORE_new();
    context = X509_STORE_CTX_new();
    if (store == NULL || context == NULL || !X509_STORE_add_cert(store, rootCertificate)) goto done;
    if (!X509_STORE_CTX_init(context, store, leafCertificate, chain)) goto done;
    X509_STORE_CTX_set_time(context, 0, (time_t)at);
    ok = X509_verify_cert(context) == 1;
done:
    X509_STORE_CTX_free(context);
    X509_STORE_free(store);
    X509_free(leafCertificate);
    X509_free(rootCertificate);
    sk_X509_pop_free(chain, X509_free);
    return ok;
}

/// The SubjectPublicKeyInfo (DER) of a DER certificate into `out`: its length, or -1.
static inline long trent_x509_public_key(const unsigned char *certificate, long length, unsigned char *out, long capacity) {
    const unsigned char *p = certificate;
    long written = -1;
    X509 *parsed = d2i_X509(NULL, &p, length);
    if (parsed == NULL) return -1;
    EVP_PKEY *key = X509_get0_pubkey(parsed);
    if (key != NULL) {
        int needed = i2d_PUBKEY(key, NULL);
        if (needed > 0 && needed <= capacity) {
            unsigned char *q = out;
            written = i2d_PUBKEY(key, &q);
        }
    }
    X509_free(parsed);
    return written;
}

/// CMS EnvelopedData (DER) of `data` for the RSA public key `spki` (SubjectPublicKeyInfo DER): the content under
/// AES-256-CBC with a fresh key, that key under RSAES-OAEP with SHA-256 (and MGF1 with SHA-256). The recipient is
/// named by the issuer and serial of a placeholder certificate that only carries the key. On success returns the
/// length and sets *out (release it with trent_free); -1 otherwise.
static inline long trent_cms_envelope(
    const unsigned char *spki, long spkiLength, const unsigned char *data, long dataLength, unsigned char **out)
{
    long written = -1;
    const unsigned char *p = spki;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &p, spkiLength);
    X509 *holder = X509_new();
    CMS_ContentInfo *cms = NULL;
    CMS_RecipientInfo *recipient = NULL;
    EVP_PKEY_CTX *wrap = NULL;
    BIO *content = NULL;
    int length;
    *out = NULL;
    if (key == NULL || holder == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) goto done;
    if (!X509_set_pubkey(holder, key) || !ASN1_INTEGER_set(X509_get_serialNumber(holder), 1)) goto done;
    if (!X509_NAME_add_entry_by_txt(
            X509_get_issuer_name(holder), "CN", MBSTRING_ASC, (const unsigned char *)"enclave", -1, -1, 0))
        goto done;
    cms = CMS_encrypt(NULL, NULL, EVP_aes_256_cbc(), CMS_BINARY | CMS_PARTIAL);
    if (cms == NULL) goto done;
    recipient = CMS_add1_recipient_cert(cms, holder, CMS_KEY_PARAM);
    if (recipient == NULL) goto done;
    wrap = CMS_RecipientInfo_get0_pkey_ctx(recipient);
    if (wrap == NULL || EVP_PKEY_CTX_set_rsa_padding(wrap, RSA_PKCS1_OAEP_PADDING) <= 0
        || EVP_PKEY_CTX_set_rsa_oaep_md(wrap, EVP_sha256()) <= 0 || EVP_PKEY_CTX_set_rsa_mgf1_md(wrap, EVP_sha256()) <= 0)
        goto done;
    content = BIO_new_mem_buf(data, (int)dataLength);
    if (content == NULL || CMS_final(cms, content, NULL, CMS_BINARY) != 1) goto done;
    length = i2d_CMS_ContentInfo(cms, out);
    if (length > 0) written = length;
done:
    BIO_free(content);
    CMS_ContentInfo_free(cms);
    X509_free(holder);
    EVP_PKEY_free(key);
    return written;
}

static inline void trent_free(void *pointer) { OPENSSL_free(pointer); }
