import Foundation
import Testing

@testable import TrentCore

/// IAM's IpAddress operators, policy variables and the date form of aws:CurrentTime.
@Suite struct GlobalConditionKeyTests {
    @Test func addressRangesMatchIPv4IPv6AndMappedAddresses() throws {
        let v4 = try #require(IPAddressRange("203.0.113.0/24"))
        #expect(v4.contains("203.0.113.7"))
        #expect(!v4.contains("203.0.114.7"))
        #expect(v4.contains("::ffff:203.0.113.200"))  // as a dual-stack socket reports an IPv4 peer
        #expect(try #require(IPAddressRange("10.0.0.0/9")).contains("10.127.255.255"))
        #expect(try !#require(IPAddressRange("10.0.0.0/9")).contains("10.128.0.0"))
        #expect(try #require(IPAddressRange("127.0.0.1")).contains("127.0.0.1"))
        #expect(try #require(IPAddressRange("0.0.0.0/0")).contains("198.51.100.1"))
        let v6 = try #require(IPAddressRange("2001:db8::/32"))
        #expect(v6.contains("2001:db8:1::5"))
        #expect(!v6.contains("2001:db9::5"))
        #expect(!v6.contains("203.0.113.7"))
        for bad in ["203.0.113.0/33", "not-an-address", "2001:db8::/129", "1.2.3.4/x", ""] {
            #expect(IPAddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test func ipAddressOperators() throws {
        let ip = try #require(ConditionOperator("IpAddress"))
        let notIP = try #require(ConditionOperator("NotIpAddress"))
        #expect(ip.holds(["127.0.0.1"], ["10.0.0.0/8", "127.0.0.0/8"]))
        #expect(!ip.holds(["192.0.2.1"], ["10.0.0.0/8", "127.0.0.0/8"]))
        #expect(notIP.holds(["192.0.2.1"], ["10.0.0.0/8"]))
        #expect(!notIP.holds(["10.1.2.3"], ["10.0.0.0/8"]))
        #expect(!ip.holds(nil, ["0.0.0.0/0"]))
    }

    @Test func policyVariablesFollowTheRequest() throws {
        let context = ["aws:username": ["alice"], "aws:principaltag/team": ["blue"]]
        #expect(PolicyEvaluator.substitute("arn:aws:kms:*:*:alias/${aws:username}-*", context) == "arn:aws:kms:*:*:alias/alice-*")
        #expect(PolicyEvaluator.substitute("${aws:PrincipalTag/team}", context) == "blue")
        #expect(PolicyEvaluator.substitute("${aws:userid}", context) == nil)
        #expect(PolicyEvaluator.substitute("${aws:userid, 'nobody'}", context) == "nobody")
        #expect(PolicyEvaluator.substitute("a${*}b${$}", context) == "a*b$")
        #expect(PolicyEvaluator.substitute("plain", context) == "plain")

        let alice = "arn:aws:iam::111122223333:user/alice"
        let policy = try PolicyDocument(
            parsing: #"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*",
                 "Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}]}
                """#, requirePrincipal: false)
        func request(owner: String, username: String?) -> AuthorizationRequest {
            var context = ["aws:ResourceTag/owner": [owner]]
            if let username { context["aws:username"] = [username] }
            return AuthorizationRequest(
                action: "kms:Encrypt", resource: "arn:aws:kms:us-east-1:111122223333:key/k", principal: alice,
                principalAccount: "111122223333", context: context)
        }
        #expect(PolicyEvaluator.evaluate(policy, request(owner: "alice", username: "alice"), resourcePolicy: false).allow)
        #expect(!PolicyEvaluator.evaluate(policy, request(owner: "bob", username: "alice"), resourcePolicy: false).allow)
        #expect(!PolicyEvaluator.evaluate(policy, request(owner: "alice", username: nil), resourcePolicy: false).allow)

        // Version 2008-10-17 documents take `${...}` literally, as IAM does.
        let old = try PolicyDocument(
            parsing: #"""
                {"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*",
                 "Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}]}
                """#, requirePrincipal: false)
        #expect(!PolicyEvaluator.evaluate(old, request(owner: "alice", username: "alice"), resourcePolicy: false).allow)
        #expect(PolicyEvaluator.evaluate(old, request(owner: "${aws:username}", username: "alice"), resourcePolicy: false).allow)
    }

    @Test func currentTimeIsISO8601InUTC() {
        #expect(ISO8601.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(ISO8601.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(ISO8601.format(Date(timeIntervalSince1970: 1_700_000_000.9)) == "2023-11-14T22:13:20Z")
        #expect(ISO8601.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        let now = Date()
        #expect(ISO8601.parse(ISO8601.format(now)) == Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
    }
}
