import Foundation
import Testing

@testable import TrentCore

private let account = "111122223333"
private let alice = "arn:aws:iam::111122223333:user/alice"
private let keyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

private func request(_ action: String = "kms:Encrypt", principal: String = alice, context: [String: [String]] = [:])
    -> AuthorizationRequest
{
    AuthorizationRequest(
        action: action, resource: keyARN, principal: principal,
        principalAccount: String(principal.split(separator: ":", omittingEmptySubsequences: false)[4]), context: context)
}

private func policy(_ statements: String, principal: Bool = true) throws -> PolicyDocument {
    try PolicyDocument(parsing: #"{"Version":"2012-10-17","Statement":["# + statements + "]}", requirePrincipal: principal)
}

@Suite struct PolicyEvaluatorTests {
    @Test func denyBeatsAllow() throws {
        let p = try policy(
            #"{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"\#(alice)"},"Action":"kms:Encrypt","Resource":"*"}"#
        )
        let outcome = PolicyEvaluator.evaluate(p, request(), resourcePolicy: true)
        #expect(outcome.explicitDeny && outcome.allow)
        #expect(KeyAuthorization.decide(keyPolicy: p, identityPolicies: [], request: request(), callerIsRoot: false) != .allow)
        #expect(
            KeyAuthorization.decide(keyPolicy: p, identityPolicies: [], request: request("kms:Decrypt"), callerIsRoot: false)
                == .allow)
    }

    @Test func theAccountPrincipalDelegatesToIAM() throws {
        let p = try policy(
            #"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):root"},"Action":"kms:*","Resource":"*"}"#)
        #expect(KeyAuthorization.decide(keyPolicy: p, identityPolicies: [], request: request(), callerIsRoot: false) != .allow)
        let iam = try policy(#"{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}"#, principal: false)
        #expect(KeyAuthorization.decide(keyPolicy: p, identityPolicies: [iam], request: request(), callerIsRoot: false) == .allow)
        #expect(
            KeyAuthorization.decide(keyPolicy: p, identityPolicies: [iam], request: request("kms:Decrypt"), callerIsRoot: false)
                != .allow)
        // The bare account id means the same.
        let bare = try policy(#"{"Effect":"Allow","Principal":{"AWS":"\#(account)"},"Action":"kms:*","Resource":"*"}"#)
        #expect(
            KeyAuthorization.decide(keyPolicy: bare, identityPolicies: [iam], request: request(), callerIsRoot: false) == .allow)
        // Another account's users are not this account's.
        let other = request(principal: "arn:aws:iam::444455556666:user/eve")
        #expect(KeyAuthorization.decide(keyPolicy: p, identityPolicies: [iam], request: other, callerIsRoot: false) != .allow)
    }

    @Test func rolesCoverTheirSessions() throws {
        let p = try policy(
            #"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):role/app"},"Action":"kms:Encrypt","Resource":"*"}"#)
        let session = request(principal: "arn:aws:sts::\(account):assumed-role/app/worker-1")
        #expect(KeyAuthorization.decide(keyPolicy: p, identityPolicies: [], request: session, callerIsRoot: false) == .allow)
        let otherRole = request(principal: "arn:aws:sts::\(account):assumed-role/admin/worker-1")
        #expect(KeyAuthorization.decide(keyPolicy: p, identityPolicies: [], request: otherRole, callerIsRoot: false) != .allow)
    }

    @Test(arguments: [
        ("kms:*", "kms:Encrypt", true), ("kms:Generate*", "kms:GenerateDataKeyWithoutPlaintext", true),
        ("kms:Generate*", "kms:Encrypt", false), ("KMS:encrypt", "kms:Encrypt", true),
        ("kms:ReEncrypt*", "kms:ReEncryptFrom", true),
        ("kms:?ncrypt", "kms:Encrypt", true), ("*", "kms:Sign", true),
    ])
    func actionWildcards(_ pattern: String, _ action: String, _ matches: Bool) throws {
        let p = try policy(#"{"Effect":"Allow","Action":"\#(pattern)","Resource":"*"}"#, principal: false)
        #expect(PolicyEvaluator.evaluate(p, request(action), resourcePolicy: false).allow == matches)
    }

    @Test func notActionAndResourcePatterns() throws {
        let p = try policy(
            #"{"Effect":"Allow","NotAction":"kms:Schedule*","Resource":"arn:aws:kms:us-east-1:111122223333:key/*"}"#,
            principal: false)
        #expect(PolicyEvaluator.evaluate(p, request("kms:Encrypt"), resourcePolicy: false).allow)
        #expect(!PolicyEvaluator.evaluate(p, request("kms:ScheduleKeyDeletion"), resourcePolicy: false).allow)
        let elsewhere = try policy(#"{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:eu-west-1:*"}"#, principal: false)
        #expect(!PolicyEvaluator.evaluate(elsewhere, request(), resourcePolicy: false).allow)
    }

    typealias Row = (op: String, key: String, values: String, context: [String: [String]], holds: Bool)

    static let conditionRows: [Row] = [
        ("StringEquals", "kms:EncryptionContext:dept", #""it""#, ["kms:EncryptionContext:dept": ["it"]], true),
        ("StringEquals", "kms:EncryptionContext:dept", #""it""#, ["kms:EncryptionContext:dept": ["IT"]], false),
        ("StringEquals", "kms:EncryptionContext:dept", #""it""#, [:], false),
        ("StringNotEquals", "kms:EncryptionContext:dept", #""hr""#, ["kms:EncryptionContext:dept": ["it"]], true),
        ("StringNotEquals", "kms:EncryptionContext:dept", #""hr""#, [:], true),
        ("StringEqualsIgnoreCase", "kms:EncryptionContext:dept", #""IT""#, ["kms:EncryptionContext:dept": ["it"]], true),
        ("StringNotEqualsIgnoreCase", "kms:EncryptionContext:dept", #""IT""#, ["kms:EncryptionContext:dept": ["it"]], false),
        ("StringLike", "kms:RequestAlias", #""alias/app-*""#, ["kms:RequestAlias": ["alias/app-blue"]], true),
        ("StringLike", "kms:RequestAlias", #""alias/app-?""#, ["kms:RequestAlias": ["alias/app-blue"]], false),
        ("StringNotLike", "kms:RequestAlias", #""alias/app-*""#, ["kms:RequestAlias": ["alias/other"]], true),
        ("StringEqualsIfExists", "kms:EncryptionAlgorithm", #""SYMMETRIC_DEFAULT""#, [:], true),
        (
            "StringEqualsIfExists", "kms:EncryptionAlgorithm", #""SYMMETRIC_DEFAULT""#,
            ["kms:EncryptionAlgorithm": ["RSAES_OAEP_SHA_256"]], false
        ),
        (
            "ForAnyValue:StringEquals", "kms:EncryptionContextKeys", #"["a","b"]"#, ["kms:EncryptionContextKeys": ["b", "z"]],
            true
        ),
        ("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", #"["a","b"]"#, ["kms:EncryptionContextKeys": ["z"]], false),
        ("ForAnyValue:StringEquals", "kms:EncryptionContextKeys", #"["a"]"#, [:], false),
        (
            "ForAllValues:StringEquals", "kms:EncryptionContextKeys", #"["a","b"]"#, ["kms:EncryptionContextKeys": ["a", "b"]],
            true
        ),
        (
            "ForAllValues:StringEquals", "kms:EncryptionContextKeys", #"["a","b"]"#, ["kms:EncryptionContextKeys": ["a", "c"]],
            false
        ),
        ("ForAllValues:StringEquals", "kms:EncryptionContextKeys", #"["a"]"#, [:], true),
        ("ForAllValues:StringLike", "aws:TagKeys", #""team*""#, ["aws:TagKeys": ["team", "teamLead"]], true),
        ("Bool", "kms:MultiRegion", "true", ["kms:MultiRegion": ["true"]], true),
        ("Bool", "kms:MultiRegion", #""false""#, ["kms:MultiRegion": ["true"]], false),
        ("Null", "kms:EncryptionContextKeys", "true", [:], true),
        ("Null", "kms:EncryptionContextKeys", "false", [:], false),
        ("Null", "kms:EncryptionContextKeys", "false", ["kms:EncryptionContextKeys": ["a"]], true),
        (
            "NumericLessThan", "kms:ScheduleKeyDeletionPendingWindowInDays", "10",
            ["kms:ScheduleKeyDeletionPendingWindowInDays": ["7"]], true
        ),
        (
            "NumericLessThanEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", "7",
            ["kms:ScheduleKeyDeletionPendingWindowInDays": ["7"]], true
        ),
        (
            "NumericGreaterThan", "kms:ScheduleKeyDeletionPendingWindowInDays", "7",
            ["kms:ScheduleKeyDeletionPendingWindowInDays": ["7"]], false
        ),
        (
            "NumericGreaterThanEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", "7",
            ["kms:ScheduleKeyDeletionPendingWindowInDays": ["30"]], true
        ),
        (
            "NumericEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", "30",
            ["kms:ScheduleKeyDeletionPendingWindowInDays": ["30"]], true
        ),
        (
            "NumericNotEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", "30",
            ["kms:ScheduleKeyDeletionPendingWindowInDays": ["7"]], true
        ),
        ("DateLessThan", "kms:ValidTo", #""2030-01-01T00:00:00Z""#, ["kms:ValidTo": ["1800000000"]], true),
        ("DateGreaterThan", "kms:ValidTo", #""2030-01-01T00:00:00Z""#, ["kms:ValidTo": ["1800000000"]], false),
        ("DateEquals", "kms:ValidTo", "1800000000", ["kms:ValidTo": ["2027-01-15T08:00:00Z"]], true),
        ("DateNotEquals", "kms:ValidTo", "1800000000", ["kms:ValidTo": ["1800000001"]], true),
        ("DateLessThanEquals", "kms:ValidTo", "1800000000", ["kms:ValidTo": ["1800000000"]], true),
        ("DateGreaterThanEquals", "kms:ValidTo", "1800000000", ["kms:ValidTo": ["1799999999"]], false),
        ("ArnLike", "aws:PrincipalArn", #""arn:aws:iam::*:user/ali*""#, [:], true),
        ("ArnEquals", "aws:PrincipalArn", #""arn:aws:iam::111122223333:user/bob""#, [:], false),
        ("ArnNotLike", "aws:PrincipalArn", #""arn:aws:iam::*:role/*""#, [:], true),
        ("ArnNotEquals", "aws:PrincipalArn", #""arn:aws:iam::111122223333:user/alice""#, [:], false),
        ("StringEquals", "kms:CallerAccount", #""111122223333""#, [:], true),
        ("StringEquals", "aws:PrincipalAccount", #""444455556666""#, [:], false),
        ("StringEquals", "aws:ResourceTag/team", #""blue""#, ["aws:ResourceTag/team": ["blue"]], true),
        ("StringEquals", "aws:RequestTag/team", #""blue""#, ["aws:RequestTag/team": ["red"]], false),
        ("StringEquals", "KMS:ENCRYPTIONCONTEXT:DEPT", #""it""#, ["kms:EncryptionContext:dept": ["it"]], true),
    ]

    @Test(arguments: conditionRows.indices)
    func conditionOperators(_ index: Int) throws {
        let row = Self.conditionRows[index]
        let p = try policy(
            #"{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"\#(row.op)":{"\#(row.key)":\#(row.values)}}}"#,
            principal: false)
        let outcome = PolicyEvaluator.evaluate(p, request(context: row.context), resourcePolicy: false)
        #expect(outcome.allow == row.holds, "\(row.op) \(row.key) \(row.values) with \(row.context)")
    }

    @Test(arguments: [
        "not json", #"{"Statement":[]}"#, #"{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#,
        #"{"Statement":[{"Effect":"Permit","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"}]}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"kms:*","Resource":"*"}]}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringSorta":{"a":"b"}}}]}"#,
        #"{"Version":"2099-01-01","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Extra":1}]}"#,
    ])
    func malformedKeyPolicies(_ text: String) {
        #expect(throws: KMSError(.malformedPolicyDocument, "")) { try PolicyDocument(parsing: text, requirePrincipal: true) }
    }

    @Test func keylessActionsNeedAnIdentityAllow() throws {
        let iam = try policy(#"{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*"}"#, principal: false)
        let create = AuthorizationRequest(
            action: "kms:CreateKey", resource: "*", principal: alice, principalAccount: account, context: [:])
        #expect(KeyAuthorization.decide(keyPolicy: nil, identityPolicies: [iam], request: create, callerIsRoot: false) == .allow)
        #expect(KeyAuthorization.decide(keyPolicy: nil, identityPolicies: [], request: create, callerIsRoot: false) != .allow)
        #expect(KeyAuthorization.decide(keyPolicy: nil, identityPolicies: [], request: create, callerIsRoot: true) == .allow)
    }
}
