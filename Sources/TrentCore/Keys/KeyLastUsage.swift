import Foundation

/// The last successful cryptographic operation with a key, as GetKeyLastUsage reports it. Noted in memory on the
/// hot path and written to storage in batches, so it is eventually consistent, as AWS documents it.
public struct KeyLastUsage: Sendable, Hashable {
    public var operation: String
    public var timestamp: Date
    public var requestID: String
    public var eventID: String

    public init(operation: String, timestamp: Date, requestID: String, eventID: String) {
        self.operation = operation
        self.timestamp = timestamp
        self.requestID = requestID
        self.eventID = eventID
    }

    /// The later of two uses (ties keep the first).
    public static func latest(_ a: KeyLastUsage?, _ b: KeyLastUsage?) -> KeyLastUsage? {
        guard let a else { return b }
        guard let b else { return a }
        return b.timestamp > a.timestamp ? b : a
    }
}
