import Crypto
import Foundation
import Synchronization
import TrentCore
import TrentCrypto

/// What SigV4 verification needs of an HTTP request.
public struct SignedRequest: Sendable {
    public var method: String
    public var path: String
    /// The query string as sent (percent-encoded), without the leading `?`.
    public var query: String
    /// Header names lowercased; the Host header included.
    public var headers: [String: String]
    public var body: Data

    public init(method: String, path: String, query: String, headers: [String: String], body: Data) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// AWS Signature Version 4, in both forms AWS accepts: the `Authorization` header and the query parameters of
/// a presigned request. Errors are AWS's, with its wording.
public struct SigV4Verifier: Sendable {
    public let store: CredentialStore
    /// AWS refuses a header-signed request whose X-Amz-Date is more than 15 minutes from its clock.
    public static let kmsSkew: TimeInterval = 15 * 60
    /// The service credential scopes must name: `kms`, or `kms-xks-proxy` for the XKS proxy API.
    public let service: String
    let allowedSkew: TimeInterval
    let now: @Sendable () -> Date
    /// Derived signing keys by access key, date and Region: four HMACs saved on every request of the day.
    private let signingKeys = SigningKeyCache()

    final class SigningKeyCache: Sendable {
        private let keys = Mutex<[String: SymmetricKey]>([:])
        func key(_ id: String, derive: () -> SymmetricKey) -> SymmetricKey {
            if let hit = keys.withLock({ $0[id] }) { return hit }
            let key = derive()
            keys.withLock { cache in
                if cache.count > 10_000 { cache.removeAll() }
                cache[id] = key
            }
            return key
        }
    }

    public init(
        store: CredentialStore, service: String = "kms", allowedSkew: TimeInterval = kmsSkew,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.service = service
        self.allowedSkew = allowedSkew
        self.now = now
    }

    public struct Verified: Sendable {
        public let credential: Credential
        public let region: Region
    }

    public func verify(_ request: SignedRequest) throws(KMSError) -> Verified {
        let queryItems = Self.queryItems(request.query)
        if let authorization = request.headers["authorization"] {
            return try verifyHeader(authorization, request)
        }
        if queryItems["X-Amz-Algorithm"] != nil || queryItems["X-Amz-Signature"] != nil
            || queryItems["X-Amz-Credential"] != nil
        {
            return try verifyQuery(queryItems, request)
        }
        throw KMSError(.missingAuthenticationToken, "Missing Authentication Token")
    }

    // MARK: The two forms

    private func verifyHeader(_ header: String, _ request: SignedRequest) throws(KMSError) -> Verified {
        guard header.hasPrefix("AWS4-HMAC-SHA256 ") else {
            throw KMSError(.incompleteSignature, "Unsupported authorization type. Authorization=\(header)")
        }
        var parts: [String: String] = [:]
        for piece in header.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            // Spaces and tabs by hand: Foundation's CharacterSet trimming was a fifth of the verification's time.
            var trimmed = piece
            while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
            while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
            guard let eq = trimmed.firstIndex(of: "=") else { continue }
            parts[String(trimmed[..<eq])] = String(trimmed[trimmed.index(after: eq)...])
        }
        var missing: [String] = []
        for name in ["Credential", "Signature", "SignedHeaders"] where parts[name] == nil {
            missing.append("Authorization header requires '\(name)' parameter.")
        }
        guard let amzDate = request.headers["x-amz-date"] else {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
            throw KMSError(.incompleteSignature, missing.joined(separator: " ") + " Authorization=\(header)")
        }
        guard missing.isEmpty, let credential = parts["Credential"], let signature = parts["Signature"],
            let signedHeaders = parts["SignedHeaders"]
        else { throw KMSError(.incompleteSignature, missing.joined(separator: " ") + " Authorization=\(header)") }
        let date = try Self.parseDate(amzDate)
        try checkSkew(date, amzDate: amzDate)
        let scope = try resolve(credential, amzDate: amzDate, token: request.headers["x-amz-security-token"])
        let payload = Self.hex(SHA256.hash(data: request.body))
        if let declared = request.headers["x-amz-content-sha256"] {
            guard declared != Self.unsignedPayload else { throw Self.unsignedPayloadRefused }
            guard declared == payload else {
                throw KMSError(
                    .invalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
            }
        }
        try requireCoverage(signedHeaders, request, form: "the Authorization header")
        try check(
            signature, request: request, query: request.query, signedHeaders: signedHeaders, payload: payload,
            amzDate: amzDate, scope: scope)
        return Verified(credential: scope.credential, region: scope.region)
    }

