import Foundation
import TrentCore
import TrentHTTP
import TrentOperations

/// The console's only way to read or change anything: the request an SDK would send, through the API's gateway
/// (the same dispatcher, validation, authorization, audit trail and metrics), as the session's caller.
struct ConsoleAPI: Sendable {
    static let userAgent = "Trent console"

    let gateway: APIGateway
    let identity: ConsoleIdentity
    let region: Region
    let sourceIP: String?
    let secureTransport: Bool

    /// Calls one operation; the answer's JSON, or the API's error.
    func call(_ operation: String, _ input: [String: Any] = [:]) async -> Result<JSONValue, KMSError> {
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: input)
        } catch {
            return .failure(KMSError(.serialization, "The console could not build the request."))
        }
        let caller = identity.caller(in: region)
        let reply = await gateway.serve(
            target: "TrentService.\(operation)", body: body,
            origin: APIGateway.Origin(
                sourceIP: sourceIP, userAgent: Self.userAgent, accessKeyID: identity.accessKeyID,
                secureTransport: secureTransport)
        ) { caller }
        if let error = reply.error { return .failure(error) }
        if reply.body.isEmpty { return .success(.object([:])) }
        do {
            return .success(try JSONDecoder().decode(JSONValue.self, from: reply.body))
        } catch {
            return .failure(KMSError.internalError())
        }
    }

    /// Every item of a paged List operation, following NextMarker; stops at the first error.
    func listAll(
        _ operation: String, member: String, _ input: [String: Any] = [:], limit: Int, maximumPages: Int = 1_000
    ) async -> Result<[JSONValue], KMSError> {
        var items: [JSONValue] = []
        var marker: String?
        for _ in 0..<maximumPages {
            var request = input
            request["Limit"] = limit
            if let marker { request["Marker"] = marker }
            switch await call(operation, request) {
            case .failure(let error): return .failure(error)
            case .success(let page):
                items += page[member]?.arrayValue ?? []
                guard page["Truncated"]?.boolValue == true, let next = page["NextMarker"]?.stringValue else {
                    return .success(items)
                }
                marker = next
            }
        }
        return .success(items)
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    var strings: [String] { arrayValue?.compactMap(\.stringValue) ?? [] }

    /// A timestamp member (seconds since 1970 on the wire) as AWS's console shows it.
    var dateText: String? {
        guard let seconds = numberValue else { return nil }
        return ConsoleFormat.date(Date(timeIntervalSince1970: seconds))
    }
}

enum ConsoleFormat {
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM d, yyyy HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}
