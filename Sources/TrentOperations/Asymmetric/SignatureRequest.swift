import Foundation
import TrentCore
import TrentCrypto

/// What Sign and Verify share: the key's usage and algorithm checks, and AWS's MessageType rules.
enum SignatureRequest {
    static func prepare(
        _ record: KeyRecord, algorithm raw: String, message: Data, messageType: String?, call: Call, action: KMSAction
    ) throws -> (SigningAlgorithm, SignatureInput) {
        try call.requireUsage(record, .signVerify, for: action)
        let algorithm = SigningAlgorithm(rawValue: raw)!  // the model has checked the enum
        guard record.spec.capabilities.signingAlgorithms.contains(algorithm) else {
            throw KMSError(
                .invalidKeyUsage,
                "The signing algorithm \(raw) is not compatible with the key spec \(record.spec.rawValue) of \(record.arn).")
        }
        switch messageType ?? "RAW" {
        case "RAW":
            guard algorithm != .ed25519PHSHA512 else {
                throw KMSError.validation("The ED25519_PH_SHA_512 signing algorithm requires MessageType DIGEST.")
            }
            return (algorithm, .message(message))
        case "DIGEST":
            guard let length = algorithm.digestLength else {
                throw KMSError.validation("MessageType DIGEST is not supported with \(raw).")
            }
            guard message.count == length else {
                throw KMSError.validation("Digest is invalid length for algorithm \(raw).")
            }
            // AWS: with ED25519_PH_SHA_512 over a DIGEST, KMS still performs HashEdDSA's SHA-512 prehash (FIPS
            // 186-5, 7.8.1 step 1), so the 64 bytes are the message Ed25519ph hashes and signs.
            if algorithm == .ed25519PHSHA512 { return (algorithm, .message(message)) }
            return (algorithm, .digest(message))
        default:  // EXTERNAL_MU
            guard algorithm == .mlDSASHAKE256 else {
                throw KMSError.validation("MessageType EXTERNAL_MU is only supported with ML_DSA_SHAKE_256.")
            }
            guard message.count == 64 else { throw KMSError.validation("External mu must be 64 bytes long.") }
            return (algorithm, .externalMu(message))
        }
    }

    static func unavailable(_ error: any Error, _ algorithm: SigningAlgorithm, _ record: KeyRecord) -> KMSError {
        KMSError(
            .unsupportedOperation,
            "Trent cannot compute \(algorithm.rawValue) with \(record.spec.rawValue) in this build: \(error)")
    }
}
