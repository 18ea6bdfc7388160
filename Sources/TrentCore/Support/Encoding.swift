import Foundation

/// Lowercase hexadecimal, in one place for every identifier, fingerprint and seed file.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hex digits (either case) to bytes; nil for an odd length or a non-hex character.
    public static func decode(_ text: String) -> Data? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = Data(capacity: chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let high = value(chars[i]), let low = value(chars[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
}

/// ISO 8601 dates as policies and seed files write them: with or without fractional seconds, or a bare date.
public enum ISO8601 {
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// `2026-11-23T21:50:00Z`, in UTC to the second (aws:CurrentTime's form).
    public static func format(_ date: Date) -> String {
        var seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        seconds -= secondOfDay
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let days = seconds / 86_400 + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}

/// Random (version 4) UUIDs in lowercase, as request ids, event ids and key ids are written. Drawn from the
/// system's generator (getrandom) and formatted from a table: Foundation's `UUID()` opens /dev/urandom and
/// `uuidString` goes through printf, which showed in every request's profile.
public enum RandomUUID {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        high = (high & ~0xf000) | 0x4000  // version 4
        low = (low & ~(0xc000_0000_0000_0000 as UInt64)) | 0x8000_0000_0000_0000  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var out = 0
            for half in 0..<2 {
                let word = half == 0 ? high : low
                for nibble in 0..<16 {
                    let position = half * 16 + nibble
                    if position == 8 || position == 12 || position == 16 || position == 20 {
                        buffer[out] = 45
                        out += 1
                    }
                    buffer[out] = digits[Int((word >> UInt64(60 - nibble * 4)) & 0xf)]
                    out += 1
                }
            }
            return out
        }
    }
}
