import ArgumentParser
import Foundation
import Logging
import TrentCore
import TrentCrypto
import TrentOperations
import TrentPostgres
import TrentSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Where the store is, for every command that opens one (`serve`, `export`, `rekey`, `migrate`).
struct StoreLocation: ParsableArguments {
    @Option(help: "Directory of the SQLite store and of the development root key.") var dataDir = "./trent-data"
    @Option(
        help: ArgumentHelp(
            "Keep keys and aliases in PostgreSQL: postgres://USER[:PASS]@HOST:PORT/DB?sslmode=… (else TRENT_STORE).",
            discussion: "Several nodes may share one database; they must share the root key (--root-key-file)."))
    var store: String?
    @Option(help: "File holding the PostgreSQL password (instead of the URL's).") var storePasswordFile: String?

    /// The PostgreSQL URL given by option or environment, if any.
    var url: String? { store ?? ProcessInfo.processInfo.environment["TRENT_STORE"] }

    func open(timeout: Double, requireExisting: Bool, logger: Logger) async throws -> OpenedStore {
        try await OpenedStore.open(
            dataDir: dataDir, url: url, passwordFile: storePasswordFile, timeout: timeout,
            requireExisting: requireExisting, logger: logger)
    }
}

/// The options of the commands that work on a stopped server's store (`trent export`, `trent rekey`).
struct StoreOptions: ParsableArguments {
    @OptionGroup var location: StoreLocation
    @Option(help: "File holding the current root key (else TRENT_ROOT_KEY, else the data directory's development key).")
    var rootKeyFile: String?
    @Option(help: "The current root key is in a PKCS#11 token: its YAML file (as for trent serve).")
    var rootKeyPkcs11: String?

    func open(label: String) async throws -> (kms: KMS, store: any KeyStore, rootKey: Data, opened: OpenedStore) {
        let logger = Logger(label: label)
        let opened = try await location.open(timeout: 30, requireExisting: true, logger: logger)
        let verified = try await RootKey.openVerified(
            store: opened.store, file: rootKeyFile, dataDirectory: opened.directory, logger: logger, pkcs11: rootKeyPkcs11)
        return (verified.kms, opened.store, verified.key, opened)
    }
}

/// The store a command works on: SQLite in a data directory, or PostgreSQL (its pool running until `close`),
/// with its migrations applied.
struct OpenedStore {
    let store: any KeyStore
    /// Where the development root key lives (and, for SQLite, the database).
    let directory: URL
    let description: String
    let postgres: PostgresEndpoints?

    static func open(
        dataDir: String, url: String?, passwordFile: String?, timeout: Double, requireExisting: Bool, logger: Logger
    ) async throws -> OpenedStore {
        let directory = URL(fileURLWithPath: dataDir, isDirectory: true)
        guard let url else {
            if requireExisting,
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent("trent.sqlite").path)
            {
                throw ValidationError("\(dataDir) holds no Trent store")
            }
            // The store creates the directory, private (0700).
            return OpenedStore(
                store: try SQLiteKeyStore(directory: directory), directory: directory,
                description: "SQLite in \(directory.path)", postgres: nil)
        }
        let parsed: PostgresStoreURL
        do {
            parsed = try PostgresStoreURL(url, passwordFile: passwordFile)
        } catch {
            throw ValidationError("\(error)")
        }
        // The data directory holds only the development root key here; private like everything Trent writes.
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let endpoints = await PostgresEndpoints.connect(parsed, logger: logger)
        do {
            try await PostgresSchema.migrate(endpoints.client, logger: logger)
        } catch {
            endpoints.close()
            throw ValidationError("PostgreSQL at \(parsed.redacted): \(error)")
        }
        return OpenedStore(
            store: PostgresKeyStore(endpoints: endpoints, timeout: .milliseconds(Int(timeout * 1000)), logger: logger),
            directory: directory, description: "PostgreSQL at \(parsed.redacted)", postgres: endpoints)
    }

    func close() { postgres?.close() }
}

