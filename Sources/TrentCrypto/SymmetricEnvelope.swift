import Crypto
import Foundation

/// AES-256-GCM under a key derived per message with HKDF-SHA-256 from the key material and a random salt,
/// so no nonce is ever reused under one key however many messages a key protects.
///
/// Output layout: salt (16) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
public enum SymmetricEnvelope {
    public static let saltSize = 16
    public static let overhead = 16 + 12 + 16

    public static func seal(_ plaintext: Data, material: SecretBytes, aad: Data) throws -> Data {
        let salt = SecureRandom.bytes(saltSize)
        let key = derive(material: material, salt: salt)
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: aad)
        var out = Data(capacity: overhead + plaintext.count)
        out.append(salt)
        out.append(contentsOf: box.nonce)
        out.append(box.ciphertext)
        out.append(box.tag)
        return out
    }

    /// Returns nil when the bytes were changed, the AAD differs, or the material is not the one that sealed.
    public static func open(_ sealed: Data, material: SecretBytes, aad: Data) -> Data? {
        guard sealed.count >= overhead else { return nil }
        let start = sealed.startIndex
        let salt = sealed[start..<start + saltSize]
        let key = derive(material: material, salt: salt)
        do {
            let box = try AES.GCM.SealedBox(combined: sealed[(start + saltSize)...])
            return try AES.GCM.open(box, using: key, authenticating: aad)
        } catch {
            return nil
        }
    }

    private static func derive(material: SecretBytes, salt: Data) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: material.bytes), salt: salt,
            info: Data("trent symmetric v1".utf8), outputByteCount: 32)
    }
}
