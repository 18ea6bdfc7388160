import Foundation
import TrentCore

/// The last successful cryptographic operation with a key. Trent notes each use in memory as it answers and
/// writes the notes to storage every few seconds (and at shutdown), so, as in AWS, it is eventually consistent;
/// another node's uses appear once that node has flushed them.
enum GetKeyLastUsage: KMSOperation {
    static let action = KMSAction.getKeyLastUsage

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    struct Usage: Encodable, Sendable {
        var Operation: String?
        var Timestamp: Date?
        var CloudTrailEventId: String?
        var KmsRequestId: String?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        /// Empty when the key has not been used since tracking began.
        var KeyLastUsage: Usage
        var TrackingStartDate: Date
        var KeyCreationDate: Date
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        let usage = try await call.kms.lastUsage(of: record.identity)
        let trackingStart = try await call.store.usageTrackingStart()
        return Response(
            KeyId: record.identity.id.rawValue,
            KeyLastUsage: Usage(
                Operation: usage?.operation, Timestamp: usage?.timestamp, CloudTrailEventId: usage?.eventID,
                KmsRequestId: usage?.requestID),
            TrackingStartDate: max(trackingStart, record.creationDate), KeyCreationDate: record.creationDate)
    }
}
