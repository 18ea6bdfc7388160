import TrentCore
import TrentCrypto

extension KeySpec {
    /// The TrentCrypto key pair type behind an asymmetric spec.
    var keyPairType: AsymmetricKeyType? {
        switch self {
        case .rsa2048: .rsa2048
        case .rsa3072: .rsa3072
        case .rsa4096: .rsa4096
        case .eccNISTP256: .p256
        case .eccNISTP384: .p384
        case .eccNISTP521: .p521
        case .eccSECGP256K1: .secp256k1
        case .eccNISTEdwards25519: .ed25519
        case .sm2: .sm2
        case .mlDSA44: .mlDSA44
        case .mlDSA65: .mlDSA65
        case .mlDSA87: .mlDSA87
        case .symmetricDefault, .hmac224, .hmac256, .hmac384, .hmac512: nil
        }
    }

    var macAlgorithm: MACAlgorithm? {
        switch self {
        case .hmac224: .hmacSHA224
        case .hmac256: .hmacSHA256
        case .hmac384: .hmacSHA384
        case .hmac512: .hmacSHA512
        default: nil
        }
    }
}

extension SigningAlgorithm {
    var scheme: SignatureScheme {
        switch self {
        case .rsassaPSSSHA256: .rsaPSS(.sha256)
        case .rsassaPSSSHA384: .rsaPSS(.sha384)
        case .rsassaPSSSHA512: .rsaPSS(.sha512)
        case .rsassaPKCS1v15SHA256: .rsaPKCS1v15(.sha256)
        case .rsassaPKCS1v15SHA384: .rsaPKCS1v15(.sha384)
        case .rsassaPKCS1v15SHA512: .rsaPKCS1v15(.sha512)
        case .ecdsaSHA256: .ecdsa(.sha256)
        case .ecdsaSHA384: .ecdsa(.sha384)
        case .ecdsaSHA512: .ecdsa(.sha512)
        case .sm2DSA: .sm2
        case .mlDSASHAKE256: .mlDSA
        case .ed25519SHA512: .ed25519
        case .ed25519PHSHA512: .ed25519ph
        }
    }

    /// The digest length a `MessageType: DIGEST` request must carry, or nil where DIGEST is not allowed.
    var digestLength: Int? {
        switch self {
        case .rsassaPSSSHA256, .rsassaPKCS1v15SHA256, .ecdsaSHA256, .sm2DSA: 32
        case .rsassaPSSSHA384, .rsassaPKCS1v15SHA384, .ecdsaSHA384: 48
        case .rsassaPSSSHA512, .rsassaPKCS1v15SHA512, .ecdsaSHA512, .ed25519PHSHA512: 64
        case .ed25519SHA512, .mlDSASHAKE256: nil
        }
    }
}

extension EncryptionAlgorithm {
    var rsaPadding: RSAPadding? {
        switch self {
        case .rsaesOAEPSHA1: .oaepSHA1
        case .rsaesOAEPSHA256: .oaepSHA256
        default: nil
        }
    }
}
