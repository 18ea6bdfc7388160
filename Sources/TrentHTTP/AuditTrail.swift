import Foundation
import Synchronization
import TrentCore
import TrentOperations

/// Every request, allowed or refused, as one JSON line in CloudTrail's record shape (`--audit-log FILE`, or `-`
/// for stdout). Request parameters and response elements go through the model's audit view, so plaintexts,
/// data keys, private keys, ciphertexts and sensitive members never appear.
public final class AuditTrail: Sendable {
    private let output: Mutex<FileHandle>
    private let model: ServiceModel

    public init(path: String, model: ServiceModel = .kms) throws {
        if path == "-" {
            output = Mutex(FileHandle.standardOutput)
        } else {
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw CocoaError(.fileWriteNoPermission)
                }
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            handle.seekToEndOfFile()
            output = Mutex(handle)
        }
        self.model = model
    }

    public struct Event: Sendable {
        public var time: Date
        public var operation: String?
        public var caller: Caller?
        public var accessKeyID: String?
        public var region: String
        public var sourceIP: String
        public var userAgent: String?
        public var requestBody: Data
        public var responseBody: Data
        public var error: KMSError?
        public var requestID: String
        public var eventID: String = RandomUUID.make()
    }

    public func record(_ event: Event) {
        var record: [String: Any] = [
            "eventVersion": "1.08",
            "eventTime": Self.timestamp(event.time),
            "eventSource": "kms.amazonaws.com",
            "eventName": event.operation ?? "Unknown",
            "awsRegion": event.region,
            "sourceIPAddress": event.sourceIP,
            "userAgent": event.userAgent ?? "",
            "requestID": event.requestID,
            "eventID": event.eventID,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "eventCategory": "Management",
            "userIdentity": identity(event),
        ]
        if let operation = event.operation {
            record["readOnly"] = ["Describe", "List", "Get"].contains { operation.hasPrefix($0) }
            record["requestParameters"] = view(operation, request: true, event.requestBody)
            record["responseElements"] = event.error == nil ? view(operation, request: false, event.responseBody) : NSNull()
        }
        if let error = event.error {
            record["errorCode"] = error.code.rawValue
            record["errorMessage"] = error.message
            // An answer of a fault rule, so nobody mistakes it for a real failure.
            if error.injected { record["additionalEventData"] = ["trentInjectedFault": true] }
        }
        if let account = event.caller?.account.rawValue { record["recipientAccountId"] = account }
        record["resources"] = resources(event)
        guard var line = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        line.append(0x0a)
        output.withLock { $0.write(line) }
    }

    private func identity(_ event: Event) -> [String: Any] {
        guard let caller = event.caller else {
            var unknown: [String: Any] = ["type": "Unknown"]
            if let key = event.accessKeyID { unknown["accessKeyId"] = key }
            return unknown
        }
        let type =
            caller.principal.contains(":assumed-role/")
            ? "AssumedRole"
            : caller.principal.hasSuffix(":root") ? "Root" : caller.principal.contains(":user/") ? "IAMUser" : "Unknown"
        var identity: [String: Any] = ["type": type, "arn": caller.principal, "accountId": caller.account.rawValue]
        if let key = caller.accessKeyID { identity["accessKeyId"] = key }
        return identity
    }

    private func view(_ operation: String, request: Bool, _ body: Data) -> Any {
        guard !body.isEmpty, let value = try? JSONDecoder().decode(JSONValue.self, from: body),
            let kept = model.auditView(operation: operation, request: request, value)
        else { return NSNull() }
        return kept.foundationObject
    }

    /// The key a call touched, where its answer names it by ARN.
    private func resources(_ event: Event) -> [[String: String]] {
        guard event.error == nil, let object = try? JSONSerialization.jsonObject(with: event.responseBody) as? [String: Any]
        else { return [] }
        let metadata = object["KeyMetadata"] as? [String: Any]
        guard let arn = (metadata?["Arn"] ?? object["KeyId"]) as? String, arn.hasPrefix("arn:aws:kms:") else { return [] }
        let account = arn.split(separator: ":").dropFirst(4).first.map(String.init) ?? ""
        return [["accountId": account, "type": "AWS::KMS::Key", "ARN": arn]]
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
