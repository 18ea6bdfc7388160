// libcrypto (OpenSSL 3), for the algorithms swift-crypto does not offer: secp256k1, SM2, SM3, HMAC-SHA-224,
// signing a caller's digest with RSA, and (where the installed OpenSSL has them) Ed25519ph and ML-DSA-44.
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
