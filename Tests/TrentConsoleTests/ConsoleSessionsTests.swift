import Foundation
import Synchronization
import Testing
import TrentCore
import TrentCrypto
import TrentHTTP

@testable import TrentConsole

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}

@Suite struct ConsoleSessionsTests {
    @Test func sessionsExpireAfterAnHourIdleAndTouchingKeepsThemAlive() {
        let clock = ManualClock()
        let sessions = ConsoleSessions(now: { clock.now })
        let session = sessions.open(region: Region("us-east-1")!)
        clock.advance(3000)
        #expect(sessions.session(session.id) != nil)  // touched here
        clock.advance(3000)
        #expect(sessions.session(session.id) != nil)
        clock.advance(3601)
        #expect(sessions.session(session.id) == nil)
        #expect(sessions.session(session.id) == nil)  // and it is gone for good
    }

    @Test func endedSessionsAndUnknownIdsAreNothing() {
        let sessions = ConsoleSessions()
        let session = sessions.open(region: Region("eu-west-1")!)
        sessions.end(session.id)
        #expect(sessions.session(session.id) == nil)
        #expect(sessions.session("made-up") == nil)
        #expect(sessions.session(nil) == nil)
    }

    @Test func idsAndTokensAreLongRandomAndDistinct() {
        let sessions = ConsoleSessions()
        let a = sessions.open(region: Region("us-east-1")!)
        let b = sessions.open(region: Region("us-east-1")!)
        #expect(a.id != b.id && a.csrfToken != b.csrfToken && a.id != a.csrfToken)
        #expect(a.id.count == 43 && a.csrfToken.count == 43)  // 256 bits, base64url without padding
        #expect(a.id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    @Test func signInAttemptsAreLimitedPerAddressWithinTheWindow() {
        let clock = ManualClock()
        let sessions = ConsoleSessions(now: { clock.now })
        for _ in 0..<ConsoleSessions.maximumAttempts { #expect(sessions.admitAttempt(from: "10.0.0.1")) }
        #expect(!sessions.admitAttempt(from: "10.0.0.1"))
        #expect(sessions.admitAttempt(from: "10.0.0.2"))
        clock.advance(ConsoleSessions.attemptWindow + 1)
        #expect(sessions.admitAttempt(from: "10.0.0.1"))
    }

    @Test func flashMessagesAreShownOnce() {
        let sessions = ConsoleSessions()
        let session = sessions.open(region: Region("us-east-1")!)
        sessions.update(session.id) { $0.flash = ConsoleSession.Flash(success: true, text: "done") }
        #expect(sessions.takeFlash(session.id)?.text == "done")
        #expect(sessions.takeFlash(session.id) == nil)
    }

    @Test func tokenComparison() {
        #expect(ConstantTime.equal("abc", "abc"))
        #expect(!ConstantTime.equal("abc", "abd"))
        #expect(!ConstantTime.equal("abc", "abcd"))
        #expect(!ConstantTime.equal("", "a"))
    }
}

extension ConsoleSessionsTests {
    @Test func openingSignInFormsInBulkDoesNotPushSignedInPeopleOut() {
        let clock = ManualClock()
        let sessions = ConsoleSessions(maximumSessions: 3, now: { clock.now })
        let person = sessions.open(region: Region("us-east-1")!)
        sessions.update(person.id) {
            $0.identity = ConsoleIdentity(
                account: AccountID("111122223333")!, principal: "arn:aws:iam::111122223333:root", accessKeyID: nil,
                authenticated: false, identityPolicies: [])
        }
        for _ in 0..<50 {
            clock.advance(1)
            _ = sessions.open(region: Region("us-east-1")!)
        }
        #expect(sessions.session(person.id)?.identity != nil)
    }
}

extension ConsoleRoutesTests {
    @Test func underTLSTheSessionCookieIsSecure() async throws {
        let console = Console(
            gateway: APIGateway(dispatcher: try Fixture().dispatcher),
            configuration: ConsoleConfiguration(
                signIn: .development(CallerDefaults(account: Self.account, region: Self.region)), secureTransport: true))
        let cookie = console.cookieHeader(value: "id")
        #expect(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        #expect(cookie.contains("Path=/console"))
    }
}
