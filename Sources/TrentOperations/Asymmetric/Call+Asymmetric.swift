import Foundation
import TrentCore
import TrentCrypto

extension Call {
    /// The private key of an asymmetric KMS key, unsealed from its current material.
    func privateKey(of record: KeyRecord) throws -> (AsymmetricPrivateKey, SealedMaterial) {
        guard let type = record.spec.keyPairType, let material = record.currentMaterial else {
            throw KMSError(.unsupportedOperation, "\(record.arn) is not an asymmetric key.")
        }
        return (try kms.privateKey(material, of: record.identity, type: type), material)
    }

    /// The MAC key of an HMAC KMS key.
    func macKey(of record: KeyRecord) throws -> (MACAlgorithm, SecretBytes) {
        guard let algorithm = record.spec.macAlgorithm, let material = record.currentMaterial else {
            throw KMSError(.invalidKeyUsage, "\(record.arn) is not an HMAC key.")
        }
        return (algorithm, try kms.material(material, of: record.identity))
    }

    /// The encryption algorithm a request names (SYMMETRIC_DEFAULT when it names none), checked against the key.
    func encryptionAlgorithm(_ raw: String?, for record: KeyRecord) throws(KMSError) -> EncryptionAlgorithm {
        let algorithm = raw.flatMap(EncryptionAlgorithm.init(rawValue:)) ?? .symmetricDefault
        guard record.spec.capabilities.encryptionAlgorithms.contains(algorithm) else {
            throw KMSError(
                .invalidKeyUsage,
                "The encryption algorithm \(algorithm.rawValue) is not compatible with the key spec \(record.spec.rawValue) of \(record.arn)."
            )
        }
        return algorithm
    }

    /// Encryption under any ENCRYPT_DECRYPT key: Trent's blob for symmetric keys, the raw RSAES-OAEP or SM2
    /// ciphertext for asymmetric ones (which take no encryption context, as in AWS).
    func encrypt(
        _ plaintext: Data, with record: KeyRecord, algorithm: EncryptionAlgorithm, context: [String: String]?,
        operation: String = "Encrypt"
    ) async throws -> (blob: Data, material: SealedMaterial) {
        if algorithm == .symmetricDefault {
            return try await sealSymmetric(plaintext, with: record, context: context, operation: operation)
        }
        if let context, !context.isEmpty {
            throw KMSError.validation("EncryptionContext is not supported with asymmetric KMS keys.")
        }
        let (key, material) = try privateKey(of: record)
        let publicKey = try key.publicKey
        if let padding = algorithm.rsaPadding, let limit = publicKey.maximumPlaintext(padding: padding), plaintext.count > limit {
            throw KMSError.validation(
                "Plaintext of \(plaintext.count) bytes is too long for \(algorithm.rawValue) with \(record.spec.rawValue): at most \(limit) bytes."
            )
        }
        do {
            return (try publicKey.encrypt(plaintext, padding: algorithm.rsaPadding ?? .oaepSHA256), material)
        } catch {
            throw KMSError(.unsupportedOperation, "\(algorithm.rawValue) is not available: \(error)")
        }
    }

    /// Decryption of either kind of ciphertext. An asymmetric ciphertext names no key, so it needs the KeyId
    /// and the algorithm, as in AWS.
    func decrypt(
        _ blob: Data, keyID: String?, algorithm raw: String?, context: [String: String]?, for action: KMSAction
    ) async throws -> (record: KeyRecord, plaintext: Data, material: SealedMaterial, algorithm: EncryptionAlgorithm) {
        // ReEncrypt needs kms:ReEncryptFrom on its source key, judged on the source's encryption context.
        let iamAction = action == .reEncrypt ? "kms:ReEncryptFrom" : nil
        let contextMember = action == .reEncrypt ? "SourceEncryptionContext" : "EncryptionContext"
        var named: KeyRecord?
        if let keyID {
            let record = try await resolveKey(keyID, for: action, authorizeAs: iamAction, contextMember: contextMember)
            named = record
            if record.family == .asymmetric {
                try requireUsage(record, .encryptDecrypt, for: action)
                let algorithm = try encryptionAlgorithm(raw, for: record)
                if let context, !context.isEmpty {
                    throw KMSError.validation("EncryptionContext is not supported with asymmetric KMS keys.")
                }
                let (key, material) = try privateKey(of: record)
                do {
                    let clear = try key.decrypt(blob, padding: algorithm.rsaPadding ?? .oaepSHA256)
                    return (record, clear.bytes, material, algorithm)
                } catch {
                    throw KMSError.invalidCiphertext()
                }
            }
        }
        let (record, plaintext, material) = try await openSymmetric(
            blob, expected: named, context: context, algorithm: raw, for: action, authorizeAs: iamAction,
            contextMember: contextMember)
        return (record, plaintext, material, .symmetricDefault)
    }
}
