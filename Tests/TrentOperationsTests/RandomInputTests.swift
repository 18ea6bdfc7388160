import Foundation
import Testing
import TrentCore

@testable import TrentOperations

/// Every operation of the model driven with random bodies built from its own input shape (mostly well-formed,
/// sometimes with the wrong JSON type, out of range, or naming real and unreal keys): the server answers each
/// with a response or an AWS-shaped client error, never a crash and never KMSInternalException; and a refused
/// request changes nothing.
@Suite struct RandomInputTests {
    /// SplitMix64, so every run sends the same bodies and a failure can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    struct Fixtures {
        var keyReferences: [String]
        var blobs: [String]
    }

    func value(_ shapeName: String, _ model: ServiceModel, _ g: inout Generator, _ f: Fixtures, depth: Int) -> Any {
        guard let shape = model.shapes[shapeName] else { return NSNull() }
        if g.chance(3) {  // the wrong JSON type
            return g.pick([NSNull(), "text", 42, true, [1, 2], ["k": "v"]] as [Any])
        }
        switch shape.type {
        case "structure":
            var object: [String: Any] = [:]
            for (name, ref) in shape.members ?? [:] where depth < 4 {
                let required = shape.required?.contains(name) ?? false
                if required ? g.chance(95) : g.chance(50) {
                    object[name] = value(ref.shape, model, &g, f, depth: depth + 1)
                }
            }
            return object
        case "list":
            return (0..<g.below(4)).map { _ in value(shape.member!.shape, model, &g, f, depth: depth + 1) }
        case "map":
            var map: [String: Any] = [:]
            for _ in 0..<g.below(4) {
                map[g.pick(["a", "purpose", "", "ключ", String(repeating: "k", count: 300)])] =
                    g.pick(["b", "", "value", String(repeating: "v", count: 300)])
            }
            return map
        case "string":
            if let values = shape.enum, g.chance(85) { return g.pick(values) }
            if shapeName.contains("KeyId") || shapeName.contains("Arn") || g.chance(10) {
                if g.chance(80) { return g.pick(f.keyReferences) }
            }
            return g.pick([
                "", "x", "alias/", "alias/aws/s3", "arn:aws:kms:us-east-1:111122223333:key/", "mrk-0",
                "1234abcd-12ab-34cd-56ef-1234567890ab", String(repeating: "a", count: 5000), "\u{0}\u{7}", "日本語",
                "2026-01-01T00:00:00Z", "${aws:username}", "{\"Statement\":[]}", "cks-1234567890abcdef0",
            ])
        case "blob":
            if g.chance(40), let blob = f.blobs.first { return g.chance(70) ? blob : String(blob.dropLast(4)) + "AAAA" }
            return g.pick([
                "", "AA==", "not base64!", Data((0..<g.below(600)).map { _ in UInt8(g.below(256)) }).base64EncodedString(),
            ])
        case "integer", "long":
            return g.pick([0, 1, -1, 7, 32, 64, 100, 1024, 1025, 4096, Int(Int32.max), -99_999_999] as [Int])
        case "boolean":
            return g.chance(50)
        case "timestamp":
            return g.pick([0, 1_900_000_000, -5, 1e12] as [Double])
        default:
            return NSNull()
        }
    }

    @Test func noOperationCrashesOrFailsInternallyOnRandomInput() async throws {
        let h = Harness()
        let model = ServiceModel.kms
        var references: [String] = ["alias/fixture", "alias/aws/ebs"]
        for spec in ["SYMMETRIC_DEFAULT", "ECC_NIST_P256", "RSA_2048", "HMAC_256"] {
            let usage =
                spec == "SYMMETRIC_DEFAULT"
                ? "ENCRYPT_DECRYPT"
                : spec == "HMAC_256" ? "GENERATE_VERIFY_MAC" : spec == "RSA_2048" ? "ENCRYPT_DECRYPT" : "SIGN_VERIFY"
            let id = try await h.createKey(["KeySpec": spec, "KeyUsage": usage])
            references += [id, "arn:aws:kms:us-east-1:111122223333:key/\(id)"]
        }
        references.append(try await h.createKey(["MultiRegion": true]))
        references.append(try await h.createKey(["Origin": "EXTERNAL"]))
        try await h.call("CreateAlias", ["AliasName": "alias/fixture", "TargetKeyId": references[2]])
        let blob = try await h.call("Encrypt", ["KeyId": references[2], "Plaintext": "aGVsbG8="])["CiphertextBlob"] as! String
        let fixtures = Fixtures(keyReferences: references, blobs: [blob])
        // Naming alias/aws/<service> creates that AWS managed key at lookup, even in a request refused later (as
        // in AWS): create the ones the generator names first, so every later change would be a real one.
        for managed in ["alias/aws/ebs", "alias/aws/s3"] { try await h.call("DescribeKey", ["KeyId": managed]) }
        func snapshot() async throws -> [String] {
            let keys = try await h.kms.store.keys(in: h.caller.scope).map { "\($0.identity.id)#\($0.revision)" }
            let aliases = try await h.kms.store.aliases(in: h.caller.scope).map { "\($0.name)->\($0.targetKeyID)" }
            return keys + aliases
        }

        var g = Generator(state: 0x7472_656e_74)
        var answered = 0
        var succeeded: Set<String> = []
        var codes: Set<String> = []
        for name in model.operationNames {
            let input = model.operations[name]?.input?.shape
            for _ in 0..<120 {
                let object = input.map { value($0, model, &g, fixtures, depth: 0) } ?? [String: Any]()
                let before = try await snapshot()
                let body =
                    (try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed])) ?? Data("{".utf8)
                let reply = await h.dispatcher.handle(
                    target: "TrentService.\(name)", body: body, caller: h.caller, requestID: "fuzz")
                #expect(reply.status == 200 || reply.status == 400, "\(name): \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.error?.code != .internalError, "\(name) with \(String(decoding: body.prefix(400), as: UTF8.self))")
                if let error = reply.error {
                    let object = try JSONSerialization.jsonObject(with: reply.body) as? [String: Any]
                    #expect(object?["__type"] as? String == error.code.rawValue)
                    #expect(try await snapshot() == before, "\(name) refused with \(error.code) but changed the store")
                }
                answered += 1
                if reply.status == 200 { succeeded.insert(name) }
                if let code = reply.error?.code { codes.insert(code.rawValue) }
            }
        }
        #expect(answered == 54 * 120)
        // The bodies reach the operations' own logic, not only the model's validation.
        #expect(succeeded.count >= 25, "operations that answered 200: \(succeeded.sorted())")
        #expect(codes.count >= 10, "error codes seen: \(codes.sorted())")
    }
}
