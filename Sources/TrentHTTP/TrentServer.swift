import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import Prometheus
import TrentCore
import TrentOperations

/// Builds the Hummingbird application serving a dispatcher, for `trent serve` and for live tests.
public enum TrentServer {
    public static func application(
        dispatcher: Dispatcher, authentication: Authentication, audit: AuditTrail? = nil,
        metrics: PrometheusCollectorRegistry? = nil, tls: TLSConfiguration? = nil, host: String, port: Int,
        logger: Logger, extraRoutes: (Router<TrentRequestContext>) -> Void = { _ in },
        onRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = TrentRouter.build(
            dispatcher: dispatcher, authentication: authentication, audit: audit, metrics: metrics,
            secureTransport: tls != nil, logger: logger)
        extraRoutes(router)
        return Application(
            router: router,
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Trent"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
