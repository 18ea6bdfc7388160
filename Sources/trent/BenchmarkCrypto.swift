import ArgumentParser
import Foundation
import TrentCrypto

/// `trent benchmark-crypto`: Sign done directly by the crypto library, in this process, on every core, for the
/// HTTP benchmark to set beside Sign over HTTP (benchmarks/sign.sh).
struct BenchmarkCrypto: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark-crypto", abstract: "Measure Sign with P-256 and RSA-2048 done in-process.")

    @Option(help: "Seconds per key type.") var seconds = 5.0
    @Option(help: "Concurrent signers (default: one per core).") var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let message = Data("Trent benchmark message".utf8)
        for (label, type, scheme) in [
            ("ECC_NIST_P256/ECDSA_SHA_256", AsymmetricKeyType.p256, SignatureScheme.ecdsa(.sha256)),
            ("RSA_2048/RSASSA_PSS_SHA_256", .rsa2048, .rsaPSS(.sha256)),
        ] {
            let key = try AsymmetricPrivateKey.generate(type)
            let deadline = Date().addingTimeInterval(seconds)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<threads {
                    group.addTask {
                        var n = 0
                        while Date() < deadline {
                            _ = try key.sign(.message(message), scheme: scheme)
                            n += 1
                        }
                        return n
                    }
                }
                return try await group.reduce(0, +)
            }
            print(String(format: "%@ %.1f", label, Double(counts) / seconds))
        }
    }
}
