import CFuzzShim
import Foundation
import Logging
import Synchronization
import TrentCore
import TrentCrypto
import TrentHTTP
import TrentOperations
import Yams

/// libFuzzer entry points (built only by `scripts/fuzz.sh`, with `-sanitize=fuzzer,address`). One binary, one
/// target per run, chosen by TRENT_FUZZ_TARGET:
///
/// - `request`: the first byte picks an operation of the model, the rest is its JSON 1.1 body, through the dispatcher
///   of an in-memory KMS seeded with fixed keys (validation, decoding, the operations themselves);
/// - `ciphertext`: the bytes as Decrypt's CiphertextBlob (the blob parser, key lookup, the envelope);
/// - `policy`: the bytes as a key policy, parsed, then evaluated for a request;
/// - `sigv4`: the bytes split into an Authorization header, a query string and a body, verified;
/// - `seed`: the bytes as a seed file, decoded and applied to a fresh in-memory KMS;
/// - `attestation`: the bytes as a Nitro Enclaves attestation document (CBOR, COSE_Sign1, the certificate chain).
///
/// A trap, a sanitizer report, or an answer of KMSInternalException (a 500) is a finding.

enum FuzzTarget: String {
    case request, ciphertext, policy, sigv4, seed, attestation
}

let fuzzTarget = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["TRENT_FUZZ_TARGET"] ?? "") ?? .request
let fuzzOperations = ServiceModel.kms.operationNames
let fuzzCaller = Caller(account: AccountID("111122223333")!, region: Region("us-east-1")!)

/// Fixed keys, so a corpus of real requests and ciphertexts stays meaningful from run to run.
let fuzzSeed = """
    Keys:
      Symmetric:
        Aes:
          - Metadata:
              KeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
            BackingKeys:
              - 5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9
    Aliases:
      - AliasName: alias/fuzz
        TargetKeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
    """

func makeKMS() -> KMS {
    KMS(
        store: InMemoryKeyStore(), sealer: try! RootKeySealer(rootKey: Data(repeating: 7, count: 32)),
        logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
}

/// Runs async work to completion from libFuzzer's synchronous callback.
func blocking(_ work: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await work()
        done.signal()
    }
    done.wait()
}

let fuzzRuns = Atomic<Int>(0)

let fuzzDispatcher: Dispatcher = {
    let dispatcher = Dispatcher(kms: makeKMS())
    seed(dispatcher.kms)
    return dispatcher
}()

func seed(_ kms: KMS) {
    blocking {
        let file = try! YAMLDecoder().decode(SeedFile.self, from: fuzzSeed)
        _ = try! await Seeder(kms: kms, defaults: fuzzCaller.scope).apply(file)
    }
}

func reseed() {
    blocking { try! await fuzzDispatcher.kms.reset() }
    seed(fuzzDispatcher.kms)
}

let fuzzVerifier = SigV4Verifier(
    store: CredentialStore([
        Credential(
            accessKeyID: "AKIDFUZZ", secretAccessKey: "secret", sessionToken: nil, account: AccountID("111122223333")!,
            principal: "arn:aws:iam::111122223333:user/fuzz", policies: [])
    ]), now: { Date(timeIntervalSince1970: 1_800_000_000) })

func dispatch(_ operation: String, _ body: Data) {
    blocking {
        let reply = await fuzzDispatcher.handle(
            target: "TrentService.\(operation)", body: body, caller: fuzzCaller, requestID: "fuzz")
        if reply.error?.code == .internalError {
            fatalError("\(operation) answered KMSInternalException")
        }
    }
}

/// The program's entry (SwiftPM names an executable's main `TrentFuzz_main`): hands over to libFuzzer's driver.
@_cdecl("TrentFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        fuzzOne(data, size)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let data = Data(bytes: start, count: count)
    switch fuzzTarget {
    case .request:
        guard let first = data.first else { return 0 }
        let operation = fuzzOperations[Int(first) % fuzzOperations.count]
        dispatch(operation, data.dropFirst())
        // Keys made by CreateKey and friends pile up in memory: start again now and then.
        if fuzzRuns.add(1, ordering: .relaxed).newValue % 5000 == 0 { reseed() }
    case .ciphertext:
        let body = try! JSONSerialization.data(withJSONObject: ["CiphertextBlob": data.base64EncodedString()])
        dispatch("Decrypt", body)
    case .policy:
        guard let text = String(data: data, encoding: .utf8),
            let policy = try? PolicyDocument(parsing: text, requirePrincipal: true)
        else { return 0 }
        let request = AuthorizationRequest(
            action: "kms:Encrypt", resource: "arn:aws:kms:us-east-1:111122223333:key/bc436485-5092-42b8-92a3-0aa8b93536dc",
            principal: "arn:aws:iam::111122223333:user/fuzz", principalAccount: "111122223333",
            context: [
                "kms:encryptioncontext:app": ["x"], "aws:sourceip": ["10.0.0.1"], "aws:currenttime": ["2026-12-02T10:00:00Z"],
            ])
        _ = PolicyEvaluator.evaluate(policy, request, resourcePolicy: true)
    case .sigv4:
        let parts = data.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        let header = parts.first.flatMap { String(data: Data($0), encoding: .utf8) } ?? ""
        let query = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
        let body = parts.count > 2 ? Data(parts[2]) : Data()
        var headers = ["host": "localhost", "x-amz-date": "20270115T080000Z", "x-amz-target": "TrentService.ListKeys"]
        if !header.isEmpty { headers["authorization"] = header }
        _ = try? fuzzVerifier.verify(SignedRequest(method: "POST", path: "/", query: query, headers: headers, body: body))
    case .seed:
        guard let text = String(data: data, encoding: .utf8), let file = try? YAMLDecoder().decode(SeedFile.self, from: text)
        else { return 0 }
        blocking {
            _ = try? await Seeder(kms: makeKMS(), defaults: fuzzCaller.scope).apply(file)
        }
    case .attestation:
        _ = try? NitroAttestation.claims(of: data)
        _ = try? NitroAttestation.verify(data, root: NitroAttestation.awsRoot, at: Date(timeIntervalSince1970: 1_800_000_000))
    }
    return 0
}
