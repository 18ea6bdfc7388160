// Implementation-only (with library evolution on for this target), so that modules using TrentMLDSA never see
// BoringSSL's C declarations, which clash with the system OpenSSL's that TrentCrypto imports.
@_implementationOnly import CCryptoBoringSSL

/// ML-DSA (FIPS 204) key pairs held as their 32-byte seed, from BoringSSL as swift-crypto vendors and compiles
/// it into every build. swift-crypto 4.5 wraps only ML-DSA-65 and ML-DSA-87 in Swift (`MLDSA65`, `MLDSA87`,
/// which TrentCrypto uses for those keys' RAW messages), and wraps neither ML-DSA-44 nor signing a caller's μ;
/// Debian bookworm's libcrypto (OpenSSL 3.0) has no ML-DSA at all. So those two come straight from the C
/// functions behind swift-crypto's own types. This is the only file that imports CCryptoBoringSSL: should a
/// swift-crypto release drop or rename these functions, the build fails here, and TrentCrypto's `MLDSATests`
/// pin their behaviour to Wycheproof's vectors. TrentCrypto is the only user; it wraps this in its own types.
public enum BoringMLDSA {
    public enum ParameterSet: Sendable { case mlDSA44, mlDSA65, mlDSA87 }

    public static let seedBytes = 32
    public static let muBytes = 64

    /// One parameter set's C functions, so each operation below is written once.
    private struct Functions<Private, Public> {
        let fromSeed: (UnsafeMutablePointer<Private>?, UnsafePointer<UInt8>?, Int) -> Int32
        let publicFromPrivate: (UnsafeMutablePointer<Public>?, UnsafePointer<Private>?) -> Int32
        let marshalPublic: (UnsafeMutablePointer<CBB>?, UnsafePointer<Public>?) -> Int32
        let parsePublic: (UnsafeMutablePointer<Public>?, UnsafeMutablePointer<CBS>?) -> Int32
        let sign:
            (UnsafeMutablePointer<UInt8>?, UnsafePointer<Private>?, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int) ->
                Int32
        let signMu: (UnsafeMutablePointer<UInt8>?, UnsafePointer<Private>?, UnsafePointer<UInt8>?) -> Int32
        let verify:
            (UnsafePointer<Public>?, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int) -> Int32
        let publicKeyBytes: Int
        let signatureBytes: Int
    }

    private static var mlDSA44: Functions<MLDSA44_private_key, MLDSA44_public_key> {
        Functions(
            fromSeed: CCryptoBoringSSL_MLDSA44_private_key_from_seed,
            publicFromPrivate: CCryptoBoringSSL_MLDSA44_public_from_private,
            marshalPublic: CCryptoBoringSSL_MLDSA44_marshal_public_key, parsePublic: CCryptoBoringSSL_MLDSA44_parse_public_key,
            sign: CCryptoBoringSSL_MLDSA44_sign, signMu: CCryptoBoringSSL_MLDSA44_sign_message_representative,
            verify: CCryptoBoringSSL_MLDSA44_verify,
            publicKeyBytes: Int(MLDSA44_PUBLIC_KEY_BYTES), signatureBytes: Int(MLDSA44_SIGNATURE_BYTES))
    }

    private static var mlDSA65: Functions<MLDSA65_private_key, MLDSA65_public_key> {
        Functions(
            fromSeed: CCryptoBoringSSL_MLDSA65_private_key_from_seed,
            publicFromPrivate: CCryptoBoringSSL_MLDSA65_public_from_private,
            marshalPublic: CCryptoBoringSSL_MLDSA65_marshal_public_key, parsePublic: CCryptoBoringSSL_MLDSA65_parse_public_key,
            sign: CCryptoBoringSSL_MLDSA65_sign, signMu: CCryptoBoringSSL_MLDSA65_sign_message_representative,
            verify: CCryptoBoringSSL_MLDSA65_verify,
            publicKeyBytes: Int(MLDSA65_PUBLIC_KEY_BYTES), signatureBytes: Int(MLDSA65_SIGNATURE_BYTES))
    }

    private static var mlDSA87: Functions<MLDSA87_private_key, MLDSA87_public_key> {
        Functions(
            fromSeed: CCryptoBoringSSL_MLDSA87_private_key_from_seed,
            publicFromPrivate: CCryptoBoringSSL_MLDSA87_public_from_private,
            marshalPublic: CCryptoBoringSSL_MLDSA87_marshal_public_key, parsePublic: CCryptoBoringSSL_MLDSA87_parse_public_key,
            sign: CCryptoBoringSSL_MLDSA87_sign, signMu: CCryptoBoringSSL_MLDSA87_sign_message_representative,
            verify: CCryptoBoringSSL_MLDSA87_verify,
            publicKeyBytes: Int(MLDSA87_PUBLIC_KEY_BYTES), signatureBytes: Int(MLDSA87_SIGNATURE_BYTES))
    }

