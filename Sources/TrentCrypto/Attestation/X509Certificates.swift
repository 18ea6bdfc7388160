import CSystemCrypto
import Foundation

/// X.509 checks over OpenSSL's verifier, for what Trent itself must decide about certificates: a PEM's first
/// certificate, and whether one certificate was issued by another.
public enum X509Certificates {
    /// The first certificate of a PEM text (DER), if it parses.
    public static func der(fromPEM pem: String) -> Data? {
        guard let begin = pem.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = pem.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<pem.endIndex),
            let der = Data(base64Encoded: pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace })
        else { return nil }
        var scratch = [UInt8](repeating: 0, count: 4096)
        let parses = der.withUnsafeBytes {
            trent_x509_public_key($0.bindMemory(to: UInt8.self).baseAddress, $0.count, &scratch, scratch.count) > 0
        }
        return parses ? der : nil
    }

    /// Whether `certificate` (DER) chains to `anchor` (DER) at `time`: the anchor signed it (directly or through
    /// `intermediates`, DER certificates back to back).
    public static func chains(_ certificate: Data, to anchor: Data, through intermediates: Data = Data(), at time: Date)
        -> Bool
    {
        certificate.withUnsafeBytes { leaf in
            intermediates.withUnsafeBytes { middle in
                anchor.withUnsafeBytes { root in
                    trent_x509_chain_verifies(
                        leaf.bindMemory(to: UInt8.self).baseAddress, leaf.count, middle.bindMemory(to: UInt8.self).baseAddress,
                        middle.count, root.bindMemory(to: UInt8.self).baseAddress, root.count, Int64(time.timeIntervalSince1970))
                        == 1
                }
            }
        }
    }
}
