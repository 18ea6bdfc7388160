import CSystemCrypto
import Crypto
import Foundation

/// An AWS Nitro Enclaves attestation document (a COSE_Sign1 over a CBOR map, signed with ES384 by a certificate
/// that chains to the Nitro Enclaves root), as KMS checks it for a request's `Recipient`.
public struct NitroAttestation: Sendable {
    public let moduleID: String
    public let timestamp: Date
    /// Platform configuration registers by index; PCR0 is the enclave image's SHA-384.
    public let pcrs: [Int: Data]
    /// The enclave's public key (SubjectPublicKeyInfo DER), to which KMS encrypts for the enclave.
    public let publicKey: Data?

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case untrusted
        case badSignature

        public var description: String {
            switch self {
            case .malformed(let why): "it is not a well-formed attestation document (\(why))"
            case .untrusted: "its certificate does not chain to the trusted Nitro Enclaves root at this time"
            case .badSignature: "its signature does not verify"
            }
        }
    }

    /// The document's claims, read without checking its signature: for the policy condition keys, which are
    /// evaluated before the operation verifies the document (a request with a forged document fails either way).
    public static func claims(of document: Data) throws(Failure) -> NitroAttestation {
        try parse(document).claims
    }

    /// The document verified: ES384 signature by its certificate, that certificate chaining to `root` (DER) at `now`.
    public static func verify(_ document: Data, root: Data, at now: Date) throws(Failure) -> NitroAttestation {
        let parsed = try parse(document)
        var intermediates = Data()
        for certificate in parsed.bundle { intermediates.append(certificate) }
        guard X509Certificates.chains(parsed.certificate, to: root, through: intermediates, at: now) else {
            throw .untrusted
        }
        var spki = [UInt8](repeating: 0, count: 512)
        let length = parsed.certificate.withUnsafeBytes { leaf in
            trent_x509_public_key(leaf.bindMemory(to: UInt8.self).baseAddress, leaf.count, &spki, spki.count)
        }
        guard length > 0, let key = try? P384.Signing.PublicKey(derRepresentation: spki[0..<length]),
            let signature = try? P384.Signing.ECDSASignature(rawRepresentation: parsed.signature)
        else { throw .badSignature }
        guard key.isValidSignature(signature, for: parsed.signedBytes) else { throw .badSignature }
        return parsed.claims
    }

    private struct Parsed {
        let claims: NitroAttestation
        let certificate: Data
        let bundle: [Data]
        let signature: Data
        let signedBytes: Data
    }

    private static func parse(_ document: Data) throws(Failure) -> Parsed {
        guard document.count <= 16 * 1024 else { throw .malformed("larger than 16 KiB") }
        let top: CBOR
        do {
            top = try CBOR.decode(document)
        } catch {
            throw .malformed(error.description)
        }
        var sign1 = top
        if case .tagged(18, let inner) = top { sign1 = inner }  // COSE_Sign1's tag is optional
        guard case .array(let parts) = sign1, parts.count == 4, case .bytes(let protected) = parts[0],
            case .bytes(let payload) = parts[2], case .bytes(let signature) = parts[3]
        else { throw .malformed("not a COSE_Sign1 structure") }
        guard let header = try? CBOR.decode(protected), header[1] == .negative(34) else {
            throw .malformed("not signed with ES384")
        }
        let body: CBOR
        do {
            body = try CBOR.decode(payload)
        } catch {
            throw .malformed("payload: \(error.description)")
        }
        guard case .text(let moduleID)? = body["module_id"], body["digest"] == .text("SHA384"),
            case .unsigned(let milliseconds)? = body["timestamp"], case .map(let registers)? = body["pcrs"],
            case .bytes(let certificate)? = body["certificate"], case .array(let bundle)? = body["cabundle"]
        else { throw .malformed("a required member is missing or of the wrong type") }
        var pcrs: [Int: Data] = [:]
        for pair in registers {
            guard case .unsigned(let index) = pair.key, index < 32, case .bytes(let value) = pair.value,
                [32, 48, 64].contains(value.count)
            else { throw .malformed("pcrs") }
            pcrs[Int(index)] = value
        }
        let certificates = try bundle.map { item throws(Failure) -> Data in
            guard case .bytes(let der) = item, !der.isEmpty else { throw .malformed("cabundle") }
            return der
        }
        var publicKey: Data?
        if case .bytes(let key)? = body["public_key"] { publicKey = key }
        // COSE's Sig_structure for COSE_Sign1 with no external data (RFC 9052 section 4.4).
        let signed = CBOR.array([.text("Signature1"), .bytes(protected), .bytes(Data()), .bytes(payload)]).encoded
        return Parsed(
            claims: NitroAttestation(
                moduleID: moduleID, timestamp: Date(timeIntervalSince1970: Double(milliseconds) / 1000), pcrs: pcrs,
                publicKey: publicKey),
            certificate: certificate, bundle: certificates, signature: signature, signedBytes: signed)
    }

    /// The first certificate of a PEM text (DER), if it parses as an X.509 certificate.
    public static func certificate(pem: String) -> Data? { X509Certificates.der(fromPEM: pem) }

    /// AWS's published Nitro Enclaves root certificate (AWS_NitroEnclaves_Root-G1; SHA-256 fingerprint
    /// 64:1A:03:21:A3:E2:44:EF:E4:56:46:31:95:D6:06:31:7E:D7:CD:CC:3C:17:56:E0:98:93:F3:C6:8F:79:BB:5B).
    public static let awsRoot = Data(
        base64Encoded: """
            MIICETCCAZagAwIBAgIRAPkxdWgbkK/hHUbMtOTn+FYwCgYIKoZIzj0EAwMwSTELMAkGA1UEBhMCVVMxDzANBgNVBAoMBkFtYXpvbjEMMAoGA1UECwwD\
            QVdTMRswGQYDVQQDDBJhd3Mubml0cm8tZW5jbGF2ZXMwHhcNMTkxMDI4MTMyODA1WhcNNDkxMDI4MTQyODA1WjBJMQswCQYDVQQGEwJVUzEPMA0GA1UE\
            CgwGQW1hem9uMQwwCgYDVQQLDANBV1MxGzAZBgNVBAMMEmF3cy5uaXRyby1lbmNsYXZlczB2MBAGByqGSM49AgEGBSuBBAAiA2IABPwCVOumCMHzaHDi\
            mtqQvkY4MpJzbolL//Zy2YlES1BR5TSksfbb48C8WBoyt7F2Bw7eEtaaP+ohG2bnUs990d0JX28TcPQXCEPZ3BABIeTPYwEoCWZEh8l5YoQwTcU/9KNC\
            MEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUkCW1DdkFR+eWw5b6cp3PmanfS5YwDgYDVR0PAQH/BAQDAgGGMAoGCCqGSM49BAMDA2kAMGYCMQCj\
            fy+Rocm9Xue4YnwWmNJVA44fA0P5W2OpYow9OYCVRaEevL8uO1XYru5xtMPWrfMCMQCi85sWBbJwKKXdS6BptQFuZbT73o/gBh1qUxl/nNr12UO8Yfwr\
            6wPLb+6NIwLz3/Y=
            """)!
}

/// CMS EnvelopedData for an enclave: what KMS returns as CiphertextForRecipient.
public enum EnvelopedData {
    public struct Failure: Error {}

    /// `content` enveloped for the RSA public key `recipient` (SubjectPublicKeyInfo DER), key transport
    /// RSAES_OAEP_SHA_256, content encryption AES-256-CBC (OpenSSL's CMS).
    public static func seal(_ content: SecretBytes, for recipient: Data) throws(Failure) -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        let length = recipient.withUnsafeBytes { key in
            content.bytes.withUnsafeBytes { data in
                trent_cms_envelope(
                    key.bindMemory(to: UInt8.self).baseAddress, key.count, data.bindMemory(to: UInt8.self).baseAddress,
                    data.count, &out)
            }
        }
        guard length > 0, let out else { throw Failure() }
        defer { trent_free(out) }
        return Data(bytes: out, count: length)
    }
}
