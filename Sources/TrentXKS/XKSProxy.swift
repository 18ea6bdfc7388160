import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TrentCore
import TrentCrypto
import TrentHSM
import TrentHTTP

/// Trent as an external key store proxy (`trent serve --xks-proxy FILE`): the XKS proxy API v1 (GetKeyMetadata,
/// Encrypt, Decrypt, GetHealthStatus) under configured path prefixes, requests signed with SigV4 for service
/// `kms-xks-proxy` by one of each prefix's credentials, keys found by label in a PKCS#11 token where all the
/// cryptography runs.
public struct XKSProxy: Sendable {
    /// One path prefix (ending in `/kms/xks/v1`) and what verifies its requests.
    public struct Prefix: Sendable {
        public let path: String
        let verifier: SigV4Verifier
        /// When set, the Region a request's credential scope must name.
        let region: String?

        public init(path: String, credentials: [(accessKeyID: String, secretAccessKey: String)], region: String?) {
            self.path = path
            self.region = region
            verifier = SigV4Verifier(
                store: CredentialStore(
                    credentials.map {
                        Credential(
                            accessKeyID: $0.accessKeyID, secretAccessKey: $0.secretAccessKey, sessionToken: nil,
                            account: AccountID("000000000000")!, principal: "kms-xks-proxy", policies: [])
                    }), service: "kms-xks-proxy", allowedSkew: 5 * 60)
        }
    }

    let prefixes: [Prefix]
    let token: PKCS11Token
    let logger: Logger
    /// The token key the deep health check encrypts and decrypts with (never a KMS key's own).
    static let healthKeyLabel = "trent-xks-health-check"

    public init(prefixes: [Prefix], token: PKCS11Token, logger: Logger) {
        self.prefixes = prefixes
        self.token = token
        self.logger = logger
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        for prefix in prefixes {
            router.post(RouterPath(prefix.path + "/**")) { request, context -> Response in
                await serve(request, prefix: prefix, rest: context.parameters.getCatchAll().map(String.init))
            }
            // The spec: a GET at an API's URI is 405 Method Not Allowed.
            router.get(RouterPath(prefix.path + "/**")) { _, _ -> Response in
                Self.error(.methodNotAllowed, "MethodNotAllowed", "XKS proxy APIs take POST only.")
            }
        }
    }

    enum Operation {
        case metadata(String), encrypt(String), decrypt(String), health
    }

    /// The API a path names under the prefix, or nil (InvalidUriPathException, before authentication).
    static func operation(_ rest: [String]) -> Operation? {
        switch rest.count {
        case 1 where rest[0] == "health": return .health
        case 3 where rest[0] == "keys" && isKeyID(rest[1]):
            switch rest[2] {
            case "metadata": return .metadata(rest[1])
            case "encrypt": return .encrypt(rest[1])
            case "decrypt": return .decrypt(rest[1])
            default: return nil
            }
        default: return nil
        }
    }

    /// The spec's external key id: up to 128 of letters, digits, hyphen, period and underscore.
    static func isKeyID(_ id: String) -> Bool {
        (1...128).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
    }

