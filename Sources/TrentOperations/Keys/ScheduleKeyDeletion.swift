import Foundation
import TrentCore

enum ScheduleKeyDeletion: KMSOperation {
    static let action = KMSAction.scheduleKeyDeletion

    struct Request: Decodable, Sendable {
        var KeyId: String
        var PendingWindowInDays: Int?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        /// Absent while a multi-Region primary waits for its replicas to be deleted.
        var DeletionDate: Date?
        var KeyState: String
        var PendingWindowInDays: Int
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let days = request.PendingWindowInDays ?? 30
        // The model allows 1–365; AWS documents and enforces 7–30.
        if days < 7 {
            throw KMSError.validation(
                .number(days, at: "pendingWindowInDays", "Member must have value greater than or equal to 7"))
        }
        if days > 30 {
            throw KMSError.validation(.number(days, at: "pendingWindowInDays", "Member must have value less than or equal to 30"))
        }
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        let revision = record.revision
        // A multi-Region primary with replicas waits for them (PendingReplicaDeletion); its waiting period starts
        // when the last replica is deleted.
        let waitsForReplicas = record.isMultiRegionPrimary && !record.replicaRegions.isEmpty
        let date = waitsForReplicas ? nil : call.now.addingTimeInterval(TimeInterval(days) * 86_400)
        record.state = waitsForReplicas ? .pendingReplicaDeletion : .pendingDeletion
        record.deletionDate = date
        record.pendingWindowInDays = days
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return Response(
            KeyId: record.arn.description, DeletionDate: date, KeyState: record.state.rawValue, PendingWindowInDays: days)
    }
}
