/// The wire name of every error Trent sends. The raw value is the `__type` of the JSON error body.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    // Protocol-level errors (not in the KMS model, sent by the AWS JSON front end).
    case unknownOperation = "UnknownOperationException"
    case serialization = "SerializationException"
    case validation = "ValidationException"
    case accessDenied = "AccessDeniedException"
    case notAuthorized = "NotAuthorizedException"
    case unrecognizedClient = "UnrecognizedClientException"
    case invalidSignature = "InvalidSignatureException"
    case incompleteSignature = "IncompleteSignatureException"
    case missingAuthenticationToken = "MissingAuthenticationTokenException"
    case requestTooLarge = "RequestEntityTooLargeException"
    case throttling = "ThrottlingException"
    // Errors of the KMS model.
    case alreadyExists = "AlreadyExistsException"
    case cloudHsmClusterNotFound = "CloudHsmClusterNotFoundException"
    case conflict = "ConflictException"
    case customKeyStoreNotFound = "CustomKeyStoreNotFoundException"
    case dependencyTimeout = "DependencyTimeoutException"
    case disabled = "DisabledException"
    case dryRunOperation = "DryRunOperationException"
    case expiredImportToken = "ExpiredImportTokenException"
    case incorrectKey = "IncorrectKeyException"
    case incorrectKeyMaterial = "IncorrectKeyMaterialException"
    case invalidAliasName = "InvalidAliasNameException"
    case invalidArn = "InvalidArnException"
    case invalidCiphertext = "InvalidCiphertextException"
    case invalidGrantId = "InvalidGrantIdException"
    case invalidGrantToken = "InvalidGrantTokenException"
    case invalidImportToken = "InvalidImportTokenException"
    case invalidKeyUsage = "InvalidKeyUsageException"
    case invalidMarker = "InvalidMarkerException"
    case internalError = "KMSInternalException"
    case invalidMac = "KMSInvalidMacException"
    case invalidSignatureValue = "KMSInvalidSignatureException"
    case invalidState = "KMSInvalidStateException"
    case keyUnavailable = "KeyUnavailableException"
    case limitExceeded = "LimitExceededException"
    case malformedPolicyDocument = "MalformedPolicyDocumentException"
    case notFound = "NotFoundException"
    case tag = "TagException"
    case unsupportedOperation = "UnsupportedOperationException"
    case xksProxyUriUnreachable = "XksProxyUriUnreachableException"
    case xksProxyVpcEndpointServiceNotFound = "XksProxyVpcEndpointServiceNotFoundException"
    case cloudHsmClusterInUse = "CloudHsmClusterInUseException"
    case cloudHsmClusterInvalidConfiguration = "CloudHsmClusterInvalidConfigurationException"
    case cloudHsmClusterNotActive = "CloudHsmClusterNotActiveException"
    case cloudHsmClusterNotRelated = "CloudHsmClusterNotRelatedException"
    case customKeyStoreHasCMKs = "CustomKeyStoreHasCMKsException"
    case customKeyStoreInvalidState = "CustomKeyStoreInvalidStateException"
    case customKeyStoreNameInUse = "CustomKeyStoreNameInUseException"
    case incorrectTrustAnchor = "IncorrectTrustAnchorException"
    case xksKeyAlreadyInUse = "XksKeyAlreadyInUseException"
    case xksKeyInvalidConfiguration = "XksKeyInvalidConfigurationException"
    case xksKeyNotFound = "XksKeyNotFoundException"
    case xksProxyIncorrectAuthenticationCredential = "XksProxyIncorrectAuthenticationCredentialException"
    case xksProxyInvalidConfiguration = "XksProxyInvalidConfigurationException"
    case xksProxyInvalidResponse = "XksProxyInvalidResponseException"
    case xksProxyUriEndpointInUse = "XksProxyUriEndpointInUseException"
    case xksProxyUriInUse = "XksProxyUriInUseException"
    case xksProxyVpcEndpointServiceInUse = "XksProxyVpcEndpointServiceInUseException"
    case xksProxyVpcEndpointServiceInvalidConfiguration = "XksProxyVpcEndpointServiceInvalidConfigurationException"

    /// HTTP status AWS uses for this error.
    public var httpStatus: Int {
        switch self {
        case .internalError: 500
        case .dependencyTimeout, .keyUnavailable: 500
        case .requestTooLarge: 413
        // KMS answers authentication and authorisation failures with 400 too, as every client error.
        default: 400
        }
    }
}

/// The one error type of Trent. Equality compares the code only, so tests can expect a code.
public struct KMSError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String
    /// Why Trent refused, in its own words, for `--explain` (development mode): the policy statement, key state
    /// rule, quota or fault rule. Never holds a secret.
    public var reason: String?
    /// Answered by a fault rule, not by a real failure: marked in the audit trail and metrics.
    public var injected = false

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: KMSError, rhs: KMSError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension KMSError {
    public static func notFound(_ message: String) -> KMSError { KMSError(.notFound, message) }
    public static func invalidState(_ message: String) -> KMSError { KMSError(.invalidState, message) }
    public static func keyDoesNotExist(_ arn: KeyARN) -> KMSError {
        KMSError(.notFound, "Key '\(arn)' does not exist")
    }
    public static func aliasNotFound(_ arn: AliasARN) -> KMSError {
        KMSError(.notFound, "Alias \(arn) is not found.")
    }
    public static func invalidCiphertext() -> KMSError {
        KMSError(.invalidCiphertext, "")
    }
    public static let dryRun = KMSError(.dryRunOperation, "The request would have succeeded, but the DryRun option is set.")
    public static func internalError() -> KMSError {
        KMSError(.internalError, "An internal error occurred. Retry the request.")
    }
}
