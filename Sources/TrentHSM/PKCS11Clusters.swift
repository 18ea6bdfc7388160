import Foundation
import Synchronization
import TrentCore

/// The "CloudHSM clusters" of AWS_CLOUDHSM key stores: PKCS#11 tokens Trent is configured with
/// (`--cloudhsm-clusters FILE`). Connecting logs in as the token's user with the key store password, as AWS KMS
/// logs in as the kmsuser crypto user; the token's login failures map to AWS's connection error codes.
public final class PKCS11Clusters: HSMClusters {
    public struct Cluster: Sendable {
        public let id: String
        public let module: String
        public let token: String
        public let hsmCount: Int
        public let certificate: Data
        public let active: Bool

        public init(id: String, module: String, token: String, hsmCount: Int, certificate: Data, active: Bool) {
            self.id = id
            self.module = module
            self.token = token
            self.hsmCount = hsmCount
            self.certificate = certificate
            self.active = active
        }
    }

    private let clusters: [String: Cluster]

    public init(_ clusters: [Cluster]) {
        self.clusters = Dictionary(clusters.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func cluster(_ id: String) -> HSMClusterInfo? {
        clusters[id].map { HSMClusterInfo(id: $0.id, certificate: $0.certificate, hsmCount: $0.hsmCount, active: $0.active) }
    }

    public func connect(_ id: String, password: String) async -> Result<any HSMConnection, HSMConnectFailure> {
        guard let cluster = clusters[id] else {
            return .failure(HSMConnectFailure(code: "CLUSTER_NOT_FOUND", detail: "no cluster \(id) is configured"))
        }
        guard cluster.hsmCount >= 1, cluster.active else {
            return .failure(HSMConnectFailure(code: "INSUFFICIENT_CLOUDHSM_HSMS", detail: "cluster \(id) has no active HSM"))
        }
        do {
            return .success(TokenConnection(token: try PKCS11Token(module: cluster.module, label: cluster.token, pin: password)))
        } catch {
            let code: String =
                switch error.code {
                case PKCS11Token.Failure.pinIncorrect: "INVALID_CREDENTIALS"
                case PKCS11Token.Failure.pinLocked: "USER_LOCKED_OUT"
                case PKCS11Token.Failure.notFound: "CLUSTER_NOT_FOUND"
                case PKCS11Token.Failure.cannotLoad: "NETWORK_ERRORS"
                default: "INTERNAL_ERROR"
                }
            return .failure(HSMConnectFailure(code: code, detail: error.description))
        }
    }
}

/// A logged-in token: keys found by label once, then by handle.
final class TokenConnection: HSMConnection {
    let token: PKCS11Token
    private let handles = Mutex<[String: PKCS11Token.Handle]>([:])

    init(token: PKCS11Token) { self.token = token }

    struct NoSuchKey: Error {}

    private func handle(_ label: String) throws -> PKCS11Token.Handle {
        if let known = handles.withLock({ $0[label] }) { return known }
        guard let found = try token.key(labelled: label) else { throw NoSuchKey() }
        handles.withLock { $0[label] = found }
        return found
    }

    func createKey(label: String) throws {
        let made = try token.generateKey(label: label)
        handles.withLock { $0[label] = made }
    }

    func encrypt(label: String, plaintext: Data, aad: Data) throws -> Data {
        try token.seal(plaintext, with: try handle(label), authenticating: aad)
    }

    func decrypt(label: String, sealed: Data, aad: Data) throws -> Data {
        try token.open(sealed, with: try handle(label), authenticating: aad)
    }

    func destroyKey(label: String) throws {
        let key = try handle(label)
        try token.destroy(key)
        handles.withLock { $0[label] = nil }
    }

    func random(count: Int) throws -> Data { try token.random(count: count) }
}
