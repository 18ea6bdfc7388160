import Foundation
import Logging
import TrentCore

/// Turns one JSON 1.1 request into one response: target lookup, model validation, the operation, and
/// AWS-shaped errors. Transport-free, so in-process tests and the HTTP layer share it.
public struct Dispatcher: Sendable {
    public let kms: KMS
    public let model: ServiceModel

    public init(kms: KMS, model: ServiceModel = .kms) {
        self.kms = kms
        self.model = model
    }

    public struct Reply: Sendable {
        public let status: Int
        public let body: Data
        public let error: KMSError?
    }

    /// `target` is the whole X-Amz-Target header value, `TrentService.Encrypt`.
    /// `eventID`: the id of the request's audit record, which GetKeyLastUsage reports.
    public func handle(
        target: String?, body: Data, caller: Caller, requestID: String, eventID: String = RandomUUID.make()
    ) async -> Reply {
        do {
            let name = try operationName(target)
            let input: JSONValue
            do {
                input = body.isEmpty ? .object([:]) : try JSONParser.parse(body)
            } catch {
                throw KMSError(.serialization, "Start of structure or map found where not expected.")
            }
            try model.validate(operation: name, input: input)
            guard let operation = OperationTable.byName[name] else {
                throw KMSError(.unsupportedOperation, "Trent does not implement \(name) yet.")
            }
            let call = Call(kms: kms, caller: caller, requestID: requestID, eventID: eventID, input: input)
            let action = KMSAction(rawValue: name)
            try await kms.faults.apply(to: name, input: input, caller: caller, now: call.now)
            // Cryptographic operations count against their key type's quota once the key is known (authorize).
            if let quotas = kms.quotas, !(action?.countsByKeyType ?? false) {
                try quotas.admit(RequestQuotas.group(of: name), scope: caller.scope)
            }
            if let action, action.isKeyless {
                try await call.authorizeKeyless(action)
            }
            let data = try await operation.invoke(input: input, call: call)
            if let action, action.tracksLastUsage {
                kms.noteUsage(
                    of: call.usedKeys.all,
                    KeyLastUsage(operation: name, timestamp: call.now, requestID: requestID, eventID: eventID))
            }
            return Reply(status: 200, body: data, error: nil)
        } catch let error as KMSError {
            return Self.render(error)
        } catch StoreError.unavailable(let why) {
            kms.logger.error("storage unavailable", metadata: ["requestId": "\(requestID)", "reason": "\(why)"])
            return Self.render(KMSError(.dependencyTimeout, "The storage of this server is unreachable. Retry the request."))
        } catch {
            kms.logger.error("internal error", metadata: ["requestId": "\(requestID)", "error": "\(type(of: error))"])
            return Self.render(KMSError.internalError())
        }
    }

    /// The operation an `X-Amz-Target` names, nil for anything that is not one of the model's operations.
    public func operation(named target: String?) -> String? { try? operationName(target) }

    private func operationName(_ target: String?) throws(KMSError) -> String {
        guard let target, target.hasPrefix("TrentService.") else {
            throw KMSError(.unknownOperation, "")
        }
        let name = String(target.dropFirst("TrentService.".count))
        guard model.operations[name] != nil else { throw KMSError(.unknownOperation, "") }
        return name
    }

    public static func render(_ error: KMSError) -> Reply {
        struct Body: Encodable {
            let __type: String
            let message: String
        }
        let data = (try? JSONWriter.encode(Body(__type: error.code.rawValue, message: error.message))) ?? Data()
        return Reply(status: error.code.httpStatus, body: data, error: error)
    }
}
