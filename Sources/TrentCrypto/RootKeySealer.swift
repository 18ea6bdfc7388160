import Crypto
import Foundation

/// Seals key material at rest under the root key with AES-256-GCM; the key's identity is the associated data,
/// so sealed material moved to another key's row does not open.
public struct RootKeySealer: Sendable {
    private let key: SymmetricKey

    public enum Failure: Error, Equatable { case wrongKeySize, cannotOpen }

    public init(rootKey: Data) throws {
        guard rootKey.count == 32 else { throw Failure.wrongKeySize }
        key = SymmetricKey(data: rootKey)
    }

    public static func generateRootKey() -> Data { SecureRandom.bytes(32) }

    public func seal(_ material: SecretBytes, boundTo identity: String) throws -> Data {
        let box = try AES.GCM.seal(material.bytes, using: key, authenticating: Data(identity.utf8))
        guard let combined = box.combined else { throw Failure.cannotOpen }
        return combined
    }

    /// A keyed fingerprint of material (HMAC-SHA-256 under the root key, bound to an identity): lets Trent tell
    /// whether re-imported key material is the same without keeping the material itself.
    public func fingerprint(_ material: SecretBytes, boundTo identity: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(identity.utf8) + material.bytes, using: key))
    }

    public func open(_ sealed: Data, boundTo identity: String) throws -> SecretBytes {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return SecretBytes(try AES.GCM.open(box, using: key, authenticating: Data(identity.utf8)))
        } catch {
            throw Failure.cannotOpen
        }
    }
}
