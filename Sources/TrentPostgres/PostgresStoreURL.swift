import Foundation
import NIOSSL
import PostgresNIO

/// `postgres://USER:PASS@HOST:PORT/DB?sslmode=disable|prefer|require|verify-full&connect_timeout=S` as
/// libpq writes it; the password may instead come from a file (so it is not in the process list).
public struct PostgresStoreURL: Sendable {
    /// Every host the URL names, in order: `postgres://u@a:5432,b:5433/db`, or libpq's `?host=a,b&port=5432,5433`.
    public var hosts: [(host: String, port: Int)]
    public var host: String { hosts[0].host }
    public var port: Int { hosts[0].port }
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
        var rest: Substring
        if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else if text.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else {
            throw Failure.invalid("expected postgres://USER@HOST:PORT/DATABASE")
        }
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                if parts.count == 2 { query[parts[0]] = parts[1] }
            }
            rest = rest[..<mark]
        }
        var userinfo: Substring = ""
        if let at = rest.lastIndex(of: "@") {
            userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        let user = userinfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        username = user.removingPercentEncoding ?? user
        if userinfo.contains(":") {
            let secret = String(userinfo[userinfo.index(after: userinfo.firstIndex(of: ":")!)...])
            password = secret.removingPercentEncoding ?? secret
        }
        if let user = query["user"], username.isEmpty { username = user }
        guard !username.isEmpty else { throw Failure.invalid("no user") }
        var hostList = rest.split(separator: ",").map(String.init)
        var portList: [String] = []
        if let named = query["host"] { hostList = named.split(separator: ",").map(String.init) }
        if let ports = query["port"] { portList = ports.split(separator: ",").map(String.init) }
        var parsed: [(String, Int)] = []
        for (index, entry) in hostList.enumerated() {
            var name = entry
            var port = portList.count == hostList.count ? Int(portList[index]) : (portList.first.flatMap { Int($0) })
            if let colon = entry.lastIndex(of: ":"), !entry.hasSuffix("]") {
                name = String(entry[..<colon])
                guard let value = Int(entry[entry.index(after: colon)...]) else { throw Failure.invalid("bad port in \(entry)") }
                port = value
            }
            guard !name.isEmpty else { throw Failure.invalid("empty host") }
            parsed.append((name, port ?? 5432))
        }
        guard !parsed.isEmpty else { throw Failure.invalid("no host") }
        hosts = parsed
        if let passwordFile {
            password = try String(contentsOfFile: passwordFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let name = String(path).removingPercentEncoding ?? String(path)
        database = name.isEmpty ? (query["dbname"] ?? username) : name
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw Failure.invalid("sslmode must be disable, prefer, require, verify-ca or verify-full")
        }
    }

    /// The URL with the password left out, for logs and the start-up banner.
    public var redacted: String {
        let list = hosts.map { "\($0.host):\($0.port)" }.joined(separator: ",")
        return "postgres://\(username)@\(list)/\(database)?sslmode=\(sslMode)"
    }

    /// One client configuration per host.
    public func configurations() -> [PostgresClient.Configuration] {
        hosts.indices.map { configuration(host: $0) }
    }

    public func configuration(host index: Int = 0) -> PostgresClient.Configuration {
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
            host: hosts[index].host, port: hosts[index].port, username: username, password: password,
            database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 16
        return configuration
    }
}
