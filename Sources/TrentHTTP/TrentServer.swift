import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import Prometheus
import TrentCore
import TrentOperations

/// Builds the Hummingbird application serving a dispatcher, for `trent serve` and for live tests.
public enum TrentServer {
    public static func application(
        dispatcher: Dispatcher, authentication: Authentication, audit: AuditTrail? = nil,
        metrics: PrometheusCollectorRegistry? = nil, tls: TLSConfiguration? = nil, connections: ConnectionPolicy = .init(),
        host: String, port: Int, explain: Bool = false,
        logger: Logger, extraRoutes: (Router<TrentRequestContext>) -> Void = { _ in },
        onRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = TrentRouter.build(
            dispatcher: dispatcher, authentication: authentication, audit: audit, metrics: metrics,
            secureTransport: tls != nil, explain: explain, logger: logger)
        extraRoutes(router)
        let limiter = ConnectionLimiter.Shared(
            maximum: connections.maximumConnections, idleTimeout: connections.idleTimeout,
            requestTimeout: connections.requestTimeout)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionLimiter(limiter)],
            idleTimeout: TimeAmount.nanoseconds(
                connections.idleTimeout.components.seconds * 1_000_000_000 + connections.idleTimeout.components.attoseconds
                    / 1_000_000_000))
        return Application(
            router: router,
            server: try tls.map { try .tls(.http1(configuration: http1), tlsConfiguration: $0) }
                ?? .http1(configuration: http1),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Trent"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
