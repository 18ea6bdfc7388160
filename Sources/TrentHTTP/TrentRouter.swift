import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import TrentCore
import TrentOperations

/// The HTTP face of Trent: KMS's JSON 1.1 protocol on `POST /`, plus health endpoints.
public enum TrentRouter {
    /// Larger than any valid KMS request (the biggest member, a key policy, is 32 KB).
    public static let bodyLimit = 1 << 20

    static let amzTarget = HTTPField.Name("X-Amz-Target")!
    static let requestIDHeader = HTTPField.Name("x-amzn-RequestId")!
    /// Why a request was refused (`--explain`, development mode only).
    static let reasonHeader = HTTPField.Name("x-trent-reason")!
    static let jsonContentType = "application/x-amz-json-1.1"

    public static func build(
        dispatcher: Dispatcher, authentication: Authentication, audit: AuditTrail? = nil,
        metrics: PrometheusCollectorRegistry? = nil, secureTransport: Bool = false, explain: Bool = false,
        logger: Logger
    ) -> Router<TrentRequestContext> {
        let explaining = explain && authentication.isDevelopment
        let router = Router(context: TrentRequestContext.self)
        let gateway = APIGateway(dispatcher: dispatcher, audit: audit)
        router.post("/") { request, context -> Response in
            let requestID = RandomUUID.make()
            let target = request.headers[amzTarget]
            let origin = APIGateway.Origin(
                sourceIP: context.remoteIP, userAgent: request.headers[.userAgent],
                accessKeyID: request.headers[.authorization].flatMap { CallerDefaults.credentialScope($0) }.map {
                    String($0.prefix { $0 != "/" })
                }, secureTransport: secureTransport)
            let reply: Dispatcher.Reply
            do {
                let body = Data(try await request.body.collect(upTo: bodyLimit).readableBytesView)
                reply = await gateway.serve(target: target, body: body, origin: origin, requestID: requestID) {
                    try authentication.caller(signed(request, body: body))
                }
            } catch {
                reply = await gateway.serve(target: target, body: Data(), origin: origin, requestID: requestID) {
                    throw KMSError(.requestTooLarge, "Request body is larger than \(bodyLimit) bytes.")
                }
            }
            var headers: HTTPFields = [.contentType: jsonContentType, requestIDHeader: requestID]
            if let error = reply.error {
                let reason = error.reason ?? error.message
                logger.debug(
                    "request refused",
                    metadata: [
                        "requestId": "\(requestID)", "target": "\(target ?? "-")", "error": "\(error.code.rawValue)",
                        "reason": "\(reason)",
                    ])
                // Header values are one line of visible ASCII.
                if explaining {
                    headers[reasonHeader] = String(
                        reason.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? Character($0) : "?" })
                }
            }
            return Response(
                status: HTTPResponse.Status(code: reply.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        AdminRoutes.add(to: router, dispatcher: dispatcher, authentication: authentication)
        // Liveness: the process answers.
        router.get("/health") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json", requestIDHeader: RandomUUID.make()],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        // Prometheus scrape endpoint (request counts and durations by operation; no key material, no identifiers).
        if let metrics {
            router.get("/metrics") { _, _ -> Response in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
        // Readiness: storage answers too.
        router.get("/ready") { _, _ -> Response in
            let ready: Bool
            do {
                try await dispatcher.kms.store.ping()
                ready = true
            } catch {
                ready = false
            }
            return Response(
                status: ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json", requestIDHeader: RandomUUID.make()],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: ready ? #"{"status":"ready"}"# : #"{"status":"storage unreachable"}"#)))
        }
        return router
    }

    /// The parts of a request SigV4 signs. The Host header travels as the request's authority.
    /// A request as SigV4 verification reads it: lowercase header names, the authority as `host`.
    public static func signed(_ request: Request, body: Data) -> SignedRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName.lowercased()
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        return SignedRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers,
            body: body)
    }
}
