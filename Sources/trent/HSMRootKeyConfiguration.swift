import ArgumentParser
import Foundation
import TrentCrypto
import TrentHSM
import Yams

/// `--root-key-pkcs11 FILE`: where the root key lives in a PKCS#11 token.
///
/// ```yaml
/// module: /usr/lib/softhsm/libsofthsm2.so   # the vendor's PKCS#11 library
/// token: trent                              # the token's label
/// label: trent-root-key                     # the key's label (default); its HMAC twin is label.hmac
/// pin-file: /run/secrets/hsm-pin            # the user PIN (or TRENT_HSM_PIN); never in the file itself
/// ```
struct HSMRootKeyConfiguration: Decodable {
    var module: String
    var token: String
    var label: String?
    var pinFile: String?

    enum CodingKeys: String, CodingKey {
        case module, token, label
        case pinFile = "pin-file"
    }

    /// The token's root key, made there on first use when the store holds nothing sealed yet. Any failure stops
    /// start-up with a message that says what to fix.
    static func open(_ path: String, storeHoldsSealedData: Bool) throws -> HSMRootKey {
        let configuration: HSMRootKeyConfiguration
        do {
            configuration = try YAMLDecoder().decode(
                HSMRootKeyConfiguration.self, from: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw ValidationError("--root-key-pkcs11 \(path): not a PKCS#11 root key file (module, token, label, pin-file)")
        }
        let pin: String
        if let file = configuration.pinFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("--root-key-pkcs11: the pin-file \(file) cannot be read")
            }
            pin = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let value = ProcessInfo.processInfo.environment["TRENT_HSM_PIN"] {
            pin = value
        } else {
            throw ValidationError("--root-key-pkcs11: give the token's user PIN in pin-file or TRENT_HSM_PIN")
        }
        let token: PKCS11Token
        do {
            token = try PKCS11Token(module: configuration.module, label: configuration.token, pin: pin)
        } catch {
            let hint =
                error.code == PKCS11Token.Failure.pinIncorrect
                ? " (wrong PIN)" : error.code == PKCS11Token.Failure.notFound ? " (no such token in this module)" : ""
            throw ValidationError("--root-key-pkcs11: \(error)\(hint)")
        }
        let label = configuration.label ?? "trent-root-key"
        do {
            return try HSMRootKey(token: token, label: label, create: !storeHoldsSealedData)
        } catch let missing as HSMRootKey.Missing {
            throw ValidationError(
                "--root-key-pkcs11: \(missing.description), and the store holds key material sealed under a root key. "
                    + "Point the file at the token and label that hold it; Trent does not make a new root key beside sealed data."
            )
        } catch {
            throw ValidationError("--root-key-pkcs11: \(error)")
        }
    }
}
