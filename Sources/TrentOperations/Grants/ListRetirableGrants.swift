import Foundation
import TrentCore

enum ListRetirableGrants: KMSOperation {
    static let action = KMSAction.listRetirableGrants

    struct Request: Decodable, Sendable {
        var Limit: Int?
        var Marker: String?
        var RetiringPrincipal: String
    }

    static func perform(_ request: Request, _ call: Call) async throws -> ListGrants.Response {
        var entries: [(String, GrantListEntry)] = []
        for record in try await call.store.keys(in: call.scope) where !record.isDeleted(at: call.now) {
            for grant in record.grants where grant.retiringPrincipal == request.RetiringPrincipal {
                entries.append((record.identity.id.rawValue + "/" + grant.grantID, GrantListEntry(grant, of: record)))
            }
        }
        entries.sort { $0.0 < $1.0 }
        let page = try Page.of(entries, limit: request.Limit, defaultLimit: 50, maxLimit: 100, marker: request.Marker) { $0.0 }
        return ListGrants.Response(Grants: page.items.map(\.1), NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }
}
