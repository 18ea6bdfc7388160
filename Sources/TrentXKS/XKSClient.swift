import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import TrentCore
import TrentHTTP

/// How Trent reaches XKS proxies (`--xks-client FILE`): the CAs it trusts for their certificates (else the system's),
/// the timeout of each call (AWS KMS allows 250 ms), ports for endpoints not on 443 (AWS's endpoints take none;
/// a test proxy needs one), and the address of each VPC endpoint service.
public struct XKSClientConfiguration: Sendable {
    public var trustedCAFile: String?
    public var timeout: Duration
    public var ports: [String: Int]
    public var vpcEndpointServices: [String: String]

    public init(trustedCAFile: String?, timeout: Duration, ports: [String: Int], vpcEndpointServices: [String: String]) {
        self.trustedCAFile = trustedCAFile
        self.timeout = timeout
        self.ports = ports
        self.vpcEndpointServices = vpcEndpointServices
    }
}

/// Calls XKS proxies over HTTPS, signed with SigV4 for service `kms-xks-proxy` (host and x-amz-date), and sorts
/// what happened into the outcomes KMS's error table distinguishes.
public final class XKSClient: XKSTransport {
    let client: HTTPClient
    let configuration: XKSClientConfiguration

    public init(_ configuration: XKSClientConfiguration) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustedCAFile { tls.trustRoots = .file(file) }
        tls.minimumTLSVersion = .tlsv12
        client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(
                tlsConfiguration: tls, redirectConfiguration: .disallow,
                timeout: .init(connect: .nanoseconds(Self.nanoseconds(configuration.timeout)))))
        self.configuration = configuration
    }

    deinit { try? client.syncShutdown() }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    public func call(_ endpoint: XKSEndpoint, api: String, body: Data) async -> XKSOutcome {
        var authority = String(endpoint.uriEndpoint.dropFirst("https://".count))
        if let service = endpoint.vpcEndpointServiceName {
            guard let address = configuration.vpcEndpointServices[service] else { return .vpcEndpointServiceNotFound }
            authority = address
        } else if let port = configuration.ports[authority] {
            authority += ":\(port)"
        }
        let path = endpoint.uriPath + api
        var request = HTTPClientRequest(url: "https://\(authority)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in SigV4Signer.sign(
            method: "POST", host: authority, path: path, body: body, accessKeyID: endpoint.accessKeyID,
            secret: endpoint.secret, region: endpoint.region, service: "kms-xks-proxy")
        {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(configuration.timeout))
        do {
            let response = try await client.execute(request, deadline: deadline)
            let collected = try await response.body.collect(upTo: 256 << 10)
            let data = Data(collected.readableBytesView)
            if response.status == .ok { return .ok(data) }
            let name = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["errorName"] as? String
            return .refused(status: Int(response.status.code), errorName: name)
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout
            || error == .connectTimeout
        {
            return .timedOut
        } catch is NIOSSLError {
            return .tlsFailure
        } catch let error as BoringSSLError {
            _ = error
            return .tlsFailure
        } catch {
            return "\(error)".lowercased().contains("ssl") || "\(error)".contains("certificate") ? .tlsFailure : .unreachable
        }
    }
}
