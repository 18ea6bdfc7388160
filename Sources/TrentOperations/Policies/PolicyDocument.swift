import Foundation
import TrentCore

/// Key policy documents. Full grammar checks and evaluation belong to the authorisation work; until then a
/// policy must at least be a JSON object with a Statement.
enum PolicyDocument {
    static func checkJSON(_ text: String) throws(KMSError) {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw KMSError(
                .malformedPolicyDocument, "The new key policy will not allow you to update the key policy in the future.")
        }
        guard object["Statement"] != nil else {
            throw KMSError(.malformedPolicyDocument, "Policy document is missing required field: Statement")
        }
    }
}
