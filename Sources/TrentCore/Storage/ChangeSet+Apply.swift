import Foundation

/// The rules of applying a change set to a plain in-memory picture of the data, shared by the in-memory store
/// and used as the reference for the SQL stores' behaviour.
struct MemoryState: Sendable {
    var keys: [KeyIdentity: KeyRecord] = [:]
    var aliases: [Scope: [AliasName: AliasRecord]] = [:]
    var rootKeyCanary: Data?
    var customKeyStores: [Scope: [String: CustomKeyStoreRecord]] = [:]
    /// Each scope's key ids and alias names in order: the indexes pages are read from.
    var keyOrder: [Scope: SortedIndex<KeyID>] = [:]
    var aliasOrder: [Scope: SortedIndex<AliasName>] = [:]

    /// Applies the change set in place, or not at all: every change is checked against the state as the
    /// earlier changes of the set left it, and a refused change undoes the ones before it. (Copying the state
    /// first, the simple way to be atomic, costs a copy of every key per commit.)
    mutating func apply(_ changes: ChangeSet) throws(StoreError) {
        var undo: [(inout MemoryState) -> Void] = []
        do throws(StoreError) {
            try applyInPlace(changes, undo: &undo)
        } catch {
            for step in undo.reversed() { step(&self) }
            throw error
        }
    }

    private mutating func applyInPlace(_ changes: ChangeSet, undo: inout [(inout MemoryState) -> Void]) throws(StoreError) {
        for change in changes.keys {
            switch change {
            case .put(var record, let expected):
                let identity = record.identity
                let previous = keys[identity]
                guard previous?.revision == expected else { throw .conflict }
                record.revision = (expected ?? 0) + 1
                keys[identity] = record
                if expected == nil { keyOrder[identity.scope, default: .init()].insert(identity.id) }
                undo.append { state in
                    state.keys[identity] = previous
                    if previous == nil { state.keyOrder[identity.scope]?.remove(identity.id) }
                }
            case .delete(let identity, let expected):
                guard let previous = keys[identity], previous.revision == expected else { throw .conflict }
                keys[identity] = nil
                keyOrder[identity.scope]?.remove(identity.id)
                var removed: [AliasRecord] = []
                for (name, alias) in aliases[identity.scope] ?? [:] where alias.targetKeyID == identity.id {
                    aliases[identity.scope]![name] = nil
                    aliasOrder[identity.scope]?.remove(name)
                    removed.append(alias)
                }
                undo.append { state in
                    state.keys[identity] = previous
                    state.keyOrder[identity.scope, default: .init()].insert(identity.id)
                    for alias in removed {
                        state.aliases[alias.scope, default: [:]][alias.name] = alias
                        state.aliasOrder[alias.scope, default: .init()].insert(alias.name)
                    }
                }
            }
        }
        for change in changes.aliases {
            let scope: Scope
            let name: AliasName
            switch change {
            case .create(let alias):
                (scope, name) = (alias.scope, alias.name)
                guard aliases[scope]?[name] == nil else { throw .conflict }
                // An alias cannot point at a key that does not exist (the SQL stores' foreign key).
                guard keys[KeyIdentity(scope: scope, id: alias.targetKeyID)] != nil else { throw .conflict }
            case .update(let alias, let expectedTarget):
                (scope, name) = (alias.scope, alias.name)
                guard aliases[scope]?[name]?.targetKeyID == expectedTarget else { throw .conflict }
                guard keys[KeyIdentity(scope: scope, id: alias.targetKeyID)] != nil else { throw .conflict }
            case .delete(let s, let n, let expectedTarget):
                (scope, name) = (s, n)
                guard aliases[scope]?[name]?.targetKeyID == expectedTarget else { throw .conflict }
            }
            let previous = aliases[scope]?[name]
            switch change {
            case .create(let alias), .update(let alias, _):
                aliases[scope, default: [:]][name] = alias
                aliasOrder[scope, default: .init()].insert(name)
            case .delete:
                aliases[scope]![name] = nil
                aliasOrder[scope]?.remove(name)
            }
            undo.append { state in
                state.aliases[scope, default: [:]][name] = previous
                if previous == nil {
                    state.aliasOrder[scope]?.remove(name)
                } else {
                    state.aliasOrder[scope, default: .init()].insert(name)
                }
            }
        }
        for change in changes.customKeyStores {
            switch change {
            case .put(var record, let expected):
                let previous = customKeyStores[record.scope]?[record.id]
                guard previous?.revision == expected else { throw .conflict }
                guard
                    !(customKeyStores[record.scope] ?? [:]).values.contains(where: {
                        $0.name == record.name && $0.id != record.id
                    })
                else { throw .conflict }
                record.revision = (expected ?? 0) + 1
                customKeyStores[record.scope, default: [:]][record.id] = record
                let (scope, id) = (record.scope, record.id)
                undo.append { $0.customKeyStores[scope]?[id] = previous }
            case .delete(let scope, let id, let expected):
                guard let previous = customKeyStores[scope]?[id], previous.revision == expected else { throw .conflict }
                customKeyStores[scope]?[id] = nil
                undo.append { $0.customKeyStores[scope, default: [:]][id] = previous }
            }
        }
        if let canary = changes.rootKeyCanary {
            let previous = rootKeyCanary
            rootKeyCanary = canary
            undo.append { $0.rootKeyCanary = previous }
        }
    }
}

