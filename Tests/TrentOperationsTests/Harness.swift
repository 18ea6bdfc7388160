import Foundation
import Logging
import Testing
import TrentCore
import TrentCrypto

@testable import TrentOperations

/// A KMS in memory, driven through the dispatcher with JSON bodies as a client sends them.
struct Harness {
    let kms: KMS
    let dispatcher: Dispatcher
    var caller = Caller(account: AccountID("111122223333")!, region: Region("us-east-1")!)

    init(store: any KeyStore = InMemoryKeyStore()) {
        kms = KMS(
            store: store, sealer: try! RootKeySealer(rootKey: RootKeySealer.generateRootKey()), logger: Logger(label: "test"))
        dispatcher = Dispatcher(kms: kms)
    }

    func `as`(account: String, region: String = "us-east-1") -> Harness {
        var copy = self
        copy.caller = Caller(account: AccountID(account)!, region: Region(region)!)
        return copy
    }

    /// Calls an operation; returns the decoded response object or throws the KMSError the server answered.
    @discardableResult
    func call(_ operation: String, _ input: [String: Any] = [:]) async throws -> Reply {
        let body = try JSONSerialization.data(withJSONObject: input)
        return try await raw(operation, body)
    }

    @discardableResult
    func raw(_ operation: String, _ body: Data) async throws -> Reply {
        let reply = await dispatcher.handle(target: "TrentService.\(operation)", body: body, caller: caller, requestID: "test")
        if let error = reply.error {
            let object = try JSONSerialization.jsonObject(with: reply.body) as! [String: Any]
            #expect(object["__type"] as? String == error.code.rawValue)
            throw error
        }
        #expect(reply.status == 200)
        if reply.body.isEmpty { return Reply(object: [:]) }
        return Reply(object: try JSONSerialization.jsonObject(with: reply.body) as! [String: Any])
    }

    func createKey(_ input: [String: Any] = [:]) async throws -> String {
        let out = try await call("CreateKey", input)
        return (out["KeyMetadata"] as! [String: Any])["KeyId"] as! String
    }

    func describe(_ keyID: String) async throws -> Reply {
        Reply(object: try await call("DescribeKey", ["KeyId": keyID])["KeyMetadata"] as! [String: Any])
    }
}

/// A decoded JSON response object (JSON values are immutable once parsed, hence Sendable).
struct Reply: @unchecked Sendable {
    let object: [String: Any]
    subscript(_ key: String) -> Any? { object[key] }
    var keys: Dictionary<String, Any>.Keys { object.keys }
}

extension Data {
    var b64: String { base64EncodedString() }
}

func blob(_ value: Any?) -> Data { Data(base64Encoded: value as! String)! }
