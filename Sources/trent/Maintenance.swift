import ArgumentParser
import Foundation
import Logging
import TrentCore
import TrentSQLite

/// `trent migrate`: applies the store's pending schema migrations and exits, so a rolling upgrade can migrate
/// once before the new nodes start (every node also migrates at start-up, under the same lock).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the store's pending schema migrations (SQLite data directory or PostgreSQL) and exit.")

    @OptionGroup var location: StoreLocation

    func run() async throws {
        umask(0o077)
        let opened = try await location.open(timeout: 30, requireExisting: false, logger: Logger(label: "trent-migrate"))
        defer { opened.close() }
        FileHandle.standardOutput.write(Data("\(opened.description): schema up to date.\n".utf8))
    }
}

/// `trent backup`: a consistent copy of the embedded SQLite store, taken with SQLite's online backup while the
/// server runs. (A PostgreSQL store is backed up with PostgreSQL's own tools.) The root key is not copied: keep
/// it apart from the backup, which is useless without it.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the SQLite store, consistent as of one moment, into a new directory (the server may run).")

    @Option(help: "Directory of the SQLite store.") var dataDir = "./trent-data"
    @Option(help: "Directory to create the copy in (it must not hold a store already).") var to: String

    func run() async throws {
        umask(0o077)
        let source = URL(fileURLWithPath: dataDir, isDirectory: true)
        guard FileManager.default.fileExists(atPath: source.appendingPathComponent("trent.sqlite").path) else {
            throw ValidationError("\(dataDir) holds no Trent store")
        }
        do {
            try SQLiteKeyStore(directory: source).backup(into: URL(fileURLWithPath: to, isDirectory: true))
        } catch StoreError.unavailable(let why) {
            throw ValidationError(why)
        }
        FileHandle.standardOutput.write(
            Data(
                """
                Copied \(dataDir)/trent.sqlite to \(to)/trent.sqlite. The root key is not in the copy: restore both \
                (the copy as a data directory's trent.sqlite, and the root key file or TRENT_ROOT_KEY) to start from it.

                """.utf8))
    }
}