/// Values kept in order for paging, in sorted chunks of at most `chunkLimit` (a two-level B-tree): insertion and
/// removal move at most one chunk's elements, and a page starts anywhere after two binary searches.
struct SortedIndex<Value: Comparable & Sendable>: Sendable {
    static var chunkLimit: Int { 512 }
    private var chunks: [[Value]] = []

    var count: Int { chunks.reduce(0) { $0 + $1.count } }

    /// The first position in `values` of an element greater than `value` (or equal too, with `orEqual`).
    private static func position(in values: [Value], after value: Value, orEqual: Bool) -> Int {
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

    /// The chunk that holds, or would hold, `value`: the first whose last element is not below it.
    private func chunk(for value: Value) -> Int {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle].last! < value { low = middle + 1 } else { high = middle }
        }
        return min(low, chunks.count - 1)
    }

    mutating func insert(_ value: Value) {
        guard !chunks.isEmpty else {
            chunks = [[value]]
            return
        }
        let c = chunk(for: value)
        let at = Self.position(in: chunks[c], after: value, orEqual: true)
        if at < chunks[c].count, chunks[c][at] == value { return }
        chunks[c].insert(value, at: at)
        if chunks[c].count > 2 * Self.chunkLimit {
            let upper = Array(chunks[c][Self.chunkLimit...])
            chunks[c].removeSubrange(Self.chunkLimit...)
            chunks.insert(upper, at: c + 1)
        }
    }

    mutating func remove(_ value: Value) {
        guard !chunks.isEmpty else { return }
        let c = chunk(for: value)
        let at = Self.position(in: chunks[c], after: value, orEqual: true)
        guard at < chunks[c].count, chunks[c][at] == value else { return }
        chunks[c].remove(at: at)
        if chunks[c].isEmpty { chunks.remove(at: c) }
    }

    /// Values after `after` (all with nil), in order, read lazily.
    func suffix(after: Value?) -> some Sequence<Value> {
        var c = 0
        var i = 0
        if let after, !chunks.isEmpty {
            c = chunk(for: after)
            i = Self.position(in: chunks[c], after: after, orEqual: false)
        }
        let chunks = self.chunks
        return sequence(state: (c, i)) { state -> Value? in
            while state.0 < chunks.count {
                if state.1 < chunks[state.0].count {
                    defer { state.1 += 1 }
                    return chunks[state.0][state.1]
                }
                state = (state.0 + 1, 0)
            }
            return nil
        }
    }
}
