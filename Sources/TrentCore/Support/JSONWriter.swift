import Foundation

/// Writes an `Encodable` response straight into JSON bytes, with the wire's conventions (blobs as base64, dates
/// as seconds since 1970, `/` unescaped), without the intermediate tree and the per-character escaping pass of
/// Foundation's JSONEncoder, which took a tenth of an Encrypt's time. Members are written in the order the type
/// encodes them. A type that encodes out of order (a nested container written after its parent moved on, or a
/// super encoder) is rare and not worth a second design: it is written by Foundation's JSONEncoder instead.
public enum JSONWriter {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let buffer = Buffer()
        buffer.bytes.reserveCapacity(256)
        try buffer.write(value)
        if buffer.unsupported { return try fallback.encode(value) }
        return Data(buffer.bytes)
    }

    nonisolated(unsafe) static let fallback: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()

    final class Buffer {
        var bytes: [UInt8] = []
        /// The open containers, innermost last: their closing byte and how many members each has so far.
        var frames: [(closing: UInt8, count: Int)] = []
        var unsupported = false

        func write<T: Encodable>(_ value: T) throws {
            // Type identity first (a metadata comparison), not a chain of dynamic casts per value.
            if T.self == String.self {
                writeString(unsafeBitCast(value, to: String.self))
            } else if T.self == Data.self {
                writeBase64(unsafeBitCast(value, to: Data.self))
            } else if T.self == Date.self {
                try writeDouble(unsafeBitCast(value, to: Date.self).timeIntervalSince1970)
            } else if T.self == Bool.self {
                append(unsafeBitCast(value, to: Bool.self) ? "true" : "false")
            } else if T.self == Int.self {
                append(String(unsafeBitCast(value, to: Int.self)))
            } else if T.self == Double.self {
                try writeDouble(unsafeBitCast(value, to: Double.self))
            } else if T.self == URL.self {
                writeString(unsafeBitCast(value, to: URL.self).absoluteString)
            } else {
                let base = frames.count
                let before = bytes.count
                try value.encode(to: EncoderImpl(buffer: self, openedAt: base))
                if frames.count == base && bytes.count == before {
                    append("{}")  // encoded nothing at all: an empty object, as Foundation writes it
                }
                while frames.count > base { bytes.append(frames.removeLast().closing) }
            }
        }

        func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

        func open(_ opening: UInt8, _ closing: UInt8) -> Int {
            bytes.append(opening)
            frames.append((closing, 0))
            return frames.count - 1
        }

        /// Starts the next member of frame `index`: the comma between members.
        func nextMember(of index: Int) {
            guard index == frames.count - 1 else {
                unsupported = true
                return
            }
            if frames[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
            frames[index].count += 1
        }

        func writeDouble(_ value: Double) throws {
            guard value.isFinite else {
                throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Not a finite number"))
            }
            if value.rounded(.towardZero) == value, abs(value) < 9.0e15 {
                append(String(Int64(value)))
            } else {
                append(value.description)
            }
        }

        func writeBase64(_ data: Data) {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: data.base64EncodedData())
            bytes.append(UInt8(ascii: "\""))
        }

        private static let hex = Array("0123456789abcdef".utf8)

        func writeString(_ string: String) {
            bytes.append(UInt8(ascii: "\""))
            var string = string
            string.withUTF8 { utf8 in
                var clean = 0  // start of the run of bytes that need no escaping
                for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<i]))
                    clean = i + 1
                    bytes.append(UInt8(ascii: "\\"))
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                    case 0x08: bytes.append(UInt8(ascii: "b"))
                    case 0x0C: bytes.append(UInt8(ascii: "f"))
                    case 0x0A: bytes.append(UInt8(ascii: "n"))
                    case 0x0D: bytes.append(UInt8(ascii: "r"))
                    case 0x09: bytes.append(UInt8(ascii: "t"))
                    default:
                        bytes.append(contentsOf: "u00".utf8)
                        bytes.append(Self.hex[Int(byte >> 4)])
                        bytes.append(Self.hex[Int(byte & 0xf)])
                    }
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean...]))
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    struct EncoderImpl: Encoder {
        let buffer: Buffer
        /// The frame count when this encoder's value started: containers it opens sit above it.
        let openedAt: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        /// The container this value opened, or a new one. A value asking for a second, different container
        /// cannot be written in one pass.
        func frame(_ opening: UInt8, _ closing: UInt8) -> Int {
            if buffer.frames.count == openedAt + 1 {
                if buffer.frames[openedAt].closing != closing { buffer.unsupported = true }
                return openedAt
            }
            if buffer.frames.count != openedAt { buffer.unsupported = true }
            return buffer.open(opening, closing)
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(KeyedWriter<Key>(buffer: buffer, frame: frame(UInt8(ascii: "{"), UInt8(ascii: "}"))))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            UnkeyedWriter(buffer: buffer, frame: frame(UInt8(ascii: "["), UInt8(ascii: "]")))
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(buffer: buffer) }
    }

    struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let buffer: Buffer
        let frame: Int
        var codingPath: [any CodingKey] { [] }

        func key(_ key: Key) {
            buffer.nextMember(of: frame)
            buffer.writeString(key.stringValue)
            buffer.bytes.append(UInt8(ascii: ":"))
        }

        mutating func encodeNil(forKey key: Key) throws {
            self.key(key)
            buffer.append("null")
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            self.key(key)
            try buffer.write(value)
        }

        mutating func encode(_ value: Bool, forKey key: Key) throws {
            self.key(key)
            buffer.append(value ? "true" : "false")
        }
        mutating func encode(_ value: String, forKey key: Key) throws {
            self.key(key)
            buffer.writeString(value)
        }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            self.key(key)
            try buffer.writeDouble(value)
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            self.key(key)
            try buffer.writeDouble(Double(value))
        }
        mutating func encode(_ value: Int, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int8, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int16, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int32, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int64, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt8, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt16, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt32, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt64, forKey key: Key) throws {
            self.key(key)
            buffer.append(String(value))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            buffer.unsupported = true
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(buffer: buffer, frame: frame))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            buffer.unsupported = true
            return UnkeyedWriter(buffer: buffer, frame: frame)
        }

        mutating func superEncoder() -> any Encoder {
            buffer.unsupported = true
            return EncoderImpl(buffer: buffer, openedAt: buffer.frames.count)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
    }

    struct UnkeyedWriter: UnkeyedEncodingContainer {
        let buffer: Buffer
        let frame: Int
        var codingPath: [any CodingKey] { [] }
        var count: Int { buffer.frames.indices.contains(frame) ? buffer.frames[frame].count : 0 }

        mutating func encodeNil() throws {
            buffer.nextMember(of: frame)
            buffer.append("null")
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            buffer.nextMember(of: frame)
            try buffer.write(value)
        }

        mutating func encode(_ value: Bool) throws {
            buffer.nextMember(of: frame)
            buffer.append(value ? "true" : "false")
        }
        mutating func encode(_ value: String) throws {
            buffer.nextMember(of: frame)
            buffer.writeString(value)
        }
        mutating func encode(_ value: Double) throws {
            buffer.nextMember(of: frame)
            try buffer.writeDouble(value)
        }
        mutating func encode(_ value: Float) throws {
            buffer.nextMember(of: frame)
            try buffer.writeDouble(Double(value))
        }
        mutating func encode(_ value: Int) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int8) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int16) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int32) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: Int64) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt8) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt16) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt32) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }
        mutating func encode(_ value: UInt64) throws {
            buffer.nextMember(of: frame)
            buffer.append(String(value))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            buffer.unsupported = true
            return KeyedEncodingContainer(KeyedWriter<NestedKey>(buffer: buffer, frame: frame))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            buffer.unsupported = true
            return self
        }

        mutating func superEncoder() -> any Encoder {
            buffer.unsupported = true
            return EncoderImpl(buffer: buffer, openedAt: buffer.frames.count)
        }
    }

    struct SingleWriter: SingleValueEncodingContainer {
        let buffer: Buffer
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { buffer.append("null") }
        mutating func encode<T: Encodable>(_ value: T) throws { try buffer.write(value) }
        mutating func encode(_ value: Bool) throws { buffer.append(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { buffer.writeString(value) }
        mutating func encode(_ value: Double) throws { try buffer.writeDouble(value) }
        mutating func encode(_ value: Float) throws { try buffer.writeDouble(Double(value)) }
        mutating func encode(_ value: Int) throws { buffer.append(String(value)) }
        mutating func encode(_ value: Int8) throws { buffer.append(String(value)) }
        mutating func encode(_ value: Int16) throws { buffer.append(String(value)) }
        mutating func encode(_ value: Int32) throws { buffer.append(String(value)) }
        mutating func encode(_ value: Int64) throws { buffer.append(String(value)) }
        mutating func encode(_ value: UInt) throws { buffer.append(String(value)) }
        mutating func encode(_ value: UInt8) throws { buffer.append(String(value)) }
        mutating func encode(_ value: UInt16) throws { buffer.append(String(value)) }
        mutating func encode(_ value: UInt32) throws { buffer.append(String(value)) }
        mutating func encode(_ value: UInt64) throws { buffer.append(String(value)) }
    }
}