/// Where the root key comes from: `--root-key-file`, else `TRENT_ROOT_KEY`, else (development mode) a key
/// generated once into the data directory, private from its first byte, and never beside a store that holds
/// sealed data.
enum RootKey {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func load(
        file: String?, environment: [String: String], dataDirectory: URL?, storeHoldsSealedData: Bool
    ) throws -> (key: Data, source: String) {
        if let file {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            return (try decode(text, from: "--root-key-file \(file)"), "file \(file)")
        }
        if let value = environment["TRENT_ROOT_KEY"] {
            return (try decode(value, from: "TRENT_ROOT_KEY"), "TRENT_ROOT_KEY")
        }
        guard let dataDirectory else {
            return (RootKeySealer.generateRootKey(), "generated for this in-memory run")
        }
        let path = dataDirectory.appendingPathComponent("root.key").path
        if FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return (try decode(text, from: path), "development key \(path)")
        }
        guard !storeHoldsSealedData else {
            throw Failure(
                description: """
                    the root key is missing: \(path) does not exist, but the store in \(dataDirectory.path) holds key \
                    material sealed under a root key. Restore that root key (put root.key back, or pass \
                    --root-key-file or TRENT_ROOT_KEY). Trent does not generate a new root key beside a store that \
                    holds sealed data: the old keys would stop working and new ones would be sealed under a second key.
                    """)
        }
        let key = RootKeySealer.generateRootKey()
        try writePrivately(Data((Hex.encode(key) + "\n").utf8), to: path)
        return (key, "development key generated into \(path)")
    }

    /// Writes a secret file that no other user can read at any moment: created 0600 under a temporary name,
    /// written, flushed to disk, renamed into place, and the directory flushed so the rename survives a crash.
    static func writePrivately(_ contents: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(temporary): errno \(errno)") }
        var failed = false
        contents.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 {
                    failed = true
                    return
                }
                offset += written
            }
        }
        if fsync(descriptor) != 0 { failed = true }
        close(descriptor)
        guard !failed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot write \(path)")
        }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// The service over `store` with its root key (from the file, the environment or the data directory), proven to
    /// open the store; what is wrong with the root key becomes the command's error message.
    static func openVerified(
        store: any KeyStore, file: String?, dataDirectory: URL?, logger: Logger,
        attestationRoot: Data = NitroAttestation.awsRoot, quotas: RequestQuotas? = nil, pkcs11: String? = nil,
        clusters: (any HSMClusters)? = nil, xks: (any XKSTransport)? = nil
    ) async throws -> (kms: KMS, key: Data, source: String) {
        if let pkcs11 {
            let device = try HSMRootKeyConfiguration.open(pkcs11, storeHoldsSealedData: try await store.holdsSealedData())
            let kms = KMS(
                store: store, sealer: RootKeySealer(device: device), logger: logger, attestationRoot: attestationRoot,
                quotas: quotas, clusters: clusters, xks: xks)
            do {
                try await kms.verifyRootKey(source: device.location)
            } catch let mismatch as KMS.RootKeyMismatch {
                throw ValidationError(mismatch.description)
            }
            return (kms, Data(), device.location)
        }
        do {
            let root = try load(
                file: file, environment: ProcessInfo.processInfo.environment, dataDirectory: dataDirectory,
                storeHoldsSealedData: try await store.holdsSealedData())
            let kms = KMS(
                store: store, sealer: try RootKeySealer(rootKey: root.key), logger: logger, attestationRoot: attestationRoot,
                quotas: quotas, clusters: clusters, xks: xks)
            try await kms.verifyRootKey(source: root.source)
            return (kms, root.key, root.source)
        } catch let failure as Failure {
            throw ValidationError(failure.description)
        } catch let mismatch as KMS.RootKeyMismatch {
            throw ValidationError(mismatch.description)
        }
    }

    /// 32 bytes as 64 hex digits or as base64.
    static func decode(_ text: String, from source: String) throws -> Data {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = Hex.decode(trimmed) { return bytes }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return data }
        throw Failure(description: "\(source) must hold a 256-bit root key as 64 hex digits or base64")
    }
}
