import ArgumentParser
import Foundation
import Logging
import TrentCore
import TrentCrypto
import TrentOperations
import TrentSQLite
import Yams

/// `trent export`: a data directory's keys, aliases, tags, policies, grants and rotation settings as a seed file.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a data directory's state as a seed file (key material only with --include-key-material).")

    @OptionGroup var options: StoreOptions
    @Flag(help: "Include key material in clear. The file is then as secret as the keys themselves.")
    var includeKeyMaterial = false
    @Option(name: .shortAndLong, help: "Output file (default: stdout).") var output: String?

    func run() async throws {
        let (kms, store, _, opened) = try await options.open(label: "trent-export")
        defer { opened.close() }
        let document = try await SeedExporter(kms: kms).export(try await store.scopes(), includeKeyMaterial: includeKeyMaterial)
        var yaml = try YAMLEncoder().encode(document)
        if includeKeyMaterial {
            yaml =
                "# WARNING: this file holds key material in clear. Anyone who reads it can decrypt and sign as these keys.\n"
                + yaml
        }
        if let output {
            guard
                FileManager.default.createFile(atPath: output, contents: Data(yaml.utf8), attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("cannot write \(output)") }
        } else {
            FileHandle.standardOutput.write(Data(yaml.utf8))
        }
    }
}
