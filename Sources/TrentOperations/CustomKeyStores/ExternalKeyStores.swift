import Foundation
import TrentCore
import TrentCrypto

/// External key stores: KMS keys whose material is protected twice, first under Trent's own key material and then by
/// an external key behind an XKS proxy (AWS's double encryption), with the XKS proxy API as AWS KMS calls it and
/// AWS's error table for what the proxy answers.
enum ExternalKeyStores {
    static func secretBinding(_ record: CustomKeyStoreRecord) -> String {
        "custom-key-store-xks:\(record.scope.account.rawValue)/\(record.scope.region.rawValue)/\(record.id)"
    }

    /// The request metadata AWS KMS sends with each call.
    static func body(_ call: Call?, operation: String, key: KeyARN? = nil, _ extra: [String: Any] = [:]) -> Data {
        var metadata: [String: Any] = ["kmsOperation": operation, "kmsRequestId": call?.requestID ?? RandomUUID.make()]
        if let call { metadata["awsPrincipalArn"] = call.caller.principal }
        if let key { metadata["kmsKeyArn"] = key.description }
        var object = extra
        object["requestMetadata"] = metadata
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// GetHealthStatus; nil when healthy, else what went wrong (at least one external key manager must be up).
    static func health(_ endpoint: XKSEndpoint, transport: any XKSTransport, operation: String) async -> XKSOutcome? {
        let outcome = await transport.call(endpoint, api: "/health", body: body(nil, operation: operation))
        guard case .ok(let data) = outcome else { return outcome }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let fleet = object["ekmFleetDetails"] as? [[String: Any]], !fleet.isEmpty
        else { return .refused(status: 200, errorName: nil) }
        let usable = fleet.contains { ($0["healthStatus"] as? String) != "UNAVAILABLE" }
        return usable ? nil : .unreachable
    }

    /// AWS's message for what a proxy answered (the spec's table): the same words whichever KMS operation met it.
    static func message(_ outcome: XKSOutcome) -> String {
        switch outcome {
        case .refused(_, "InvalidStateException"):
            "The external key associated with this KMS key in an external key store is not enabled in the external key manager. Enable the external key in the external key manager and retry the request."
        case .refused(_, "InvalidCiphertextException"):
            "The external key store proxy rejected the request because the specified ciphertext or encryption context is corrupted, missing, or otherwise invalid."
        case .refused(_, "InvalidKeyUsageException"):
            "The external key associated with this KMS key in an external key store does not support the requested operation. Enable the operation on the key in your external key manager, and try the request again."
        case .refused(_, "AuthenticationFailedException"):
            "The external key store proxy rejected the request because it could not authenticate AWS KMS. Verify the XKS proxy authentication credentials for your external key store and update if necessary."
        case .refused(_, "AccessDeniedException"):
            "The external key store proxy denied access to the operation. Verify that the user and the external key are both authorized for this operation, and try the request again."
        case .refused(_, "KeyNotFoundException"):
            "The external key associated with this KMS key in an external key store was not found in its external key manager. If the external key ID associated with this KMS key is incorrect, create a new KMS key with the correct external key ID."
        case .refused(_, "InvalidUriPathException"):
            "The external key store proxy rejected the request because of an invalid URI path. Verify the URI path for your external key store and update if necessary."
        case .refused(_, "UnsupportedOperationException"):
            "The external key store proxy rejected the request because it does not support the requested operation. If you see this error repeatedly, report it to your external key store proxy administrator."
        case .refused(_, "DependencyTimeoutException"):
            "The external key store proxy did not respond to the request in the time allotted. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator."
        case .refused(_, "ThrottlingException"):
            "The external key store proxy rejected the request due to a very high request rate. Reduce the frequency of your calls using KMS keys in this external key store."
        case .refused(_, "InternalException"):
            "The external key store proxy rejected the request because it cannot communicate with the external key manager. Verify that the external key store proxy configuration is correct and that the external key manager is available."
        case .unreachable:
            "AWS KMS cannot communicate with the external key store proxy. This might be a transient network issue. If you see this error repeatedly, verify that your external key store proxy is active and is connected to the network, and that its endpoint URI is correct in your external keystore."
        case .tlsFailure:
            "AWS KMS cannot establish a TLS connection to the external key store proxy. Verify the TLS configuration, including its certificate."
        case .timedOut:
            "AWS KMS rejected the request because the external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator."
        case .vpcEndpointServiceNotFound:
            "The VPC endpoint service of the external key store was not found."
        default:
            "AWS KMS cannot interpret the response from the external key store proxy. If you see this error repeatedly, report it to your external key store proxy administrator."
        }
    }

    /// Create/UpdateCustomKeyStore's exception for a failed health check (the spec's table).
    static func storeError(_ outcome: XKSOutcome) -> KMSError {
        let code: ErrorCode =
            switch outcome {
            case .refused(_, "AuthenticationFailedException"): .xksProxyIncorrectAuthenticationCredential
            case .refused(_, "InvalidUriPathException"): .xksProxyInvalidConfiguration
            case .refused(_, "ThrottlingException"), .refused(_, "DependencyTimeoutException"), .unreachable, .timedOut,
                .tlsFailure:
                .xksProxyUriUnreachable
            case .vpcEndpointServiceNotFound: .xksProxyVpcEndpointServiceNotFound
            default: .xksProxyInvalidResponse
            }
        return KMSError(code, message(outcome))
    }

    /// ConnectCustomKeyStore's ConnectionErrorCode for a failed health check.
    static func connectionErrorCode(_ outcome: XKSOutcome) -> String {
        switch outcome {
        case .refused(_, "AuthenticationFailedException"): "XKS_PROXY_ACCESS_DENIED"
        case .refused(_, "InvalidUriPathException"): "XKS_PROXY_INVALID_CONFIGURATION"
        case .timedOut: "XKS_PROXY_TIMED_OUT"
        case .tlsFailure: "XKS_PROXY_INVALID_TLS_CONFIGURATION"
        case .unreachable, .refused(_, "ThrottlingException"), .refused(_, "DependencyTimeoutException"):
            "XKS_PROXY_NOT_REACHABLE"
        case .vpcEndpointServiceNotFound: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"
        default: "XKS_PROXY_INVALID_RESPONSE"
        }
    }

    /// A cryptographic operation's exception for what the proxy answered: KMSInvalidStateException with AWS's words.
    static func cryptoError(_ outcome: XKSOutcome) -> KMSError { KMSError.invalidState(message(outcome)) }

    /// The outer layer: the external key encrypts Trent's inner envelope, with `aad` authenticated; the CDIV the
    /// proxy returns is checked. Layout: 'X' ‖ IV length ‖ IV ‖ tag (16) ‖ metadata length ‖ metadata ‖ ciphertext.
    static func encrypt(
        _ inner: Data, aad: Data, key: KeyRecord, endpoint: XKSEndpoint, transport: any XKSTransport, call: Call,
        operation: String
    ) async throws(KMSError) -> Data {
        let body = Self.body(
            call, operation: operation, key: key.arn,
            [
                "plaintext": inner.base64EncodedString(), "additionalAuthenticatedData": aad.base64EncodedString(),
                "encryptionAlgorithm": "AES_GCM", "ciphertextDataIntegrityValueAlgorithm": "SHA_256",
            ])
        let outcome = await transport.call(endpoint, api: "/keys/\(key.xksKeyID ?? "")/encrypt", body: body)
        guard case .ok(let data) = outcome else { throw cryptoError(outcome) }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let ciphertext = (object["ciphertext"] as? String).flatMap({ Data(base64Encoded: $0) }),
            let iv = (object["initializationVector"] as? String).flatMap({ Data(base64Encoded: $0) }),
            let tag = (object["authenticationTag"] as? String).flatMap({ Data(base64Encoded: $0) }),
            let cdiv = (object["ciphertextDataIntegrityValue"] as? String).flatMap({ Data(base64Encoded: $0) }),
            [12, 16].contains(iv.count), tag.count == 16, ciphertext.count == inner.count
        else { throw cryptoError(.refused(status: 200, errorName: nil)) }
        let metadata = (object["ciphertextMetadata"] as? String).flatMap { Data(base64Encoded: $0) } ?? Data()
        guard metadata.count <= 20 else { throw cryptoError(.refused(status: 200, errorName: nil)) }
        // KMS computes the CDIV itself and refuses a response that does not match it.
        guard SHA256Digest.of(aad + metadata + iv + ciphertext + tag) == cdiv else {
            throw cryptoError(.refused(status: 200, errorName: nil))
        }
        return Data([0x58, UInt8(iv.count)]) + iv + tag + Data([UInt8(metadata.count)]) + metadata + ciphertext
    }

    static func decrypt(
        _ envelope: Data, aad: Data, key: KeyRecord, endpoint: XKSEndpoint, transport: any XKSTransport, call: Call,
        operation: String
    ) async throws(KMSError) -> Data {
        let bytes = [UInt8](envelope)
        guard bytes.count >= 2, bytes[0] == 0x58 else { throw KMSError.invalidCiphertext() }
        let ivLength = Int(bytes[1])
        guard [12, 16].contains(ivLength), bytes.count >= 2 + ivLength + 16 + 1 else { throw KMSError.invalidCiphertext() }
        let iv = Data(bytes[2..<2 + ivLength])
        let tag = Data(bytes[2 + ivLength..<2 + ivLength + 16])
        let metadataLength = Int(bytes[2 + ivLength + 16])
        let start = 2 + ivLength + 16 + 1
        guard bytes.count >= start + metadataLength else { throw KMSError.invalidCiphertext() }
        let metadata = Data(bytes[start..<start + metadataLength])
        let ciphertext = Data(bytes[(start + metadataLength)...])
        var fields: [String: Any] = [
            "ciphertext": ciphertext.base64EncodedString(), "initializationVector": iv.base64EncodedString(),
            "authenticationTag": tag.base64EncodedString(), "additionalAuthenticatedData": aad.base64EncodedString(),
            "encryptionAlgorithm": "AES_GCM",
        ]
        if !metadata.isEmpty { fields["ciphertextMetadata"] = metadata.base64EncodedString() }
        let outcome = await transport.call(
            endpoint, api: "/keys/\(key.xksKeyID ?? "")/decrypt", body: body(call, operation: operation, key: key.arn, fields))
        guard case .ok(let data) = outcome else { throw cryptoError(outcome) }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let plaintext = (object["plaintext"] as? String).flatMap({ Data(base64Encoded: $0) }),
            plaintext.count == ciphertext.count
        else { throw cryptoError(.refused(status: 200, errorName: nil)) }
        return plaintext
    }
}

extension KMS {
    /// The proxy endpoint of an external key store, its secret unsealed.
    func xksEndpoint(_ record: CustomKeyStoreRecord) -> XKSEndpoint? {
        guard let settings = record.xks,
            let secret = try? sealer.open(settings.sealedSecret, boundTo: ExternalKeyStores.secretBinding(record))
        else { return nil }
        return XKSEndpoint(
            uriEndpoint: settings.uriEndpoint, uriPath: settings.uriPath,
            vpcEndpointServiceName: settings.connectivity == "VPC_ENDPOINT_SERVICE" ? settings.vpcEndpointServiceName : nil,
            accessKeyID: settings.accessKeyID, secret: String(decoding: secret.bytes, as: UTF8.self),
            region: record.scope.region.rawValue)
    }

    /// The endpoint of a key's connected external key store, held by this node (the hot path reads no storage).
    func heldXKSEndpoint(for record: KeyRecord) -> XKSEndpoint? {
        guard let id = record.customKeyStoreID else { return nil }
        return xksEndpoints.withLock { $0[CustomKeyStores.connectionKey(record.identity.scope, id)] }
    }
}
