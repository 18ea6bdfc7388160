import Foundation
import Metrics
import TrentCore
import TrentOperations

/// The one way into the operations for every front end (the JSON API on `POST /` and the console): the
/// dispatcher, then the audit record and the request metrics, so both are written alike whoever called.
public struct APIGateway: Sendable {
    public let dispatcher: Dispatcher
    public let audit: AuditTrail?

    public init(dispatcher: Dispatcher, audit: AuditTrail? = nil) {
        self.dispatcher = dispatcher
        self.audit = audit
    }

    /// Where a request came from, for the audit record and the condition keys.
    public struct Origin: Sendable {
        public var sourceIP: String?
        public var userAgent: String?
        /// The access key the request named, recorded even when the caller could not be established.
        public var accessKeyID: String?
        public var secureTransport: Bool

        public init(sourceIP: String?, userAgent: String?, accessKeyID: String? = nil, secureTransport: Bool = false) {
            self.sourceIP = sourceIP
            self.userAgent = userAgent
            self.accessKeyID = accessKeyID
            self.secureTransport = secureTransport
        }
    }

    /// Serves one request: `establish` names the caller (it throws for a refused signature), the dispatcher
    /// answers, and the answer is audited and counted.
    public func serve(
        target: String?, body: Data, origin: Origin, requestID: String = RandomUUID.make(),
        establish: () throws -> Caller
    ) async -> Dispatcher.Reply {
        let started = ContinuousClock.now
        let eventID = RandomUUID.make()
        let reply: Dispatcher.Reply
        var caller: Caller?
        do {
            var established = try establish()
            established.sourceIP = origin.sourceIP
            established.userAgent = origin.userAgent
            established.secureTransport = origin.secureTransport
            caller = established
            reply = await dispatcher.handle(
                target: target, body: body, caller: established, requestID: requestID, eventID: eventID)
        } catch let error as KMSError {
            reply = Dispatcher.render(error)
        } catch {
            reply = Dispatcher.render(KMSError.internalError())
        }
        if let audit {
            let name = target ?? ""
            audit.record(
                AuditTrail.Event(
                    time: dispatcher.kms.clock.now(),
                    operation: name.hasPrefix("TrentService.") ? String(name.dropFirst(13)) : nil, caller: caller,
                    accessKeyID: origin.accessKeyID, region: caller?.region.rawValue ?? "", sourceIP: origin.sourceIP ?? "",
                    userAgent: origin.userAgent, requestBody: body, responseBody: reply.body, error: reply.error,
                    requestID: requestID, eventID: eventID))
        }
        Self.count(operation: dispatcher.operation(named: target), reply: reply, since: started)
        return reply
    }

    /// Prometheus (when `trent serve` bootstraps it): every request, refused ones included, by operation (only the
    /// model's names, so labels stay bounded) and outcome, and its duration.
    static func count(operation: String?, reply: Dispatcher.Reply, since started: ContinuousClock.Instant) {
        let operation = operation ?? "unknown"
        Counter(
            label: "trent_requests_total",
            dimensions: [("operation", operation), ("outcome", reply.error?.code.rawValue ?? "ok")]
        ).increment()
        Timer(label: "trent_request_duration_seconds", dimensions: [("operation", operation)])
            .record(duration: ContinuousClock.now - started)
    }
}
