import Foundation
import TrentCore

enum ListAliases: KMSOperation {
    static let action = KMSAction.listAliases

    struct Request: Decodable, Sendable {
        var KeyId: String?
        var Limit: Int?
        var Marker: String?
    }

    struct Entry: Encodable, Sendable {
        var AliasName: String
        var AliasArn: String
        var TargetKeyId: String?
        var CreationDate: Date?
        var LastUpdatedDate: Date?
    }

    struct Response: Encodable, Sendable {
        var Aliases: [Entry]
        var NextMarker: String?
        var Truncated: Bool
    }

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        if let raw = request.KeyId {
            let key = try await call.resolveKey(raw, for: action)
            let entries = try await call.store.aliases(of: key.identity).map(entry)
            let page = try Page.of(entries, limit: request.Limit, defaultLimit: 50, maxLimit: 100, marker: request.Marker) {
                $0.AliasName
            }
            return Response(Aliases: page.items, NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
        }
        // The whole scope, one page at a time from the store's index: the stored aliases (without those whose key
        // has passed its deletion date) merged with the AWS managed aliases, which are listed in every account and
        // Region even before their key exists.
        let size = min(request.Limit ?? 50, 100)
        let after = try PageMarker.position(request.Marker, as: AliasName.init)
        let stored = try await call.store.aliasPage(in: call.scope, after: after, limit: size + 1, liveAt: call.now)
        // Stored aliases past the last one read are unknown, so managed names beyond it wait for a later page.
        let horizon = stored.count > size ? stored.last?.name.rawValue : nil
        var merged = stored.map(entry)
        let present = Set(merged.map(\.AliasName))
        for (name, _) in AliasName.awsManaged
        where !present.contains(name) && name > (after?.rawValue ?? "") && horizon.map({ name <= $0 }) ?? true {
            merged.append(Entry(AliasName: name, AliasArn: AliasARN(scope: call.scope, name: AliasName(name)!).description))
        }
        merged.sort { $0.AliasName < $1.AliasName }
        let items = Array(merged.prefix(size))
        let truncated = merged.count > size
        return Response(
            Aliases: items, NextMarker: truncated ? items.last.map { PageMarker.encode($0.AliasName) } : nil,
            Truncated: truncated)
    }

    private static func entry(_ alias: AliasRecord) -> Entry {
        Entry(
            AliasName: alias.name.rawValue, AliasArn: alias.arn.description, TargetKeyId: alias.targetKeyID.rawValue,
            CreationDate: alias.creationDate, LastUpdatedDate: alias.lastUpdatedDate)
    }
}
