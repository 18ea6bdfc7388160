import Foundation

/// Verification of an ML-DSA signature over a caller's μ (FIPS 204 Algorithm 8, ML-DSA.Verify_internal, from
/// step 6 on, with μ given), which AWS KMS offers as MessageType EXTERNAL_MU.
///
/// Written here because no library on this system has it: Debian bookworm's libcrypto has no ML-DSA, and the
/// BoringSSL that swift-crypto vendors signs a μ but verifies only messages. It handles public data only (the
/// public key, the signature and μ), so plain arithmetic with variable-time `%` is fine. `MLDSATests` proves it
/// against Wycheproof's ML-DSA-44/65/87 vectors (every valid and invalid case, through the μ each implies) and
/// against BoringSSL's signatures.
enum MLDSAMuVerifier {
    static let q: Int64 = 8_380_417

    /// One parameter set of FIPS 204 Table 1.
    struct Parameters {
        let k: Int, l: Int, tau: Int, challengeBytes: Int, gamma1Bits: Int, gamma2: Int64, beta: Int64, omega: Int

        init?(_ type: AsymmetricKeyType) {
            switch type {
            case .mlDSA44: (k, l, tau, challengeBytes, gamma1Bits, gamma2, beta, omega) = (4, 4, 39, 32, 17, (q - 1) / 88, 78, 80)
            case .mlDSA65:
                (k, l, tau, challengeBytes, gamma1Bits, gamma2, beta, omega) = (6, 5, 49, 48, 19, (q - 1) / 32, 196, 55)
            case .mlDSA87:
                (k, l, tau, challengeBytes, gamma1Bits, gamma2, beta, omega) = (8, 7, 60, 64, 19, (q - 1) / 32, 120, 75)
            default: return nil
            }
        }

        var gamma1: Int64 { 1 << gamma1Bits }
        var zPolynomialBytes: Int { 32 * (gamma1Bits + 1) }
        var publicKeyBytes: Int { 32 + 320 * k }
        var signatureBytes: Int { challengeBytes + l * zPolynomialBytes + omega + k }
        /// Bits per coefficient of w1 in w1Encode: bitlen((q − 1)/(2γ2) − 1).
        var w1Bits: Int { gamma2 == (q - 1) / 88 ? 6 : 4 }
    }

    static func isValid(_ type: AsymmetricKeyType, publicKey pk: [UInt8], signature sig: [UInt8], mu: [UInt8]) -> Bool {
        guard let p = Parameters(type), pk.count == p.publicKeyBytes, sig.count == p.signatureBytes, mu.count == 64 else {
            return false
        }
        // sigDecode, with the norm check on z and the hint encoding checks (HintBitUnpack) up front.
        let challenge = Array(sig[0..<p.challengeBytes])
        var zHat: [[Int64]] = []
        for j in 0..<p.l {
            let start = p.challengeBytes + j * p.zPolynomialBytes
            let z = unpack(sig[start..<start + p.zPolynomialBytes], bits: p.gamma1Bits + 1).map { p.gamma1 - $0 }
            guard z.allSatisfy({ abs($0) < p.gamma1 - p.beta }) else { return false }
            zHat.append(ntt(z.map { ($0 + q) % q }))
        }
        guard let hints = hints(Array(sig[(sig.count - p.omega - p.k)...]), p) else { return false }

        let rho = Array(pk[0..<32])
        let cHat = ntt(sampleInBall(challenge, tau: p.tau))
        var w1Encoded: [UInt8] = []
        for i in 0..<p.k {
            // w'Approx = NTT⁻¹(Â ∘ NTT(z) − NTT(c) ∘ NTT(t1 · 2^d)), one row at a time.
            var row = [Int64](repeating: 0, count: 256)
            for j in 0..<p.l {
                let a = rejectionSampledNTTPolynomial(rho + [UInt8(j), UInt8(i)])
                for n in 0..<256 { row[n] = (row[n] + a[n] * zHat[j][n]) % q }
            }
            let t1 = ntt(unpack(pk[(32 + 320 * i)..<(32 + 320 * (i + 1))], bits: 10).map { $0 << 13 })
            for n in 0..<256 { row[n] = (row[n] - cHat[n] * t1[n] % q + q) % q }
            let w = inverseNTT(row)
            w1Encoded += pack((0..<256).map { useHint(hints[i][$0], w[$0], p) }, bits: p.w1Bits)
        }
        return LibCrypto.shake(256, mu, w1Encoded, count: p.challengeBytes) == challenge
    }

    /// The μ of FIPS 204 for a message with an empty context (what AWS KMS signs for RAW), or another context.
    static func mu(publicKey pk: [UInt8], message: [UInt8], context: [UInt8] = []) -> [UInt8] {
        let tr = LibCrypto.shake(256, pk, count: 64)
        return LibCrypto.shake(256, tr, [0, UInt8(context.count)], context, message, count: 64)
    }

    // MARK: FIPS 204 building blocks

    /// HintBitUnpack (Algorithm 21): nil for a malformed encoding.
    static func hints(_ y: [UInt8], _ p: Parameters) -> [[Bool]]? {
        var h = Array(repeating: Array(repeating: false, count: 256), count: p.k)
        var index = 0
        for i in 0..<p.k {
            let end = Int(y[p.omega + i])
            guard end >= index, end <= p.omega else { return nil }
            let first = index
            while index < end {
                if index > first, y[index - 1] >= y[index] { return nil }
                h[i][Int(y[index])] = true
                index += 1
            }
        }
        for i in index..<p.omega where y[i] != 0 { return nil }
        return h
    }

