import TrentCore
import TrentOperations

/// How callers are established: development mode believes the credential scope; `sigv4` verifies signatures.
public enum Authentication: Sendable {
    case development(CallerDefaults)
    case sigv4(SigV4Verifier)

    public func caller(_ request: SignedRequest) throws(KMSError) -> Caller {
        switch self {
        case .development(let defaults):
            return defaults.caller(authorization: request.headers["authorization"])
        case .sigv4(let verifier):
            let verified = try verifier.verify(request)
            return Caller(
                account: verified.credential.account, region: verified.region, principal: verified.credential.principal,
                accessKeyID: verified.credential.accessKeyID, authenticated: true,
                identityPolicies: verified.credential.policies)
        }
    }

    public var isDevelopment: Bool {
        if case .development = self { return true }
        return false
    }
}

/// Who a request comes from, read from the SigV4 `Authorization` header's credential scope. Signatures are not
/// verified in development mode: the header only chooses the account (a 12-digit access key id is taken as
/// the account id) and the Region.
public struct CallerDefaults: Sendable {
    public var account: AccountID
    public var region: Region

    public init(account: AccountID, region: Region) {
        self.account = account
        self.region = region
    }

    /// `AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/kms/aws4_request, SignedHeaders=…, Signature=…`
    public func caller(authorization: String?) -> Caller {
        guard let credential = Self.credentialScope(authorization) else {
            return Caller(account: account, region: region)
        }
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let accessKey = parts.first ?? ""
        let region = parts.count >= 3 ? (Region(parts[2]) ?? self.region) : self.region
        let account = Self.isTwelveDigits(accessKey) ? AccountID(accessKey) ?? self.account : self.account
        return Caller(account: account, region: region, accessKeyID: accessKey.isEmpty ? nil : accessKey)
    }

    public static func credentialScope(_ header: String?) -> String? {
        guard let header, let range = header.range(of: "Credential=") else { return nil }
        let rest = header[range.upperBound...]
        let end = rest.firstIndex { $0 == "," || $0 == " " } ?? rest.endIndex
        return String(rest[..<end])
    }

    static func isTwelveDigits(_ s: String) -> Bool {
        s.utf8.count == 12 && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}
