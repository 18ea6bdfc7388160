import Foundation
import Synchronization
import TrentCore

/// One key as the key tables show it: what DescribeKey said, its aliases, and (once a search needs them) its tags.
/// The fields are read out of the answer once, so paging and sorting thousands of rows reads no JSON.
struct KeySummary: Sendable {
    let keyID: String
    var aliases: [String]
    /// Why DescribeKey was refused, when it was.
    var refusal: String?
    var tags: [(key: String, value: String)]?
    private(set) var isCustomerManaged = true
    private(set) var state = "Unknown"
    private(set) var spec = "-"
    private(set) var usage = "-"
    private(set) var description = ""
    private(set) var origin = "-"
    private(set) var created: Double = 0
    private(set) var regionality = "Single-Region"

    init(keyID: String, aliases: [String] = [], metadata: JSONValue?) {
        self.keyID = keyID
        self.aliases = aliases
        describe(metadata)
    }

    mutating func describe(_ metadata: JSONValue?) {
        guard let metadata else { return }
        isCustomerManaged = metadata["KeyManager"]?.stringValue != "AWS"
        state = metadata["KeyState"]?.stringValue ?? "Unknown"
        spec = metadata["KeySpec"]?.stringValue ?? "-"
        usage = metadata["KeyUsage"]?.stringValue ?? "-"
        description = metadata["Description"]?.stringValue ?? ""
        origin = metadata["Origin"]?.stringValue ?? "-"
        created = metadata["CreationDate"]?.numberValue ?? 0
        if metadata["MultiRegion"]?.boolValue == true {
            regionality =
                metadata["MultiRegionConfiguration"]?["MultiRegionKeyType"]?.stringValue == "REPLICA"
                ? "Multi-Region replica" : "Multi-Region primary"
        } else {
            regionality = "Single-Region"
        }
    }

    /// AWS's console calls HMAC keys symmetric too; the type filter tells them apart.
    var keyType: String {
        if spec == "SYMMETRIC_DEFAULT" || spec.hasPrefix("HMAC_") { return "Symmetric" }
        return spec == "-" ? "-" : "Asymmetric"
    }
    var typeFilter: String {
        spec.hasPrefix("HMAC_") ? "hmac" : keyType == "Symmetric" ? "symmetric" : keyType == "Asymmetric" ? "asymmetric" : ""
    }
}

/// The key tables' data for one caller in one account and Region, read through the API (ListKeys, ListAliases,
/// DescribeKey, and ListResourceTags when searching) and kept while nothing changes, so paging, sorting and
/// filtering 10,000 keys repeat no calls. After a change, only the keys the store's journal names are described
/// again (and the aliases listed again if any changed in the Region); when the journal cannot say, everything
/// is read again.
final class KeyCatalogs: Sendable {
    private struct Entry {
        var generation: UInt64
        var summaries: [KeySummary]
        var tagsLoaded: Bool
        var used: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private static let maximumEntries = 64

    func summaries(_ api: ConsoleAPI, store: CachedKeyStore, needTags: Bool) async -> Result<[KeySummary], KMSError> {
        let cacheKey = "\(api.identity.account.rawValue)|\(api.region.rawValue)|\(api.identity.principal)"
        // Read the generation first: a change during the reading below makes the next visit look again.
        let generation = store.generation
        var entry = entries.withLock { $0[cacheKey] }
        if let cached = entry, cached.generation != generation {
            if let change = store.changes(since: cached.generation) {
                entry = await Self.refresh(cached, change, api, generation: generation)
            } else {
                entry = nil
            }
        }
        if entry == nil {
            switch await Self.read(api) {
            case .failure(let error): return .failure(error)
            case .success(let summaries):
                entry = Entry(generation: generation, summaries: summaries, tagsLoaded: false, used: Date())
            }
        }
        guard var entry else { return .failure(KMSError.internalError()) }
        if needTags && !entry.tagsLoaded {
            for index in entry.summaries.indices {
                entry.summaries[index].tags = await Self.tags(api, entry.summaries[index])
            }
            entry.tagsLoaded = true
        }
        entry.used = Date()
        let stored = entry
        entries.withLock { all in
            if all[cacheKey] == nil, all.count >= Self.maximumEntries,
                let oldest = all.min(by: { $0.value.used < $1.value.used })
            {
                all[oldest.key] = nil
            }
            all[cacheKey] = stored
        }
        return .success(entry.summaries)
    }

