import Foundation

/// A CBOR data item (RFC 8949), as far as attestation documents need: definite lengths only, and bounded
/// nesting. No Swift CBOR library is in reach, so this small reader and writer is checked against the RFC's
/// Appendix A vectors.
public indirect enum CBOR: Sendable, Hashable {
    case unsigned(UInt64)
    /// The value -1 - n.
    case negative(UInt64)
    case bytes(Data)
    case text(String)
    case array([CBOR])
    case map([Pair])
    case tagged(UInt64, CBOR)
    case bool(Bool)
    case null
    case undefined
    case float(Double)
    case simple(UInt8)

    public struct Pair: Sendable, Hashable {
        public let key: CBOR
        public let value: CBOR
        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Exactly one data item filling `data`.
    public static func decode(_ data: Data, maxDepth: Int = 16) throws(Malformed) -> CBOR {
        var reader = Reader(bytes: [UInt8](data), maxDepth: maxDepth)
        let item = try reader.item(depth: 0)
        guard reader.index == reader.bytes.count else { throw Malformed(description: "bytes after the data item") }
        return item
    }

    /// The value of a map's member, for text or integer keys.
    public subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .text(key) }?.value
    }

    public subscript(key: Int) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        let wanted: CBOR = key >= 0 ? .unsigned(UInt64(key)) : .negative(UInt64(-1 - key))
        return pairs.first { $0.key == wanted }?.value
    }

    /// Preferred (shortest) encoding of integers, strings, arrays and maps: what COSE's Sig_structure needs.
    public var encoded: Data {
        var out = Data()
        func head(_ major: UInt8, _ value: UInt64) {
            switch value {
            case 0..<24: out.append(major << 5 | UInt8(value))
            case 24..<0x100: out.append(contentsOf: [major << 5 | 24, UInt8(value)])
            case 0x100..<0x1_0000: out.append(major << 5 | 25); out.append(contentsOf: Self.bigEndian(value, 2))
            case 0x1_0000..<0x1_0000_0000: out.append(major << 5 | 26); out.append(contentsOf: Self.bigEndian(value, 4))
            default: out.append(major << 5 | 27); out.append(contentsOf: Self.bigEndian(value, 8))
            }
        }
        func write(_ item: CBOR) {
            switch item {
            case .unsigned(let v): head(0, v)
            case .negative(let v): head(1, v)
            case .bytes(let d): head(2, UInt64(d.count)); out.append(d)
            case .text(let s): head(3, UInt64(s.utf8.count)); out.append(contentsOf: Array(s.utf8))
            case .array(let items): head(4, UInt64(items.count)); items.forEach(write)
            case .map(let pairs):
                head(5, UInt64(pairs.count));
                pairs.forEach {
                    write($0.key); write($0.value)
                }
            case .tagged(let tag, let inner): head(6, tag); write(inner)
            case .bool(let b): out.append(b ? 0xf5 : 0xf4)
            case .null: out.append(0xf6)
            case .undefined: out.append(0xf7)
            case .simple(let v): head(7, UInt64(v))
            case .float(let d): out.append(0xfb); out.append(contentsOf: Self.bigEndian(d.bitPattern, 8))
            }
        }
        write(self)
        return out
    }

    private static func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(count - 1 - $0))) }
    }

    private struct Reader {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0

        mutating func take(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - index >= count else { throw Malformed(description: "truncated") }
            defer { index += count }
            return bytes[index..<index + count]
        }

        mutating func argument(_ info: UInt8) throws(Malformed) -> UInt64 {
            let width: Int
            switch info {
            case 0..<24: return UInt64(info)
            case 24: width = 1
            case 25: width = 2
            case 26: width = 4
            case 27: width = 8
            default: throw Malformed(description: "indefinite lengths and reserved values are not accepted")
            }
            return try take(width).reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func length(_ info: UInt8) throws(Malformed) -> Int {
            let value = try argument(info)
            guard value <= UInt64(bytes.count - index) else { throw Malformed(description: "a length past the end") }
            return Int(value)
        }

        mutating func item(depth: Int) throws(Malformed) -> CBOR {
            guard depth <= maxDepth else { throw Malformed(description: "nested too deeply") }
            let initial = try take(1).first!
            let major = initial >> 5
            let info = initial & 0x1f
            switch major {
            case 0: return .unsigned(try argument(info))
            case 1: return .negative(try argument(info))
            case 2: return .bytes(Data(try take(try length(info))))
            case 3:
                guard let text = String(validating: try take(try length(info)), as: UTF8.self) else {
                    throw Malformed(description: "a text string that is not UTF-8")
                }
                return .text(text)
            case 4:
                let count = try length(info)  // each item takes at least one byte
                var items: [CBOR] = []
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(try item(depth: depth + 1)) }
                return .array(items)
            case 5:
                let count = try length(info)
                var pairs: [Pair] = []
                for _ in 0..<count {
                    let key = try item(depth: depth + 1)
                    pairs.append(Pair(key, try item(depth: depth + 1)))
                }
                return .map(pairs)
            case 6: return .tagged(try argument(info), try item(depth: depth + 1))
            default:
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                case 23: return .undefined
                case 24: return .simple(try take(1).first!)
                case 25: return .float(Double(Float16(bitPattern: UInt16(try argument(info)))))
                case 26: return .float(Double(Float(bitPattern: UInt32(try argument(info)))))
                case 27: return .float(Double(bitPattern: try argument(info)))
                case 0..<20: return .simple(info)
                default: throw Malformed(description: "indefinite lengths and reserved values are not accepted")
                }
            }
        }
    }
}