    func serve(_ request: Request, prefix: Prefix, rest: [String]) async -> Response {
        guard let operation = Self.operation(rest) else {
            return Self.error(.notFound, "InvalidUriPathException", "The URI path is not a path of the XKS proxy API.")
        }
        let body: Data
        do {
            body = Data(try await request.body.collect(upTo: 64 << 10).readableBytesView)
        } catch {
            return Self.error(.badRequest, "ValidationException", "The request body is larger than 64 KiB.")
        }
        do {
            let verified = try prefix.verifier.verify(TrentRouter.signed(request, body: body))
            if let region = prefix.region, verified.region.rawValue != region {
                throw KMSError(.invalidSignature, "Credential should be scoped to the Region \(region).")
            }
        } catch {
            // The SigV4 verifier's own words (AWS's), which name no secret.
            let why = String(((error as? KMSError)?.message ?? "The request signature is not valid.").prefix(500))
            logger.info("XKS request refused: \(why)")
            return Self.error(.unauthorized, "AuthenticationFailedException", why)
        }
        do {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                let metadata = object["requestMetadata"] as? [String: Any],
                let kmsRequestID = metadata["kmsRequestId"] as? String, let kmsOperation = metadata["kmsOperation"] as? String
            else { throw Refusal.validation("requestMetadata with kmsRequestId and kmsOperation is required.") }
            logger.info("XKS \(rest.joined(separator: "/")) for \(kmsOperation), KMS request \(kmsRequestID)")
            switch operation {
            case .health: return Self.json(try health())
            case .metadata(let id): return Self.json(try keyMetadata(id))
            case .encrypt(let id): return Self.json(try encrypt(id, object))
            case .decrypt(let id): return Self.json(try decrypt(id, object))
            }
        } catch let refusal as Refusal {
            return Self.error(refusal.status, refusal.name, refusal.message)
        } catch {
            logger.error("XKS proxy failure: \(error)")
            return Self.error(.internalServerError, "InternalException", "The key manager failed to complete the request.")
        }
    }

    struct Refusal: Error {
        let status: HTTPResponse.Status
        let name: String
        let message: String
        static func validation(_ message: String) -> Refusal {
            Refusal(status: .badRequest, name: "ValidationException", message: message)
        }
    }

    private func key(_ id: String) throws -> (handle: PKCS11Token.Handle, usage: PKCS11Token.KeyUsage) {
        guard let handle = try token.key(labelled: id) else {
            throw Refusal(status: .notFound, name: "KeyNotFoundException", message: "No external key \(id).")
        }
        return (handle, try token.usage(of: handle))
    }

    func keyMetadata(_ id: String) throws -> [String: Any] {
        let usage = try key(id).usage
        var uses: [String] = []
        if usage.encrypt { uses.append("ENCRYPT") }
        if usage.decrypt { uses.append("DECRYPT") }
        return ["keySpec": "AES_256", "keyUsage": uses, "keyStatus": "ENABLED"]
    }

    static func decoded(_ object: [String: Any], _ name: String, required: Bool, max: Int) throws -> Data? {
        guard let value = object[name] else {
            if required { throw Refusal.validation("\(name) is required.") }
            return nil
        }
        guard let text = value as? String, let data = Data(base64Encoded: text), data.count <= max else {
            throw Refusal.validation("\(name) must be Base64 of at most \(max) bytes.")
        }
        return data
    }

    /// The AAD the token authenticates: the spec's length-prefixed AAD and ciphertext metadata.
    static func tokenAAD(_ aad: Data?, metadata: Data?) -> Data {
        let a = aad ?? Data()
        let m = metadata ?? Data()
        return Data([UInt8(a.count >> 8), UInt8(a.count & 0xff)]) + a + Data([UInt8(m.count)]) + m
    }

    /// The ciphertext data integrity value (Appendix C): SHA-256 over AAD ‖ metadata ‖ IV ‖ ciphertext ‖ tag.
    public static func cdiv(aad: Data, metadata: Data, iv: Data, ciphertext: Data, tag: Data) -> Data {
        Data(SHA256.hash(data: aad + metadata + iv + ciphertext + tag))
    }

