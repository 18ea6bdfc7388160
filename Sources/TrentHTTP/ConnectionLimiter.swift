import Metrics
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How long idle connections live and how many may be open at once: a peer that opens connections and sends
/// nothing (or headers that never end) cannot hold descriptors forever, and past the limit new connections are
/// closed at once instead of exhausting the process's descriptors.
public struct ConnectionPolicy: Sendable {
    /// A connection with no request in flight and nothing read for this long is closed (also one whose request
    /// head has not finished arriving).
    public var idleTimeout: Duration
    /// From a request's head to the end of its body: a body that trickles in slower than this is cut off.
    public var requestTimeout: Duration
    public var maximumConnections: Int

    public init(idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(30), maximumConnections: Int = 4096) {
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.maximumConnections = maximumConnections
    }
}

/// One per connection, behind the HTTP decoder: counts open connections across the server and closes a new one
/// when the count is over the limit (`trent_connections_refused_total`), keeps `trent_connections_open` current,
/// and counts connections that end after idling for at least the idle timeout with no request in flight
/// (`trent_connections_idle_closed_total`: Hummingbird's idle timer closed them, or, rarely, the peer did), and
/// closes a connection whose request body has not arrived within the request timeout of its head
/// (`trent_requests_timed_out_total`).
final class ConnectionLimiter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    final class Shared: Sendable {
        let open = Atomic<Int>(0)
        let maximum: Int
        let idleTimeout: Duration
        let requestTimeout: TimeAmount
        init(maximum: Int, idleTimeout: Duration, requestTimeout: Duration) {
            self.maximum = maximum
            self.idleTimeout = idleTimeout
            let (seconds, attoseconds) = requestTimeout.components
            self.requestTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
    }

    private let shared: Shared
    private var counted = false
    private var inFlight = 0
    private var lastActivity = ContinuousClock.now
    /// Fires when a request's body is still arriving after the request timeout.
    private var bodyDeadline: Scheduled<Void>?

    init(_ shared: Shared) { self.shared = shared }

    func handlerAdded(context: ChannelHandlerContext) {
        lastActivity = .now
        let now = shared.open.add(1, ordering: .relaxed).newValue
        if now > shared.maximum {
            shared.open.subtract(1, ordering: .relaxed)
            Counter(label: "trent_connections_refused_total").increment()
            context.close(promise: nil)
            return
        }
        counted = true
        Gauge(label: "trent_connections_open").record(now)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        bodyDeadline?.cancel()
        guard counted else { return }
        counted = false
        if inFlight == 0, ContinuousClock.now - lastActivity >= shared.idleTimeout {
            Counter(label: "trent_connections_idle_closed_total").increment()
        }
        Gauge(label: "trent_connections_open").record(shared.open.subtract(1, ordering: .relaxed).newValue)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now
        switch unwrapInboundIn(data) {
        case .head:
            inFlight += 1
            let channel = context.channel
            bodyDeadline = context.eventLoop.scheduleTask(in: shared.requestTimeout) {
                Counter(label: "trent_requests_timed_out_total").increment()
                channel.close(promise: nil)
            }
        case .end:
            bodyDeadline?.cancel()
            bodyDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inFlight = max(0, inFlight - 1)
            lastActivity = .now
        }
        context.write(data, promise: promise)
    }
}
