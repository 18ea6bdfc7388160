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
        var entries: [Entry]
        let stored = try await call.store.aliases(in: call.scope)
        if let raw = request.KeyId {
            let key = try await call.resolveKey(raw, for: action)
            entries = stored.filter { $0.targetKeyID == key.identity.id }.map(entry)
        } else {
            // Aliases whose key has passed its deletion date are gone with it.
            var live: [Entry] = []
            for alias in stored {
                let key = try await call.store.key(KeyIdentity(scope: call.scope, id: alias.targetKeyID))
                if let key, !key.isDeleted(at: call.now) { live.append(entry(alias)) }
            }
            // The AWS managed aliases are listed in every account and Region, even before their key exists.
            let present = Set(live.map(\.AliasName))
            for (name, _) in AliasName.awsManaged where !present.contains(name) {
                live.append(Entry(AliasName: name, AliasArn: AliasARN(scope: call.scope, name: AliasName(name)!).description))
            }
            entries = live.sorted { $0.AliasName < $1.AliasName }
        }
        let page = try Page.of(entries, limit: request.Limit, defaultLimit: 50, maxLimit: 100, marker: request.Marker) {
            $0.AliasName
        }
        return Response(Aliases: page.items, NextMarker: page.nextMarker, Truncated: page.nextMarker != nil)
    }

    private static func entry(_ alias: AliasRecord) -> Entry {
        Entry(
            AliasName: alias.name.rawValue, AliasArn: alias.arn.description, TargetKeyId: alias.targetKeyID.rawValue,
            CreationDate: alias.creationDate, LastUpdatedDate: alias.lastUpdatedDate)
    }
}
