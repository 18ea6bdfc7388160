import Testing

@testable import TrentCore

@Suite struct KeyStateTableTests {
    let arn = KeyIdentity(
        scope: Scope(account: AccountID("111122223333")!, region: Region("us-east-1")!),
        id: KeyID("1234abcd-12ab-34cd-56ef-1234567890ab")!
    ).arn

    @Test func enabledPermitsEverything() {
        for action in KMSAction.allCases { #expect(KeyState.enabled.refusal(of: action, arn: arn) == nil) }
    }

    @Test func disabledRefusesCryptographyWithDisabledException() {
        for action in KMSAction.allCases where action.isCryptographic {
            #expect(KeyState.disabled.refusal(of: action, arn: arn)?.code == .disabled)
        }
        #expect(KeyState.disabled.refusal(of: .describeKey, arn: arn) == nil)
        #expect(KeyState.disabled.refusal(of: .enableKey, arn: arn) == nil)
        #expect(KeyState.disabled.refusal(of: .createAlias, arn: arn) == nil)
    }

    @Test func pendingDeletionRefusesWithInvalidState() {
        for action: KMSAction in [.encrypt, .decrypt, .enableKey, .disableKey, .createAlias, .updateAlias, .tagResource] {
            let refusal = KeyState.pendingDeletion.refusal(of: action, arn: arn)
            #expect(refusal?.code == .invalidState)
            #expect(refusal?.message == "\(arn) is pending deletion.")
        }
        for action: KMSAction in [.describeKey, .cancelKeyDeletion, .deleteAlias, .listAliases, .getKeyPolicy] {
            #expect(KeyState.pendingDeletion.refusal(of: action, arn: arn) == nil)
        }
    }

    @Test func enabledIsDerivedFromState() {
        #expect(KeyState.enabled.isEnabled)
        for state in KeyState.allCases where state != .enabled { #expect(!state.isEnabled) }
    }
}

@Suite struct KeySpecCapabilityTests {
    @Test func everySpecDeclaresAtLeastOneUsage() {
        for spec in KeySpec.allCases { #expect(!spec.capabilities.usages.isEmpty) }
    }

    @Test func symmetricDefaultEncryptsOnly() {
        let caps = KeySpec.symmetricDefault.capabilities
        #expect(caps.family == .symmetric)
        #expect(caps.usages == [.encryptDecrypt])
        #expect(caps.encryptionAlgorithms == [.symmetricDefault])
    }
}