    private func verifyQuery(_ items: [String: String], _ request: SignedRequest) throws(KMSError) -> Verified {
        var missing: [String] = []
        for name in ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"]
        where items[name] == nil {
            missing.append("AWS query-string parameters must include '\(name)'.")
        }
        guard missing.isEmpty, let credential = items["X-Amz-Credential"]?.removingPercentEncoding,
            let signature = items["X-Amz-Signature"], let signedHeaders = items["X-Amz-SignedHeaders"]?.removingPercentEncoding,
            let amzDate = items["X-Amz-Date"]
        else {
            throw KMSError(.incompleteSignature, (missing + ["Re-examine the query-string parameters."]).joined(separator: " "))
        }
        guard items["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256" else {
            throw KMSError(.incompleteSignature, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        }
        let date = try Self.parseDate(amzDate)
        let expires = try Self.expiry(items["X-Amz-Expires"])
        let current = now()
        if current > date.addingTimeInterval(TimeInterval(expires)) {
            throw KMSError(
                .invalidSignature,
                "Signature expired: \(amzDate) is now earlier than \(Self.format(current.addingTimeInterval(-TimeInterval(expires)))) (\(Self.format(current)) - \(expires) sec.)"
            )
        }
        if date > current.addingTimeInterval(allowedSkew) {
            throw KMSError(
                .invalidSignature,
                "Signature not yet current: \(amzDate) is still later than \(Self.format(current.addingTimeInterval(allowedSkew))) (\(Self.format(current)) + \(Int(allowedSkew / 60)) min.)"
            )
        }
        let scope = try resolve(credential, amzDate: amzDate, token: items["X-Amz-Security-Token"]?.removingPercentEncoding)
        let query = request.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Signature=") }.joined(separator: "&")
        try requireCoverage(signedHeaders, request, form: "X-Amz-SignedHeaders")
        // KMS is not S3: a presigned request signs its body too, so it is good for that one request only.
        let signedPayload = Self.hex(SHA256.hash(data: request.body))
        do {
            try check(
                signature, request: request, query: query, signedHeaders: signedHeaders, payload: signedPayload, amzDate: amzDate,
                scope: scope)
        } catch {
            // Say why when the signature is good but declared the body unsigned (botocore's presigner does).
            if (try? check(
                signature, request: request, query: query, signedHeaders: signedHeaders, payload: Self.unsignedPayload,
                amzDate: amzDate, scope: scope)) != nil
            {
                throw Self.unsignedPayloadRefused
            }
            throw error
        }
        return Verified(credential: scope.credential, region: scope.region)
    }

    static let unsignedPayload = "UNSIGNED-PAYLOAD"
    static let unsignedPayloadRefused = KMSError(
        .invalidSignature,
        "UNSIGNED-PAYLOAD is not accepted: a KMS request must sign the SHA-256 hash of its body.")
    /// AWS's limit on a presigned request's lifetime: seven days.
    static let maximumExpiry = 604_800

    /// X-Amz-Expires: whole seconds from 1 to seven days (900 when absent).
    static func expiry(_ value: String?) throws(KMSError) -> Int {
        guard let value else { return 900 }
        guard let seconds = Int(value), seconds >= 1 else {
            throw KMSError(.incompleteSignature, "X-Amz-Expires should be a number of seconds from 1 to \(maximumExpiry).")
        }
        guard seconds <= maximumExpiry else {
            throw KMSError(
                .incompleteSignature, "X-Amz-Expires must be less than a week (in seconds) that is \(maximumExpiry).")
        }
        return seconds
    }

    /// The headers a signature must cover, so a signed request cannot be replayed as another operation or with
    /// another body: host, x-amz-target, and the content type and x-amz-* authentication headers the request carries.
    private func requireCoverage(_ signedHeaders: String, _ request: SignedRequest, form: String) throws(KMSError) {
        let names = Set(signedHeaders.split(separator: ";").map { $0.lowercased() })
        // KMS requires the target and the content type signed; the XKS proxy API signs host and x-amz-date only.
        let kms = service == "kms"
        var required = kms ? ["host", "x-amz-target"] : ["host"]
        for name in (kms ? ["content-type"] : []) + ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
        where request.headers[name] != nil {
            required.append(name)
        }
        let missing = required.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw KMSError(
                .incompleteSignature,
                "The signature must cover the header(s) \(missing.map { "'\($0)'" }.joined(separator: ", ")): add them to \(form)."
            )
        }
    }

    // MARK: Shared steps

    struct Scope {
        let credential: Credential
        let region: Region
        let string: String
        let date: String
    }

    /// `AKID/20261123/us-east-1/kms/aws4_request`
    private func resolve(_ credential: String, amzDate: String, token: String?) throws(KMSError) -> Scope {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[4] == "aws4_request" else {
            throw KMSError(.incompleteSignature, "Credential should be scoped to a valid region. Credential=\(credential)")
        }
        guard let known = store.credential(for: parts[0]) else {
            throw KMSError(.unrecognizedClient, "The security token included in the request is invalid.")
        }
        if known.sessionToken != token {
            throw KMSError(.unrecognizedClient, "The security token included in the request is invalid.")
        }
        guard parts[1] == String(amzDate.prefix(8)) else {
            throw KMSError(
                .invalidSignature, "Credential should be scoped to a valid date: '\(parts[1])' != '\(amzDate.prefix(8))'.")
        }
        guard let region = Region(parts[2]) else {
            throw KMSError(.invalidSignature, "Credential should be scoped to a valid region.")
        }
        guard parts[3] == service else {
            throw KMSError(.invalidSignature, "Credential should be scoped to correct service: '\(service)'.")
        }
        return Scope(credential: known, region: region, string: parts[1...].joined(separator: "/"), date: parts[1])
    }

    private func checkSkew(_ date: Date, amzDate: String) throws(KMSError) {
        let current = now()
        if date < current.addingTimeInterval(-allowedSkew) {
            throw KMSError(
                .invalidSignature,
                "Signature expired: \(amzDate) is now earlier than \(Self.format(current.addingTimeInterval(-allowedSkew))) (\(Self.format(current)) - \(Int(allowedSkew / 60)) min.)"
            )
        }
        if date > current.addingTimeInterval(allowedSkew) {
            throw KMSError(
                .invalidSignature,
                "Signature not yet current: \(amzDate) is still later than \(Self.format(current.addingTimeInterval(allowedSkew))) (\(Self.format(current)) + \(Int(allowedSkew / 60)) min.)"
            )
        }
    }

    private func check(
        _ presented: String, request: SignedRequest, query: String, signedHeaders: String, payload: String,
        amzDate: String, scope: Scope
    ) throws(KMSError) {
        let names = signedHeaders.split(separator: ";").map { String($0).lowercased() }
        guard names.contains("host") else {
            throw KMSError(.invalidSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        var canonicalHeaders = ""
        for name in names {
            let value = request.headers[name] ?? ""
            let collapsed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            canonicalHeaders += "\(name):\(collapsed)\n"
        }
        let canonicalRequest = [
            request.method, Self.canonicalPath(request.path), Self.canonicalQuery(query), canonicalHeaders,
            names.joined(separator: ";"), payload,
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope.string, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let credential = scope.credential
        let key = signingKeys.key(
            "\(credential.accessKeyID)/\(credential.secretAccessKey.hashValue)/\(scope.date)/\(scope.region.rawValue)"
        ) {
            Self.signingKey(
                secret: credential.secretAccessKey, date: scope.date, region: scope.region.rawValue, service: service)
        }
        let expected = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        guard ConstantTime.equal(expected, presented.lowercased()) else {
            throw KMSError(
                .invalidSignature,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            )
        }
    }

    static func signingKey(secret: String, date: String, region: String, service: String = "kms") -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [date, region, service, "aws4_request"] { key = hmac(key, part) }
        return key
    }

    static func canonicalPath(_ path: String) -> String { path.isEmpty ? "/" : path }

    /// Pairs sorted by their encoded key, then value, as AWS and botocore order them.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            items[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return items
    }

    /// `20261123T101010Z` (ISO 8601 basic format, UTC), parsed by hand: no formatter per request.
    static func parseDate(_ text: String) throws(KMSError) -> Date {
        let b = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z"), let year = digits(0..<4),
            let month = digits(4..<6), let day = digits(6..<8), let hour = digits(9..<11), let minute = digits(11..<13),
            let second = digits(13..<15), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else {
            throw KMSError(
                .incompleteSignature,
                "Date must be in ISO-8601 'basic format'. Got '\(text)'. See http://en.wikipedia.org/wiki/ISO_8601")
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return formatter.string(from: date)
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 { Hex.encode(bytes) }
}

/// Signs a request with SigV4 as AWS KMS signs its calls to an XKS proxy: host and x-amz-date only.
public enum SigV4Signer {
    /// The headers to send: `x-amz-date` and `authorization`.
    public static func sign(
        method: String, host: String, path: String, body: Data, accessKeyID: String, secret: String, region: String,
        service: String, date: Date = Date()
    ) -> [String: String] {
        let amzDate = SigV4Verifier.format(date)
        let day = String(amzDate.prefix(8))
        let payload = SigV4Verifier.hex(SHA256.hash(data: body))
        let canonicalRequest = [
            method, SigV4Verifier.canonicalPath(path), "", "host:\(host)\nx-amz-date:\(amzDate)\n", "host;x-amz-date",
            payload,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, SigV4Verifier.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let key = SigV4Verifier.signingKey(secret: secret, date: day, region: region, service: service)
        let signature = SigV4Verifier.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return [
            "x-amz-date": amzDate,
            "authorization":
                "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=host;x-amz-date, Signature=\(signature)",
        ]
    }
}
