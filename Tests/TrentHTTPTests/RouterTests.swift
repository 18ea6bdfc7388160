import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrentCore
import TrentCrypto
import TrentHTTP
import TrentOperations

@Suite struct RouterTests {
    let app: some ApplicationProtocol = {
        let kms = KMS(
            store: InMemoryKeyStore(), sealer: try! RootKeySealer(rootKey: RootKeySealer.generateRootKey()),
            logger: Logger(label: "test"))
        return try! TrentServer.application(
            dispatcher: Dispatcher(kms: kms),
            authentication: .development(CallerDefaults(account: AccountID("111122223333")!, region: Region("us-east-1")!)),
            host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
    }()

    static let target = HTTPField.Name("X-Amz-Target")!
    static let requestID = HTTPField.Name("x-amzn-RequestId")!

    func headers(_ operation: String, contentType: String = "application/x-amz-json-1.1", authorization: String? = nil)
        -> HTTPFields
    {
        var fields: HTTPFields = [Self.target: "TrentService.\(operation)", .contentType: contentType]
        if let authorization { fields[.authorization] = authorization }
        return fields
    }

    func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
    }

    @Test func createKeyOverJSON11() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .post, headers: headers("CreateKey"), body: ByteBuffer(string: "{}")) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-amz-json-1.1")
                #expect(response.headers[Self.requestID]?.count == 36)
                let metadata = json(response.body)["KeyMetadata"] as? [String: Any]
                #expect(metadata?["KeyState"] as? String == "Enabled")
            }
        }
    }

    @Test func plainJSONContentTypeIsAccepted() async throws {
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: headers("ListKeys", contentType: "application/json"),
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)["Keys"] is [Any])
            }
        }
    }

    @Test func errorsAreAWSShaped() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .post, headers: headers("NoSuchThing"), body: ByteBuffer(string: "{}")) {
                response in
                #expect(response.status == .badRequest)
                #expect(json(response.body)["__type"] as? String == "UnknownOperationException")
                #expect(response.headers[Self.requestID] != nil)
            }
            try await client.execute(
                uri: "/", method: .post, headers: headers("DescribeKey"), body: ByteBuffer(string: "{not json")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(json(response.body)["__type"] as? String == "SerializationException")
            }
            try await client.execute(uri: "/", method: .post, headers: headers("DescribeKey"), body: ByteBuffer(string: "{}")) {
                response in
                let body = json(response.body)
                #expect(body["__type"] as? String == "ValidationException")
                #expect(
                    body["message"] as? String
                        == "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"
                )
            }
            try await client.execute(
                uri: "/", method: .post, headers: headers("DescribeKey"), body: ByteBuffer(string: #"{"KeyId":"alias/none"}"#)
            ) { response in
                let body = json(response.body)
                #expect(body["__type"] as? String == "NotFoundException")
                #expect(body["message"] as? String == "Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.")
            }
        }
    }

    @Test func theCredentialScopeChoosesRegionAndAccount() async throws {
        let auth =
            "AWS4-HMAC-SHA256 Credential=444455556666/20261123/eu-central-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: headers("CreateKey", authorization: auth), body: ByteBuffer(string: "{}")
            ) { response in
                let arn = (json(response.body)["KeyMetadata"] as? [String: Any])?["Arn"] as? String
                #expect(arn?.hasPrefix("arn:aws:kms:eu-central-1:444455556666:key/") == true)
            }
            try await client.execute(uri: "/", method: .post, headers: headers("ListKeys"), body: ByteBuffer(string: "{}")) {
                response in
                #expect((json(response.body)["Keys"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test func healthAndReadiness() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func theSameAppServesOverARealSocket() async throws {
        try await app.test(.live) { client in
            try await client.execute(
                uri: "/", method: .post, headers: headers("GenerateRandom"), body: ByteBuffer(string: #"{"NumberOfBytes":16}"#)
            ) { response in
                #expect(response.status == .ok)
                let bytes = Data(base64Encoded: json(response.body)["Plaintext"] as? String ?? "")
                #expect(bytes?.count == 16)
            }
        }
    }
}

/// A store that cannot be reached, for the readiness check.
final class UnreachableStore: KeyStore {
    func key(_ identity: KeyIdentity) async throws -> KeyRecord? { throw StoreError.unavailable("down") }
    func keys(in scope: Scope) async throws -> [KeyRecord] { throw StoreError.unavailable("down") }
    func customKeyStores(in scope: Scope) async throws -> [CustomKeyStoreRecord] { throw StoreError.unavailable("down") }
    func alias(_ name: AliasName, in scope: Scope) async throws -> AliasRecord? { throw StoreError.unavailable("down") }
    func aliases(in scope: Scope) async throws -> [AliasRecord] { throw StoreError.unavailable("down") }
    func aliasPage(in scope: Scope, after: AliasName?, limit: Int, liveAt now: Date) async throws -> [AliasRecord] {
        throw StoreError.unavailable("down")
    }
    func keyPage(in scope: Scope, after: KeyID?, limit: Int, liveAt now: Date) async throws -> [KeyID] {
        throw StoreError.unavailable("down")
    }
    func aliases(of key: KeyIdentity) async throws -> [AliasRecord] { throw StoreError.unavailable("down") }
    func keysPendingDeletion(before date: Date) async throws -> [KeyRecord] { throw StoreError.unavailable("down") }
    func keysDueForRotation(before date: Date) async throws -> [KeyRecord] { throw StoreError.unavailable("down") }
    func keysWithExpiringMaterial(before date: Date) async throws -> [KeyRecord] { throw StoreError.unavailable("down") }
    func commit(_ changes: ChangeSet) async throws { throw StoreError.unavailable("down") }
    func ping() async throws { throw StoreError.unavailable("down") }
    func deleteEverything() async throws { throw StoreError.unavailable("down") }
    func recordUsage(_ usage: [KeyIdentity: KeyLastUsage]) async throws { throw StoreError.unavailable("down") }
    func lastUsage(of identity: KeyIdentity) async throws -> KeyLastUsage? { throw StoreError.unavailable("down") }
    func usageTrackingStart() async throws -> Date { throw StoreError.unavailable("down") }
    func rootKeyCanary() async throws -> Data? { throw StoreError.unavailable("down") }
    func scopes() async throws -> [Scope] { throw StoreError.unavailable("down") }
}

@Suite struct ReadinessTests {
    @Test func readinessFailsAndRequestsTimeOutWhileStorageIsUnreachable() async throws {
        let kms = KMS(
            store: UnreachableStore(), sealer: try RootKeySealer(rootKey: RootKeySealer.generateRootKey()),
            logger: Logger(label: "test"))
        let app = try TrentServer.application(
            dispatcher: Dispatcher(kms: kms),
            authentication: .development(CallerDefaults(account: AccountID("111122223333")!, region: Region("us-east-1")!)),
            host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
            let headers: HTTPFields = [HTTPField.Name("X-Amz-Target")!: "TrentService.ListKeys"]
            try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(body?["__type"] as? String == "DependencyTimeoutException")
            }
        }
    }
}
