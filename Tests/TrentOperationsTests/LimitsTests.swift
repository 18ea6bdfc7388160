import Foundation
import Logging
import Testing
import TrentCore
import TrentCrypto

@testable import TrentOperations

/// Request quotas and fault rules, in process.
@Suite struct LimitsTests {
    let scope = Scope(account: AccountID("111122223333")!, region: Region("us-east-1")!)

    @Test func everyOperationOfTheModelHasOneQuotaInAWSsTable() {
        for operation in ServiceModel.kms.operationNames {
            let action = KMSAction(rawValue: operation)
            if action?.countsByKeyType == true {
                // Counted by the key's type: each spec lands in one cryptographic group that has a rate.
                for spec in KeySpec.allCases {
                    let group = RequestQuotas.group(of: operation, key: spec)
                    #expect(RequestQuotas.cryptographicGroups.contains(group))
                    #expect(RequestQuotas.aws.rates[group] != nil)
                }
            } else {
                #expect(RequestQuotas.aws.rates[RequestQuotas.group(of: operation)] != nil, "\(operation)")
            }
        }
        #expect(RequestQuotas.aws.rate(of: RequestQuotas.symmetric, in: Region("us-east-1")!) == 100_000)
        #expect(RequestQuotas.aws.rate(of: RequestQuotas.symmetric, in: Region("ca-central-1")!) == 10_000)
        #expect(RequestQuotas.group(of: "GenerateMac", key: .hmac256) == RequestQuotas.symmetric)
        #expect(RequestQuotas.group(of: "Sign", key: .rsa2048) == RequestQuotas.rsa)
        #expect(RequestQuotas.group(of: "Sign", key: .eccSECGP256K1) == RequestQuotas.ecc)
    }

    @Test func aBucketPassesItsBurstThenThrottlesPerAccountAndRegion() throws {
        let quotas = RequestQuotas(.init(rates: ["CreateKey": 3]))
        for _ in 0..<3 { try quotas.admit("CreateKey", scope: scope) }
        #expect(throws: KMSError(.throttling, "")) { try quotas.admit("CreateKey", scope: scope) }
        // Another account has its own bucket; an unlisted group is not limited.
        try quotas.admit("CreateKey", scope: Scope(account: AccountID("444455556666")!, region: scope.region))
        for _ in 0..<100 { try quotas.admit("DescribeKey", scope: scope) }
    }

    @Test func quotaFilesNameGroupsOrOperationsOnly() throws {
        let operations = ServiceModel.kms.operationNames
        let table = try RequestQuotas.table(fromFile: ["inherit": "aws", "CreateKey": 2], operations: operations)
        #expect(table.rates["CreateKey"] == 2 && table.rates[RequestQuotas.rsa] == 500)
        for bad: [String: Any] in [["Encrypt": 5], ["Nonsense": 1], ["CreateKey": -1], ["inherit": "gcp"]] {
            #expect(throws: RequestQuotas.QuotaFileError.self) {
                try RequestQuotas.table(fromFile: bad, operations: operations)
            }
        }
    }

    @Test func faultRulesMatchByGlobKeyAndCountThenEnd() async throws {
        let harness = Harness()
        let key = try await harness.createKey()
        try harness.kms.faults.add(
            .init(
                Operation: "Gen*", KeyId: "arn:aws:kms:us-east-1:111122223333:key/\(key)", Error: "KeyUnavailableException",
                Count: 2),
            now: Date())
        for _ in 0..<2 {
            await #expect(throws: KMSError(.keyUnavailable, "")) {
                try await harness.call("GenerateDataKey", ["KeyId": key, "KeySpec": "AES_256"])
            }
        }
        try await harness.call("GenerateDataKey", ["KeyId": key, "KeySpec": "AES_256"])
        #expect(harness.kms.faults.list(now: Date()).isEmpty)
        #expect(FaultRules.glob("*Key*", "DescribeKey") && !FaultRules.glob("Gen?", "GenerateMac"))
        #expect(throws: KMSError(.validation, "")) { try harness.kms.faults.add(.init(Error: "NoSuchError"), now: Date()) }
        #expect(throws: KMSError(.validation, "")) { try harness.kms.faults.add(.init(Operation: "*"), now: Date()) }
    }

    @Test func everyExceptionOfTheModelCanBeAnswered() {
        for name in ServiceModel.kms.exceptionNames { #expect(ErrorCode(rawValue: name) != nil, "\(name)") }
    }
}
