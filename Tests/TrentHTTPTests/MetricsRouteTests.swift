import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
import TrentCore
import TrentCrypto

@testable import TrentHTTP
@testable import TrentOperations

@Suite struct MetricsRouteTests {
    func app(metrics: PrometheusCollectorRegistry?) throws -> some ApplicationProtocol {
        let kms = KMS(
            store: InMemoryKeyStore(), sealer: try RootKeySealer(rootKey: RootKeySealer.generateRootKey()),
            logger: Logger(label: "test"))
        return try TrentServer.application(
            dispatcher: Dispatcher(kms: kms),
            authentication: .development(CallerDefaults(account: AccountID("111122223333")!, region: Region("us-east-1")!)),
            metrics: metrics, host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
    }

    @Test func theRegistryIsServedInPrometheusTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "trent_requests_total", labels: [("operation", "Encrypt"), ("outcome", "ok")]).increment(
            by: Int64(2))
        try await app(metrics: registry).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"trent_requests_total{operation="Encrypt",outcome="ok"} 2"#))
            }
        }
    }

    @Test func withoutARegistryThereIsNoMetricsRoute() async throws {
        try await app(metrics: nil).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
