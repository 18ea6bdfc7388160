import Foundation
import TrentCore

/// One AWS KMS operation: its wire request and response, and what it does. Wire types use AWS's PascalCase
/// member names as Swift property names, so they are Codable with no key mapping.
protocol KMSOperation: Sendable {
    associatedtype Request: Decodable & Sendable
    associatedtype Response: Encodable & Sendable
    static var action: KMSAction { get }
    static func perform(_ request: Request, _ call: Call) async throws -> Response
}

/// The response of an operation that returns nothing: an empty body, as AWS sends.
struct NoResponse: Codable, Sendable {}

extension KMSOperation {
    static func invoke(body: Data, input: JSONValue, call: Call) async throws -> Data {
        let request: Request
        do {
            request = try Wire.decoder.decode(Request.self, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch {
            throw KMSError(.serialization, "The request body could not be read as \(action.rawValue)Request.")
        }
        var attempt = 0
        while true {
            do {
                let response = try await perform(request, call)
                if response is NoResponse { return Data() }
                return try Wire.encoder.encode(response)
            } catch StoreError.conflict where attempt < 8 {
                // Someone else committed between our read and our commit: read again and decide again.
                attempt += 1
                continue
            }
        }
    }
}

enum Wire {
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return d
    }()
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        // Base64 blobs are full of slashes: written as they are (valid JSON, as AWS writes them) instead of `\/`,
        // the response is smaller and the encoder's string escaping, a tenth of an Encrypt's time, does less.
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()
}
