import Foundation
import TrentCore
import TrentCrypto

/// LocalStack's CreateKey conventions, so its fixtures work unchanged: the tag `_custom_id_` fixes the key id and
/// `_custom_key_material_` (base64) supplies the key material. Honoured in development mode only, and then not
/// stored as tags; with `--auth sigv4` they are ordinary tags, as on AWS.
struct LocalStackFixture {
    static let idTag = "_custom_id_"
    static let materialTag = "_custom_key_material_"

    var tags: [WireTag]
    private var rawID: String?
    private var rawMaterial: String?

    init(_ tags: [WireTag], call: Call) throws(KMSError) {
        guard !call.caller.authenticated else {
            self.tags = tags
            return
        }
        self.tags = tags.filter { $0.TagKey != Self.idTag && $0.TagKey != Self.materialTag }
        rawID = tags.last { $0.TagKey == Self.idTag }?.TagValue
        rawMaterial = tags.last { $0.TagKey == Self.materialTag }?.TagValue
    }

    var keyID: KeyID? {
        get throws(KMSError) {
            guard let rawID else { return nil }
            guard let id = KeyID(rawID.lowercased()) else {
                throw KMSError.validation("\(Self.idTag) must be a key id: a UUID, or mrk- and 32 hex digits.")
            }
            return id
        }
    }

    /// The given material, checked against the key spec: 32 bytes for symmetric keys, the HMAC key for HMAC
    /// specs, a private key (PKCS#8 DER, or PEM) for asymmetric ones, the 32-byte seed for ML-DSA.
    func material(for spec: KeySpec) throws(KMSError) -> SecretBytes? {
        guard let rawMaterial else { return nil }
        guard let bytes = Data(base64Encoded: rawMaterial) else {
            throw KMSError.validation("\(Self.materialTag) must be base64.")
        }
        if let type = spec.keyPairType {
            if let key = try? AsymmetricPrivateKey(type: type, encoded: SecretBytes(bytes)) { return key.encoded }
            if let text = String(data: bytes, encoding: .utf8), let key = try? AsymmetricPrivateKey.importing(pem: text),
                key.type == type
            {
                return key.encoded
            }
            throw KMSError.validation("\(Self.materialTag) is not a \(spec.rawValue) private key (PKCS#8 DER or PEM, base64).")
        }
        if let mac = spec.macAlgorithm {
            guard (mac.keyLength...64).contains(bytes.count) else {
                throw KMSError.validation("\(Self.materialTag) for \(spec.rawValue) must be \(mac.keyLength) to 64 bytes.")
            }
            return SecretBytes(bytes)
        }
        guard bytes.count == 32 else { throw KMSError.validation("\(Self.materialTag) must be 32 bytes for \(spec.rawValue).") }
        return SecretBytes(bytes)
    }
}
