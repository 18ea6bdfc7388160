import Foundation
import Testing

@testable import TrentCore

/// The one-pass request parser, the tree decoder and the response writer, each checked against Foundation's
/// JSON, which they replace on the request path.
struct WireJSONTests {
    @Test func parsesWhatFoundationParses() throws {
        let documents = [
            #"{}"#, #"[]"#, #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, #" { "KeyId" : "alias/x" , "Limit":10 } "#,
            #"{"s":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \ud83d\ude00 ü"}"#,
            #"[-0, 0.5, -1.25e+3, 1E-2, 12345678901234]"#,
            #""plain""#, #"3"#,
        ]
        for document in documents {
            let ours = try JSONParser.parse(Data(document.utf8))
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(document.utf8))
            #expect(ours == foundation, "\(document)")
        }
    }

    @Test func refusesWhatJSONRefuses() {
        let documents = [
            "", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", "[1 2]", "01", "1.", ".5", "-", "1e", "+1", "tru",
            "nul", #"{"a":1}x"#, "\"unterminated", "\"tab\there\"", #""\x""#, #""\u12""#, #""\ud800""#,
            #""\ud800\u0041""#, #""\udc00""#, "NaN", "Infinity", "1e400", #"{'a':1}"#,
            String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ]
        for document in documents {
            #expect(throws: JSONParser.Failure.self, "\(document)") { try JSONParser.parse(Data(document.utf8)) }
        }
        // Invalid UTF-8 inside a string, with and without escapes before it.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Data([0x22, 0xC3, 0x28, 0x22])) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Data([0x22, 0x5C, 0x6E, 0xFF, 0x22])) }
        // Deep but within the limit is fine.
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect((try? JSONParser.parse(Data(deep.utf8))) != nil)
    }

    struct Request: Codable, Equatable {
        var KeyId: String
        var Plaintext: Data
        var Limit: Int?
        var DryRun: Bool?
        var ValidTo: Date?
        var EncryptionContext: [String: String]?
        var GrantTokens: [String]?
        var Nested: [Inner]?
        struct Inner: Codable, Equatable { var Name: String }
    }

    @Test func decodesTypedRequestsFromTheTreeAsFoundationDoes() throws {
        let body = Data(
            #"{"KeyId":"k","Plaintext":"aGVsbG8=","Limit":5,"DryRun":false,"ValidTo":1767225600.5,"EncryptionContext":{"a":"b"},"GrantTokens":["t"],"Nested":[{"Name":"n"}]}"#
                .utf8)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let foundation = try decoder.decode(Request.self, from: body)
        let ours = try JSONValueDecoder.decode(Request.self, from: JSONParser.parse(body))
        #expect(ours == foundation)
        #expect(ours.Plaintext == Data("hello".utf8))
        // Wrong types, a fractional or out-of-range integer, bad base64 and a missing member are refused.
        for bad in [
            #"{"KeyId":1,"Plaintext":""}"#, #"{"KeyId":"k","Plaintext":"!!"}"#, #"{"KeyId":"k","Plaintext":"","Limit":1.5}"#,
            #"{"KeyId":"k","Plaintext":"","Limit":1e30}"#, #"{"Plaintext":""}"#, #"{"KeyId":"k","Plaintext":"","DryRun":"yes"}"#,
            #"{"KeyId":"k","Plaintext":"","GrantTokens":"t"}"#, #"[]"#,
        ] {
            #expect(throws: (any Error).self, "\(bad)") {
                try JSONValueDecoder.decode(Request.self, from: JSONParser.parse(Data(bad.utf8)))
            }
        }
    }

    struct Response: Encodable {
        var CiphertextBlob: Data
        var KeyId: String
        var Count: Int
        var Ratio: Double
        var When: Date
        var Truncated: Bool
        var Missing: String?
        var Tags: [[String: String]]
        var Empty: [String]
        var Nothing: Nothing
        struct Nothing: Encodable {}
    }

    @Test func writesWhatFoundationWrites() throws {
        let response = Response(
            CiphertextBlob: Data((0..<300).map { UInt8($0 % 256) }), KeyId: "arn:aws:kms:/x \"q\" \\ \n\t\u{01} é 😀",
            Count: -42, Ratio: 0.125, When: Date(timeIntervalSince1970: 1_767_225_600), Truncated: true, Missing: nil,
            Tags: [["TagKey": "a", "TagValue": "b"]], Empty: [], Nothing: .init())
        let foundation = JSONEncoder()
        foundation.dateEncodingStrategy = .secondsSince1970
        foundation.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let ours = try JSONWriter.encode(response)
        // Same document (member order aside), and byte for byte once both are normalised.
        let normalise = { (data: Data) -> Data in
            try foundation.encode(try JSONDecoder().decode(JSONValueBox.self, from: data))
        }
        #expect(try normalise(ours) == normalise(try foundation.encode(response)))
        let text = String(decoding: ours, as: UTF8.self)
        #expect(text.hasPrefix(#"{"CiphertextBlob":""#))
        #expect(text.contains(#""When":1767225600"#))
        #expect(text.contains(#"\"q\" \\ \n\t\u0001 é 😀"#))
        #expect(!text.contains("Missing"))
        #expect(text.contains(#""Empty":[],"Nothing":{}"#))
        #expect(throws: (any Error).self) { try JSONWriter.encode([Double.nan]) }
    }

    /// A JSON document re-encodable by Foundation, to compare two documents whatever their member order.
    struct JSONValueBox: Codable {
        let value: JSONValue
        init(from decoder: any Decoder) throws { value = try JSONValue(from: decoder) }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch value {
            case .null: try c.encodeNil()
            case .bool(let b): try c.encode(b)
            case .number(let d): try c.encode(d)
            case .string(let s): try c.encode(s)
            case .array(let a): try c.encode(a.map { JSONValueBox(value: $0) })
            case .object(let o): try c.encode(o.mapValues { JSONValueBox(value: $0) })
            }
        }
        init(value: JSONValue) { self.value = value }
    }

    @Test func randomIdsAreVersion4UUIDs() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = RandomUUID.make()
            #expect(UUID(uuidString: id) != nil)
            #expect(id == id.lowercased())
            let chars = Array(id)
            #expect(chars[14] == "4")
            #expect("89ab".contains(chars[19]))
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }
}
