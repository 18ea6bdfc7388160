/// A cache bounded both by entries and by bytes (each entry's cost is estimated by its owner), evicting the least
/// recently used entry first. Not synchronised: owners keep it behind their lock. Lookups and insertions are O(1):
/// a dictionary to slots of a doubly linked list kept in an array, with freed slots reused.
public struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var key: Key
        /// nil once removed, so an evicted value (unsealed material, say) is released at once.
        var value: Value?
        var cost: Int
        var newer: Int
        var older: Int
    }

    public let maxEntries: Int
    public let maxCost: Int
    private var index: [Key: Int] = [:]
    private var slots: [Slot] = []
    private var free: [Int] = []
    /// Most and least recently used slots (-1 when empty).
    private var newest = -1
    private var oldest = -1
    public private(set) var totalCost = 0
    /// Entries evicted to stay within bounds, since creation.
    public private(set) var evictions = 0

    public init(maxEntries: Int, maxCost: Int) {
        self.maxEntries = max(1, maxEntries)
        self.maxCost = max(1, maxCost)
    }

    public var count: Int { index.count }

    /// The value, marked as the most recently used.
    public mutating func get(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToFront(slot)
        return slots[slot].value
    }

    /// Whether the key is present, without marking it used.
    public func contains(_ key: Key) -> Bool { index[key] != nil }

    public mutating func set(_ key: Key, _ value: Value, cost: Int) {
        if let slot = index[key] {
            totalCost += cost - slots[slot].cost
            slots[slot].value = value
            slots[slot].cost = cost
            moveToFront(slot)
        } else {
            let entry = Slot(key: key, value: value, cost: cost, newer: -1, older: newest)
            let slot: Int
            if let reused = free.popLast() {
                slots[reused] = entry
                slot = reused
            } else {
                slots.append(entry)
                slot = slots.count - 1
            }
            if newest >= 0 { slots[newest].newer = slot }
            newest = slot
            if oldest < 0 { oldest = slot }
            index[key] = slot
            totalCost += cost
        }
        // The newest entry stays even if it alone exceeds the cost bound.
        while index.count > maxEntries || (totalCost > maxCost && index.count > 1) {
            evictions += 1
            remove(at: oldest)
        }
    }

    public mutating func remove(_ key: Key) {
        if let slot = index[key] { remove(at: slot) }
    }

    public mutating func removeAll() {
        index.removeAll()
        slots.removeAll()
        free.removeAll()
        newest = -1
        oldest = -1
        totalCost = 0
    }

    /// Removes every entry whose key matches.
    public mutating func removeAll(where matches: (Key) -> Bool) {
        for (key, slot) in index where matches(key) { remove(at: slot) }
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (slots[slot].newer, slots[slot].older)
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        slots[slot].older = newest
        slots[slot].newer = -1
        if newest >= 0 { slots[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func remove(at slot: Int) {
        unlink(slot)
        index[slots[slot].key] = nil
        totalCost -= slots[slot].cost
        slots[slot].cost = 0
        slots[slot].value = nil
        free.append(slot)
    }
}
