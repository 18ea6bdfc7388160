import Crypto
import Foundation
import TrentMLDSA

/// ML-DSA keys held as their 32-byte seed, where swift-crypto's Swift types stop: ML-DSA-44 keys, and signing a
/// caller's μ (EXTERNAL_MU) with any of the three parameter sets. Signing comes from the BoringSSL inside
/// swift-crypto (see TrentMLDSA); verification over μ from `MLDSAMuVerifier`.
enum MLDSA {
    /// A new seed from the system's secure random source (FIPS 204 ML-DSA.KeyGen's ξ).
    static func generateSeed() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    static func publicKey(_ type: AsymmetricKeyType, seed: Data) throws(AsymmetricFailure) -> [UInt8] {
        guard let encoded = BoringMLDSA.publicKey(try parameterSet(type), seed: Array(seed)) else { throw .invalidKey }
        return encoded
    }

    static func sign(_ type: AsymmetricKeyType, seed: Data, _ input: SignatureInput) throws(AsymmetricFailure) -> Data {
        let signed: BoringMLDSA.Input
        switch input {
        case .message(let m): signed = .message(Array(m))
        case .externalMu(let mu): signed = .mu(Array(mu))
        case .digest: throw .unsupported("DIGEST with ML-DSA")
        }
        guard let signature = BoringMLDSA.sign(try parameterSet(type), seed: Array(seed), signed) else { throw .invalidKey }
        return Data(signature)
    }

    static func verify(_ type: AsymmetricKeyType, publicKey: [UInt8], signature: Data, message: Data) -> Bool {
        guard let set = try? parameterSet(type) else { return false }
        return BoringMLDSA.verify(set, publicKey: publicKey, signature: Array(signature), message: Array(message))
    }

    static func oid(_ type: AsymmetricKeyType) -> [UInt8]? {
        switch type {
        case .mlDSA44: OID.mlDSA44
        case .mlDSA65: OID.mlDSA65
        case .mlDSA87: OID.mlDSA87
        default: nil
        }
    }

    private static func parameterSet(_ type: AsymmetricKeyType) throws(AsymmetricFailure) -> BoringMLDSA.ParameterSet {
        switch type {
        case .mlDSA44: .mlDSA44
        case .mlDSA65: .mlDSA65
        case .mlDSA87: .mlDSA87
        default: throw .unsupported("ML-DSA with \(type.rawValue)")
        }
    }
}
