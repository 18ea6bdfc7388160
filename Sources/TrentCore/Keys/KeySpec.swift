public enum KeyUsage: String, Sendable, CaseIterable, Codable {
    case encryptDecrypt = "ENCRYPT_DECRYPT"
    case signVerify = "SIGN_VERIFY"
    case generateVerifyMac = "GENERATE_VERIFY_MAC"
    case keyAgreement = "KEY_AGREEMENT"
}

public enum KeyOrigin: String, Sendable, CaseIterable, Codable {
    case awsKMS = "AWS_KMS"
    case external = "EXTERNAL"
    case awsCloudHSM = "AWS_CLOUDHSM"
    case externalKeyStore = "EXTERNAL_KEY_STORE"
}

public enum KeyManager: String, Sendable, Codable {
    case aws = "AWS"
    case customer = "CUSTOMER"
}

/// Symmetric, asymmetric or HMAC: what UpdateAlias compares.
public enum KeyFamily: String, Sendable {
    case symmetric, asymmetric, hmac
}

public enum EncryptionAlgorithm: String, Sendable, CaseIterable, Codable {
    case symmetricDefault = "SYMMETRIC_DEFAULT"
    case rsaesOAEPSHA1 = "RSAES_OAEP_SHA_1"
    case rsaesOAEPSHA256 = "RSAES_OAEP_SHA_256"
    case sm2PKE = "SM2PKE"
}

public enum SigningAlgorithm: String, Sendable, CaseIterable, Codable {
    case rsassaPSSSHA256 = "RSASSA_PSS_SHA_256"
    case rsassaPSSSHA384 = "RSASSA_PSS_SHA_384"
    case rsassaPSSSHA512 = "RSASSA_PSS_SHA_512"
    case rsassaPKCS1v15SHA256 = "RSASSA_PKCS1_V1_5_SHA_256"
    case rsassaPKCS1v15SHA384 = "RSASSA_PKCS1_V1_5_SHA_384"
    case rsassaPKCS1v15SHA512 = "RSASSA_PKCS1_V1_5_SHA_512"
    case ecdsaSHA256 = "ECDSA_SHA_256"
    case ecdsaSHA384 = "ECDSA_SHA_384"
    case ecdsaSHA512 = "ECDSA_SHA_512"
    case sm2DSA = "SM2DSA"
    case mlDSASHAKE256 = "ML_DSA_SHAKE_256"
    case ed25519SHA512 = "ED25519_SHA_512"
    case ed25519PHSHA512 = "ED25519_PH_SHA_512"
}

public enum MacAlgorithm: String, Sendable, CaseIterable, Codable {
    case hmacSHA224 = "HMAC_SHA_224"
    case hmacSHA256 = "HMAC_SHA_256"
    case hmacSHA384 = "HMAC_SHA_384"
    case hmacSHA512 = "HMAC_SHA_512"
}

public enum KeyAgreementAlgorithm: String, Sendable, CaseIterable, Codable {
    case ecdh = "ECDH"
}

/// What a key spec can do, declared once; DescribeKey and every capability check derive from it.
public struct KeySpecCapabilities: Sendable {
    public let family: KeyFamily
    public let usages: [KeyUsage]
    public let encryptionAlgorithms: [EncryptionAlgorithm]
    public let signingAlgorithms: [SigningAlgorithm]
    public let macAlgorithms: [MacAlgorithm]
    public let keyAgreementAlgorithms: [KeyAgreementAlgorithm]
}

public enum KeySpec: String, Sendable, CaseIterable, Codable {
    case symmetricDefault = "SYMMETRIC_DEFAULT"
    case rsa2048 = "RSA_2048"
    case rsa3072 = "RSA_3072"
    case rsa4096 = "RSA_4096"
    case eccNISTP256 = "ECC_NIST_P256"
    case eccNISTP384 = "ECC_NIST_P384"
    case eccNISTP521 = "ECC_NIST_P521"
    case eccSECGP256K1 = "ECC_SECG_P256K1"
    case eccNISTEdwards25519 = "ECC_NIST_EDWARDS25519"
    case sm2 = "SM2"
    case mlDSA44 = "ML_DSA_44"
    case mlDSA65 = "ML_DSA_65"
    case mlDSA87 = "ML_DSA_87"
    case hmac224 = "HMAC_224"
    case hmac256 = "HMAC_256"
    case hmac384 = "HMAC_384"
    case hmac512 = "HMAC_512"

    public var capabilities: KeySpecCapabilities {
        let rsaSigning: [SigningAlgorithm] = [
            .rsassaPSSSHA256, .rsassaPSSSHA384, .rsassaPSSSHA512,
            .rsassaPKCS1v15SHA256, .rsassaPKCS1v15SHA384, .rsassaPKCS1v15SHA512,
        ]
        switch self {
        case .symmetricDefault:
            return .init(
                family: .symmetric, usages: [.encryptDecrypt], encryptionAlgorithms: [.symmetricDefault],
                signingAlgorithms: [], macAlgorithms: [], keyAgreementAlgorithms: [])
        case .rsa2048, .rsa3072, .rsa4096:
            return .init(
                family: .asymmetric, usages: [.encryptDecrypt, .signVerify],
                encryptionAlgorithms: [.rsaesOAEPSHA1, .rsaesOAEPSHA256], signingAlgorithms: rsaSigning,
                macAlgorithms: [], keyAgreementAlgorithms: [])
        case .eccNISTP256, .eccNISTP384, .eccNISTP521:
            let alg: SigningAlgorithm =
                self == .eccNISTP256 ? .ecdsaSHA256 : self == .eccNISTP384 ? .ecdsaSHA384 : .ecdsaSHA512
            return .init(
                family: .asymmetric, usages: [.signVerify, .keyAgreement], encryptionAlgorithms: [],
                signingAlgorithms: [alg], macAlgorithms: [], keyAgreementAlgorithms: [.ecdh])
        case .eccSECGP256K1:
            return .init(
                family: .asymmetric, usages: [.signVerify], encryptionAlgorithms: [],
                signingAlgorithms: [.ecdsaSHA256], macAlgorithms: [], keyAgreementAlgorithms: [])
        case .eccNISTEdwards25519:
            return .init(
                family: .asymmetric, usages: [.signVerify], encryptionAlgorithms: [],
                signingAlgorithms: [.ed25519SHA512, .ed25519PHSHA512], macAlgorithms: [], keyAgreementAlgorithms: [])
        case .sm2:
            return .init(
                family: .asymmetric, usages: [.encryptDecrypt, .signVerify, .keyAgreement],
                encryptionAlgorithms: [.sm2PKE], signingAlgorithms: [.sm2DSA], macAlgorithms: [],
                keyAgreementAlgorithms: [.ecdh])
        case .mlDSA44, .mlDSA65, .mlDSA87:
            return .init(
                family: .asymmetric, usages: [.signVerify], encryptionAlgorithms: [],
                signingAlgorithms: [.mlDSASHAKE256], macAlgorithms: [], keyAgreementAlgorithms: [])
        case .hmac224, .hmac256, .hmac384, .hmac512:
            let mac: MacAlgorithm =
                switch self {
                case .hmac224: .hmacSHA224
                case .hmac256: .hmacSHA256
                case .hmac384: .hmacSHA384
                default: .hmacSHA512
                }
            return .init(
                family: .hmac, usages: [.generateVerifyMac], encryptionAlgorithms: [], signingAlgorithms: [],
                macAlgorithms: [mac], keyAgreementAlgorithms: [])
        }
    }

}
