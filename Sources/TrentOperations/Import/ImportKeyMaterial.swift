import Foundation
import TrentCore
import TrentCrypto

enum ImportKeyMaterial: KMSOperation {
    static let action = KMSAction.importKeyMaterial

    struct Request: Decodable, Sendable {
        var KeyId: String
        var ImportToken: Data
        var EncryptedKeyMaterial: Data
        var ValidTo: Date?
        var ExpirationModel: String?
        var ImportType: String?
        var KeyMaterialDescription: String?
        var KeyMaterialId: String?
    }

    struct Response: Encodable, Sendable {
        var KeyId: String
        var KeyMaterialId: String
    }

    static let newMaterial = "NEW_KEY_MATERIAL"
    static let existingMaterial = "EXISTING_KEY_MATERIAL"

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        let validTo = try expiration(request, now: call.now)
        if request.ImportType == newMaterial && request.KeyMaterialId != nil {
            throw KMSError.validation("You cannot specify a KeyMaterialId with ImportType set to NEW_KEY_MATERIAL.")
        }
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try call.requireExternal(record)
        if record.spec != .symmetricDefault
            && (request.ImportType != nil || request.KeyMaterialId != nil || request.KeyMaterialDescription != nil)
        {
            throw KMSError.validation(
                "ImportType, KeyMaterialId and KeyMaterialDescription are only supported for symmetric encryption KMS keys.")
        }
        let clear = try unwrap(request, for: record, call)
        try check(clear, for: record)
        let revision = record.revision
        let importType = request.ImportType ?? (record.materials.isEmpty ? newMaterial : existingMaterial)
        let id = KMS.importedMaterialID(clear, of: record.identity)
        // Material imported before ids were derived from it is recognised by its root-keyed fingerprint.
        var legacy: SealedMaterial?
        if let previous = record.importFingerprint,
            previous == (try? call.kms.sealer.fingerprint(clear, boundTo: record.arn.description))
        {
            legacy = record.materials.first
        }
        let known = record.materials.first { $0.materialID == id } ?? legacy
        let imported: SealedMaterial
        if importType == newMaterial {
            imported = try importNew(clear, id: id, known: known, into: &record, call)
        } else {
            imported = try importExisting(clear, known: known, named: request.KeyMaterialId, into: &record, call)
        }
        guard let index = record.materials.firstIndex(where: { $0.version == imported.version }) else {
            throw KMSError.internalError()
        }
        record.materials[index].validTo = validTo
        if let description = request.KeyMaterialDescription { record.materials[index].materialDescription = description }
        if record.state == .pendingImport && record.currentMaterial?.isPresent == true { record.state = .enabled }
        record.refreshMaterialValidTo()
        // A multi-Region primary's new material becomes known (waiting for import) to its replicas.
        try await call.kms.commitShared(record, expectedRevision: revision)
        return Response(KeyId: record.arn.description, KeyMaterialId: imported.materialID)
    }

    /// NEW_KEY_MATERIAL: the key's first material, or (symmetric keys) material that waits for RotateKeyOnDemand.
    private static func importNew(
        _ clear: SecretBytes, id: String, known: SealedMaterial?, into record: inout KeyRecord, _ call: Call
    ) throws -> SealedMaterial {
        if record.materials.isEmpty {
            let first = try call.kms.newMaterial(for: record.identity, version: 1, bytes: clear, at: call.now, materialID: id)
            record.materials = [first]
            record.currentVersion = 1
            return first
        }
        if let known {
            throw KMSError(
                .incorrectKeyMaterial,
                "This key material is already associated with \(record.arn) as key material \(known.materialID). To import it again, set ImportType to EXISTING_KEY_MATERIAL."
            )
        }
        guard record.spec == .symmetricDefault else {
            throw KMSError(
                .incorrectKeyMaterial,
                "The key material in the request is different from the key material previously imported into \(record.arn).")
        }
        if record.multiRegion && !record.isMultiRegionPrimary {
            throw KMSError(
                .unsupportedOperation,
                "\(record.arn) is a multi-Region replica key. Import new key material into its primary key, then import the same key material into each replica with ImportType EXISTING_KEY_MATERIAL."
            )
        }
        if let pending = record.pendingMaterial {
            throw KMSError.invalidState(
                "\(record.arn) already has key material \(pending.materialID) in PENDING_ROTATION state. Rotate the key on demand or delete that key material before importing new key material."
            )
        }
        let version = (record.materials.map(\.version).max() ?? 0) + 1
        let waiting = try call.kms.newMaterial(for: record.identity, version: version, bytes: clear, at: call.now, materialID: id)
        record.materials.append(waiting)
        return waiting
    }

    /// EXISTING_KEY_MATERIAL: the same material as a version the key already has, restored if it was deleted or
    /// expired, its expiration and description updated otherwise.
    private static func importExisting(
        _ clear: SecretBytes, known: SealedMaterial?, named: String?, into record: inout KeyRecord, _ call: Call
    ) throws -> SealedMaterial {
        if let named {
            guard record.materials.contains(where: { $0.materialID == named }) else {
                throw KMSError(.notFound, "Key material \(named) is not associated with \(record.arn).")
            }
            guard known?.materialID == named else {
                throw KMSError(
                    .incorrectKeyMaterial,
                    "The key material in the request does not match key material \(named) of \(record.arn).")
            }
        }
        guard let known else {
            throw KMSError(
                .incorrectKeyMaterial,
                record.materials.isEmpty
                    ? "No key material has been imported into \(record.arn). To import its first key material, set ImportType to NEW_KEY_MATERIAL."
                    : "The key material in the request is different from the key material previously imported into \(record.arn)."
            )
        }
        if known.isPresent { return known }
        guard let index = record.materials.firstIndex(where: { $0.version == known.version }) else {
            throw KMSError.internalError()
        }
        let resealed = try call.kms.newMaterial(
            for: record.identity, version: known.version, bytes: clear, at: known.createdAt,
            rotationType: known.rotationType, materialID: known.materialID)
        record.materials[index].sealed = resealed.sealed
        return record.materials[index]
    }

    /// ExpirationModel (KEY_MATERIAL_EXPIRES unless given) and ValidTo, checked before anything else: the date
    /// the material expires, or nil when it does not.
    static func expiration(_ request: Request, now: Date) throws(KMSError) -> Date? {
        if request.ExpirationModel == "KEY_MATERIAL_DOES_NOT_EXPIRE" {
            guard request.ValidTo == nil else {
                throw KMSError.validation("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
            }
            return nil
        }
        guard let validTo = request.ValidTo else {
            // AWS's answer when ValidTo is missing, including when ExpirationModel is left at its default.
            throw KMSError.validation("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
        }
        guard validTo > now else { throw KMSError.validation("The validTo date must be in the future.") }
        guard validTo <= now.addingTimeInterval(365 * 86400) else {
            throw KMSError.validation("The validTo date must be no more than 365 days from the request date.")
        }
        return validTo
    }

    /// The import token opened and checked for this key, and the key material unwrapped with its private key.
    private static func unwrap(_ request: Request, for record: KeyRecord, _ call: Call) throws -> SecretBytes {
        let token = try TrentOperations.ImportToken.open(request.ImportToken, call.kms.sealer)
        guard token.keyARN == record.arn.description else {
            throw KMSError(.invalidImportToken, "Import token is not valid for \(record.arn).")
        }
        guard token.validTo > call.now else {
            throw KMSError(.expiredImportToken, "The import token expired at \(token.validTo).")
        }
        let wrapping = try AsymmetricPrivateKey(type: .rsa2048, tokenKey: token)
        let padding: RSAPadding = token.wrappingAlgorithm.hasSuffix("SHA_1") ? .oaepSHA1 : .oaepSHA256
        do {
            if token.wrappingAlgorithm.hasPrefix("RSA_AES_KEY_WRAP") {
                return try wrapping.unwrapRSAAESKeyWrap(request.EncryptedKeyMaterial, padding: padding)
            }
            return try wrapping.decrypt(request.EncryptedKeyMaterial, padding: padding)
        } catch {
            throw KMSError(
                .invalidCiphertext, "The EncryptedKeyMaterial could not be decrypted with the import token's wrapping key.")
        }
    }

    /// The material must be what the key's spec takes.
    static func check(_ material: SecretBytes, for record: KeyRecord) throws(KMSError) {
        if let type = record.spec.keyPairType {
            guard (try? AsymmetricPrivateKey(type: type, encoded: material)) != nil else {
                throw KMSError(
                    .incorrectKeyMaterial, "The key material is not a PKCS#8 private key of spec \(record.spec.rawValue).")
            }
        } else if let mac = record.spec.macAlgorithm {
            guard (mac.keyLength...64).contains(material.count) else {
                throw KMSError(.validation, "HMAC key material for \(record.spec.rawValue) must be \(mac.keyLength) to 64 bytes.")
            }
        } else if material.count != 32 {
            throw KMSError(.validation, "Symmetric key material must be 256 bits (32 bytes).")
        }
    }
}

extension AsymmetricPrivateKey {
    init(type: AsymmetricKeyType, tokenKey token: ImportToken) throws {
        let parsed: AsymmetricKeyType =
            switch token.wrappingKeySpec {
            case "RSA_3072": .rsa3072
            case "RSA_4096": .rsa4096
            default: .rsa2048
            }
        try self.init(type: parsed, encoded: SecretBytes(token.privateKey))
    }
}
