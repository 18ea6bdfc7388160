import Foundation
import Testing
import TrentCore

@testable import TrentOperations

@Suite struct SensitiveValidationTests {
    @Test func sensitiveAndBlobMembersAreNamedWithoutTheirValue() async throws {
        let harness = Harness()
        do {
            try await harness.call(
                "CreateCustomKeyStore",
                ["CustomKeyStoreName": "s", "KeyStorePassword": "planted-password-that-is-far-too-long-for-the-limit"])
            Issue.record("accepted")
        } catch let error as KMSError {
            #expect(error.code == .validation)
            #expect(error.message.contains("Value at 'keyStorePassword' failed to satisfy constraint"))
            #expect(!error.message.contains("planted-password"))
        }
        do {
            try await harness.call("Encrypt", ["KeyId": "alias/x", "Plaintext": Data(count: 4097).b64])
            Issue.record("accepted")
        } catch let error as KMSError {
            #expect(
                error.message
                    == "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"
            )
        }
    }
}
