import Foundation
import Synchronization

/// Trent's clock: injected everywhere a date is needed, so tests and the admin endpoint can move time.
public final class TrentClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    public init() {}

    public func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Moves the clock forward by `seconds` (never backwards).
    public func advance(by seconds: TimeInterval) {
        offset.withLock { $0 += max(0, seconds) }
    }
}