    /// What is signed: a message (with an empty context, as AWS KMS signs RAW messages) or a caller's μ.
    public enum Input: Sendable { case message([UInt8]), mu([UInt8]) }

    /// The encoded public key (FIPS 204 pkEncode) of the key pair a seed derives; nil for a seed of the wrong size.
    public static func publicKey(_ set: ParameterSet, seed: [UInt8]) -> [UInt8]? {
        switch set {
        case .mlDSA44: publicKey(mlDSA44, seed)
        case .mlDSA65: publicKey(mlDSA65, seed)
        case .mlDSA87: publicKey(mlDSA87, seed)
        }
    }

    /// A hedged signature; nil for a seed or μ of the wrong size.
    public static func sign(_ set: ParameterSet, seed: [UInt8], _ input: Input) -> [UInt8]? {
        switch set {
        case .mlDSA44: sign(mlDSA44, seed, input)
        case .mlDSA65: sign(mlDSA65, seed, input)
        case .mlDSA87: sign(mlDSA87, seed, input)
        }
    }

    /// Verification of a signature over a message with an empty context.
    public static func verify(_ set: ParameterSet, publicKey: [UInt8], signature: [UInt8], message: [UInt8]) -> Bool {
        switch set {
        case .mlDSA44: verify(mlDSA44, publicKey, signature, message)
        case .mlDSA65: verify(mlDSA65, publicKey, signature, message)
        case .mlDSA87: verify(mlDSA87, publicKey, signature, message)
        }
    }

    // MARK: One parameter set

    private static func withPrivateKey<Private, Public, R>(
        _ f: Functions<Private, Public>, _ seed: [UInt8], _ body: (UnsafePointer<Private>) -> R?
    ) -> R? {
        guard seed.count == seedBytes else { return nil }
        let key = UnsafeMutablePointer<Private>.allocate(capacity: 1)
        defer {
            CCryptoBoringSSL_OPENSSL_cleanse(key, MemoryLayout<Private>.size)
            key.deallocate()
        }
        let derived = seed.withUnsafeBytes { f.fromSeed(key, $0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
        guard derived == 1 else { return nil }
        return body(key)
    }

    private static func publicKey<Private, Public>(_ f: Functions<Private, Public>, _ seed: [UInt8]) -> [UInt8]? {
        withPrivateKey(f, seed) { key -> [UInt8]? in
            let publicKey = UnsafeMutablePointer<Public>.allocate(capacity: 1)
            defer { publicKey.deallocate() }
            guard f.publicFromPrivate(publicKey, key) == 1 else { return nil }
            var encoded = [UInt8](repeating: 0, count: f.publicKeyBytes)
            var cbb = CBB()
            let written = encoded.withUnsafeMutableBufferPointer { buffer -> Int in
                guard CCryptoBoringSSL_CBB_init_fixed(&cbb, buffer.baseAddress, buffer.count) == 1 else { return 0 }
                defer { CCryptoBoringSSL_CBB_cleanup(&cbb) }
                guard f.marshalPublic(&cbb, publicKey) == 1 else { return 0 }
                return CCryptoBoringSSL_CBB_len(&cbb)
            }
            return written == f.publicKeyBytes ? encoded : nil
        }
    }

    private static func sign<Private, Public>(_ f: Functions<Private, Public>, _ seed: [UInt8], _ input: Input) -> [UInt8]? {
        withPrivateKey(f, seed) { key -> [UInt8]? in
            var signature = [UInt8](repeating: 0, count: f.signatureBytes)
            let result: Int32
            switch input {
            case .message(let message):
                result = message.withUnsafeBytes {
                    f.sign(&signature, key, $0.bindMemory(to: UInt8.self).baseAddress, $0.count, nil, 0)
                }
            case .mu(let mu):
                guard mu.count == muBytes else { return nil }
                result = mu.withUnsafeBytes { f.signMu(&signature, key, $0.bindMemory(to: UInt8.self).baseAddress) }
            }
            return result == 1 ? signature : nil
        }
    }

    private static func verify<Private, Public>(
        _ f: Functions<Private, Public>, _ encodedPublicKey: [UInt8], _ signature: [UInt8], _ message: [UInt8]
    ) -> Bool {
        let publicKey = UnsafeMutablePointer<Public>.allocate(capacity: 1)
        defer { publicKey.deallocate() }
        var cbs = CBS()
        let parsed = encodedPublicKey.withUnsafeBufferPointer { buffer -> Bool in
            CCryptoBoringSSL_CBS_init(&cbs, buffer.baseAddress, buffer.count)
            return f.parsePublic(publicKey, &cbs) == 1
        }
        guard parsed else { return false }
        let valid = signature.withUnsafeBytes { s in
            message.withUnsafeBytes { m in
                f.verify(
                    publicKey, s.bindMemory(to: UInt8.self).baseAddress, s.count, m.bindMemory(to: UInt8.self).baseAddress,
                    m.count, nil, 0)
            }
        }
        CCryptoBoringSSL_ERR_clear_error()
        return valid == 1
    }
}
