import Foundation
import TrentCore
import TrentCrypto

/// An import token: the wrapping private key and what it may be used for, sealed under the root key, so that
/// GetParametersForImport stores nothing and any node can check the token.
struct ImportToken: Codable {
    static let lifetime: TimeInterval = 24 * 3600
    static let binding = "trent-import-token"

    var keyARN: String
    var wrappingAlgorithm: String
    var wrappingKeySpec: String
    var privateKey: Data
    var validTo: Date

    func seal(_ sealer: RootKeySealer) throws -> Data {
        try sealer.seal(SecretBytes(JSONEncoder().encode(self)), boundTo: Self.binding)
    }

    static func open(_ token: Data, _ sealer: RootKeySealer) throws(KMSError) -> ImportToken {
        guard let clear = try? sealer.open(token, boundTo: binding),
            let parsed = try? JSONDecoder().decode(ImportToken.self, from: clear.bytes)
        else { throw KMSError(.invalidImportToken, "Import token is not valid.") }
        return parsed
    }
}

extension Call {
    /// Imports need a key with Origin EXTERNAL.
    func requireExternal(_ record: KeyRecord) throws(KMSError) {
        guard record.origin == .external else {
            throw KMSError(
                .unsupportedOperation, "\(record.arn) origin is \(record.origin.rawValue) which is not valid for this operation.")
        }
    }
}
