import ArgumentParser
import Foundation
import TrentCore
import TrentCrypto
import TrentOperations
import TrentSQLite

/// `trent rekey`: root key rotation. Every material version is re-sealed under the new root key in one SQLite
/// transaction, so the store is sealed wholly under the old key or wholly under the new one, never half.
struct Rekey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-seal every key's material under a new root key (run while the server is stopped).")

    @OptionGroup var store: StoreOptions
    @Option(help: "File holding the new root key (64 hex digits or base64).") var newRootKeyFile: String?
    @Option(help: "Move the root key into a PKCS#11 token: its YAML file (the key is made there if missing).")
    var newRootKeyPkcs11: String?

    func run() async throws {
        umask(0o077)
        let url = URL(fileURLWithPath: store.location.dataDir, isDirectory: true)
        guard (newRootKeyFile == nil) != (newRootKeyPkcs11 == nil) else {
            throw ValidationError("give exactly one of --new-root-key-file and --new-root-key-pkcs11")
        }
        let (kms, _, old, opened) = try await store.open(label: "trent-rekey")
        defer { opened.close() }
        if let newRootKeyPkcs11 {
            guard newRootKeyPkcs11 != store.rootKeyPkcs11 else { throw ValidationError("the new root key is the current one") }
            let device = try HSMRootKeyConfiguration.open(newRootKeyPkcs11, storeHoldsSealedData: false)
            let counts: (keys: Int, materials: Int)
            do {
                counts = try await kms.reseal(under: RootKeySealer(device: device))
            } catch let mismatch as KMS.RootKeyMismatch {
                throw ValidationError(mismatch.description)
            }
            FileHandle.standardOutput.write(
                Data(
                    """
                    Re-sealed \(counts.materials) material version(s) of \(counts.keys) key(s) under the root key in \(device.location) \
                    in one transaction; the old root key no longer opens this store. Import tokens issued before now are void.
                    Next: start Trent with --root-key-pkcs11 \(newRootKeyPkcs11) (and destroy the old root key).

                    """.utf8))
            return
        }
        guard let newRootKeyFile else { return }
        let new: Data
        do {
            new = try RootKey.decode(
                try String(contentsOfFile: newRootKeyFile, encoding: .utf8), from: "--new-root-key-file \(newRootKeyFile)")
        } catch let failure as RootKey.Failure {
            throw ValidationError(failure.description)
        }
        guard new != old else { throw ValidationError("the new root key is the current one") }
        let counts: (keys: Int, materials: Int)
        do {
            counts = try await kms.reseal(under: try RootKeySealer(rootKey: new))
        } catch let mismatch as KMS.RootKeyMismatch {
            throw ValidationError(mismatch.description)
        }
        var next = "start Trent with --root-key-file \(newRootKeyFile)"
        // A development key kept in the data directory is replaced, so a plain `trent serve` keeps working.
        let development = url.appendingPathComponent("root.key").path
        if store.rootKeyFile == nil, store.rootKeyPkcs11 == nil, ProcessInfo.processInfo.environment["TRENT_ROOT_KEY"] == nil {
            try RootKey.writePrivately(Data((Hex.encode(new) + "\n").utf8), to: development)
            next = "\(development) now holds the new root key"
        }
        FileHandle.standardOutput.write(
            Data(
                """
                Re-sealed \(counts.materials) material version(s) of \(counts.keys) key(s) under the new root key in one \
                transaction; the old root key no longer opens this store. Import tokens issued before now are void.
                Next: \(next).

                """.utf8))
    }
}
