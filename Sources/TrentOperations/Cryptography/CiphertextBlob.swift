import Foundation
import TrentCore
import TrentCrypto

/// Trent's symmetric ciphertext: self-describing (which key, which material version) and authenticated.
///
///     0x01 ‖ account (12 ASCII digits) ‖ len ‖ region ‖ len ‖ key id ‖ material version (UInt32 BE) ‖ envelope
///
/// The header and the canonical encryption context are the envelope's associated data, so changing any byte,
/// or the context, makes Decrypt fail with InvalidCiphertextException.
struct CiphertextBlob {
    static let formatVersion: UInt8 = 1
    let identity: KeyIdentity
    let materialVersion: UInt32
    let header: Data
    let envelope: Data

    static func header(for identity: KeyIdentity, version: UInt32) -> Data {
        var out = Data([formatVersion])
        out.append(contentsOf: identity.scope.account.rawValue.utf8)
        let region = Array(identity.scope.region.rawValue.utf8)
        out.append(UInt8(region.count))
        out.append(contentsOf: region)
        let id = Array(identity.id.rawValue.utf8)
        out.append(UInt8(id.count))
        out.append(contentsOf: id)
        var v = version.bigEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
        return out
    }

    static func seal(
        _ plaintext: Data, key: KeyRecord, material: SealedMaterial, clear: SecretBytes, context: [String: String]?
    ) throws -> Data {
        let header = header(for: key.identity, version: material.version)
        let envelope = try SymmetricEnvelope.seal(
            plaintext, material: clear, aad: header + EncryptionContext.canonical(context))
        return header + envelope
    }

    /// Parses the header; any malformed blob is InvalidCiphertextException.
    init(parsing blob: Data) throws(KMSError) {
        let bytes = [UInt8](blob)
        var i = 0
        func take(_ n: Int) throws(KMSError) -> ArraySlice<UInt8> {
            guard n >= 0, i + n <= bytes.count else { throw KMSError.invalidCiphertext() }
            defer { i += n }
            return bytes[i..<i + n]
        }
        guard try take(1).first == Self.formatVersion else { throw KMSError.invalidCiphertext() }
        let accountBytes = try take(12)
        let regionBytes = try take(Int(try take(1).first!))
        let idBytes = try take(Int(try take(1).first!))
        let versionBytes = try take(4)
        guard let account = AccountID(String(decoding: accountBytes, as: UTF8.self)),
            let region = Region(String(decoding: regionBytes, as: UTF8.self)),
            let id = KeyID(String(decoding: idBytes, as: UTF8.self))
        else { throw KMSError.invalidCiphertext() }
        identity = KeyIdentity(scope: Scope(account: account, region: region), id: id)
        materialVersion = versionBytes.reduce(0) { $0 << 8 | UInt32($1) }
        header = Data(bytes[0..<i])
        envelope = Data(bytes[i...])
        // The shortest envelope is an HSM key's: IV (12) and tag (16) around an empty plaintext.
        guard envelope.count >= Self.hsmOverhead else { throw KMSError.invalidCiphertext() }
    }

    static let hsmOverhead = 12 + 16

    /// A key in a custom key store: AES-GCM inside its HSM with the key labelled by the key's ARN, the IV from
    /// the HSM, the same header and context as associated data. Envelope: IV ‖ ciphertext ‖ tag.
    static func sealInHSM(
        _ plaintext: Data, key: KeyRecord, material: SealedMaterial, connection: any HSMConnection, context: [String: String]?
    ) throws -> Data {
        let header = header(for: key.identity, version: material.version)
        return header
            + (try connection.encrypt(
                label: key.arn.description, plaintext: plaintext, aad: header + EncryptionContext.canonical(context)))
    }

    func openInHSM(_ key: KeyRecord, connection: any HSMConnection, context: [String: String]?) throws(KMSError) -> Data {
        do {
            return try connection.decrypt(
                label: key.arn.description, sealed: envelope, aad: header + EncryptionContext.canonical(context))
        } catch {
            throw KMSError.invalidCiphertext()
        }
    }

    func open(clear: SecretBytes, context: [String: String]?) throws(KMSError) -> Data {
        guard
            let plaintext = SymmetricEnvelope.open(
                envelope, material: clear, aad: header + EncryptionContext.canonical(context))
        else { throw KMSError.invalidCiphertext() }
        return plaintext
    }
}
