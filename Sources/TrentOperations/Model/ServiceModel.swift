import Foundation
import TrentCore

/// botocore's KMS model (generated into `KMSModel+Data.swift`): the wire contract. It declares every operation,
/// member, enum and constraint; `validate` enforces them with AWS's wording.
public final class ServiceModel: Sendable {
    struct Ref: Decodable, Sendable { let shape: String }

    struct Shape: Decodable, Sendable {
        let type: String
        let members: [String: Ref]?
        let memberOrder: [String]?
        let required: [String]?
        let member: Ref?
        let key: Ref?
        let value: Ref?
        let min: Double?
        let max: Double?
        let pattern: String?
        let `enum`: [String]?
        let exception: Bool?
        let sensitive: Bool?
    }

    struct Operation: Decodable, Sendable {
        let input: Ref?
        let output: Ref?
        let errors: [Ref]?
    }

    private struct Document: Decodable {
        let operations: [String: Operation]
        let shapes: [String: Shape]
        let botocoreVersion: String
    }

    let operations: [String: Operation]
    let shapes: [String: Shape]
    public let botocoreVersion: String
    private let patterns: [String: NSRegularExpression]

    public static let kms = ServiceModel()

    private init() {
        let doc = try! JSONDecoder().decode(Document.self, from: Data(Self.botocoreJSON.utf8))
        operations = doc.operations
        shapes = doc.shapes
        botocoreVersion = doc.botocoreVersion
        var compiled: [String: NSRegularExpression] = [:]
        for shape in doc.shapes.values {
            if let p = shape.pattern, compiled[p] == nil {
                compiled[p] = try? NSRegularExpression(pattern: "^(?:\(p))$", options: [.dotMatchesLineSeparators])
            }
        }
        patterns = compiled
    }

    /// Every operation name in the model.
    public var operationNames: [String] { operations.keys.sorted() }

    /// Every error `__type` the model declares.
    public var exceptionNames: [String] { shapes.filter { $0.value.exception == true }.map(\.key).sorted() }

    /// Enum values of a named shape (used by tests and by operations that need the model's enum).
    public func enumValues(_ shape: String) -> [String] { shapes[shape]?.enum ?? [] }

    /// Checks a request body against the operation's input shape: types (SerializationException), then required
    /// members, lengths, ranges, patterns and enums (ValidationException with AWS's message).
    public func validate(operation: String, input: JSONValue) throws(KMSError) {
        guard let shapeName = operations[operation]?.input?.shape, let shape = shapes[shapeName] else { return }
        guard case .object = input else {
            throw KMSError(.serialization, "Start of structure or map found where not expected.")
        }
        var failures: [ValidationFailure] = []
        try check(input, shape: shape, path: "", failures: &failures)
        if !failures.isEmpty { throw KMSError.validation(failures) }
    }

    private func lowerFirst(_ s: String) -> String {
        // AWS writes member paths in lower camel case: KeyId -> keyId, AWSAccountId -> aWSAccountId.
        guard let first = s.first else { return s }
        return first.lowercased() + s.dropFirst()
    }

    private func join(_ path: String, _ member: String) -> String {
        path.isEmpty ? member : "\(path).\(member)"
    }

    private func serialization(_ value: JSONValue, _ expected: String) -> KMSError {
        KMSError(.serialization, "\(value.typeName) can not be converted to \(expected)")
    }

