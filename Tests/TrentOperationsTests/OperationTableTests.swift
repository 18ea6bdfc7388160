import Testing
import TrentCore

@testable import TrentOperations

@Suite struct OperationTableTests {
    @Test func theTableListsEveryOperationOfBotocoresModel() {
        let model = Set(ServiceModel.kms.operationNames)
        #expect(model.count == 54)
        #expect(Set(KMSAction.allCases.map(\.rawValue)) == model)
        #expect(Set(OperationTable.status.map(\.action.rawValue)) == model)
    }

    @Test func everyImplementedOperationIsInTheModel() {
        for operation in OperationTable.implemented {
            #expect(ServiceModel.kms.operationNames.contains(operation.action.rawValue))
        }
    }

    @Test func everyErrorCodeTrentSendsIsAModelExceptionOrAProtocolError() {
        let modelled = Set(ServiceModel.kms.exceptionNames)
        let protocolErrors: Set<String> = [
            "UnknownOperationException", "SerializationException", "NotAuthorizedException", "ValidationException",
            "AccessDeniedException",
            "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
            "MissingAuthenticationTokenException", "RequestEntityTooLargeException", "UnsupportedOperationException",
            "ThrottlingException",
        ]
        for code in ErrorCode.allCases {
            #expect(modelled.contains(code.rawValue) || protocolErrors.contains(code.rawValue), "\(code.rawValue)")
        }
    }

    @Test func unknownTargetsAreUnknownOperation() async {
        let h = Harness()
        for target in ["TrentService.Nope", "Other.Encrypt", ""] {
            let reply = await h.dispatcher.handle(target: target, body: .init(), caller: h.caller, requestID: "r")
            #expect(reply.error?.code == .unknownOperation)
            #expect(reply.status == 400)
        }
    }

    @Test func everyOperationOfTheModelIsImplemented() {
        #expect(OperationTable.status.count == 54)
        #expect(OperationTable.status.filter { !$0.implemented }.map(\.action) == [])
    }

    /// Without configured clusters no custom key store can be made: creation checks AWS's parameter rules, then
    /// fails as AWS does without the cluster or the proxy; every other operation names a missing store.
    @Test func customKeyStores() async throws {
        let h = Harness()
        for operation in ["DeleteCustomKeyStore", "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "UpdateCustomKeyStore"] {
            await #expect(throws: KMSError(.customKeyStoreNotFound, ""), "\(operation)") {
                try await h.call(operation, ["CustomKeyStoreId": "cks-1234567890abcdef0"])
            }
        }
        await #expect(throws: KMSError(.validation, "")) {
            try await h.call("CreateCustomKeyStore", ["CustomKeyStoreName": "hsm", "CloudHsmClusterId": "cluster-abcdefghijk"])
        }
        await #expect(throws: KMSError(.cloudHsmClusterNotFound, "")) {
            try await h.call(
                "CreateCustomKeyStore",
                [
                    "CustomKeyStoreName": "hsm", "CloudHsmClusterId": "cluster-abcdefghijk", "TrustAnchorCertificate": "cert",
                    "KeyStorePassword": "password",
                ])
        }
        let external: [String: Any] = [
            "CustomKeyStoreName": "xks", "CustomKeyStoreType": "EXTERNAL_KEY_STORE",
            "XksProxyUriEndpoint": "https://xks.example.com", "XksProxyUriPath": "/kms/xks/v1",
            "XksProxyConnectivity": "PUBLIC_ENDPOINT",
            "XksProxyAuthenticationCredential": [
                "AccessKeyId": "ABCDEFGHIJKLMNOPQRST", "RawSecretAccessKey": String(repeating: "a", count: 43),
            ],
        ]
        await #expect(throws: KMSError(.xksProxyUriUnreachable, "")) { try await h.call("CreateCustomKeyStore", external) }
        var withCluster = external
        withCluster["CloudHsmClusterId"] = "cluster-abcdefghijk"
        await #expect(throws: KMSError(.validation, "")) { try await h.call("CreateCustomKeyStore", withCluster) }
        var vpc = external
        vpc["XksProxyConnectivity"] = "VPC_ENDPOINT_SERVICE"
        await #expect(throws: KMSError(.validation, "")) { try await h.call("CreateCustomKeyStore", vpc) }
        vpc["XksProxyVpcEndpointServiceName"] = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
        await #expect(throws: KMSError(.xksProxyVpcEndpointServiceNotFound, "")) {
            try await h.call("CreateCustomKeyStore", vpc)
        }
    }
}
