import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import Metrics
import NIOSSL
import Prometheus
import TrentConsole
import TrentCore
import TrentCrypto
import TrentHTTP
import TrentOperations
import TrentPostgres
import TrentSQLite
import Yams

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the KMS server.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Serve HTTPS with this certificate chain (PEM); needs --tls-key.") var tlsCertificate: String?
    @Option(help: "The private key (PEM) of --tls-certificate.") var tlsKey: String?
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @OptionGroup var location: StoreLocation
    @Flag(help: "Keep everything in memory and lose it on exit (throwaway test runs).") var inMemory = false
    @Option(help: "Seconds a storage call may take before the request fails with DependencyTimeoutException.")
    var storeTimeout = 5.0
    @Option(help: "Region used when a request carries no SigV4 credential scope.") var region = "us-east-1"
    @Option(help: "Account used unless the access key id is exactly 12 digits.") var account = "111122223333"
    @Option(help: "File holding the 256-bit root key (64 hex digits or base64). Else TRENT_ROOT_KEY.")
    var rootKeyFile: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "Authentication: none (development mode, any caller is accepted) or sigv4.") var auth = "none"
    @Option(help: "Credentials file for --auth sigv4 (JSON; see README).") var credentials: String?
    @Option(help: "Write a CloudTrail-shaped JSON line per request to this file (- for stdout).") var auditLog: String?
    @Option(help: "Seed file (YAML; Trent's layout or either of local-kms's) applied idempotently at start-up.")
    var seed: String?
    @Flag(inversion: .prefixedNo, help: "Serve the web console at /console.") var console = true
    @Option(help: "Seconds after which a connection with nothing to do (or a request head that never ends) is closed.")
    var idleTimeout: Double = 60
    @Option(help: "Seconds a request may take to arrive, from its first line to the end of its body.")
    var requestTimeout: Double = 30
    @Option(help: "Most connections open at once (default: 4096, or fewer when the descriptor limit is lower).")
    var maxConnections: Int?
    @Option(help: "Trust anchor (PEM certificate) for Nitro Enclaves attestation documents in Recipient (default: AWS's root).")
    var attestationRoot: String?
    @Option(help: "Keep the root key in a PKCS#11 token: a YAML file naming module, token, label and pin-file (see README).")
    var rootKeyPkcs11: String?
    @Option(help: "The PKCS#11 tokens AWS_CLOUDHSM key stores may use as clusters: a YAML file (see docs/hsm.md).")
    var cloudhsmClusters: String?
    @Option(help: "How Trent calls XKS proxies for external key stores: a YAML file (trusted CAs, timeout, ports).")
    var xksClient: String?
    @Option(help: "Also serve the XKS proxy API (external key store proxy) over keys in a PKCS#11 token: a YAML file.")
    var xksProxy: String?
    @Option(help: "Request quotas: aws (AWS's published rates) or a YAML/JSON file of rates per second. Off by default.")
    var quotas: String?
    @Flag(help: "Development mode: say why a request was refused, in an x-trent-reason header and a debug log line.")
    var explain = false
    @Option(help: "Run the executable scripts of DIR/ready.d in name order once Trent answers (LocalStack's layout).")
    var initDir: String?
    @Flag(help: "Stop when an init script fails (default: report it and go on).")
    var initStrict = false

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let logger = {
            var logger = Logger(label: "trent")
            logger.logLevel = level
            return logger
        }()
        guard let accountID = AccountID(account) else { throw ValidationError("--account must be 12 digits") }
        guard let regionName = Region(region) else { throw ValidationError("--region is not a Region name") }

        // Everything Trent creates (data directory, SQLite files, root key, audit log) is private to its user.
        umask(0o077)
        let store: any KeyStore
        var opened: OpenedStore?
        var followerTask: Task<Void, Never>?
        defer {
            followerTask?.cancel()
            opened?.close()
        }
        if inMemory {
            guard location.store == nil else { throw ValidationError("--in-memory and --store exclude each other") }
            store = InMemoryKeyStore()
        } else {
            let chosen = try await location.open(timeout: storeTimeout, requireExisting: false, logger: logger)
            opened = chosen
            if let postgresStore = chosen.store as? PostgresKeyStore {
                let cached = CachedKeyStore(postgresStore)
                store = cached
                // What other nodes commit reaches this node's cache by notification, or within a second by the log.
                let follower = PostgresChangeFollower(store: postgresStore, cache: cached, logger: logger)
                followerTask = Task { await follower.run() }
            } else {
                store = chosen.store
            }
        }
        var anchor = NitroAttestation.awsRoot
        if let path = attestationRoot {
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8), let der = NitroAttestation.certificate(pem: pem)
            else { throw ValidationError("--attestation-root must name a PEM file holding an X.509 certificate") }
            anchor = der
        }
        let quotaTable = try quotas.map { try Self.quotaTable($0) }
        let (kms, _, rootSource) = try await RootKey.openVerified(
            store: store, file: rootKeyFile, dataDirectory: opened?.directory, logger: logger, attestationRoot: anchor,
            quotas: quotaTable.map { RequestQuotas($0) }, pkcs11: rootKeyPkcs11,
            clusters: try cloudhsmClusters.map { try Self.clusters($0) },
            xks: try xksClient.map { try XKSProxyConfiguration.client($0) })
        let authentication: Authentication
        let consoleSignIn: ConsoleConfiguration.SignIn
        switch auth {
        case "none":
            let defaults = CallerDefaults(account: accountID, region: regionName)
            authentication = .development(defaults)
            consoleSignIn = .development(defaults)
        case "sigv4":
            guard let credentials else { throw ValidationError("--auth sigv4 needs --credentials FILE") }
            let store = try CredentialStore(contentsOf: URL(fileURLWithPath: credentials))
            let clock = kms.clock
            authentication = .sigv4(SigV4Verifier(store: store, now: { clock.now() }))
            consoleSignIn = .credentials(store)
        default:
            throw ValidationError("--auth must be none or sigv4")
        }
        if let seed {
            do {
                let text = try String(contentsOfFile: seed, encoding: .utf8)
                let file = try YAMLDecoder().decode(SeedFile.self, from: text)
                if !file.faults.isEmpty && !authentication.isDevelopment {
                    throw ValidationError("seed file \(seed): Faults are for development mode only (--auth none)")
                }
                let created = try await Seeder(kms: kms, defaults: Scope(account: accountID, region: regionName)).apply(file)
                logger.info("seeded \(created.keys) keys and \(created.aliases) aliases from \(seed)")
            } catch let error as SeedError {
                throw ValidationError("seed file \(seed): \(error)")
            } catch let error as DecodingError {
                throw ValidationError("seed file \(seed) is not a seed file: \(Self.describe(error))")
            }
        }
        let dispatcher = Dispatcher(kms: kms)
        // With several nodes on one PostgreSQL store, one node at a time runs each background job.
        let leases = opened?.store as? any JobLeases
        let sweeper = Task { await DeletionSweeper(kms: kms).run(every: .seconds(30), leases: leases) }
        let rotation = Task {
            while !Task.isCancelled {
                await BackgroundJob.pass("rotation", leases: leases, logger: logger) {
                    _ = try await AutomaticRotation(kms: kms).rotateDueKeys()
                }
                try? await Task.sleep(for: .seconds(60))
            }
        }
        // GetKeyLastUsage: uses are noted in memory on the hot path and written to storage every few seconds.
        let usage = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                do { try await kms.flushUsage() } catch { logger.warning("key usage flush failed: \(error)") }
            }
        }
        let cacheMetrics = Task { await CacheMetrics(cache: kms.store).run() }
        // Custom key store disconnections made through another node reach this one within two seconds.
        let storeConnections = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                _ = try? await kms.refreshCustomKeyStoreConnections()
            }
        }
        defer { storeConnections.cancel() }
        defer { cacheMetrics.cancel() }
        defer { usage.cancel() }
        defer { rotation.cancel() }
        defer { sweeper.cancel() }

        let storage = opened?.description ?? "memory (lost on exit)"
        let authenticationLine =
            authentication.isDevelopment
            ? "off (development mode: any caller is accepted)" : "SigV4, credentials from \(credentials ?? "")"
        let host = self.host
        // Prometheus metrics on GET /metrics, fed through swift-metrics.
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        let tls = try tlsConfiguration()
        let scheme = tls == nil ? "http" : "https"
        let audit = try auditLog.map { try AuditTrail(path: $0) }
        // The console reaches the operations through the same gateway (dispatcher, audit trail, metrics) as the API.
        let webConsole =
            console
            ? Console(
                gateway: APIGateway(dispatcher: dispatcher, audit: audit),
                configuration: ConsoleConfiguration(
                    signIn: consoleSignIn, secureTransport: tls != nil, auditLogPath: auditLog)) : nil
        let consoleOn = console
        let xks = try xksProxy.map { try XKSProxyConfiguration.open($0, logger: logger) }
        let hooks = try initDir.map { try InitHooks(directory: $0, strict: initStrict, logger: logger) }
        let app = try TrentServer.application(
            dispatcher: dispatcher, authentication: authentication, audit: audit,
            metrics: metrics, tls: tls, connections: try connectionPolicy(), host: host, port: port,
            explain: explain && authentication.isDevelopment, logger: logger,
            extraRoutes: { router in
                webConsole?.addRoutes(to: router)
                xks?.addRoutes(to: router)
            }
        ) { port in
            FileHandle.standardOutput.write(
                Data(
                    """
                    Trent is serving AWS KMS at \(scheme)://\(host):\(port)
                      storage: \(storage); root key: \(rootSource)
                      account \(accountID) in \(regionName) unless the request's credentials say otherwise
                      authentication: \(authenticationLine)\(consoleOn ? "\n  console: \(scheme)://\(host):\(port)/console" : "")
                    Try: aws kms create-key --endpoint-url \(scheme)://\(host):\(port) --region \(regionName)

                    """.utf8))
            if let hooks {
                let endpoint = "\(scheme)://\(host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host):\(port)"
                Task.detached { await hooks.run(endpoint: endpoint, region: regionName.rawValue) }
            }
        }
        try await app.runService()
        do { try await kms.flushUsage() } catch { logger.warning("key usage flush at shutdown failed: \(error)") }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
        case .keyNotFound(let key, let c): return "\(path(c)): missing \(key.stringValue)"
        @unknown default: return "\(error)"
        }
    }
}

extension Serve {
    /// Idle timeout and connection limit; the default limit leaves room under the descriptor limit for the store,
    /// the audit log and the listener, so running out of descriptors refuses connections instead of failing elsewhere.
    func connectionPolicy() throws -> ConnectionPolicy {
        guard idleTimeout.isFinite, idleTimeout > 0 else { throw ValidationError("--idle-timeout must be positive") }
        guard requestTimeout.isFinite, requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let descriptors = Int(clamping: limit.rlim_cur)
        let maximum = maxConnections ?? max(16, min(4096, descriptors - 64))
        guard maximum >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        return ConnectionPolicy(
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), requestTimeout: .milliseconds(Int64(requestTimeout * 1000)),
            maximumConnections: maximum)
    }

    /// HTTPS from --tls-certificate and --tls-key (both PEM), or nil for plain HTTP.
    func tlsConfiguration() throws -> TLSConfiguration? {
        switch (tlsCertificate, tlsKey) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
                let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
                return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
            } catch {
                throw ValidationError("--tls-certificate/--tls-key: \(error)")
            }
        default:
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
    }
}
