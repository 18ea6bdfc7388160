import Foundation

/// Reads a request body (RFC 8259 JSON) into a `JSONValue` in one pass, strictly: invalid UTF-8, control
/// characters inside strings, lone surrogates, leading zeros, trailing content and nesting deeper than
/// `maxDepth` are refused. Every request is parsed once, here; the model validator walks the tree and the typed
/// request is decoded from it (`JSONValueDecoder`), instead of Foundation parsing the body twice.
public enum JSONParser {
    public static let maxDepth = 512

    public struct Failure: Error, Sendable {
        public let offset: Int
    }

    public static func parse(_ data: Data) throws(Failure) -> JSONValue {
        let result: Result<JSONValue, Failure> = data.withUnsafeBytes { raw in
            var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
            do throws(Failure) {
                reader.skipWhitespace()
                let value = try reader.value(depth: 0)
                reader.skipWhitespace()
                guard reader.index == reader.bytes.count else { throw Failure(offset: reader.index) }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var failure: Failure { Failure(offset: index) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard let byte = peek() else { throw failure }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { throw failure }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw failure }
            index += count
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= JSONParser.maxDepth else { throw failure }
            index += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw failure }
                let name = try string()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw failure }
                index += 1
                skipWhitespace()
                members[name] = try value(depth: depth)
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(members)
                default: throw failure
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= JSONParser.maxDepth else { throw failure }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(elements)
                default: throw failure
                }
            }
        }

        /// A string whose opening quote is at `index`.
        mutating func string() throws(Failure) -> String {
            index += 1
            let start = index
            // The common case: no escapes, so the bytes are the string (checked as UTF-8 once).
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    guard let text = String(validating: slice, as: UTF8.self) else { throw Failure(offset: start) }
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { throw failure }
                index += 1
            }
            var scalars = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: scalars, as: UTF8.self) else { throw Failure(offset: start) }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escaped = peek() else { throw failure }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escaped)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = UInt32(try hex4())
                        if (0xD800..<0xDC00).contains(code) {
                            // A high surrogate must be followed by an escaped low one.
                            guard peek() == UInt8(ascii: "\\") else { throw failure }
                            index += 1
                            guard peek() == UInt8(ascii: "u") else { throw failure }
                            index += 1
                            let low = UInt32(try hex4())
                            guard (0xDC00..<0xE000).contains(low) else { throw failure }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw failure }
                        scalars.append(contentsOf: UTF8.encode(scalar)!)
                    default: throw failure
                    }
                default:
                    guard byte >= 0x20 else { throw failure }
                    scalars.append(byte)
                    index += 1
                }
            }
            throw failure
        }

        mutating func hex4() throws(Failure) -> UInt16 {
            guard bytes.count - index >= 4 else { throw failure }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let digit: UInt8
                switch c {
                case 48...57: digit = c - 48
                case 97...102: digit = c - 87
                case 65...70: digit = c - 55
                default: throw failure
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() throws(Failure) -> Double {
            let start = index
            func digits(_ reader: inout Reader) -> Int {
                let from = reader.index
                while let c = reader.peek(), c >= 48, c <= 57 { reader.index += 1 }
                return reader.index - from
            }
            if peek() == UInt8(ascii: "-") { index += 1 }
            if peek() == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits(&self) > 0 else { throw failure }
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw failure }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw failure }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { throw Failure(offset: start) }
            return value
        }
    }
}
