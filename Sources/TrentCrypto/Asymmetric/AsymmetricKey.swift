import Crypto
import Foundation
import _CryptoExtras

/// Key pair types. Each is backed by swift-crypto where it offers the algorithm, else by libcrypto.
public enum AsymmetricKeyType: String, Sendable, CaseIterable {
    case rsa2048, rsa3072, rsa4096, p256, p384, p521, secp256k1, ed25519, sm2, mlDSA44, mlDSA65, mlDSA87

    var rsaBits: Int? {
        switch self {
        case .rsa2048: 2048
        case .rsa3072: 3072
        case .rsa4096: 4096
        default: nil
        }
    }
}

public enum SignatureScheme: Sendable, Hashable {
    case rsaPSS(HashFunction), rsaPKCS1v15(HashFunction), ecdsa(HashFunction), ed25519, ed25519ph, sm2, mlDSA
}

/// What is signed: the message itself, its digest computed by the caller, or (ML-DSA) the caller's μ.
public enum SignatureInput: Sendable {
    case message(Data), digest(Data), externalMu(Data)
}

public enum RSAPadding: Sendable { case oaepSHA1, oaepSHA256 }

public enum AsymmetricFailure: Error, Equatable, Sendable {
    /// The algorithm or input kind is not available for this key type in this build.
    case unsupported(String)
    /// Stored or supplied key bytes do not parse as a key of the expected type.
    case invalidKey
    /// A ciphertext that does not decrypt, or a peer key on another curve.
    case rejected
}

/// A private key: its type and its encoding (PKCS#8 DER; for ML-DSA the 32-byte seed FIPS 204 keys derive
/// from). The encoding is what is sealed at rest and what GenerateDataKeyPair returns.
public struct AsymmetricPrivateKey: Sendable {
    public let type: AsymmetricKeyType
    public let encoded: SecretBytes

    public init(type: AsymmetricKeyType, encoded: SecretBytes) throws(AsymmetricFailure) {
        self.type = type
        self.encoded = encoded
        _ = try publicKeyDER()  // parses, so a bad encoding fails here and not in the middle of a request
    }

