import Foundation

/// A custom key store's connection state, as DescribeCustomKeyStores reports it.
public enum ConnectionState: String, Sendable, Codable {
    case connected = "CONNECTED"
    case connecting = "CONNECTING"
    case disconnected = "DISCONNECTED"
    case disconnecting = "DISCONNECTING"
    case failed = "FAILED"
}

/// A custom key store of one account and Region: where its keys' material lives. Today the AWS_CLOUDHSM type,
/// whose "cluster" is a PKCS#11 token. The key store password is kept sealed under the root key.
public struct CustomKeyStoreRecord: Sendable, Hashable {
    public let scope: Scope
    /// `cks-` and 17 hex digits.
    public let id: String
    public var revision: Int
    public var name: String
    public let type: String
    public var clusterID: String?
    public var trustAnchorCertificate: String?
    /// The crypto user's password, sealed under the root key (bound to the store), never returned or logged.
    public var sealedPassword: Data?
    public var connectionState: ConnectionState
    public var connectionErrorCode: String?
    public let creationDate: Date
    /// EXTERNAL_KEY_STORE: where the proxy is and the credential Trent signs with (its secret sealed).
    public var xks: XKSSettings?

    public init(
        scope: Scope, id: String, revision: Int = 0, name: String, type: String, clusterID: String?,
        trustAnchorCertificate: String?, sealedPassword: Data?, connectionState: ConnectionState,
        connectionErrorCode: String? = nil, creationDate: Date
    ) {
        self.scope = scope
        self.id = id
        self.revision = revision
        self.name = name
        self.type = type
        self.clusterID = clusterID
        self.trustAnchorCertificate = trustAnchorCertificate
        self.sealedPassword = sealedPassword
        self.connectionState = connectionState
        self.connectionErrorCode = connectionErrorCode
        self.creationDate = creationDate
    }

    public struct XKSSettings: Sendable, Hashable, Codable {
        public var uriEndpoint: String
        public var uriPath: String
        public var connectivity: String
        public var vpcEndpointServiceName: String?
        public var vpcEndpointServiceOwner: String?
        public var accessKeyID: String
        public var sealedSecret: Data

        public init(
            uriEndpoint: String, uriPath: String, connectivity: String, vpcEndpointServiceName: String?,
            vpcEndpointServiceOwner: String?, accessKeyID: String, sealedSecret: Data
        ) {
            self.uriEndpoint = uriEndpoint
            self.uriPath = uriPath
            self.connectivity = connectivity
            self.vpcEndpointServiceName = vpcEndpointServiceName
            self.vpcEndpointServiceOwner = vpcEndpointServiceOwner
            self.accessKeyID = accessKeyID
            self.sealedSecret = sealedSecret
        }
    }

    /// The stores' serialised form (both SQL stores keep it as one JSON document beside the scope, id and name).
    public struct Document: Codable, Sendable {
        public var name: String
        public var type: String
        public var clusterID: String?
        public var trustAnchorCertificate: String?
        public var sealedPassword: Data?
        public var connectionState: String
        public var connectionErrorCode: String?
        public var creationDate: Double
        public var xks: XKSSettings?
    }

    public var document: Document {
        Document(
            name: name, type: type, clusterID: clusterID, trustAnchorCertificate: trustAnchorCertificate,
            sealedPassword: sealedPassword, connectionState: connectionState.rawValue,
            connectionErrorCode: connectionErrorCode, creationDate: creationDate.timeIntervalSince1970, xks: xks)
    }

    public init?(scope: Scope, id: String, revision: Int, document d: Document) {
        guard let state = ConnectionState(rawValue: d.connectionState) else { return nil }
        self.init(
            scope: scope, id: id, revision: revision, name: d.name, type: d.type, clusterID: d.clusterID,
            trustAnchorCertificate: d.trustAnchorCertificate, sealedPassword: d.sealedPassword, connectionState: state,
            connectionErrorCode: d.connectionErrorCode, creationDate: Date(timeIntervalSince1970: d.creationDate))
        xks = d.xks
    }
}

/// One change to a custom key store, revision-checked like key changes. Store names are unique per account and
/// Region (CustomKeyStoreNameInUseException), which the stores enforce.
public enum CustomKeyStoreChange: Sendable {
    case put(CustomKeyStoreRecord, expectedRevision: Int?)
    case delete(Scope, id: String, expectedRevision: Int)
}

/// What Trent knows of the HSM "clusters" an AWS_CLOUDHSM key store may use (PKCS#11 tokens it is configured
/// with), and how it reaches them. Implemented by TrentHSM.
public protocol HSMClusters: Sendable {
    func cluster(_ id: String) -> HSMClusterInfo?
    /// Logs in to the cluster as the crypto user; a failure carries AWS's ConnectionErrorCode.
    func connect(_ id: String, password: String) async -> Result<any HSMConnection, HSMConnectFailure>
}

public struct HSMClusterInfo: Sendable {
    public let id: String
    /// The cluster certificate (DER), which the store's trust anchor must have signed.
    public let certificate: Data
    public let hsmCount: Int
    public let active: Bool

    public init(id: String, certificate: Data, hsmCount: Int, active: Bool) {
        self.id = id
        self.certificate = certificate
        self.hsmCount = hsmCount
        self.active = active
    }
}

public struct HSMConnectFailure: Error, Sendable {
    /// AWS's ConnectionErrorCode: INVALID_CREDENTIALS, USER_LOCKED_OUT, CLUSTER_NOT_FOUND, INSUFFICIENT_CLOUDHSM_HSMS,
    /// NETWORK_ERRORS, INTERNAL_ERROR.
    public let code: String
    public let detail: String
    public init(code: String, detail: String) {
        self.code = code
        self.detail = detail
    }
}

/// A logged-in cluster: keys are AES-256 token objects found by label; all cryptography runs in the token.
public protocol HSMConnection: Sendable {
    func createKey(label: String) throws
    /// AES-GCM in the token: IV (12, from the token) ‖ ciphertext ‖ tag (16).
    func encrypt(label: String, plaintext: Data, aad: Data) throws -> Data
    func decrypt(label: String, sealed: Data, aad: Data) throws -> Data
    func destroyKey(label: String) throws
    func random(count: Int) throws -> Data
}

/// Where an external key store's proxy is and how Trent signs to it (the secret unsealed), for one call.
public struct XKSEndpoint: Sendable {
    public let uriEndpoint: String
    public let uriPath: String
    /// VPC_ENDPOINT_SERVICE connectivity: the service name the transport maps to an address.
    public let vpcEndpointServiceName: String?
    public let accessKeyID: String
    public let secret: String
    public let region: String

    public init(
        uriEndpoint: String, uriPath: String, vpcEndpointServiceName: String?, accessKeyID: String, secret: String,
        region: String
    ) {
        self.uriEndpoint = uriEndpoint
        self.uriPath = uriPath
        self.vpcEndpointServiceName = vpcEndpointServiceName
        self.accessKeyID = accessKeyID
        self.secret = secret
        self.region = region
    }
}

/// What became of one call to an XKS proxy.
public enum XKSOutcome: Sendable {
    /// HTTP 200 and its body.
    case ok(Data)
    /// Another status; the spec's errorName when the body carried one.
    case refused(status: Int, errorName: String?)
    case unreachable
    case tlsFailure
    case timedOut
    case vpcEndpointServiceNotFound
}

/// The HTTPS client that calls XKS proxies as AWS KMS does (SigV4 for kms-xks-proxy). Implemented by TrentXKS.
public protocol XKSTransport: Sendable {
    func call(_ endpoint: XKSEndpoint, api: String, body: Data) async -> XKSOutcome
}
