// swift-tools-version: 6.0
import Foundation
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Trent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trent", targets: ["trent"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(name: "TrentCore", swiftSettings: strict),
        .systemLibrary(name: "CSystemCrypto", providers: [.apt(["libssl-dev", "libsodium-dev"])]),
        // ML-DSA-44 and signing over μ from the BoringSSL inside swift-crypto; its own module because BoringSSL's and
        // the system OpenSSL's headers declare the same C types differently and cannot share one Swift module.
        .target(
            name: "TrentMLDSA", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict + [.unsafeFlags(["-enable-library-evolution"])]),
        .target(
            name: "TrentCrypto",
            dependencies: [
                "CSystemCrypto", "TrentMLDSA",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // PKCS#11 tokens (HSMs): p11-kit's header, the module itself loaded at run time.
        .systemLibrary(name: "CPKCS11", providers: [.apt(["libp11-kit-dev"])]),
        .target(name: "TrentHSM", dependencies: ["CPKCS11", "TrentCrypto", "TrentCore"], swiftSettings: strict),
        .target(
            name: "TrentOperations",
            dependencies: [
                "TrentCore", "TrentCrypto", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "TrentHTTP",
            dependencies: [
                "TrentOperations", "TrentCore", "TrentCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: strict),
        // The web console: server-rendered pages whose every action is a call through the API's gateway.
        .target(
            name: "TrentConsole",
            dependencies: [
                "TrentHTTP", "TrentOperations", "TrentCore", "TrentCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict),
        // The XKS proxy API: Trent serving it over keys in a PKCS#11 token.
        .target(
            name: "TrentXKS",
            dependencies: [
                "TrentHTTP", "TrentHSM", "TrentCore", "TrentCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "TrentSQLite",
            dependencies: ["TrentCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // Keys and aliases in PostgreSQL, for several stateless nodes on one database.
        .target(
            name: "TrentPostgres",
            dependencies: [
                "TrentCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "trent",
            dependencies: [
                "TrentHTTP", "TrentConsole", "TrentSQLite", "TrentPostgres", "TrentOperations", "TrentCore", "TrentCrypto",
                "TrentHSM", "TrentXKS", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict),
        // The benchmarks' HTTP floor: a trivial POST route on the same Hummingbird stack.
        .executableTarget(
            name: "trent-floor", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "benchmarks/Floor"),
        .testTarget(name: "TrentCoreTests", dependencies: ["TrentCore"]),
        .testTarget(
            name: "TrentCryptoTests",
            dependencies: ["TrentCrypto", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Wycheproof"), .copy("Vectors")]),
        .testTarget(name: "TrentHSMTests", dependencies: ["TrentHSM", "TrentCrypto", "TrentXKS"]),
        .testTarget(name: "TrentOperationsTests", dependencies: ["TrentOperations", "TrentCore", "TrentCrypto"]),
        .testTarget(
            name: "TrentHTTPTests",
            dependencies: [
                "TrentHTTP", "TrentOperations", "TrentCore", "TrentCrypto",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "TrentSQLiteTests",
            dependencies: [
                "TrentSQLite", "TrentPostgres", "TrentCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "TrentConsoleTests",
            dependencies: [
                "TrentConsole", "TrentHTTP", "TrentOperations", "TrentCore", "TrentCrypto",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer target exists only for `scripts/fuzz.sh` (TRENT_FUZZ=1, its own scratch path and
// -sanitize=fuzzer,address): it needs libFuzzer's driver, so an ordinary build leaves it out.
if ProcessInfo.processInfo.environment["TRENT_FUZZ"] == "1" {
    package.targets.append(.target(name: "CFuzzShim"))
    package.targets.append(
        .executableTarget(
            name: "TrentFuzz",
            dependencies: [
                "CFuzzShim", "TrentOperations", "TrentHTTP", "TrentCore", "TrentCrypto",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]))
    package.products.append(.executable(name: "trent-fuzz", targets: ["TrentFuzz"]))
}
