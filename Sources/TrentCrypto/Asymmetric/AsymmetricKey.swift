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
    /// The swift-crypto key, parsed once (nil for the types libcrypto handles from the encoding).
    private let parsed: Parsed?
    private let spki: Data

    private enum Parsed: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey), p384(P384.Signing.PrivateKey), p521(P521.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case mlDSA65(MLDSA65.PrivateKey), mlDSA87(MLDSA87.PrivateKey)
    }

    /// Parses the encoding once, so a bad one fails here and not in the middle of a request, and signing does
    /// not parse again.
    public init(type: AsymmetricKeyType, encoded: SecretBytes) throws(AsymmetricFailure) {
        self.type = type
        self.encoded = encoded
        do {
            let bytes = encoded.bytes
            switch type {
            case .rsa2048, .rsa3072, .rsa4096:
                let key = try _RSA.Signing.PrivateKey(derRepresentation: bytes)
                guard key.keySizeInBits == type.rsaBits else { throw AsymmetricFailure.invalidKey }
                (parsed, spki) = (.rsa(key), key.publicKey.derRepresentation)
            case .p256:
                let key = try P256.Signing.PrivateKey(derRepresentation: bytes)
                (parsed, spki) = (.p256(key), key.publicKey.derRepresentation)
            case .p384:
                let key = try P384.Signing.PrivateKey(derRepresentation: bytes)
                (parsed, spki) = (.p384(key), key.publicKey.derRepresentation)
            case .p521:
                let key = try P521.Signing.PrivateKey(derRepresentation: bytes)
                (parsed, spki) = (.p521(key), key.publicKey.derRepresentation)
            case .ed25519:
                let key = try Self.ed25519(bytes)
                (parsed, spki) = (.ed25519(key), DER.spki(oid: OID.ed25519, publicKey: Array(key.publicKey.rawRepresentation)))
            case .mlDSA65:
                let key = try MLDSA65.PrivateKey(seedRepresentation: bytes, publicKey: nil)
                (parsed, spki) = (.mlDSA65(key), DER.spki(oid: OID.mlDSA65, publicKey: Array(key.publicKey.rawRepresentation)))
            case .mlDSA87:
                let key = try MLDSA87.PrivateKey(seedRepresentation: bytes, publicKey: nil)
                (parsed, spki) = (.mlDSA87(key), DER.spki(oid: OID.mlDSA87, publicKey: Array(key.publicKey.rawRepresentation)))
            case .mlDSA44:
                (parsed, spki) = (nil, DER.spki(oid: OID.mlDSA44, publicKey: try MLDSA.publicKey(type, seed: bytes)))
            case .secp256k1, .sm2:
                (parsed, spki) = (nil, try LibCrypto.publicKeyDER(type, privateKey: bytes))
            }
        } catch let failure as AsymmetricFailure {
            throw failure
        } catch {
            throw .invalidKey
        }
    }

    /// A private key from PEM (PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`), its
    /// type read from the key itself.
    public static func importing(pem: String) throws(AsymmetricFailure) -> AsymmetricPrivateKey {
        let body = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-----") }.joined()
        guard pem.contains("-----BEGIN"), let der = Data(base64Encoded: body) else { throw .invalidKey }
        let (type, pkcs8) = try LibCrypto.importPrivateKey(der)
        return try AsymmetricPrivateKey(type: type, encoded: SecretBytes(pkcs8))
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
            case .mlDSA44: encoded = MLDSA.generateSeed()
            case .secp256k1, .sm2:
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
    public func publicKeyDER() throws(AsymmetricFailure) -> Data { spki }

    public var publicKey: AsymmetricPublicKey {
        get throws(AsymmetricFailure) { try AsymmetricPublicKey(type: type, der: publicKeyDER()) }
    }

    private static func ed25519(_ pkcs8: Data) throws -> Curve25519.Signing.PrivateKey {
        var reader = DER.Reader(Array(pkcs8))
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
            switch (parsed, scheme, input) {
            case (.rsa(let key), .rsaPSS(let h), .message(let m)): return try Self.rsaSign(key, m, h, .PSS)
            case (.rsa(let key), .rsaPKCS1v15(let h), .message(let m)): return try Self.rsaSign(key, m, h, .insecurePKCS1v1_5)
            case (.rsa, .rsaPSS, .digest(let d)), (.rsa, .rsaPKCS1v15, .digest(let d)):
                return try LibCrypto.signDigest(type, d, scheme: scheme, privateKey: encoded.bytes)
            case (.p256(let key), .ecdsa(.sha256), _):
                return try key.signature(for: Self.digest(input, .sha256)).derRepresentation
            case (.p384(let key), .ecdsa(.sha384), _):
                return try key.signature(for: Self.digest(input, .sha384)).derRepresentation
            case (.p521(let key), .ecdsa(.sha512), _):
                return try key.signature(for: Self.digest(input, .sha512)).derRepresentation
            case (.ed25519(let key), .ed25519, .message(let m)):
                return try key.signature(for: m)
            case (.ed25519(let key), .ed25519ph, .message(let m)):
                return try Sodium.ed25519phSign(m, seed: key.rawRepresentation)
            case (.mlDSA65(let key), .mlDSA, .message(let m)):
                return try key.signature(for: m)
            case (.mlDSA87(let key), .mlDSA, .message(let m)):
                return try key.signature(for: m)
            case (nil, .mlDSA, .message) where type == .mlDSA44, (_, .mlDSA, .externalMu):
                return try MLDSA.sign(type, seed: encoded.bytes, input)
            case (nil, .ecdsa(.sha256), _) where type == .secp256k1, (nil, .sm2, _) where type == .sm2:
                return try LibCrypto.sign(type, input, scheme: scheme, privateKey: encoded.bytes)
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

    /// RSA_AES_KEY_WRAP unwrapping (as KMS imports use it): the first modulus-length bytes are an RSAES-OAEP
    /// encrypted ephemeral AES key, the rest the material wrapped under it with AES key wrap with padding.
    public func unwrapRSAAESKeyWrap(_ wrapped: Data, padding: RSAPadding) throws(AsymmetricFailure) -> SecretBytes {
        guard let bits = type.rsaBits, wrapped.count > bits / 8 else { throw .rejected }
        let aesKey = try decrypt(wrapped.prefix(bits / 8), padding: padding)
        return SecretBytes(try LibCrypto.aesKeyUnwrapWithPadding(key: aesKey.bytes, wrapped: Data(wrapped.dropFirst(bits / 8))))
    }

    /// ECDH with a peer's SubjectPublicKeyInfo: the raw shared secret (the x coordinate), as AWS returns it.
    public func sharedSecret(withPeer peerDER: Data) throws(AsymmetricFailure) -> SecretBytes {
        // Only a named curve, and only this key's: explicit curve parameters (a classic way to smuggle in a
        // point of another group, or a mislabelled one) are refused before any arithmetic.
        let named: [UInt8]? =
            switch type {
            case .p256: OID.prime256v1Parameters
            case .p384: OID.secp384r1Parameters
            case .p521: OID.secp521r1Parameters
            default: nil
            }
        if let named {
            guard let spki = DER.parseSPKI(peerDER), spki.oid == OID.ecPublicKey, spki.parameters == named else {
                throw .rejected
            }
        }
        do {
            let secret: SharedSecret
            switch parsed {
            case .p256(let key):
                let peer = try P256.KeyAgreement.PublicKey(derRepresentation: peerDER)
                secret = try P256.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
                    .sharedSecretFromKeyAgreement(with: peer)
            case .p384(let key):
                let peer = try P384.KeyAgreement.PublicKey(derRepresentation: peerDER)
                secret = try P384.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
                    .sharedSecretFromKeyAgreement(with: peer)
            case .p521(let key):
                let peer = try P521.KeyAgreement.PublicKey(derRepresentation: peerDER)
                secret = try P521.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
                    .sharedSecretFromKeyAgreement(with: peer)
            case nil where type == .sm2:
                return try LibCrypto.ecdh(.sm2, peerDER: peerDER, privateKey: encoded.bytes)
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