    private static func tags(_ api: ConsoleAPI, _ summary: KeySummary) async -> [(key: String, value: String)] {
        guard summary.isCustomerManaged, summary.refusal == nil else { return [] }
        let tags = await api.listAll("ListResourceTags", member: "Tags", ["KeyId": summary.keyID], limit: 50)
        return ((try? tags.get()) ?? []).compactMap { tag in
            guard let key = tag["TagKey"]?.stringValue else { return nil }
            return (key, tag["TagValue"]?.stringValue ?? "")
        }
    }

    private static func aliasesByKey(_ api: ConsoleAPI) async -> Result<[String: [String]], KMSError> {
        switch await api.listAll("ListAliases", member: "Aliases", limit: 100) {
        case .failure(let error): return .failure(error)
        case .success(let aliases):
            var byKey: [String: [String]] = [:]
            for alias in aliases {
                guard let target = alias["TargetKeyId"]?.stringValue, let name = alias["AliasName"]?.stringValue else {
                    continue
                }
                byKey[target, default: []].append(name)
            }
            return .success(byKey.mapValues { $0.sorted() })
        }
    }

    private static func describe(_ api: ConsoleAPI, _ id: String, aliases: [String]) async -> KeySummary? {
        switch await api.call("DescribeKey", ["KeyId": id]) {
        case .success(let answer): return KeySummary(keyID: id, aliases: aliases, metadata: answer["KeyMetadata"])
        case .failure(let error) where error.code == .notFound: return nil
        case .failure(let error):
            var summary = KeySummary(keyID: id, aliases: aliases, metadata: nil)
            summary.refusal = error.message
            return summary
        }
    }

    private static func read(_ api: ConsoleAPI) async -> Result<[KeySummary], KMSError> {
        let keys: [JSONValue]
        switch await api.listAll("ListKeys", member: "Keys", limit: 1000) {
        case .failure(let error): return .failure(error)
        case .success(let items): keys = items
        }
        let aliases: [String: [String]]
        switch await aliasesByKey(api) {
        case .failure(let error): return .failure(error)
        case .success(let byKey): aliases = byKey
        }
        var summaries: [KeySummary] = []
        summaries.reserveCapacity(keys.count)
        for key in keys {
            guard let id = key["KeyId"]?.stringValue else { continue }
            if let summary = await describe(api, id, aliases: aliases[id] ?? []) { summaries.append(summary) }
        }
        return .success(summaries)
    }

    /// Brings an entry up to date from what changed since it was read.
    private static func refresh(
        _ entry: Entry, _ change: CachedKeyStore.Change, _ api: ConsoleAPI, generation: UInt64
    ) async -> Entry? {
        let scope = Scope(account: api.identity.account, region: api.region)
        let changed = Set(change.keys.filter { $0.scope == scope }.map(\.id.rawValue))
        var byID = Dictionary(entry.summaries.map { ($0.keyID, $0) }, uniquingKeysWith: { a, _ in a })
        if change.aliasScopes.contains(scope) {
            guard case .success(let aliases) = await aliasesByKey(api) else { return nil }
            for id in byID.keys { byID[id]?.aliases = aliases[id] ?? [] }
            // New keys take their aliases from the new listing too.
            for id in changed where byID[id] == nil {
                byID[id] = KeySummary(keyID: id, aliases: aliases[id] ?? [], metadata: nil)
            }
        }
        for id in changed {
            let aliases = byID[id]?.aliases ?? []
            if var summary = await describe(api, id, aliases: aliases) {
                if entry.tagsLoaded { summary.tags = await tags(api, summary) }
                byID[id] = summary
            } else {
                byID[id] = nil
            }
        }
        let summaries = byID.values.sorted { $0.keyID < $1.keyID }
        return Entry(generation: generation, summaries: summaries, tagsLoaded: entry.tagsLoaded, used: Date())
    }
}
