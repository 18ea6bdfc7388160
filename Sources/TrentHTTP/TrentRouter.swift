import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Prometheus
import TrentCore
import TrentOperations

/// The HTTP face of Trent: KMS's JSON 1.1 protocol on `POST /`, plus health endpoints.
public enum TrentRouter {
    /// Larger than any valid KMS request (the biggest member, a key policy, is 32 KB).
    public static let bodyLimit = 1 << 20

    static let amzTarget = HTTPField.Name("X-Amz-Target")!
    static let requestIDHeader = HTTPField.Name("x-amzn-RequestId")!
    static let jsonContentType = "application/x-amz-json-1.1"

    public static func build(
        dispatcher: Dispatcher, authentication: Authentication, audit: AuditTrail? = nil,
        metrics: PrometheusCollectorRegistry? = nil, secureTransport: Bool = false, logger: Logger
    ) -> Router<TrentRequestContext> {
        let router = Router(context: TrentRequestContext.self)
        router.post("/") { request, context -> Response in
            let started = ContinuousClock.now
            let requestID = UUID().uuidString.lowercased()
            let eventID = UUID().uuidString.lowercased()
            let reply: Dispatcher.Reply
            var caller: Caller?
            var body = Data()
            do {
                body = Data(try await request.body.collect(upTo: bodyLimit).readableBytesView)
                caller = try authentication.caller(signed(request, body: body))
                caller?.sourceIP = context.remoteIP
                caller?.userAgent = request.headers[.userAgent]
                caller?.secureTransport = secureTransport
                reply = await dispatcher.handle(
                    target: request.headers[amzTarget], body: body, caller: caller!, requestID: requestID, eventID: eventID)
            } catch let error as KMSError {
                reply = Dispatcher.render(error)
            } catch {
                reply = Dispatcher.render(KMSError(.requestTooLarge, "Request body is larger than \(bodyLimit) bytes."))
            }
            if let audit {
                let target = request.headers[amzTarget] ?? ""
                let authorization = request.headers[.authorization]
                audit.record(
                    AuditTrail.Event(
                        time: dispatcher.kms.clock.now(),
                        operation: target.hasPrefix("TrentService.") ? String(target.dropFirst(13)) : nil, caller: caller,
                        accessKeyID: authorization.flatMap { CallerDefaults.credentialScope($0) }.map {
                            String($0.prefix { $0 != "/" })
                        },
                        region: caller?.region.rawValue ?? "", sourceIP: context.remoteIP ?? "",
                        userAgent: request.headers[.userAgent], requestBody: body, responseBody: reply.body,
                        error: reply.error, requestID: requestID, eventID: eventID))
            }
            // Prometheus (when `trent serve` bootstraps it): every request, refused ones included, by operation
            // (only the model's names, so labels stay bounded) and outcome, and its duration.
            let operation = dispatcher.operation(named: request.headers[amzTarget]) ?? "unknown"
            Counter(
                label: "trent_requests_total",
                dimensions: [("operation", operation), ("outcome", reply.error?.code.rawValue ?? "ok")]
            ).increment()
            Timer(label: "trent_request_duration_seconds", dimensions: [("operation", operation)])
                .record(duration: ContinuousClock.now - started)
            if let error = reply.error {
                logger.debug(
                    "request refused",
                    metadata: [
                        "requestId": "\(requestID)", "target": "\(request.headers[amzTarget] ?? "-")",
                        "error": "\(error.code.rawValue)",
                    ])
            }
            return Response(
                status: HTTPResponse.Status(code: reply.status),
                headers: [.contentType: jsonContentType, requestIDHeader: requestID],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        AdminRoutes.add(to: router, dispatcher: dispatcher, authentication: authentication)
        // Liveness: the process answers.
        router.get("/health") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json", requestIDHeader: UUID().uuidString.lowercased()],
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
                headers: [.contentType: "application/json", requestIDHeader: UUID().uuidString.lowercased()],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: ready ? #"{"status":"ready"}"# : #"{"status":"storage unreachable"}"#)))
        }
        return router
    }

    /// The parts of a request SigV4 signs. The Host header travels as the request's authority.
    static func signed(_ request: Request, body: Data) -> SignedRequest {
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
