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
