import Foundation
import Hummingbird
import TrentCore

/// "Use this key": the key's own operations on text typed in the page. What is typed and what comes back is
/// shown once in the response and kept nowhere (the audit trail leaves plaintexts and blobs out, as for the API).
extension Console {
    func useTab(metadata: JSONValue, result: [String: Any]?, error: [String: Any]? = nil) -> [String: Any] {
        let usage = metadata["KeyUsage"]?.stringValue ?? ""
        let spec = metadata["KeySpec"]?.stringValue ?? ""
        var tab: [String: Any] = [:]
        switch usage {
        case "ENCRYPT_DECRYPT":
            let algorithms = metadata["EncryptionAlgorithms"]?.strings ?? []
            tab["encrypt"] = [
                "algorithms": algorithms, "hasAlgorithms": spec != "SYMMETRIC_DEFAULT",
                "symmetric": spec == "SYMMETRIC_DEFAULT",
            ]
        case "SIGN_VERIFY": tab["sign"] = ["algorithms": metadata["SigningAlgorithms"]?.strings ?? []]
        case "GENERATE_VERIFY_MAC": tab["mac"] = ["algorithms": metadata["MacAlgorithms"]?.strings ?? []]
        case "KEY_AGREEMENT": tab["agreement"] = true
        default: break
        }
        if let result { tab["result"] = result }
        if let error { tab["error"] = error }
        return tab
    }

    func useKey(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        guard case .success(let described) = await visit.api.call("DescribeKey", ["KeyId": keyID]),
            let metadata = described["KeyMetadata"]
        else { return await keyPage(visit, keyID: keyID, tab: "use") }
        let spec = metadata["KeySpec"]?.stringValue ?? ""
        let algorithm = form.text("algorithm")
        var input: [String: Any] = ["KeyId": keyID]
        let operation: String
        let label: String
        switch form["op"] {
        case "encrypt":
            operation = "Encrypt"
            label = "Ciphertext"
            input["Plaintext"] = Data((form["plaintext"] ?? "").utf8).base64EncodedString()
            if spec != "SYMMETRIC_DEFAULT", let algorithm { input["EncryptionAlgorithm"] = algorithm }
        case "decrypt":
            operation = "Decrypt"
            label = "Plaintext"
            input["CiphertextBlob"] = (form["ciphertext"] ?? "").filter { !$0.isWhitespace }
            if spec != "SYMMETRIC_DEFAULT", let algorithm { input["EncryptionAlgorithm"] = algorithm }
        case "data-key":
            operation = "GenerateDataKey"
            label = "Data key"
            input["KeySpec"] = form["spec"] == "AES_128" ? "AES_128" : "AES_256"
        case "sign", "verify":
            operation = form["op"] == "sign" ? "Sign" : "Verify"
            label = operation == "Sign" ? "Signature" : "Verification"
            input["Message"] = Data((form["message"] ?? "").utf8).base64EncodedString()
            input["MessageType"] = "RAW"
            input["SigningAlgorithm"] = algorithm ?? ""
            if operation == "Verify" { input["Signature"] = (form["signature"] ?? "").filter { !$0.isWhitespace } }
        case "generate-mac", "verify-mac":
            operation = form["op"] == "generate-mac" ? "GenerateMac" : "VerifyMac"
            label = operation == "GenerateMac" ? "MAC" : "Verification"
            input["Message"] = Data((form["message"] ?? "").utf8).base64EncodedString()
            input["MacAlgorithm"] = algorithm ?? ""
            if operation == "VerifyMac" { input["Mac"] = (form["mac"] ?? "").filter { !$0.isWhitespace } }
        default:
            return await keyPage(visit, keyID: keyID, tab: "use")
        }
        if let context = form["context"], ["Encrypt", "Decrypt"].contains(operation), spec == "SYMMETRIC_DEFAULT" {
            var pairs: [String: String] = [:]
            for line in context.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let parts = line.split(separator: "=", maxSplits: 1)
                pairs[String(parts[0]).trimmingCharacters(in: .whitespaces)] =
                    parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
            }
            if !pairs.isEmpty { input["EncryptionContext"] = pairs }
        }
        switch await visit.api.call(operation, input) {
        case .failure(let error):
            return await keyPage(
                visit, keyID: keyID, tab: "use",
                tabContext: useTab(metadata: metadata, result: nil, error: ConsoleError.describe(error)), status: .badRequest)
        case .success(let answer):
            var fields: [[String: String]] = []
            switch operation {
            case "Encrypt":
                fields = [
                    ["id": "ciphertext", "name": "Ciphertext (base64)", "value": answer["CiphertextBlob"]?.stringValue ?? ""]
                ]
            case "Decrypt":
                let bytes = Data(base64Encoded: answer["Plaintext"]?.stringValue ?? "") ?? Data()
                let text = String(data: bytes, encoding: .utf8)
                fields = [
                    [
                        "id": "plaintext", "name": text == nil ? "Plaintext (base64; not UTF-8 text)" : "Plaintext",
                        "value": text ?? bytes.base64EncodedString(),
                    ]
                ]
            case "GenerateDataKey":
                fields = [
                    ["id": "data-key", "name": "Plaintext data key (base64)", "value": answer["Plaintext"]?.stringValue ?? ""],
                    [
                        "id": "ciphertext", "name": "Encrypted data key (base64)",
                        "value": answer["CiphertextBlob"]?.stringValue ?? "",
                    ],
                ]
            case "Sign":
                fields = [["id": "signature", "name": "Signature (base64)", "value": answer["Signature"]?.stringValue ?? ""]]
            case "GenerateMac": fields = [["id": "mac", "name": "MAC (base64)", "value": answer["Mac"]?.stringValue ?? ""]]
            default:
                let valid = answer["SignatureValid"]?.boolValue ?? answer["MacValid"]?.boolValue ?? false
                fields = [["id": "verification", "name": "Result", "value": valid ? "Valid" : "Not valid"]]
            }
            return await keyPage(
                visit, keyID: keyID, tab: "use",
                tabContext: useTab(metadata: metadata, result: ["label": "\(label) from \(operation)", "fields": fields]))
        }
    }
}
