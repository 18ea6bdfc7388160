import Foundation
import Synchronization
import TrentCore
import TrentCrypto
import TrentOperations

/// Who a console session acts as: the caller every one of its API calls carries.
struct ConsoleIdentity: Sendable {
    var account: AccountID
    var principal: String
    var accessKeyID: String?
    var authenticated: Bool
    var identityPolicies: [String]

    func caller(in region: Region) -> Caller {
        Caller(
            account: account, region: region, principal: principal, accessKeyID: accessKeyID, authenticated: authenticated,
            identityPolicies: identityPolicies)
    }
}

/// One browser's session, kept on the server; the browser holds only its random id.
struct ConsoleSession: Sendable {
    let id: String
    /// Every form of the session carries this token; a POST without it is refused.
    let csrfToken: String
    var identity: ConsoleIdentity?
    var region: Region
    var lastSeen: Date
    /// A message shown once, on the next page (after a redirect).
    var flash: Flash?

    struct Flash: Sendable {
        var success: Bool
        var text: String
    }
}

/// Server-side sessions: random 256-bit ids, idle expiry, a bounded number, and a sign-in rate limit per source
/// address.
final class ConsoleSessions: Sendable {
    static let idleLimit: TimeInterval = 3600
    let maximumSessions: Int
    /// Sign-in attempts per source address within `attemptWindow`.
    static let maximumAttempts = 10
    static let attemptWindow: TimeInterval = 300

    private let sessions = Mutex<[String: ConsoleSession]>([:])
    private let attempts = Mutex<[String: [Date]]>([:])
    private let now: @Sendable () -> Date

    init(maximumSessions: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maximumSessions = maximumSessions
        self.now = now
    }

    /// A new session (signed out until `signIn`).
    func open(region: Region) -> ConsoleSession {
        let session = ConsoleSession(
            id: Self.randomToken(), csrfToken: Self.randomToken(), identity: nil, region: region, lastSeen: now(),
            flash: nil)
        let time = now()
        sessions.withLock { all in
            if all.count >= maximumSessions {
                all = all.filter { time.timeIntervalSince($0.value.lastSeen) < Self.idleLimit }
                // Full of live sessions: a signed-out one (a sign-in form) goes first, so opening sign-in forms
                // in bulk cannot push signed-in people out.
                let signedOut = all.filter { $0.value.identity == nil }
                let pool = signedOut.isEmpty ? all : signedOut
                if all.count >= maximumSessions, let oldest = pool.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                    all[oldest.key] = nil
                }
            }
            all[session.id] = session
        }
        return session
    }

    /// The live session with this id, touched; nil when unknown or idle for too long (then it is gone).
    func session(_ id: String?) -> ConsoleSession? {
        guard let id else { return nil }
        let time = now()
        return sessions.withLock { all in
            guard var session = all[id] else { return nil }
            guard time.timeIntervalSince(session.lastSeen) < Self.idleLimit else {
                all[id] = nil
                return nil
            }
            session.lastSeen = time
            all[id] = session
            return session
        }
    }

    func update(_ id: String, _ change: (inout ConsoleSession) -> Void) {
        sessions.withLock { all in
            if var session = all[id] {
                change(&session)
                all[id] = session
            }
        }
    }

    /// Takes the session's flash message, once.
    func takeFlash(_ id: String) -> ConsoleSession.Flash? {
        sessions.withLock { all in
            let flash = all[id]?.flash
            all[id]?.flash = nil
            return flash
        }
    }

    func end(_ id: String) { _ = sessions.withLock { $0.removeValue(forKey: id) } }

    /// Counts one sign-in attempt from `source`; false when it is over the limit (the attempt must be refused).
    func admitAttempt(from source: String) -> Bool {
        let time = now()
        return attempts.withLock { all in
            if all.count > 10_000 { all = all.filter { $0.value.contains { time.timeIntervalSince($0) < Self.attemptWindow } } }
            var recent = (all[source] ?? []).filter { time.timeIntervalSince($0) < Self.attemptWindow }
            guard recent.count < Self.maximumAttempts else {
                all[source] = recent
                return false
            }
            recent.append(time)
            all[source] = recent
            return true
        }
    }

    /// 256 random bits, base64url without padding.
    static func randomToken() -> String {
        SecureRandom.bytes(32).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
