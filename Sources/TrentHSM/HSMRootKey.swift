import Foundation
import TrentCrypto

/// Trent's root key inside a PKCS#11 token (`--root-key-pkcs11`): an AES-256 key for sealing and an HMAC key for
/// fingerprints, both sensitive and not extractable, so every seal and unseal of key material runs in the token
/// and the root key never exists in Trent's memory or on disk (the shape of Vault's HSM seal).
public struct HSMRootKey: SealingDevice {
    let token: PKCS11Token
    let key: PKCS11Token.Handle
    let macKey: PKCS11Token.Handle
    public let location: String

    /// The keys labelled `label` (and `label`.hmac) in the token; made there when `create` allows and both are
    /// missing. Half a pair is refused: it means someone removed a key.
    public init(token: PKCS11Token, label: String, create: Bool) throws {
        let found = (try token.key(labelled: label), try token.key(labelled: label + ".hmac"))
        switch found {
        case (let key?, let mac?):
            self.key = key
            macKey = mac
        case (nil, nil) where create:
            key = try token.generateKey(label: label)
            macKey = try token.generateKey(label: label + ".hmac", hmac: true)
        case (nil, nil):
            throw Missing(description: "token \(token.label) holds no key labelled \(label)")
        default:
            throw Missing(description: "token \(token.label) holds only one of the keys \(label) and \(label).hmac")
        }
        self.token = token
        location = "PKCS#11 token \(token.label), key \(label) (sealing inside the token)"
    }

    public struct Missing: Error, CustomStringConvertible { public let description: String }

    public func seal(_ plaintext: Data, authenticating aad: Data) throws -> Data {
        try token.seal(plaintext, with: key, authenticating: aad)
    }

    public func open(_ sealed: Data, authenticating aad: Data) throws -> Data {
        try token.open(sealed, with: key, authenticating: aad)
    }

    public func mac(_ data: Data) throws -> Data { try token.hmac(data, with: macKey) }
}
