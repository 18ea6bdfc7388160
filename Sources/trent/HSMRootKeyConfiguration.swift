import ArgumentParser
import Foundation
import TrentCore
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

/// `--cloudhsm-clusters FILE`: the PKCS#11 tokens that AWS_CLOUDHSM key stores may use as clusters.
///
/// ```yaml
/// - id: cluster-234567abcdefg              # CloudHsmClusterId (cluster- and 11 to 16 of [2-7a-zA-Z])
///   module: /usr/lib/softhsm/libsofthsm2.so
///   token: cluster1                        # the token's label; its user PIN is the key store password
///   hsm-count: 2                           # AWS requires 2 to create or update a store
///   certificate: /etc/trent/cluster1.crt   # the cluster certificate (PEM), signed by the store's trust anchor
///   active: true                           # default
/// ```
struct ClusterConfiguration: Decodable {
    var id: String
    var module: String
    var token: String
    var hsmCount: Int?
    var certificate: String
    var active: Bool?

    enum CodingKeys: String, CodingKey {
        case id, module, token, certificate, active
        case hsmCount = "hsm-count"
    }
}

extension Serve {
    static func clusters(_ path: String) throws -> PKCS11Clusters {
        let entries: [ClusterConfiguration]
        do {
            entries = try YAMLDecoder().decode(
                [ClusterConfiguration].self, from: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw ValidationError(
                "--cloudhsm-clusters \(path): not a list of clusters (id, module, token, hsm-count, certificate)")
        }
        return PKCS11Clusters(
            try entries.map { entry in
                guard entry.id.range(of: "^cluster-[2-7a-zA-Z]{11,16}$", options: .regularExpression) != nil else {
                    throw ValidationError("--cloudhsm-clusters: \(entry.id) is not a CloudHSM cluster id")
                }
                guard let pem = try? String(contentsOfFile: entry.certificate, encoding: .utf8),
                    let der = X509Certificates.der(fromPEM: pem)
                else { throw ValidationError("--cloudhsm-clusters: \(entry.certificate) is not a PEM certificate") }
                return PKCS11Clusters.Cluster(
                    id: entry.id, module: entry.module, token: entry.token, hsmCount: entry.hsmCount ?? 2, certificate: der,
                    active: entry.active ?? true)
            })
    }
}
