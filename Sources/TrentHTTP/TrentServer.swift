import Foundation
import Hummingbird
import Logging
import Prometheus
import TrentCore
import TrentOperations

/// Builds the Hummingbird application serving a dispatcher, for `trent serve` and for live tests.
public enum TrentServer {
    public static func application(
        dispatcher: Dispatcher, authentication: Authentication, audit: AuditTrail? = nil,
        metrics: PrometheusCollectorRegistry? = nil, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = TrentRouter.build(
            dispatcher: dispatcher, authentication: authentication, audit: audit, metrics: metrics, logger: logger)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Trent"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