    /// SampleInBall (Algorithm 29): τ coefficients ±1, the rest 0 (−1 held as q − 1).
    static func sampleInBall(_ seed: [UInt8], tau: Int) -> [Int64] {
        var length = 136 * 2
        while true {  // SHAKE256 output is a stream: a longer squeeze starts with the shorter one
            let stream = LibCrypto.shake(256, seed, count: length)
            let signs = stream[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
            var c = [Int64](repeating: 0, count: 256)
            var position = 8
            var exhausted = false
            placing: for i in (256 - tau)..<256 {
                var j: Int
                repeat {
                    guard position < stream.count else {
                        exhausted = true
                        break placing
                    }
                    j = Int(stream[position])
                    position += 1
                } while j > i
                c[i] = c[j]
                c[j] = (signs >> UInt64(i + tau - 256)) & 1 == 1 ? q - 1 : 1
            }
            if !exhausted { return c }
            length *= 2
        }
    }

    /// RejNTTPoly (Algorithm 30): one entry of Â from SHAKE128(ρ || s || r).
    static func rejectionSampledNTTPolynomial(_ seed: [UInt8]) -> [Int64] {
        var length = 168 * 5
        while true {
            let stream = LibCrypto.shake(128, seed, count: length)
            var a: [Int64] = []
            a.reserveCapacity(256)
            var i = 0
            while a.count < 256, i + 3 <= stream.count {
                let value = Int64(stream[i]) | Int64(stream[i + 1]) << 8 | Int64(stream[i + 2] & 0x7f) << 16
                if value < q { a.append(value) }
                i += 3
            }
            if a.count == 256 { return a }
            length *= 2
        }
    }

    /// UseHint (Algorithm 40) with Decompose (Algorithm 36), for r in [0, q).
    static func useHint(_ hint: Bool, _ r: Int64, _ p: Parameters) -> Int64 {
        let alpha = 2 * p.gamma2
        let m = (q - 1) / alpha
        var r0 = r % alpha
        if r0 > p.gamma2 { r0 -= alpha }
        let r1: Int64
        if r - r0 == q - 1 {
            r1 = 0
            r0 -= 1
        } else {
            r1 = (r - r0) / alpha
        }
        guard hint else { return r1 }
        return r0 > 0 ? (r1 + 1) % m : (r1 - 1 + m) % m
    }

    /// ζ^BitRev8(m) mod q for m in 0..<256, ζ = 1753 (Appendix B).
    static let zetas: [Int64] = (0..<256).map { m in
        var reversed = 0
        for bit in 0..<8 where (m >> bit) & 1 == 1 { reversed |= 1 << (7 - bit) }
        var result: Int64 = 1
        var base: Int64 = 1753
        var e = reversed
        while e > 0 {
            if e & 1 == 1 { result = result * base % q }
            base = base * base % q
            e >>= 1
        }
        return result
    }

    /// NTT (Algorithm 41), coefficients in [0, q).
    static func ntt(_ input: [Int64]) -> [Int64] {
        var w = input
        var m = 0
        var length = 128
        while length >= 1 {
            var start = 0
            while start < 256 {
                m += 1
                let z = zetas[m]
                for j in start..<(start + length) {
                    let t = z * w[j + length] % q
                    w[j + length] = (w[j] - t + q) % q
                    w[j] = (w[j] + t) % q
                }
                start += 2 * length
            }
            length /= 2
        }
        return w
    }

    /// NTT⁻¹ (Algorithm 42), coefficients in [0, q).
    static func inverseNTT(_ input: [Int64]) -> [Int64] {
        var w = input
        var m = 256
        var length = 1
        while length < 256 {
            var start = 0
            while start < 256 {
                m -= 1
                let z = q - zetas[m]
                for j in start..<(start + length) {
                    let t = w[j]
                    w[j] = (t + w[j + length]) % q
                    w[j + length] = z * ((t - w[j + length] + q) % q) % q
                }
                start += 2 * length
            }
            length *= 2
        }
        return w.map { $0 * 8_347_681 % q }  // 8347681 = 256⁻¹ mod q
    }

    /// 256 coefficients of `bits` bits each, least significant bit first (SimpleBitUnpack/BitUnpack's layout).
    static func unpack(_ bytes: ArraySlice<UInt8>, bits: Int) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(256)
        var accumulator: UInt64 = 0
        var held = 0
        var index = bytes.startIndex
        let mask = (UInt64(1) << bits) - 1
        while out.count < 256 {
            while held < bits {
                accumulator |= UInt64(bytes[index]) << held
                index += 1
                held += 8
            }
            out.append(Int64(accumulator & mask))
            accumulator >>= bits
            held -= bits
        }
        return out
    }

    /// SimpleBitPack: the inverse of `unpack`.
    static func pack(_ values: [Int64], bits: Int) -> [UInt8] {
        var out: [UInt8] = []
        var accumulator: UInt64 = 0
        var held = 0
        for value in values {
            accumulator |= UInt64(value) << held
            held += bits
            while held >= 8 {
                out.append(UInt8(accumulator & 0xff))
                accumulator >>= 8
                held -= 8
            }
        }
        return out
    }
}
