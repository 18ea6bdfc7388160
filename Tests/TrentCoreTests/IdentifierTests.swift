import Foundation
import Testing

@testable import TrentCore

@Suite struct KeyReferenceTests {
    @Test func parsesEveryKind() throws {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab"
        #expect(try KeyReference.parse(id).kind == .keyID)
        #expect(try KeyReference.parse("mrk-1234abcd12ab34cd56ef1234567890ab").kind == .keyID)
        #expect(try KeyReference.parse("arn:aws:kms:us-east-2:111122223333:key/\(id)").kind == .keyARN)
        #expect(try KeyReference.parse("alias/ExampleAlias").kind == .aliasName)
        #expect(try KeyReference.parse("arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias").kind == .aliasARN)
    }

    @Test(arguments: ["", "not-a-key", "arn:aws:kms:us-east-2:1111:key/x", "arn:aws:s3:::bucket", "alias/"])
    func refusesGarbageWithNotFound(_ raw: String) {
        #expect(throws: KMSError(.notFound, "")) { try KeyReference.parse(raw) }
    }

    @Test func arnsHaveAWSShape() throws {
        let scope = Scope(account: AccountID("111122223333")!, region: Region("eu-west-1")!)
        let key = KeyIdentity(scope: scope, id: KeyID("1234abcd-12ab-34cd-56ef-1234567890ab")!)
        #expect(key.arn.description == "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        let alias = AliasARN(scope: scope, name: AliasName("alias/test-key")!)
        #expect(alias.description == "arn:aws:kms:eu-west-1:111122223333:alias/test-key")
    }
}

@Suite struct AliasRuleTests {
    @Test func reservedPrefixIsNotAuthorized() {
        #expect(throws: KMSError(.notAuthorized, "")) { try AliasName.validateCustomerAlias("alias/aws/mine") }
    }

    @Test func missingPrefixIsAValidationError() {
        #expect(throws: KMSError(.validation, "")) { try AliasName.validateCustomerAlias("ExampleAlias") }
    }

    @Test func acceptsOrdinaryNames() throws {
        #expect(try AliasName.validateCustomerAlias("alias/Example_Alias-1/x").rawValue == "alias/Example_Alias-1/x")
    }
}

@Suite struct ValidationWordingTests {
    @Test func oneFailure() {
        let error = KMSError.validation(
            .string("bad!", at: "aliasName", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"))
        #expect(error.code == .validation)
        #expect(
            error.message
                == "1 validation error detected: Value 'bad!' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
        )
    }

    @Test func severalFailuresAreCountedAndJoined() {
        let error = KMSError.validation([
            .number(0, at: "limit", "Member must have value greater than or equal to 1"),
            .null(at: "keyId"),
        ])
        #expect(error.message.hasPrefix("2 validation errors detected: "))
        #expect(error.message.contains("; "))
    }
}

@Suite struct EncodingTests {
    @Test func hexRoundTripsAndRefusesNonHex() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.decode("000FA5ff") == Data([0x00, 0x0f, 0xa5, 0xff]))
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("１２") == nil)  // fullwidth digits are not hex
    }

    @Test func isoDatesInTheirCommonForms() {
        #expect(ISO8601.parse("2019-09-12T15:19:21+00:00")?.timeIntervalSince1970 == 1_568_301_561)
        #expect(ISO8601.parse("2019-09-12T15:19:21.500Z")?.timeIntervalSince1970 == 1_568_301_561.5)
        #expect(ISO8601.parse("2019-09-12") != nil)
        #expect(ISO8601.parse("yesterday") == nil)
    }
}