    /// A new key pair from the system's secure random source.
    public static func generate(_ type: AsymmetricKeyType) throws(AsymmetricFailure) -> AsymmetricPrivateKey {
        let encoded: Data
        do {
            switch type {
            case .rsa2048, .rsa3072, .rsa4096:
                encoded = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: type.rsaBits!)).pkcs8DERRepresentation
            case .p256: encoded = P256.Signing.PrivateKey().derRepresentation
            case .p384: encoded = P384.Signing.PrivateKey().derRepresentation
            case .p521: encoded = P521.Signing.PrivateKey().derRepresentation
            case .ed25519:
                encoded = DER.pkcs8(
                    oid: OID.ed25519,
                    privateKey: DER.octetString(Array(Curve25519.Signing.PrivateKey().rawRepresentation)))
            case .mlDSA65: encoded = try MLDSA65.PrivateKey().seedRepresentation
            case .mlDSA87: encoded = try MLDSA87.PrivateKey().seedRepresentation
            case .secp256k1, .sm2, .mlDSA44:
                encoded = try LibCrypto.generate(type)
            }
        } catch let failure as AsymmetricFailure {
            throw failure
        } catch {
            throw .invalidKey
        }
        return try AsymmetricPrivateKey(type: type, encoded: SecretBytes(encoded))
    }

    /// The DER SubjectPublicKeyInfo, as GetPublicKey returns it.
    public func publicKeyDER() throws(AsymmetricFailure) -> Data {
        do {
            let bytes = encoded.bytes
            switch type {
            case .rsa2048, .rsa3072, .rsa4096:
                let key = try _RSA.Signing.PrivateKey(derRepresentation: bytes)
                guard key.keySizeInBits == type.rsaBits else { throw AsymmetricFailure.invalidKey }
                return key.publicKey.derRepresentation
            case .p256: return try P256.Signing.PrivateKey(derRepresentation: bytes).publicKey.derRepresentation
            case .p384: return try P384.Signing.PrivateKey(derRepresentation: bytes).publicKey.derRepresentation
            case .p521: return try P521.Signing.PrivateKey(derRepresentation: bytes).publicKey.derRepresentation
            case .ed25519:
                return DER.spki(oid: OID.ed25519, publicKey: Array(try ed25519().publicKey.rawRepresentation))
            case .mlDSA65:
                let key = try MLDSA65.PrivateKey(seedRepresentation: bytes, publicKey: nil)
                return DER.spki(oid: OID.mlDSA65, publicKey: Array(key.publicKey.rawRepresentation))
            case .mlDSA87:
                let key = try MLDSA87.PrivateKey(seedRepresentation: bytes, publicKey: nil)
                return DER.spki(oid: OID.mlDSA87, publicKey: Array(key.publicKey.rawRepresentation))
            case .secp256k1, .sm2, .mlDSA44:
                return try LibCrypto.publicKeyDER(type, privateKey: bytes)
            }
        } catch let failure as AsymmetricFailure {
            throw failure
        } catch {
            throw .invalidKey
        }
    }

    public var publicKey: AsymmetricPublicKey {
        get throws(AsymmetricFailure) { try AsymmetricPublicKey(type: type, der: publicKeyDER()) }
    }

    private func ed25519() throws -> Curve25519.Signing.PrivateKey {
        var reader = DER.Reader(Array(encoded.bytes))
        guard let info = reader.read(0x30) else { throw AsymmetricFailure.invalidKey }
        var fields = DER.Reader(info)
        guard fields.read(0x02) != nil, let algorithm = fields.read(0x30), let wrapped = fields.read(0x04) else {
            throw AsymmetricFailure.invalidKey
        }
        var alg = DER.Reader(algorithm)
        var inner = DER.Reader(wrapped)
        guard alg.read(0x06) == OID.ed25519, let seed = inner.read(0x04), seed.count == 32 else {
            throw AsymmetricFailure.invalidKey
        }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    // MARK: Signatures

    public func sign(_ input: SignatureInput, scheme: SignatureScheme) throws(AsymmetricFailure) -> Data {
        do {
            let bytes = encoded.bytes
            switch (type, scheme, input) {
            case (.rsa2048, _, .message(let m)), (.rsa3072, _, .message(let m)), (.rsa4096, _, .message(let m)):
                let key = try _RSA.Signing.PrivateKey(derRepresentation: bytes)
                switch scheme {
                case .rsaPSS(let h): return try Self.rsaSign(key, m, h, .PSS)
                case .rsaPKCS1v15(let h): return try Self.rsaSign(key, m, h, .insecurePKCS1v1_5)
                default: throw AsymmetricFailure.unsupported("\(scheme) with RSA")
                }
            case (.rsa2048, _, .digest(let d)), (.rsa3072, _, .digest(let d)), (.rsa4096, _, .digest(let d)):
                return try LibCrypto.signDigest(type, d, scheme: scheme, privateKey: bytes)
            case (.p256, .ecdsa(.sha256), _):
                let key = try P256.Signing.PrivateKey(derRepresentation: bytes)
                return try key.signature(for: Self.digest(input, .sha256)).derRepresentation
            case (.p384, .ecdsa(.sha384), _):
                let key = try P384.Signing.PrivateKey(derRepresentation: bytes)
                return try key.signature(for: Self.digest(input, .sha384)).derRepresentation
            case (.p521, .ecdsa(.sha512), _):
                let key = try P521.Signing.PrivateKey(derRepresentation: bytes)
                return try key.signature(for: Self.digest(input, .sha512)).derRepresentation
            case (.ed25519, .ed25519, .message(let m)):
                return try ed25519().signature(for: m)
            case (.ed25519, .ed25519ph, .message(let m)):
                return try Sodium.ed25519phSign(m, seed: ed25519().rawRepresentation)
            case (.mlDSA65, .mlDSA, .message(let m)):
                return try MLDSA65.PrivateKey(seedRepresentation: bytes, publicKey: nil).signature(for: m)
            case (.mlDSA87, .mlDSA, .message(let m)):
                return try MLDSA87.PrivateKey(seedRepresentation: bytes, publicKey: nil).signature(for: m)
            case (.secp256k1, .ecdsa(.sha256), _), (.sm2, .sm2, _), (.mlDSA44, .mlDSA, _):
                return try LibCrypto.sign(type, input, scheme: scheme, privateKey: bytes)
            default:
                throw AsymmetricFailure.unsupported("\(scheme) with \(type.rawValue) over \(input.kind)")
            }
        } catch let failure as AsymmetricFailure {
            throw failure
        } catch {
            throw .invalidKey
        }
    }

    private static func rsaSign(
        _ key: _RSA.Signing.PrivateKey, _ message: Data, _ hash: HashFunction, _ padding: _RSA.Signing.Padding
    ) throws -> Data {
        switch hash {
        case .sha256: try key.signature(for: SHA256.hash(data: message), padding: padding).rawRepresentation
        case .sha384: try key.signature(for: SHA384.hash(data: message), padding: padding).rawRepresentation
        case .sha512: try key.signature(for: SHA512.hash(data: message), padding: padding).rawRepresentation
        }
    }

    static func digest(_ input: SignatureInput, _ hash: HashFunction) throws -> PrecomputedDigest {
        switch input {
        case .message(let m): return PrecomputedDigest(bytes: Array(hash.hash(m)))
        case .digest(let d):
            guard d.count == hash.byteCount else { throw AsymmetricFailure.rejected }
            return PrecomputedDigest(bytes: Array(d))
        case .externalMu: throw AsymmetricFailure.unsupported("external mu outside ML-DSA")
        }
    }

    // MARK: Encryption and key agreement

    public func decrypt(_ ciphertext: Data, padding: RSAPadding) throws(AsymmetricFailure) -> SecretBytes {
        guard type.rsaBits != nil else {
            if type == .sm2 { return try LibCrypto.sm2Decrypt(ciphertext, privateKey: encoded.bytes) }
            throw .unsupported("decryption with \(type.rawValue)")
        }
        let key: _RSA.Encryption.PrivateKey
        do {
            key = try _RSA.Encryption.PrivateKey(derRepresentation: encoded.bytes)
        } catch {
            throw .invalidKey
        }
        do {
            return SecretBytes(try key.decrypt(ciphertext, padding: padding == .oaepSHA1 ? .PKCS1_OAEP : .PKCS1_OAEP_SHA256))
        } catch {
            throw .rejected
        }
    }

    /// ECDH with a peer's SubjectPublicKeyInfo: the raw shared secret (the x coordinate), as AWS returns it.
    public func sharedSecret(withPeer peerDER: Data) throws(AsymmetricFailure) -> SecretBytes {
        do {
            let bytes = encoded.bytes
            let secret: SharedSecret
            switch type {
            case .p256:
                let peer = try P256.KeyAgreement.PublicKey(derRepresentation: peerDER)
                secret = try P256.KeyAgreement.PrivateKey(derRepresentation: bytes).sharedSecretFromKeyAgreement(with: peer)
            case .p384:
                let peer = try P384.KeyAgreement.PublicKey(derRepresentation: peerDER)
                secret = try P384.KeyAgreement.PrivateKey(derRepresentation: bytes).sharedSecretFromKeyAgreement(with: peer)
            case .p521:
                let peer = try P521.KeyAgreement.PublicKey(derRepresentation: peerDER)
                secret = try P521.KeyAgreement.PrivateKey(derRepresentation: bytes).sharedSecretFromKeyAgreement(with: peer)
            case .sm2:
                return try LibCrypto.ecdh(.sm2, peerDER: peerDER, privateKey: bytes)
            default:
                throw AsymmetricFailure.unsupported("key agreement with \(type.rawValue)")
            }
            return SecretBytes(secret.withUnsafeBytes { Data($0) })
        } catch let failure as AsymmetricFailure {
            throw failure
        } catch {
            throw .rejected
        }
    }
}

extension SignatureInput {
    var kind: String {
        switch self {
        case .message: "RAW"
        case .digest: "DIGEST"
        case .externalMu: "EXTERNAL_MU"
        }
    }
}
