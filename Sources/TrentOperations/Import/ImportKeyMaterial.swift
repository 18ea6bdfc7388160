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

    static func perform(_ request: Request, _ call: Call) async throws -> Response {
        var record = try await call.resolveKey(request.KeyId, for: action)
        try call.requireCustomerManaged(record, for: action)
        try call.requireExternal(record)
        let token = try TrentOperations.ImportToken.open(request.ImportToken, call.kms.sealer)
        guard token.keyARN == record.arn.description else {
            throw KMSError(.invalidImportToken, "Import token is not valid for \(record.arn).")
        }
        guard token.validTo > call.now else {
            throw KMSError(.expiredImportToken, "The import token expired at \(token.validTo).")
        }
        let expires: Bool
        switch (request.ExpirationModel, request.ValidTo) {
        case ("KEY_MATERIAL_DOES_NOT_EXPIRE", .some):
            throw KMSError.validation("ValidTo must not be set when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.")
        case ("KEY_MATERIAL_EXPIRES", nil):
            throw KMSError.validation("ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.")
        case (_, .some(let validTo)):
            guard validTo > call.now else { throw KMSError.validation("ValidTo must be in the future.") }
            expires = true
        default:
            expires = false
        }
        let wrapping = try AsymmetricPrivateKey(type: .rsa2048, tokenKey: token)
        let clear: SecretBytes
        let padding: RSAPadding = token.wrappingAlgorithm.hasSuffix("SHA_1") ? .oaepSHA1 : .oaepSHA256
        do {
            if token.wrappingAlgorithm.hasPrefix("RSA_AES_KEY_WRAP") {
                clear = try wrapping.unwrapRSAAESKeyWrap(request.EncryptedKeyMaterial, padding: padding)
            } else {
                clear = try wrapping.decrypt(request.EncryptedKeyMaterial, padding: padding)
            }
        } catch {
            throw KMSError(
                .invalidCiphertext, "The EncryptedKeyMaterial could not be decrypted with the import token's wrapping key.")
        }
        try check(clear, for: record)
        let fingerprint = call.kms.sealer.fingerprint(clear, boundTo: record.arn.description)
        if let previous = record.importFingerprint, previous != fingerprint {
            throw KMSError(
                .incorrectKeyMaterial,
                "The key material in the request is different from the key material previously imported into \(record.arn).")
        }
        let revision = record.revision
        if record.materials.isEmpty || record.isMaterialExpired(at: call.now) {
            record.materials = [try call.kms.newMaterial(for: record.identity, version: 1, bytes: clear, at: call.now)]
            record.currentVersion = 1
        }
        if record.state == .pendingImport { record.state = .enabled }
        record.importFingerprint = fingerprint
        record.materialValidTo = expires ? request.ValidTo : nil
        try await call.store.commit(.key(.put(record, expectedRevision: revision)))
        return Response(KeyId: record.arn.description, KeyMaterialId: record.currentMaterial?.materialID ?? "")
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
