import Foundation

/// Reads a key's latest records back from the `--audit-log` file (only its last megabyte, newest first).
enum AuditReader {
    static let window = 1 << 20

    static func latest(path: String, keyID: String, account: String, limit: Int = 20) -> [[String: String]] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(window) ? size - UInt64(window) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var records: [[String: String]] = []
        for line in data.split(separator: 0x0a).reversed() {
            guard records.count < limit else { break }
            // A cheap test first: only lines that name the key are parsed.
            guard line.range(of: Data(keyID.utf8)) != nil,
                let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                object["recipientAccountId"] as? String == account
            else { continue }
            let identity = object["userIdentity"] as? [String: Any]
            records.append([
                "time": object["eventTime"] as? String ?? "", "event": object["eventName"] as? String ?? "",
                "user": identity?["arn"] as? String ?? "", "agent": object["userAgent"] as? String ?? "",
                "error": object["errorCode"] as? String ?? "",
            ])
        }
        return records
    }
}
