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

    @Test func unimplementedOperationsSaySo() async {
        let h = Harness()
        await #expect(throws: KMSError(.unsupportedOperation, "")) {
            try await h.call("DeleteCustomKeyStore", ["CustomKeyStoreId": "cks-1234567890abcdef0"])
        }
    }
}
