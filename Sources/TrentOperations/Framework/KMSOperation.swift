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
    /// Decodes the typed request from the body as parsed once (and already validated against the model),
    /// performs the operation and writes the response.
    static func invoke(input: JSONValue, call: Call) async throws -> Data {
        let request: Request
        do {
            request = try JSONValueDecoder.decode(Request.self, from: input)
        } catch {
            throw KMSError(.serialization, "The request body could not be read as \(action.rawValue)Request.")
        }
        var attempt = 0
        while true {
            do {
                let response = try await perform(request, call)
                if response is NoResponse { return Data() }
                return try JSONWriter.encode(response)
            } catch StoreError.conflict where attempt < 8 {
                // Someone else committed between our read and our commit: read again and decide again.
                attempt += 1
                continue
            }
        }
    }
}