    private func check(_ value: JSONValue, shape: Shape, path: String, failures: inout [ValidationFailure])
        throws(KMSError)
    {
        if case .null = value { return }
        switch shape.type {
        case "structure":
            guard case .object(let object) = value else { throw serialization(value, "a structure") }
            let members = shape.members ?? [:]
            for name in shape.memberOrder ?? members.keys.sorted() {
                guard let ref = members[name], let memberShape = shapes[ref.shape] else { continue }
                let memberValue = object[name] ?? .null
                if memberValue == .null {
                    if shape.required?.contains(name) == true { failures.append(.null(at: join(path, lowerFirst(name)))) }
                    continue
                }
                try check(memberValue, shape: memberShape, path: join(path, lowerFirst(name)), failures: &failures)
            }
        case "string":
            guard case .string(let s) = value else { throw serialization(value, "a String") }
            // A sensitive member's value is never written back: the failure names the member only.
            func failure(_ constraint: String) -> ValidationFailure {
                shape.sensitive == true ? .withheld(at: path, constraint) : .string(s, at: path, constraint)
            }
            let length = s.utf16.count
            if let min = shape.min, Double(length) < min {
                failures.append(failure("Member must have length greater than or equal to \(Int(min))"))
            }
            if let max = shape.max, Double(length) > max {
                failures.append(failure("Member must have length less than or equal to \(Int(max))"))
            }
            if let p = shape.pattern, let regex = patterns[p],
                regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil
            {
                failures.append(failure("Member must satisfy regular expression pattern: \(p)"))
            }
            if let values = shape.enum, !values.contains(s) {
                failures.append(failure("Member must satisfy enum value set: [\(values.joined(separator: ", "))]"))
            }
        case "integer", "long":
            guard case .number(let d) = value, d.rounded() == d, abs(d) < 9.2e18 else {
                throw serialization(value, shape.type == "long" ? "a Long" : "an Integer")
            }
            let n = Int(d)
            if let min = shape.min, d < min {
                failures.append(.number(n, at: path, "Member must have value greater than or equal to \(Int(min))"))
            }
            if let max = shape.max, d > max {
                failures.append(.number(n, at: path, "Member must have value less than or equal to \(Int(max))"))
            }
        case "boolean":
            guard case .bool = value else { throw serialization(value, "a Boolean") }
        case "timestamp":
            guard case .number = value else { throw serialization(value, "a Date") }
        case "blob":
            guard case .string(let s) = value else { throw serialization(value, "a ByteBuffer") }
            guard let bytes = Data(base64Encoded: s) else {
                throw KMSError(.serialization, "Base64 encoded value of \(path) is not valid.")
            }
            // AWS names a blob member without a value.
            if let min = shape.min, Double(bytes.count) < min {
                failures.append(.withheld(at: path, "Member must have length greater than or equal to \(Int(min))"))
            }
            if let max = shape.max, Double(bytes.count) > max {
                failures.append(.withheld(at: path, "Member must have length less than or equal to \(Int(max))"))
            }
        case "list":
            guard case .array(let items) = value else { throw serialization(value, "a List") }
            if let min = shape.min, Double(items.count) < min {
                failures.append(
                    .init(
                        value: "'\(render(items))'", path: path,
                        constraint: "Member must have length greater than or equal to \(Int(min))"))
            }
            if let max = shape.max, Double(items.count) > max {
                failures.append(
                    .init(
                        value: "'\(render(items))'", path: path,
                        constraint: "Member must have length less than or equal to \(Int(max))"))
            }
            if let ref = shape.member, let memberShape = shapes[ref.shape] {
                for (i, item) in items.enumerated() {
                    if item == .null {
                        failures.append(.null(at: "\(path).\(i + 1).member"))
                        continue
                    }
                    try check(item, shape: memberShape, path: "\(path).\(i + 1).member", failures: &failures)
                }
            }
        case "map":
            guard case .object(let entries) = value else { throw serialization(value, "a Map") }
            if let min = shape.min, Double(entries.count) < min {
                failures.append(
                    .init(
                        value: "'{...}'", path: path, constraint: "Member must have length greater than or equal to \(Int(min))"))
            }
            if let max = shape.max, Double(entries.count) > max {
                failures.append(
                    .init(value: "'{...}'", path: path, constraint: "Member must have length less than or equal to \(Int(max))"))
            }
            for (k, v) in entries.sorted(by: { $0.key < $1.key }) {
                if let keyRef = shape.key, let keyShape = shapes[keyRef.shape] {
                    try check(.string(k), shape: keyShape, path: path, failures: &failures)
                }
                if let valueRef = shape.value, let valueShape = shapes[valueRef.shape] {
                    if v == .null { throw serialization(v, "a String") }
                    try check(v, shape: valueShape, path: path, failures: &failures)
                }
            }
        default:
            break
        }
    }

    private func render(_ items: [JSONValue]) -> String {
        "["
            + items.map { item -> String in
                if case .string(let s) = item { return s }
                return "..."
            }.joined(separator: ", ") + "]"
    }
}
