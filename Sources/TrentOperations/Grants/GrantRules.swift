import Foundation
import TrentCore
import TrentCrypto

/// The wire shapes of grants and the rules every grant operation shares.
struct WireGrantConstraints: Codable, Sendable {
    var EncryptionContextSubset: [String: String]?
    var EncryptionContextEquals: [String: String]?
}

struct GrantListEntry: Encodable, Sendable {
    var KeyId: String
    var GrantId: String
    var Name: String?
    var CreationDate: Date
    var GranteePrincipal: String
    var RetiringPrincipal: String?
    var IssuingAccount: String
    var Operations: [String]
    var Constraints: WireGrantConstraints?

    init(_ grant: Grant, of record: KeyRecord) {
        KeyId = record.arn.description
        GrantId = grant.grantID
        Name = grant.name
        CreationDate = grant.creationDate
        GranteePrincipal = grant.granteePrincipal
        RetiringPrincipal = grant.retiringPrincipal
        let account = grant.issuingPrincipal.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first ?? ""
        IssuingAccount = "arn:aws:iam::\(account):root"
        Operations = grant.operations
        if grant.contextSubset != nil || grant.contextEquals != nil {
            Constraints = WireGrantConstraints(
                EncryptionContextSubset: grant.contextSubset, EncryptionContextEquals: grant.contextEquals)
        }
    }
}

enum GrantRules {
    static let common: Set<String> = ["DescribeKey", "CreateGrant", "RetireGrant"]

    /// The grant operations AWS allows for a key of this type and usage.
    static func allowedOperations(_ record: KeyRecord) -> Set<String> {
        switch (record.family, record.usage) {
        case (.symmetric, _):
            return common.union([
                "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
                "GenerateDataKeyPairWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
            ])
        case (.hmac, _): return common.union(["GenerateMac", "VerifyMac"])
        case (.asymmetric, .encryptDecrypt):
            return common.union(["Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"])
        case (.asymmetric, .signVerify): return common.union(["Sign", "Verify", "GetPublicKey"])
        case (.asymmetric, _): return common.union(["DeriveSharedSecret", "GetPublicKey"])
        }
    }

    /// Operations whose grants may carry encryption-context constraints (those that take a context).
    static let contextOperations: Set<String> = [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
    ]

    static func newToken(for record: KeyRecord, grantID: String) -> String {
        let nonce = Hex.encode(SecureRandom.bytes(16))
        return Data("trent-grant|\(record.arn)|\(grantID)|\(nonce)".utf8).base64EncodedString()
    }

    /// The key ARN and grant id a token names, or InvalidGrantTokenException.
    static func parse(token: String) throws(KMSError) -> (KeyARN, String) {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else {
            throw KMSError(.invalidGrantToken, "Invalid grant token.")
        }
        let parts = text.split(separator: "|").map(String.init)
        guard parts.count == 4, parts[0] == "trent-grant", case .keyARN(let arn)? = try? KeyReference.parse(parts[1]) else {
            throw KMSError(.invalidGrantToken, "Invalid grant token.")
        }
        return (arn, parts[2])
    }
}
