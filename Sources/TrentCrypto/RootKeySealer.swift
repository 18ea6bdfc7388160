import Crypto
import Foundation

/// A device that holds a root key and never lets it out (an HSM): it seals with AES-256-GCM in the same layout as
/// the software sealer (nonce ‖ ciphertext ‖ tag) and computes HMAC-SHA-256 with a second key of its own.
public protocol SealingDevice: Sendable {
    func seal(_ plaintext: Data, authenticating aad: Data) throws -> Data
    func open(_ sealed: Data, authenticating aad: Data) throws -> Data
    func mac(_ data: Data) throws -> Data
    /// Where the root key is, for start-up messages (no secret).
    var location: String { get }
}

/// Seals key material at rest under the root key with AES-256-GCM; the key's identity is the associated data,
/// so sealed material moved to another key's row does not open. The root key is either in memory (from a file,
/// the environment or the data directory) or inside a sealing device, where it never leaves the device.
public struct RootKeySealer: Sendable {
    private enum Backend: Sendable {
        case software(SymmetricKey)
        case device(any SealingDevice)
    }
    private let backend: Backend

    public enum Failure: Error, Equatable { case wrongKeySize, cannotOpen, deviceFailed }

    public init(rootKey: Data) throws {
        guard rootKey.count == 32 else { throw Failure.wrongKeySize }
        backend = .software(SymmetricKey(data: rootKey))
    }

    public init(device: any SealingDevice) { backend = .device(device) }

    public static func generateRootKey() -> Data { SecureRandom.bytes(32) }

    public func seal(_ material: SecretBytes, boundTo identity: String) throws -> Data {
        switch backend {
        case .software(let key):
            let box = try AES.GCM.seal(material.bytes, using: key, authenticating: Data(identity.utf8))
            guard let combined = box.combined else { throw Failure.cannotOpen }
            return combined
        case .device(let device):
            do {
                return try device.seal(material.bytes, authenticating: Data(identity.utf8))
            } catch {
                throw Failure.deviceFailed
            }
        }
    }

    /// A keyed fingerprint of material (HMAC-SHA-256 under the root key, bound to an identity): lets Trent tell
    /// whether re-imported key material is the same without keeping the material itself.
    public func fingerprint(_ material: SecretBytes, boundTo identity: String) throws -> Data {
        switch backend {
        case .software(let key):
            return Data(HMAC<SHA256>.authenticationCode(for: Data(identity.utf8) + material.bytes, using: key))
        case .device(let device):
            do {
                return try device.mac(Data(identity.utf8) + material.bytes)
            } catch {
                throw Failure.deviceFailed
            }
        }
    }

    public func open(_ sealed: Data, boundTo identity: String) throws -> SecretBytes {
        switch backend {
        case .software(let key):
            do {
                let box = try AES.GCM.SealedBox(combined: sealed)
                return SecretBytes(try AES.GCM.open(box, using: key, authenticating: Data(identity.utf8)))
            } catch {
                throw Failure.cannotOpen
            }
        case .device(let device):
            do {
                return SecretBytes(try device.open(sealed, authenticating: Data(identity.utf8)))
            } catch {
                throw Failure.cannotOpen
            }
        }
    }
}
