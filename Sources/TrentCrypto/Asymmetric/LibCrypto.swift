import CSystemCrypto
import Foundation

/// libcrypto (OpenSSL 3) behind TrentCrypto's own types, only for what swift-crypto does not offer:
/// secp256k1 and SM2 keys, signatures over a caller's digest with RSA, HMAC-SHA-224, and SHAKE for ML-DSA
/// verification over a caller's μ. Every pointer is freed on every path.
enum LibCrypto {
    /// SM2's default distinguishing identifier (GB/T 32918), which AWS KMS uses.
    static let sm2ID = Array("1234567812345678".utf8)

    static var version: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }

    // MARK: Keys

    static func generate(_ type: AsymmetricKeyType) throws(AsymmetricFailure) -> Data {
        let ctx: OpaquePointer?
        switch type {
        case .secp256k1: ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil)
        case .sm2: ctx = EVP_PKEY_CTX_new_from_name(nil, "SM2", nil)
        default: throw .unsupported("\(type.rawValue) through libcrypto")
        }
        guard let ctx else { throw .unsupported("\(type.rawValue) needs a newer OpenSSL than \(version)") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw .unsupported("\(type.rawValue) key generation") }
        if type == .secp256k1 {
            guard EVP_PKEY_CTX_set_group_name(ctx, "secp256k1") == 1 else { throw .unsupported("secp256k1") }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw .unsupported("\(type.rawValue) key generation") }
        defer { EVP_PKEY_free(key) }
        return try pkcs8(key)
    }

    /// Any private key encoding libcrypto reads (PKCS#8, SEC1, PKCS#1 DER): its type and its PKCS#8 form.
    static func importPrivateKey(_ der: Data) throws(AsymmetricFailure) -> (AsymmetricKeyType, Data) {
        let key: OpaquePointer? = der.withUnsafeBytes { raw in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer($0) }
            return d2i_AutoPrivateKey(nil, &p, raw.count)
        }
        guard let key else {
            ERR_clear_error()
            throw .invalidKey
        }
        defer { EVP_PKEY_free(key) }
        let type: AsymmetricKeyType
        if EVP_PKEY_is_a(key, "RSA") == 1 {
            switch EVP_PKEY_get_bits(key) {
            case 2048: type = .rsa2048
            case 3072: type = .rsa3072
            case 4096: type = .rsa4096
            default: throw .unsupported("RSA keys of \(EVP_PKEY_get_bits(key)) bits")
            }
        } else if EVP_PKEY_is_a(key, "ED25519") == 1 {
            type = .ed25519
        } else if EVP_PKEY_is_a(key, "SM2") == 1 {
            type = .sm2
        } else if EVP_PKEY_is_a(key, "EC") == 1 {
            switch groupName(key) {
            case "prime256v1", "P-256": type = .p256
            case "secp384r1", "P-384": type = .p384
            case "secp521r1", "P-521": type = .p521
            case "secp256k1": type = .secp256k1
            case "SM2": type = .sm2
            case let other: throw .unsupported("EC keys on \(other ?? "an unnamed curve")")
            }
        } else {
            throw .unsupported("this private key type")
        }
        return (type, try pkcs8(key))
    }

    static func pkcs8(_ key: OpaquePointer) throws(AsymmetricFailure) -> Data {
        guard let info = EVP_PKEY2PKCS8(key) else { throw .invalidKey }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, &out)
        guard length > 0, let out else { throw .invalidKey }
        defer { CRYPTO_free(out, #file, #line) }
        return Data(bytes: out, count: Int(length))
    }

    /// Parses a PKCS#8 private key and checks it is of the expected type (SM2 keys are EC keys on the SM2 curve).
    static func privateKey(_ der: Data, _ type: AsymmetricKeyType) throws(AsymmetricFailure) -> OpaquePointer {
        let key: OpaquePointer? = der.withUnsafeBytes { raw in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer($0) }
            return d2i_AutoPrivateKey(nil, &p, raw.count)
        }
        guard let key else { throw .invalidKey }
        guard matches(key, type) else {
            EVP_PKEY_free(key)
            throw .invalidKey
        }
        return key
    }

    static func publicKey(_ der: Data, _ type: AsymmetricKeyType) -> OpaquePointer? {
        let key: OpaquePointer? = der.withUnsafeBytes { raw in
            var p = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer($0) }
            return d2i_PUBKEY(nil, &p, raw.count)
        }
        guard let key else { return nil }
        guard matches(key, type) else {
            EVP_PKEY_free(key)
            return nil
        }
        return key
    }

    private static func matches(_ key: OpaquePointer, _ type: AsymmetricKeyType) -> Bool {
        switch type {
        case .secp256k1: return EVP_PKEY_is_a(key, "EC") == 1 && groupName(key) == "secp256k1"
        case .sm2: return EVP_PKEY_is_a(key, "SM2") == 1 || groupName(key) == "SM2"
        case .ed25519: return EVP_PKEY_is_a(key, "ED25519") == 1
        case .rsa2048, .rsa3072, .rsa4096: return EVP_PKEY_is_a(key, "RSA") == 1 && Int(EVP_PKEY_get_bits(key)) == type.rsaBits
        default: return false
        }
    }

    private static func groupName(_ key: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, &buffer, buffer.count, &length) == 1 else {
            return nil
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func publicKeyDER(_ type: AsymmetricKeyType, privateKey der: Data) throws(AsymmetricFailure) -> Data {
        let key = try privateKey(der, type)
        defer { EVP_PKEY_free(key) }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &out)
        guard length > 0, let out else { throw .invalidKey }
        defer { CRYPTO_free(out, #file, #line) }
        return Data(bytes: out, count: Int(length))
    }

    // MARK: Signatures

    private static func digestName(_ h: HashFunction) -> String {
        switch h {
        case .sha256: "SHA256"
        case .sha384: "SHA384"
        case .sha512: "SHA512"
        }
    }

    private static func hashOf(_ scheme: SignatureScheme) -> HashFunction? {
        switch scheme {
        case .rsaPSS(let h), .rsaPKCS1v15(let h), .ecdsa(let h): h
        default: nil
        }
    }

    /// Configures an RSA context's padding (PSS with salt length = digest length, as AWS KMS signs).
    private static func configureRSA(_ pctx: OpaquePointer, _ scheme: SignatureScheme) -> Bool {
        switch scheme {
        case .rsaPSS:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1
        case .rsaPKCS1v15:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1
        default:
            return true
        }
    }

    /// Signs a digest the caller computed (RSA, secp256k1, SM2's e).
    static func signDigest(
        _ type: AsymmetricKeyType, _ digest: Data, scheme: SignatureScheme, privateKey der: Data
    ) throws(AsymmetricFailure) -> Data {
        let key = try privateKey(der, type)
        defer { EVP_PKEY_free(key) }
        guard let pctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw .invalidKey }
        defer { EVP_PKEY_CTX_free(pctx) }
        guard EVP_PKEY_sign_init(pctx) == 1 else { throw .invalidKey }
        if let h = hashOf(scheme) {
            guard digest.count == h.byteCount else { throw .rejected }
            guard let md = EVP_MD_fetch(nil, digestName(h), nil) else { throw .unsupported(digestName(h)) }
            defer { EVP_MD_free(md) }
            guard configureRSA(pctx, scheme), EVP_PKEY_CTX_set_signature_md(pctx, md) == 1 else {
                throw .unsupported("\(scheme)")
            }
        } else if digest.count != 32 {
            throw .rejected
        }
        var length = 0
        guard
            digest.withUnsafeBytes({ EVP_PKEY_sign(pctx, nil, &length, $0.bindMemory(to: UInt8.self).baseAddress, $0.count) })
                == 1
        else { throw .invalidKey }
        var out = [UInt8](repeating: 0, count: length)
        guard
            digest.withUnsafeBytes({ EVP_PKEY_sign(pctx, &out, &length, $0.bindMemory(to: UInt8.self).baseAddress, $0.count) })
                == 1
        else { throw .invalidKey }
        return Data(out.prefix(length))
    }

    static func verifyDigest(
        _ type: AsymmetricKeyType, _ signature: Data, _ digest: Data, scheme: SignatureScheme, publicKeyDER der: Data
    ) -> Bool {
        guard let key = publicKey(der, type) else { return false }
        defer { EVP_PKEY_free(key) }
        guard let pctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { return false }
        defer { EVP_PKEY_CTX_free(pctx) }
        guard EVP_PKEY_verify_init(pctx) == 1 else { return false }
        if let h = hashOf(scheme) {
            guard digest.count == h.byteCount, let md = EVP_MD_fetch(nil, digestName(h), nil) else { return false }
            defer { EVP_MD_free(md) }
            guard configureRSA(pctx, scheme), EVP_PKEY_CTX_set_signature_md(pctx, md) == 1 else { return false }
        } else if digest.count != 32 {
            return false
        }
        let result = signature.withUnsafeBytes { s in
            digest.withUnsafeBytes { d in
                EVP_PKEY_verify(
                    pctx, s.bindMemory(to: UInt8.self).baseAddress, s.count, d.bindMemory(to: UInt8.self).baseAddress,
                    d.count)
            }
        }
        ERR_clear_error()
        return result == 1
    }

    /// A message signature with the digest-sign interface (secp256k1 ECDSA-SHA-256, SM2DSA with SM3 and the
    /// default ID), or a digest signature for the schemes that sign one.
    static func sign(
        _ type: AsymmetricKeyType, _ input: SignatureInput, scheme: SignatureScheme, privateKey der: Data
    ) throws(AsymmetricFailure) -> Data {
        if case .digest(let d) = input {
            guard type == .secp256k1 || type == .sm2 else { throw .unsupported("DIGEST with \(type.rawValue)") }
            return try signDigest(type, d, scheme: scheme, privateKey: der)
        }
        guard case .message(let message) = input else { throw .unsupported("\(input.kind) with \(type.rawValue)") }
        let key = try privateKey(der, type)
        defer { EVP_PKEY_free(key) }
        return try withDigestContext(type, key: key, scheme: scheme, signing: true) { mctx throws(AsymmetricFailure) in
            var length = 0
            guard
                message.withUnsafeBytes({
                    EVP_DigestSign(mctx, nil, &length, $0.bindMemory(to: UInt8.self).baseAddress, $0.count)
                }) == 1
            else { throw .invalidKey }
            var out = [UInt8](repeating: 0, count: length)
            guard
                message.withUnsafeBytes({
                    EVP_DigestSign(mctx, &out, &length, $0.bindMemory(to: UInt8.self).baseAddress, $0.count)
                }) == 1
            else { throw .invalidKey }
            return Data(out.prefix(length))
        }
    }

    static func verify(
        _ type: AsymmetricKeyType, _ signature: Data, _ input: SignatureInput, scheme: SignatureScheme, publicKeyDER der: Data
    ) -> Bool {
        if case .digest(let d) = input {
            return (type == .secp256k1 || type == .sm2) && verifyDigest(type, signature, d, scheme: scheme, publicKeyDER: der)
        }
        guard case .message(let message) = input, let key = publicKey(der, type) else { return false }
        defer { EVP_PKEY_free(key) }
        let result = try? withDigestContext(type, key: key, scheme: scheme, signing: false) { mctx throws(AsymmetricFailure) in
            signature.withUnsafeBytes { s in
                message.withUnsafeBytes { m in
                    EVP_DigestVerify(
                        mctx, s.bindMemory(to: UInt8.self).baseAddress, s.count, m.bindMemory(to: UInt8.self).baseAddress,
                        m.count)
                }
            }
        }
        ERR_clear_error()
        return result == 1
    }

    private static func withDigestContext<R>(
        _ type: AsymmetricKeyType, key: OpaquePointer, scheme: SignatureScheme, signing: Bool,
        _ body: (OpaquePointer) throws(AsymmetricFailure) -> R
    ) throws(AsymmetricFailure) -> R {
        guard let mctx = EVP_MD_CTX_new() else { throw .invalidKey }
        defer { EVP_MD_CTX_free(mctx) }
        let digest: String? =
            switch scheme {
            case .ecdsa(let h): digestName(h)
            case .sm2: "SM3"
            default: nil
            }
        var pctx: OpaquePointer?
        if type == .sm2 {
            // The distinguishing ID must be on the key context before the digest-sign initialisation.
            guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw .invalidKey }
            guard EVP_PKEY_CTX_set1_id(ctx, sm2ID, Int32(sm2ID.count)) == 1 else {
                EVP_PKEY_CTX_free(ctx)
                throw .unsupported("SM2 distinguishing ID")
            }
            EVP_MD_CTX_set_pkey_ctx(mctx, ctx)  // mctx owns it from here
            pctx = ctx
        }
        let initialised =
            signing
            ? EVP_DigestSignInit_ex(mctx, &pctx, digest, nil, nil, key, nil)
            : EVP_DigestVerifyInit_ex(mctx, &pctx, digest, nil, nil, key, nil)
        guard initialised == 1 else {
            ERR_clear_error()
            throw .unsupported("\(scheme) with \(type.rawValue) in \(version)")
        }
        return try body(mctx)
    }

    // MARK: SM2 encryption and key agreement

    static func sm2Encrypt(_ plaintext: Data, publicKeyDER der: Data) throws(AsymmetricFailure) -> Data {
        guard let key = publicKey(der, .sm2) else { throw .invalidKey }
        defer { EVP_PKEY_free(key) }
        guard let pctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw .invalidKey }
        defer { EVP_PKEY_CTX_free(pctx) }
        guard EVP_PKEY_encrypt_init(pctx) == 1 else { throw .invalidKey }
        return try crypt(pctx, plaintext, EVP_PKEY_encrypt)
    }

    static func sm2Decrypt(_ ciphertext: Data, privateKey der: Data) throws(AsymmetricFailure) -> SecretBytes {
        let key = try privateKey(der, .sm2)
        defer { EVP_PKEY_free(key) }
        guard let pctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw .invalidKey }
        defer { EVP_PKEY_CTX_free(pctx) }
        guard EVP_PKEY_decrypt_init(pctx) == 1 else { throw .invalidKey }
        return SecretBytes(try crypt(pctx, ciphertext, EVP_PKEY_decrypt))
    }

    private static func crypt(
        _ pctx: OpaquePointer, _ input: Data,
        _ function: (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?, UnsafePointer<UInt8>?, Int) ->
            Int32
    ) throws(AsymmetricFailure) -> Data {
        var length = 0
        guard input.withUnsafeBytes({ function(pctx, nil, &length, $0.bindMemory(to: UInt8.self).baseAddress, $0.count) }) == 1
        else {
            ERR_clear_error()
            throw .rejected
        }
        var out = [UInt8](repeating: 0, count: length)
        guard input.withUnsafeBytes({ function(pctx, &out, &length, $0.bindMemory(to: UInt8.self).baseAddress, $0.count) }) == 1
        else {
            ERR_clear_error()
            throw .rejected
        }
        return Data(out.prefix(length))
    }

    /// Plain ECDH on the SM2 curve (the x coordinate of d·Q), as AWS's ECDH with SM2 keys. libcrypto's SM2
    /// key type has no derive and refuses to be re-imported as EC, so this uses the EC point API directly.
    static func ecdh(_ type: AsymmetricKeyType, peerDER: Data, privateKey der: Data) throws(AsymmetricFailure) -> SecretBytes {
        guard type == .sm2 else { throw .unsupported("key agreement with \(type.rawValue) through libcrypto") }
        let key = try privateKey(der, type)
        defer { EVP_PKEY_free(key) }
        guard let peer = publicKey(peerDER, type) else { throw .rejected }
        defer { EVP_PKEY_free(peer) }
        var scalar: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &scalar) == 1, let scalar else { throw .invalidKey }
        defer { BN_clear_free(scalar) }
        var encoded = [UInt8](repeating: 0, count: 133)
        var encodedLength = 0
        guard EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, &encoded, encoded.count, &encodedLength) == 1,
            let group = EC_GROUP_new_by_curve_name(NID_sm2)
        else { throw .rejected }
        defer { EC_GROUP_free(group) }
        guard let point = EC_POINT_new(group), let product = EC_POINT_new(group), let x = BN_new() else { throw .invalidKey }
        defer {
            EC_POINT_free(point)
            EC_POINT_clear_free(product)
            BN_clear_free(x)
        }
        guard EC_POINT_oct2point(group, point, encoded, encodedLength, nil) == 1,
            EC_POINT_mul(group, product, nil, point, scalar, nil) == 1, EC_POINT_is_at_infinity(group, product) == 0,
            EC_POINT_get_affine_coordinates(group, product, x, nil, nil) == 1
        else {
            ERR_clear_error()
            throw .rejected
        }
        var secret = [UInt8](repeating: 0, count: 32)
        guard BN_bn2binpad(x, &secret, 32) == 32 else { throw .rejected }
        return SecretBytes(Data(secret))
    }

    // MARK: AES key wrap with padding (RFC 5649), for RSA_AES_KEY_WRAP imports

    static func aesKeyUnwrapWithPadding(key: Data, wrapped: Data) throws(AsymmetricFailure) -> Data {
        let name: String
        switch key.count {
        case 16: name = "AES-128-WRAP-PAD"
        case 24: name = "AES-192-WRAP-PAD"
        case 32: name = "AES-256-WRAP-PAD"
        default: throw .rejected
        }
        guard wrapped.count >= 16, wrapped.count % 8 == 0, let cipher = EVP_CIPHER_fetch(nil, name, nil) else {
            throw .rejected
        }
        defer { EVP_CIPHER_free(cipher) }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .rejected }
        defer { EVP_CIPHER_CTX_free(ctx) }
        EVP_CIPHER_CTX_set_flags(ctx, Int32(EVP_CIPHER_CTX_FLAG_WRAP_ALLOW))
        var out = [UInt8](repeating: 0, count: wrapped.count + 16)
        var length: Int32 = 0
        var final: Int32 = 0
        let keyBytes = Array(key), input = Array(wrapped)
        guard EVP_DecryptInit_ex2(ctx, cipher, keyBytes, nil, nil) == 1,
            EVP_DecryptUpdate(ctx, &out, &length, input, Int32(input.count)) == 1
        else {
            ERR_clear_error()
            throw .rejected
        }
        let ok = out.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress! + Int(length), &final) }
        guard ok == 1 else {
            ERR_clear_error()
            throw .rejected
        }
        return Data(out.prefix(Int(length + final)))
    }

    // MARK: HMAC-SHA-224

    static func hmacSHA224(key: Data, message: Data) -> Data {
        var out = [UInt8](repeating: 0, count: 28)
        var length = 0
        let ok = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                EVP_Q_mac(
                    nil, "HMAC", nil, "SHA224", nil, k.baseAddress, k.count, m.bindMemory(to: UInt8.self).baseAddress,
                    m.count, &out, out.count, &length)
            }
        }
        precondition(ok != nil && length == 28, "HMAC-SHA-224 is always available in libcrypto")
        return Data(out)
    }

    // MARK: SHAKE (FIPS 202), for ML-DSA verification over a caller's μ

    /// The first `count` bytes of SHAKE128 (`bits` 128) or SHAKE256 (`bits` 256) over the parts, concatenated.
    static func shake(_ bits: Int, _ parts: [UInt8]..., count: Int) -> [UInt8] {
        let ctx = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: count)
        var ok = EVP_DigestInit_ex(ctx, bits == 128 ? EVP_shake128() : EVP_shake256(), nil) == 1
        for part in parts { ok = ok && EVP_DigestUpdate(ctx, part, part.count) == 1 }
        ok = ok && EVP_DigestFinalXOF(ctx, &out, count) == 1
        precondition(ok, "SHAKE is always available in libcrypto")
        return out
    }
}
