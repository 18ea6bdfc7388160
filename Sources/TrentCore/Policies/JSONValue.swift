import Foundation

/// An untyped JSON document: what the model validator walks before the typed request is decoded, and what
/// policy documents are parsed from.
public enum JSONValue: Sendable, Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public var typeName: String {
        switch self {
        case .null: "NULL_VALUE"
        case .bool: "BOOLEAN_VALUE"
        case .number: "NUMBER_VALUE"
        case .string: "STRING_VALUE"
        case .array: "START_ARRAY"
        case .object: "START_OBJECT"
        }
    }
}
