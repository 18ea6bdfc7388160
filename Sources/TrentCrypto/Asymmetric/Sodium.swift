import CSystemCrypto
import Foundation

/// libsodium, for Ed25519ph (RFC 8032's pre-hashed Ed25519 with SHA-512), which libcrypto offers only from
/// OpenSSL 3.2. libsodium hashes the message itself, so it signs messages, not a caller's digest.
enum Sodium {
    private static let ready: Bool = sodium_init() >= 0

    static func ed25519phSign(_ message: Data, seed: Data) throws(AsymmetricFailure) -> Data {
        guard ready, seed.count == 32 else { throw .invalidKey }
        var publicKey = [UInt8](repeating: 0, count: 32)
        var secretKey = [UInt8](repeating: 0, count: 64)
        defer { sodium_memzero(&secretKey, secretKey.count) }
        let seedBytes = Array(seed)
        guard crypto_sign_ed25519_seed_keypair(&publicKey, &secretKey, seedBytes) == 0 else { throw .invalidKey }
        var state = crypto_sign_ed25519ph_state()
        var signature = [UInt8](repeating: 0, count: 64)
        var length: UInt64 = 0
        guard crypto_sign_ed25519ph_init(&state) == 0,
            message.withUnsafeBytes({
                crypto_sign_ed25519ph_update(&state, $0.bindMemory(to: UInt8.self).baseAddress, UInt64($0.count))
            }) == 0,
            crypto_sign_ed25519ph_final_create(&state, &signature, &length, secretKey) == 0
        else { throw .invalidKey }
        return Data(signature.prefix(Int(length)))
    }

    static func ed25519phVerify(_ signature: Data, message: Data, publicKey: [UInt8]) -> Bool {
        guard ready, signature.count == 64, publicKey.count == 32 else { return false }
        var state = crypto_sign_ed25519ph_state()
        var sig = Array(signature)
        return crypto_sign_ed25519ph_init(&state) == 0
            && message.withUnsafeBytes({
                crypto_sign_ed25519ph_update(&state, $0.bindMemory(to: UInt8.self).baseAddress, UInt64($0.count))
            }) == 0
            && crypto_sign_ed25519ph_final_verify(&state, &sig, publicKey) == 0
    }
}
