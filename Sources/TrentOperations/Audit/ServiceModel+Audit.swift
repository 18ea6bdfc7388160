import Foundation
import TrentCore

extension ServiceModel {
    /// What of a request or response may appear in an audit record: the model's blob members (plaintexts,
    /// ciphertexts, data keys, private keys, MACs, signatures) and its sensitive members are left out; names
    /// are in CloudTrail's camelCase.
    public func auditView(operation: String, request: Bool, _ value: JSONValue) -> JSONValue? {
        guard let op = operations[operation], let ref = request ? op.input : op.output else { return nil }
        return audit(value, shape: ref.shape)
    }

    private func audit(_ value: JSONValue, shape name: String) -> JSONValue? {
        guard let shape = shapes[name], shape.sensitive != true, shape.type != "blob" else { return nil }
        switch (shape.type, value) {
        case ("structure", .object(let members)):
            var out: [String: JSONValue] = [:]
            for (member, memberValue) in members {
                guard let ref = shape.members?[member], let kept = audit(memberValue, shape: ref.shape) else { continue }
                out[member.prefix(1).lowercased() + member.dropFirst()] = kept
            }
            return .object(out)
        case ("list", .array(let items)):
            guard let member = shape.member else { return nil }
            return .array(items.compactMap { audit($0, shape: member.shape) })
        case ("map", .object(let entries)):
            guard let valueShape = shape.value?.shape else { return nil }
            return .object(entries.compactMapValues { audit($0, shape: valueShape) })
        case ("structure", _), ("list", _), ("map", _):
            return nil
        default:
            return value
        }
    }
}

extension JSONValue {
    /// Foundation's JSON object for this value, for writing.
    public var foundationObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let b): b
        case .number(let n): n
        case .string(let s): s
        case .array(let items): items.map(\.foundationObject)
        case .object(let members): members.mapValues(\.foundationObject)
        }
    }
}
