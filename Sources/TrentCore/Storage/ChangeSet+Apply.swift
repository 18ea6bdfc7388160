import Foundation

/// The rules of applying a change set to a plain in-memory picture of the data, shared by the in-memory store
/// and used as the reference for the SQL stores' behaviour.
struct MemoryState: Sendable {
    var keys: [KeyIdentity: KeyRecord] = [:]
    var aliases: [Scope: [AliasName: AliasRecord]] = [:]
    var rootKeyCanary: Data?
    /// Each scope's key ids and alias names in order: the indexes pages are read from.
    var keyOrder: [Scope: SortedIndex<KeyID>] = [:]
    var aliasOrder: [Scope: SortedIndex<AliasName>] = [:]

    mutating func apply(_ changes: ChangeSet) throws(StoreError) {
        var next = self
        for change in changes.keys {
            switch change {
            case .put(var record, let expected):
                let current = next.keys[record.identity]?.revision
                guard current == expected else { throw .conflict }
                record.revision = (expected ?? 0) + 1
                next.keys[record.identity] = record
                if expected == nil { next.keyOrder[record.identity.scope, default: .init()].insert(record.identity.id) }
            case .delete(let identity, let expected):
                guard next.keys[identity]?.revision == expected else { throw .conflict }
                next.keys[identity] = nil
                next.keyOrder[identity.scope]?.remove(identity.id)
                for (name, alias) in next.aliases[identity.scope] ?? [:] where alias.targetKeyID == identity.id {
                    next.aliases[identity.scope]![name] = nil
                    next.aliasOrder[identity.scope]?.remove(name)
                }
            }
        }
        for change in changes.aliases {
            switch change {
            case .create(let alias):
                guard next.aliases[alias.scope]?[alias.name] == nil else { throw .conflict }
                next.aliases[alias.scope, default: [:]][alias.name] = alias
                next.aliasOrder[alias.scope, default: .init()].insert(alias.name)
            case .update(let alias, let expectedTarget):
                guard next.aliases[alias.scope]?[alias.name]?.targetKeyID == expectedTarget else { throw .conflict }
                next.aliases[alias.scope]![alias.name] = alias
            case .delete(let scope, let name, let expectedTarget):
                guard next.aliases[scope]?[name]?.targetKeyID == expectedTarget else { throw .conflict }
                next.aliases[scope]![name] = nil
                next.aliasOrder[scope]?.remove(name)
            }
        }
        if let canary = changes.rootKeyCanary { next.rootKeyCanary = canary }
        self = next
    }
}

/// Values kept in order for paging: insertion and removal by binary search, a page from any point in O(log n).
struct SortedIndex<Value: Comparable & Sendable>: Sendable {
    private(set) var values: [Value] = []

    /// The position of the first value greater than `value` (or of `value` itself, with `orEqual`).
    func position(after value: Value, orEqual: Bool = false) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value || (!orEqual && values[middle] == value) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    mutating func insert(_ value: Value) {
        let at = position(after: value, orEqual: true)
        if at < values.count, values[at] == value { return }
        values.insert(value, at: at)
    }

    mutating func remove(_ value: Value) {
        let at = position(after: value, orEqual: true)
        if at < values.count, values[at] == value { values.remove(at: at) }
    }

    /// Values after `after` (all with nil), in order.
    func suffix(after: Value?) -> ArraySlice<Value> {
        values[(after.map { position(after: $0) } ?? 0)...]
    }
}
