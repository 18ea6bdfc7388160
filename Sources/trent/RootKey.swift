import Foundation
import TrentCore
import TrentCrypto

/// Where the root key comes from: `--root-key-file`, else `TRENT_ROOT_KEY`, else (development mode) a key
/// generated once into the data directory with mode 0600.
enum RootKey {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func load(file: String?, environment: [String: String], dataDirectory: URL?) throws -> (key: Data, source: String) {
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
        let key = RootKeySealer.generateRootKey()
        let hex = Hex.encode(key) + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o600])
        else { throw Failure(description: "cannot write the development root key to \(path)") }
        return (key, "development key generated into \(path)")
    }

    /// 32 bytes as 64 hex digits or as base64.
    static func decode(_ text: String, from source: String) throws -> Data {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = Hex.decode(trimmed) { return bytes }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return data }
        throw Failure(description: "\(source) must hold a 256-bit root key as 64 hex digits or base64")
    }
}
