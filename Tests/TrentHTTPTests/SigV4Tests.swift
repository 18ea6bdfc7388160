import Crypto
import Foundation
import Testing
import TrentCore

@testable import TrentHTTP

@Suite struct SigV4Tests {
    @Test func signingKeyMatchesAWSsDocumentedExample() {
        // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
        let key = SigV4Verifier.signingKey(
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20150830", region: "us-east-1", service: "iam")
        let hex = key.withUnsafeBytes { SigV4Verifier.hex($0) }
        #expect(hex == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test func canonicalQuerySortsByKeyThenValue() {
        #expect(SigV4Verifier.canonicalQuery("b=2&a=3&a=1&c=") == "a=1&a=3&b=2&c=")
        #expect(SigV4Verifier.canonicalQuery("") == "")
    }

    @Test func datesAreISO8601Basic() throws {
        let date = try SigV4Verifier.parseDate("20150830T123600Z")
        #expect(SigV4Verifier.format(date) == "20150830T123600Z")
        #expect(throws: KMSError(.incompleteSignature, "")) { try SigV4Verifier.parseDate("2015-08-30") }
    }

    @Test func missingPartsAreNamed() {
        let verifier = SigV4Verifier(store: CredentialStore([]))
        let request = SignedRequest(method: "POST", path: "/", query: "", headers: ["host": "h"], body: Data())
        #expect(throws: KMSError(.missingAuthenticationToken, "")) { try verifier.verify(request) }
        var partial = request
        partial.headers["authorization"] = "AWS4-HMAC-SHA256 SignedHeaders=host"
        partial.headers["x-amz-date"] = "20261123T000000Z"
        do {
            _ = try verifier.verify(partial)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .incompleteSignature)
            #expect(error.message.contains("requires 'Credential' parameter"))
            #expect(error.message.contains("requires 'Signature' parameter"))
        }
    }

    @Test func presignedLifetimesAreCappedAtAWeek() throws {
        #expect(try SigV4Verifier.expiry(nil) == 900)
        #expect(try SigV4Verifier.expiry("604800") == 604_800)
        for bad in ["604801", "0", "-5", "abc", "1e9", ""] {
            #expect(throws: KMSError(.incompleteSignature, "")) { try SigV4Verifier.expiry(bad) }
        }
    }
}
