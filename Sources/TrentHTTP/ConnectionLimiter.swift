import Metrics
import NIOCore
import Synchronization

/// How long idle connections live and how many may be open at once: a peer that opens connections and sends
/// nothing (or headers that never end) cannot hold descriptors forever, and past the limit new connections are
/// closed at once instead of exhausting the process's descriptors.
public struct ConnectionPolicy: Sendable {
    /// A connection with no request in flight and nothing read for this long is closed (also one whose request
    /// head has not finished arriving).
    public var idleTimeout: Duration
    public var maximumConnections: Int

    public init(idleTimeout: Duration = .seconds(60), maximumConnections: Int = 4096) {
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
    }
}

/// Counts open connections across the server; one handler per connection closes it when the count is over the
/// limit (`trent_connections_refused_total`), and keeps `trent_connections_open` current.
final class ConnectionLimiter: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    final class Shared: Sendable {
        let open = Atomic<Int>(0)
        let maximum: Int
        init(maximum: Int) { self.maximum = maximum }
    }

    private let shared: Shared
    private let counted = Atomic<Bool>(false)

    init(_ shared: Shared) { self.shared = shared }

    func handlerAdded(context: ChannelHandlerContext) {
        let now = shared.open.add(1, ordering: .relaxed).newValue
        if now > shared.maximum {
            shared.open.subtract(1, ordering: .relaxed)
            Counter(label: "trent_connections_refused_total").increment()
            context.close(promise: nil)
            return
        }
        counted.store(true, ordering: .relaxed)
        Gauge(label: "trent_connections_open").record(now)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guard counted.exchange(false, ordering: .relaxed) else { return }
        let now = shared.open.subtract(1, ordering: .relaxed).newValue
        Gauge(label: "trent_connections_open").record(now)
    }
}
