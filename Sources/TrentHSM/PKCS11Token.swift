import CPKCS11
import Foundation
import Synchronization

/// One PKCS#11 token, found by label in a module loaded at run time, logged in as its user. Each operation runs
/// in a session of its own (PKCS#11 sessions are not to be shared between threads; the login holds for every
/// session of the process). Keys made here never leave the token: sensitive, not extractable.
public final class PKCS11Token: Sendable {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// The module's CK_RV, or one of Trent's own codes (the module did not load, the token is missing).
        public let code: UInt
        public let step: String

        public var description: String { "\(step): \(Self.name(code))" }

        public static let cannotLoad = UInt(TRENT_P11_CANNOT_LOAD)
        public static let notFound = UInt(TRENT_P11_NOT_FOUND)
        public static let pinIncorrect = UInt(CKR_PIN_INCORRECT)
        public static let pinLocked = UInt(CKR_PIN_LOCKED)

        static func name(_ code: UInt) -> String {
            let names: [UInt: String] = [
                UInt(TRENT_P11_CANNOT_LOAD): "the module could not be loaded",
                UInt(TRENT_P11_NO_ENTRY): "the file is not a PKCS#11 module (no C_GetFunctionList)",
                UInt(TRENT_P11_NOT_FOUND): "not found",
                UInt(CKR_PIN_INCORRECT): "CKR_PIN_INCORRECT", UInt(CKR_PIN_LOCKED): "CKR_PIN_LOCKED",
                UInt(CKR_PIN_LEN_RANGE): "CKR_PIN_LEN_RANGE", UInt(CKR_TOKEN_NOT_PRESENT): "CKR_TOKEN_NOT_PRESENT",
                UInt(CKR_DEVICE_ERROR): "CKR_DEVICE_ERROR", UInt(CKR_DEVICE_REMOVED): "CKR_DEVICE_REMOVED",
                UInt(CKR_USER_PIN_NOT_INITIALIZED): "CKR_USER_PIN_NOT_INITIALIZED",
                UInt(CKR_ENCRYPTED_DATA_INVALID): "CKR_ENCRYPTED_DATA_INVALID",
                UInt(CKR_KEY_HANDLE_INVALID): "CKR_KEY_HANDLE_INVALID", UInt(CKR_MECHANISM_INVALID): "CKR_MECHANISM_INVALID",
                UInt(CKR_USER_NOT_LOGGED_IN): "CKR_USER_NOT_LOGGED_IN", UInt(CKR_GENERAL_ERROR): "CKR_GENERAL_ERROR",
            ]
            return names[code] ?? String(format: "CK_RV 0x%08lx", code)
        }
    }

    public typealias Handle = UInt

    nonisolated(unsafe) private let functions: CK_FUNCTION_LIST_PTR
    private let slot: CK_SLOT_ID
    /// Kept open so the login lasts: PKCS#11 logs a process out when its last session closes.
    private let loginSession: CK_SESSION_HANDLE
    public let label: String

    /// Loads `module`, finds the token labelled `label` and logs in as its user with `pin`.
    public init(module: String, label: String, pin: String) throws(Failure) {
        var list: CK_FUNCTION_LIST_PTR?
        var handle: UnsafeMutableRawPointer?
        try Self.check(trent_p11_load(module, &list, &handle), "loading the PKCS#11 module \(module)")
        guard let list else { throw Failure(code: Failure.cannotLoad, step: "loading the PKCS#11 module \(module)") }
        functions = list
        var slot: CK_SLOT_ID = 0
        try Self.check(trent_p11_find_token(list, label, &slot), "finding the token labelled \(label)")
        self.slot = slot
        var session: CK_SESSION_HANDLE = 0
        try Self.check(trent_p11_open(list, slot, &session), "opening a session on token \(label)")
        let pinBytes = Array(pin.utf8)
        let rv = trent_p11_login(list, session, pinBytes, CK_ULONG(pinBytes.count))
        if rv != CKR_OK {
            _ = trent_p11_close(list, session)
            throw Failure(code: UInt(rv), step: "logging in to token \(label) as its user")
        }
        loginSession = session
        self.label = label
    }

    deinit {
        _ = trent_p11_logout(functions, loginSession)
        _ = trent_p11_close(functions, loginSession)
    }

    private static func check(_ rv: CK_RV, _ step: @autoclosure () -> String) throws(Failure) {
        guard rv == CKR_OK else { throw Failure(code: UInt(rv), step: step()) }
    }

    private func withSession<T>(_ step: String, _ body: (CK_SESSION_HANDLE) -> (CK_RV, T)) throws(Failure) -> T {
        var session: CK_SESSION_HANDLE = 0
        try Self.check(trent_p11_open(functions, slot, &session), "opening a session on token \(label)")
        defer { _ = trent_p11_close(functions, session) }
        let (rv, value) = body(session)
        try Self.check(rv, step)
        return value
    }

    /// The secret key labelled `label`, or nil.
    public func key(labelled keyLabel: String) throws(Failure) -> Handle? {
        var session: CK_SESSION_HANDLE = 0
        try Self.check(trent_p11_open(functions, slot, &session), "opening a session on token \(label)")
        defer { _ = trent_p11_close(functions, session) }
        var key: CK_OBJECT_HANDLE = 0
        let rv = trent_p11_find_key(functions, session, keyLabel, &key)
        if rv == TRENT_P11_NOT_FOUND { return nil }
        try Self.check(rv, "finding key \(keyLabel)")
        return Handle(key)
    }

    /// A new token key: AES-256, or a 256-bit HMAC-SHA-256 secret with `hmac`.
    public func generateKey(label keyLabel: String, hmac: Bool = false) throws(Failure) -> Handle {
        try withSession("generating key \(keyLabel)") { session in
            var key: CK_OBJECT_HANDLE = 0
            let rv = trent_p11_generate_key(functions, session, keyLabel, hmac ? 1 : 0, &key)
            return (rv, Handle(key))
        }
    }

    public struct KeyUsage: Sendable {
        public let encrypt: Bool
        public let decrypt: Bool
    }

    /// What a key may do (its CKA_ENCRYPT and CKA_DECRYPT).
    public func usage(of key: Handle) throws(Failure) -> KeyUsage {
        try withSession("reading a key's usage") { session in
            var encrypt: CK_BBOOL = 0
            var decrypt: CK_BBOOL = 0
            let rv = trent_p11_key_usage(functions, session, CK_OBJECT_HANDLE(key), &encrypt, &decrypt)
            return (rv, KeyUsage(encrypt: encrypt != 0, decrypt: decrypt != 0))
        }
    }

    public func destroy(_ key: Handle) throws(Failure) {
        try withSession("destroying a key") { session in (trent_p11_destroy(functions, session, CK_OBJECT_HANDLE(key)), ()) }
    }

    /// `count` bytes from the token's random generator.
    public func random(count: Int) throws(Failure) -> Data {
        try withSession("drawing random bytes") { session in
            var out = [UInt8](repeating: 0, count: count)
            let rv = trent_p11_random(functions, session, &out, CK_ULONG(count))
            return (rv, Data(out))
        }
    }

    /// AES-GCM inside the token, the IV from the token's generator: IV (12) ‖ ciphertext ‖ tag (16).
    public func seal(_ plaintext: Data, with key: Handle, authenticating aad: Data) throws(Failure) -> Data {
        var iv = [UInt8](try random(count: 12))
        return try withSession("encrypting with AES-GCM") { session in
            var input = [UInt8](plaintext)
            var associated = [UInt8](aad)
            var out = [UInt8](repeating: 0, count: plaintext.count + 16)
            var length = CK_ULONG(out.count)
            let rv = trent_p11_gcm(
                functions, session, CK_OBJECT_HANDLE(key), 1, &iv, &associated, CK_ULONG(associated.count), &input,
                CK_ULONG(input.count), &out, &length)
            return (rv, Data(iv) + Data(out.prefix(Int(length))))
        }
    }

    /// The plaintext of `sealed` (IV ‖ ciphertext ‖ tag); a wrong key, tag or AAD fails.
    public func open(_ sealed: Data, with key: Handle, authenticating aad: Data) throws(Failure) -> Data {
        guard sealed.count >= 28 else { throw Failure(code: UInt(CKR_ENCRYPTED_DATA_INVALID), step: "decrypting with AES-GCM") }
        var iv = [UInt8](sealed.prefix(12))
        return try withSession("decrypting with AES-GCM") { session in
            var input = [UInt8](sealed.dropFirst(12))
            var associated = [UInt8](aad)
            var out = [UInt8](repeating: 0, count: input.count)
            var length = CK_ULONG(out.count)
            let rv = trent_p11_gcm(
                functions, session, CK_OBJECT_HANDLE(key), 0, &iv, &associated, CK_ULONG(associated.count), &input,
                CK_ULONG(input.count), &out, &length)
            defer { out.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) } }
            return (rv, Data(out.prefix(Int(length))))
        }
    }

    /// HMAC-SHA-256 inside the token.
    public func hmac(_ data: Data, with key: Handle) throws(Failure) -> Data {
        try withSession("computing HMAC-SHA-256") { session in
            var input = [UInt8](data)
            var out = [UInt8](repeating: 0, count: 32)
            var length = CK_ULONG(32)
            let rv = trent_p11_hmac(functions, session, CK_OBJECT_HANDLE(key), &input, CK_ULONG(input.count), &out, &length)
            return (rv, Data(out.prefix(Int(length))))
        }
    }
}
