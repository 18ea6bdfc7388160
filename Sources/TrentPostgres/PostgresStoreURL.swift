import Foundation
import NIOSSL
import PostgresNIO

/// `postgres://USER:PASS@HOST:PORT/DB?sslmode=disable|prefer|require|verify-full&connect_timeout=S` as
/// libpq writes it; the password may instead come from a file (so it is not in the process list).
public struct PostgresStoreURL: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: String

    public enum Failure: Error, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let why): "the store URL is not a PostgreSQL URL: \(why)"
            }
        }
    }

    public init(_ text: String, passwordFile: String? = nil) throws {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw Failure.invalid("expected postgres://USER@HOST:PORT/DATABASE") }
        guard let host = components.host, !host.isEmpty else { throw Failure.invalid("no host") }
        guard let user = components.user, !user.isEmpty else { throw Failure.invalid("no user") }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        if let passwordFile {
            password = try String(contentsOfFile: passwordFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw Failure.invalid("sslmode must be disable, prefer, require, verify-ca or verify-full")
        }
    }

    /// The URL with the password left out, for logs and the start-up banner.
    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(sslMode)" }

    public func configuration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable":
            tls = .disable
        case "require":
            // libpq's require: encrypted, the server's certificate not checked.
            var context = TLSConfiguration.makeClientConfiguration()
            context.certificateVerification = .none
            tls = .require(context)
        case "verify-ca", "verify-full":
            tls = .require(.makeClientConfiguration())
        default:
            var context = TLSConfiguration.makeClientConfiguration()
            context.certificateVerification = .none
            tls = .prefer(context)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 16
        return configuration
    }
}
