import Foundation
import TrentCore

enum EnableKeyRotation: KMSOperation {
    static let action = KMSAction.enableKeyRotation

    struct Request: Decodable, Sendable {
        var KeyId: String
        var RotationPeriodInDays: Int?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try Rotation.requireRotatable(record)
        let period = request.RotationPeriodInDays ?? Rotation.defaultPeriodDays
        let revision = record.revision
        // The next rotation counts from the current material's creation, as AWS counts it.
        let since = record.currentMaterial?.createdAt ?? call.now
        record.rotationPeriodDays = period
        record.nextRotationDate = max(since.addingTimeInterval(TimeInterval(period) * 86400), call.now)
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}

enum DisableKeyRotation: KMSOperation {
    static let action = KMSAction.disableKeyRotation

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> NoResponse {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try Rotation.requireRotatable(record)
        let revision = record.revision
        record.rotationPeriodDays = nil
        record.nextRotationDate = nil
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return NoResponse()
    }
}

enum GetKeyRotationStatus: KMSOperation {
    static let action = KMSAction.getKeyRotationStatus

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    struct Response: Encodable, Sendable {
        var KeyRotationEnabled: Bool
        var KeyId: String
        var RotationPeriodInDays: Int?
        var NextRotationDate: Date?
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try Rotation.requireRotatable(record)
        return Response(
            KeyRotationEnabled: record.rotationPeriodDays != nil, KeyId: record.arn.description,
            RotationPeriodInDays: record.rotationPeriodDays, NextRotationDate: record.nextRotationDate)
    }
}

enum RotateKeyOnDemand: KMSOperation {
    static let action = KMSAction.rotateKeyOnDemand

    struct Request: Decodable, Sendable {
        var KeyId: String
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try Rotation.requireRotatable(record)
        guard record.materials.filter({ $0.rotationType == "ON_DEMAND" }).count < Rotation.onDemandLimit else {
            throw KMSError(
                .limitExceeded, "\(record.arn) has reached the limit of \(Rotation.onDemandLimit) on-demand rotations.")
        }
        let revision = record.revision
        try Rotation.rotate(&record, kms: call.kms, at: call.now, type: "ON_DEMAND")
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return Response(KeyId: record.arn.description)
    }
}

enum ListKeyRotations: KMSOperation {
    static let action = KMSAction.listKeyRotations

    struct Request: Decodable, Sendable {
        var KeyId: String
        var IncludeKeyMaterial: String?
        var Limit: Int?
        var Marker: String?
    }

    struct Entry: Encodable, Sendable {
        var KeyId: String
        var KeyMaterialId: String
        var KeyMaterialState: String
        var RotationDate: Date?
        var RotationType: String?
    }

    struct Response: Encodable, Sendable {
        var Rotations: [Entry]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let record = try await call.resolveKey(request.KeyId, for: action)
        try Rotation.requireRotatable(record)
        let all = request.IncludeKeyMaterial == "ALL_KEY_MATERIAL"
        let materials = record.materials.sorted { $0.version < $1.version }.filter { all || $0.rotationType != nil }
        let page = try Page.of(materials, limit: request.Limit, defaultLimit: 100, maxLimit: 1000, marker: request.Marker) {
            String(format: "%010u", $0.version)
        }
        return Response(
            Rotations: page.items.map { m in
                Entry(
                    KeyId: record.arn.description, KeyMaterialId: m.materialID,
                    KeyMaterialState: m.version == record.currentVersion ? "CURRENT" : "NON_CURRENT",
                    RotationDate: m.rotationType == nil ? nil : m.createdAt, RotationType: m.rotationType)
            }, NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }
}
