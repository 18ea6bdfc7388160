import ArgumentParser
import Foundation
import Logging
import TrentCore
import TrentHSM
import TrentXKS
import Yams

/// `--xks-proxy FILE`: Trent also serves the XKS proxy API.
///
/// ```yaml
/// token: {module: /usr/lib/softhsm/libsofthsm2.so, token: xks, pin-file: /run/secrets/xks-pin}
/// prefixes:
///   - path: /keystores/team-a/kms/xks/v1            # ends in /kms/xks/v1
///     region: us-east-1                             # optional: the Region KMS signs for
///     credentials:                                  # two during a rotation
///       - {access-key-id: AKIAEXAMPLEEXAMPLE01, secret-access-key-file: /run/secrets/xks-a}
/// ```
struct XKSProxyConfiguration: Decodable {
    struct Token: Decodable {
        var module: String
        var token: String
        var pinFile: String
        enum CodingKeys: String, CodingKey {
            case module, token
            case pinFile = "pin-file"
        }
    }
    struct Prefix: Decodable {
        var path: String
        var region: String?
        var credentials: [CredentialEntry]
    }
    struct CredentialEntry: Decodable {
        var accessKeyID: String
        var secretAccessKeyFile: String
        enum CodingKeys: String, CodingKey {
            case accessKeyID = "access-key-id"
            case secretAccessKeyFile = "secret-access-key-file"
        }
    }
    var token: Token
    var prefixes: [Prefix]

    static func open(_ path: String, logger: Logger) throws -> XKSProxy {
        let configuration: XKSProxyConfiguration
        do {
            configuration = try YAMLDecoder().decode(Self.self, from: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw ValidationError("--xks-proxy \(path): not an XKS proxy configuration (token, prefixes): \(error)")
        }
        func read(_ file: String) throws -> String {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("--xks-proxy: \(file) cannot be read")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var prefixes: [XKSProxy.Prefix] = []
        for prefix in configuration.prefixes {
            guard prefix.path.hasSuffix("/kms/xks/v1"), prefix.path.hasPrefix("/"),
                prefix.path.range(of: "^[A-Za-z0-9/_-]+$", options: .regularExpression) != nil, prefix.path.count <= 128
            else {
                throw ValidationError("--xks-proxy: the path \(prefix.path) must be an XKS proxy URI path ending in /kms/xks/v1")
            }
            guard !prefix.credentials.isEmpty else { throw ValidationError("--xks-proxy: \(prefix.path) has no credentials") }
            var credentials: [(accessKeyID: String, secretAccessKey: String)] = []
            for entry in prefix.credentials {
                guard (20...30).contains(entry.accessKeyID.count),
                    entry.accessKeyID.allSatisfy({ ("A"..."Z").contains($0) || ("2"..."7").contains($0) })
                else {
                    throw ValidationError(
                        "--xks-proxy: the access key id \(entry.accessKeyID) must be 20 to 30 of A-Z and 2-7")
                }
                let secret = try read(entry.secretAccessKeyFile)
                guard (43...64).contains(secret.count) else {
                    throw ValidationError("--xks-proxy: a secret access key must be 43 to 64 characters")
                }
                credentials.append((entry.accessKeyID, secret))
            }
            prefixes.append(XKSProxy.Prefix(path: prefix.path, credentials: credentials, region: prefix.region))
        }
        let token: PKCS11Token
        do {
            token = try PKCS11Token(
                module: configuration.token.module, label: configuration.token.token, pin: try read(configuration.token.pinFile))
        } catch let failure as PKCS11Token.Failure {
            throw ValidationError("--xks-proxy: \(failure)")
        }
        return XKSProxy(prefixes: prefixes, token: token, logger: logger)
    }
}

/// `--xks-client FILE`: how Trent calls the XKS proxies of external key stores.
///
/// ```yaml
/// trusted-ca: /etc/trent/xks-ca.pem        # else the system's trusted CAs
/// timeout-ms: 250                          # AWS KMS's limit (the default)
/// ports: {xks.example.com: 8443}           # endpoints not on 443 (AWS's XksProxyUriEndpoint takes no port)
/// vpc-endpoint-services: {com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0: xks.internal:443}
/// ```
struct XKSClientFile: Decodable {
    var trustedCA: String?
    var timeoutMs: Int?
    var ports: [String: Int]?
    var vpcEndpointServices: [String: String]?
    enum CodingKeys: String, CodingKey {
        case trustedCA = "trusted-ca"
        case timeoutMs = "timeout-ms"
        case ports
        case vpcEndpointServices = "vpc-endpoint-services"
    }
}

extension XKSProxyConfiguration {
    static func client(_ path: String) throws -> XKSClient {
        let file: XKSClientFile
        do {
            file = try YAMLDecoder().decode(XKSClientFile.self, from: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw ValidationError("--xks-client \(path): not an XKS client configuration: \(error)")
        }
        do {
            return try XKSClient(
                XKSClientConfiguration(
                    trustedCAFile: file.trustedCA, timeout: .milliseconds(file.timeoutMs ?? 250), ports: file.ports ?? [:],
                    vpcEndpointServices: file.vpcEndpointServices ?? [:]))
        } catch {
            throw ValidationError("--xks-client \(path): \(error)")
        }
    }
}
