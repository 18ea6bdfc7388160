import Foundation
import Testing
import TrentCrypto

@testable import TrentHSM

/// A throwaway SoftHSM2 token (Debian's softhsm2, which the test command installs), made once per test process in
/// a temporary directory: SoftHSM reads its configuration when the module is first initialised.
enum SoftHSM {
    static let module = "/usr/lib/softhsm/libsofthsm2.so"
    static let pin = "246810"

    static let token: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trent-softhsm-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(
            at: directory.appendingPathComponent("tokens"), withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("softhsm2.conf")
        try! "directories.tokendir = \(directory.path)/tokens\nobjectstore.backend = file\nlog.level = ERROR\n"
            .write(to: configuration, atomically: true, encoding: .utf8)
        setenv("SOFTHSM2_CONF", configuration.path, 1)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/softhsm2-util")
        process.arguments = ["--init-token", "--free", "--label", "trent-unit", "--so-pin", "13579", "--pin", pin]
        process.standardOutput = FileHandle.nullDevice
        try! process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "softhsm2-util could not make a token")
        return "trent-unit"
    }()
}

@Suite(.serialized) struct PKCS11TokenTests {
    @Test func aWrongPINOrAMissingTokenOrModuleIsAClearFailure() throws {
        let label = SoftHSM.token
        #expect(throws: PKCS11Token.Failure.self) { try PKCS11Token(module: SoftHSM.module, label: label, pin: "000000") }
        do {
            _ = try PKCS11Token(module: SoftHSM.module, label: label, pin: "000000")
        } catch {
            #expect(error.code == PKCS11Token.Failure.pinIncorrect)
            #expect(error.description.contains("CKR_PIN_INCORRECT"))
        }
        do {
            _ = try PKCS11Token(module: SoftHSM.module, label: "no-such-token", pin: SoftHSM.pin)
            Issue.record("a missing token was found")
        } catch {
            #expect(error.code == PKCS11Token.Failure.notFound)
        }
        do {
            _ = try PKCS11Token(module: "/nonexistent/libpkcs11.so", label: label, pin: SoftHSM.pin)
            Issue.record("a missing module loaded")
        } catch {
            #expect(error.code == PKCS11Token.Failure.cannotLoad)
        }
    }

    @Test func aesGCMRunsInsideTheTokenAndRefusesTampering() throws {
        let token = try PKCS11Token(module: SoftHSM.module, label: SoftHSM.token, pin: SoftHSM.pin)
        let key = try token.generateKey(label: "unit-\(UUID().uuidString)")
        let sealed = try token.seal(Data("secret".utf8), with: key, authenticating: Data("aad".utf8))
        #expect(sealed.count == 12 + 6 + 16)
        #expect(try token.open(sealed, with: key, authenticating: Data("aad".utf8)) == Data("secret".utf8))
        var tampered = sealed
        tampered[20] ^= 1
        #expect(throws: PKCS11Token.Failure.self) { try token.open(tampered, with: key, authenticating: Data("aad".utf8)) }
        #expect(throws: PKCS11Token.Failure.self) { try token.open(sealed, with: key, authenticating: Data("other".utf8)) }
        // Two seals of the same plaintext differ: the token draws a fresh IV each time.
        #expect(
            try token.seal(Data("secret".utf8), with: key, authenticating: Data())
                != token.seal(Data("secret".utf8), with: key, authenticating: Data()))
        try token.destroy(key)
    }

    @Test func theRootKeyIsMadeOnceFoundAgainAndSealsForTheSealer() throws {
        let token = try PKCS11Token(module: SoftHSM.module, label: SoftHSM.token, pin: SoftHSM.pin)
        let label = "root-\(UUID().uuidString)"
        #expect(throws: HSMRootKey.Missing.self) { try HSMRootKey(token: token, label: label, create: false) }
        let made = try HSMRootKey(token: token, label: label, create: true)
        let sealer = RootKeySealer(device: made)
        let sealed = try sealer.seal(SecretBytes(Data(repeating: 7, count: 32)), boundTo: "arn#1")
        let again = RootKeySealer(device: try HSMRootKey(token: token, label: label, create: false))
        #expect(try again.open(sealed, boundTo: "arn#1").bytes == Data(repeating: 7, count: 32))
        #expect(throws: RootKeySealer.Failure.self) { try again.open(sealed, boundTo: "arn#2") }
        #expect(
            try sealer.fingerprint(SecretBytes(Data([1])), boundTo: "a")
                == again.fingerprint(SecretBytes(Data([1])), boundTo: "a"))
        // A software root key does not open what the token sealed.
        #expect(throws: RootKeySealer.Failure.self) {
            try RootKeySealer(rootKey: Data(repeating: 1, count: 32)).open(sealed, boundTo: "arn#1")
        }
    }
}
