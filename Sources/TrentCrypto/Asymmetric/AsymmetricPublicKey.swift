import Crypto
import Foundation
import _CryptoExtras

/// A public key as its DER SubjectPublicKeyInfo, for verification and encryption.
public struct AsymmetricPublicKey: Sendable {
    public let type: AsymmetricKeyType
    public let der: Data

    public init(type: AsymmetricKeyType, der: Data) {
        self.type = type
        self.der = der
    }

    public func isValidSignature(_ signature: Data, for input: SignatureInput, scheme: SignatureScheme) -> Bool {
        do {
            switch (type, scheme, input) {
            case (.rsa2048, _, .message(let m)), (.rsa3072, _, .message(let m)), (.rsa4096, _, .message(let m)):
                let key = try _RSA.Signing.PublicKey(derRepresentation: der)
                let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
                switch scheme {
                case .rsaPSS(let h): return Self.rsaVerify(key, sig, m, h, .PSS)
                case .rsaPKCS1v15(let h): return Self.rsaVerify(key, sig, m, h, .insecurePKCS1v1_5)
                default: return false
                }
            case (.rsa2048, _, .digest(let d)), (.rsa3072, _, .digest(let d)), (.rsa4096, _, .digest(let d)):
                return LibCrypto.verifyDigest(type, signature, d, scheme: scheme, publicKeyDER: der)
            case (.p256, .ecdsa(.sha256), _):
                let sig = try P256.Signing.ECDSASignature(derRepresentation: signature)
                return try P256.Signing.PublicKey(derRepresentation: der).isValidSignature(
                    sig, for: AsymmetricPrivateKey.digest(input, .sha256))
            case (.p384, .ecdsa(.sha384), _):
                let sig = try P384.Signing.ECDSASignature(derRepresentation: signature)
                return try P384.Signing.PublicKey(derRepresentation: der).isValidSignature(
                    sig, for: AsymmetricPrivateKey.digest(input, .sha384))
            case (.p521, .ecdsa(.sha512), _):
                let sig = try P521.Signing.ECDSASignature(derRepresentation: signature)
                return try P521.Signing.PublicKey(derRepresentation: der).isValidSignature(
                    sig, for: AsymmetricPrivateKey.digest(input, .sha512))
            case (.ed25519, .ed25519, .message(let m)):
                guard let parsed = DER.parseSPKI(der), parsed.oid == OID.ed25519 else { return false }
                return try Curve25519.Signing.PublicKey(rawRepresentation: parsed.key).isValidSignature(signature, for: m)
            case (.ed25519, .ed25519ph, .message(let m)):
                guard let parsed = DER.parseSPKI(der), parsed.oid == OID.ed25519 else { return false }
                return Sodium.ed25519phVerify(signature, message: m, publicKey: parsed.key)
            case (.mlDSA65, .mlDSA, .message(let m)):
                guard let parsed = DER.parseSPKI(der), parsed.oid == OID.mlDSA65 else { return false }
                return try MLDSA65.PublicKey(rawRepresentation: parsed.key).isValidSignature(signature, for: m)
            case (.mlDSA87, .mlDSA, .message(let m)):
                guard let parsed = DER.parseSPKI(der), parsed.oid == OID.mlDSA87 else { return false }
                return try MLDSA87.PublicKey(rawRepresentation: parsed.key).isValidSignature(signature, for: m)
            case (.mlDSA44, .mlDSA, .message(let m)):
                guard let parsed = DER.parseSPKI(der), parsed.oid == OID.mlDSA44 else { return false }
                return MLDSA.verify(type, publicKey: parsed.key, signature: signature, message: m)
            case (.mlDSA44, .mlDSA, .externalMu(let mu)), (.mlDSA65, .mlDSA, .externalMu(let mu)),
                (.mlDSA87, .mlDSA, .externalMu(let mu)):
                guard let parsed = DER.parseSPKI(der), parsed.oid == MLDSA.oid(type) else { return false }
                return MLDSAMuVerifier.isValid(type, publicKey: parsed.key, signature: Array(signature), mu: Array(mu))
            case (.secp256k1, .ecdsa(.sha256), _), (.sm2, .sm2, _):
                return LibCrypto.verify(type, signature, input, scheme: scheme, publicKeyDER: der)
            default:
                return false
            }
        } catch {
            return false
        }
    }

    private static func rsaVerify(
        _ key: _RSA.Signing.PublicKey, _ sig: _RSA.Signing.RSASignature, _ m: Data, _ h: HashFunction,
        _ padding: _RSA.Signing.Padding
    ) -> Bool {
        switch h {
        case .sha256: key.isValidSignature(sig, for: SHA256.hash(data: m), padding: padding)
        case .sha384: key.isValidSignature(sig, for: SHA384.hash(data: m), padding: padding)
        case .sha512: key.isValidSignature(sig, for: SHA512.hash(data: m), padding: padding)
        }
    }

    public func encrypt(_ plaintext: Data, padding: RSAPadding) throws(AsymmetricFailure) -> Data {
        if type == .sm2 { return try LibCrypto.sm2Encrypt(plaintext, publicKeyDER: der) }
        guard type.rsaBits != nil else { throw .unsupported("encryption with \(type.rawValue)") }
        do {
            let key = try _RSA.Encryption.PublicKey(derRepresentation: der)
            return try key.encrypt(plaintext, padding: padding == .oaepSHA1 ? .PKCS1_OAEP : .PKCS1_OAEP_SHA256)
        } catch {
            throw .rejected
        }
    }

    /// The largest plaintext RSAES-OAEP takes with this key and padding (RFC 8017: k − 2·hLen − 2).
    public func maximumPlaintext(padding: RSAPadding) -> Int? {
        guard let bits = type.rsaBits else { return nil }
        let hashLength = padding == .oaepSHA1 ? 20 : 32
        return bits / 8 - 2 * hashLength - 2
    }
}