    func encrypt(_ id: String, _ object: [String: Any]) throws -> [String: Any] {
        guard object["encryptionAlgorithm"] as? String == "AES_GCM" else {
            throw Refusal.validation("encryptionAlgorithm must be AES_GCM.")
        }
        let cdivAlgorithm = object["ciphertextDataIntegrityValueAlgorithm"] as? String
        if object["ciphertextDataIntegrityValueAlgorithm"] != nil && cdivAlgorithm != "SHA_256" {
            throw Refusal.validation("ciphertextDataIntegrityValueAlgorithm must be SHA_256.")
        }
        let plaintext = try Self.decoded(object, "plaintext", required: true, max: 64 << 10)!
        let aad = try Self.decoded(object, "additionalAuthenticatedData", required: false, max: 8192)
        let (handle, usage) = try key(id)
        guard usage.encrypt else {
            throw Refusal(status: .badRequest, name: "InvalidKeyUsageException", message: "External key \(id) does not encrypt.")
        }
        let sealed = try token.seal(plaintext, with: handle, authenticating: Self.tokenAAD(aad, metadata: nil))
        let iv = sealed.prefix(12)
        let ciphertext = sealed.dropFirst(12).dropLast(16)
        let tag = sealed.suffix(16)
        var answer: [String: Any] = [
            "ciphertext": Data(ciphertext).base64EncodedString(), "initializationVector": Data(iv).base64EncodedString(),
            "authenticationTag": Data(tag).base64EncodedString(),
        ]
        if cdivAlgorithm != nil {
            // Appendix C: the value first, then a decryption of exactly what is returned.
            let value = Self.cdiv(
                aad: aad ?? Data(), metadata: Data(), iv: Data(iv), ciphertext: Data(ciphertext), tag: Data(tag))
            guard usage.decrypt,
                (try? token.open(sealed, with: handle, authenticating: Self.tokenAAD(aad, metadata: nil))) == plaintext
            else {
                throw Refusal(
                    status: .internalServerError, name: "InternalException", message: "The ciphertext did not decrypt.")
            }
            answer["ciphertextDataIntegrityValue"] = value.base64EncodedString()
        }
        return answer
    }

    func decrypt(_ id: String, _ object: [String: Any]) throws -> [String: Any] {
        guard object["encryptionAlgorithm"] as? String == "AES_GCM" else {
            throw Refusal.validation("encryptionAlgorithm must be AES_GCM.")
        }
        let ciphertext = try Self.decoded(object, "ciphertext", required: true, max: 64 << 10)!
        let iv = try Self.decoded(object, "initializationVector", required: true, max: 16)!
        let tag = try Self.decoded(object, "authenticationTag", required: true, max: 16)!
        let aad = try Self.decoded(object, "additionalAuthenticatedData", required: false, max: 8192)
        let metadata = try Self.decoded(object, "ciphertextMetadata", required: false, max: 20)
        guard tag.count == 16 else { throw Refusal.validation("authenticationTag must be 16 bytes.") }
        guard iv.count == 12 else {
            throw Refusal(
                status: .notImplemented, name: "UnsupportedOperationException", message: "Only 12-byte IVs are supported.")
        }
        let (handle, usage) = try key(id)
        guard usage.decrypt else {
            throw Refusal(status: .badRequest, name: "InvalidKeyUsageException", message: "External key \(id) does not decrypt.")
        }
        guard
            let plaintext = try? token.open(
                iv + ciphertext + tag, with: handle, authenticating: Self.tokenAAD(aad, metadata: metadata))
        else {
            throw Refusal(
                status: .badRequest, name: "InvalidCiphertextException",
                message:
                    "The ciphertext, initialization vector, additional authenticated data or authentication tag is not valid.")
        }
        return ["plaintext": plaintext.base64EncodedString()]
    }

    /// A deep check: a round trip through the token with a key kept for it.
    func health() throws -> [String: Any] {
        var status = "ACTIVE"
        do {
            let key = try token.key(labelled: Self.healthKeyLabel) ?? token.generateKey(label: Self.healthKeyLabel)
            let probe = Data("health".utf8)
            let sealed = try token.seal(probe, with: key, authenticating: Data())
            guard try token.open(sealed, with: key, authenticating: Data()) == probe else { throw Refusal.validation("") }
        } catch {
            status = "UNAVAILABLE"
        }
        return [
            "xksProxyFleetSize": 1, "xksProxyVendor": "Trent", "xksProxyModel": "Trent XKS proxy (API v1)",
            "ekmVendor": "PKCS#11", "ekmFleetDetails": [["id": token.label, "model": "PKCS#11 token", "healthStatus": status]],
        ]
    }

    static func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ name: String, _ message: String) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: ["errorName": name, "errorMessage": message], options: [.sortedKeys]))
            ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
