import Foundation

/// The rules of applying a change set to a plain in-memory picture of the data, shared by the in-memory store
/// and used as the reference for the SQL stores' behaviour.
struct MemoryState: Sendable {
    var keys: [KeyIdentity: KeyRecord] = [:]
    var aliases: [Scope: [AliasName: AliasRecord]] = [:]
    var rootKeyCanary: Data?

    mutating func apply(_ changes: ChangeSet) throws(StoreError) {
        var next = self
        for change in changes.keys {
            switch change {
            case .put(var record, let expected):
                let current = next.keys[record.identity]?.revision
                guard current == expected else { throw .conflict }
                record.revision = (expected ?? 0) + 1
                next.keys[record.identity] = record
            case .delete(let identity, let expected):
                guard next.keys[identity]?.revision == expected else { throw .conflict }
                next.keys[identity] = nil
                next.aliases[identity.scope] = next.aliases[identity.scope]?.filter { $0.value.targetKeyID != identity.id }
            }
        }
        for change in changes.aliases {
            switch change {
            case .create(let alias):
                guard next.aliases[alias.scope]?[alias.name] == nil else { throw .conflict }
                next.aliases[alias.scope, default: [:]][alias.name] = alias
            case .update(let alias, let expectedTarget):
                guard next.aliases[alias.scope]?[alias.name]?.targetKeyID == expectedTarget else { throw .conflict }
                next.aliases[alias.scope]![alias.name] = alias
            case .delete(let scope, let name, let expectedTarget):
                guard next.aliases[scope]?[name]?.targetKeyID == expectedTarget else { throw .conflict }
                next.aliases[scope]![name] = nil
            }
        }
        if let canary = changes.rootKeyCanary { next.rootKeyCanary = canary }
        self = next
    }
}
