import Foundation
import Testing

@testable import TrentCrypto

@Suite struct RootKeySealerTests {
    let sealer = try! RootKeySealer(rootKey: RootKeySealer.generateRootKey())
    let material = SecretBytes.random(count: 32)

    @Test func roundTripsUnderTheSameIdentity() throws {
        let sealed = try sealer.seal(material, boundTo: "arn:aws:kms:us-east-1:111122223333:key/a#1")
        #expect(!sealed.contains(material.bytes))
        #expect(try sealer.open(sealed, boundTo: "arn:aws:kms:us-east-1:111122223333:key/a#1") == material)
    }

    @Test func refusesAnotherIdentityOrRootKey() throws {
        let sealed = try sealer.seal(material, boundTo: "key-a")
        #expect(throws: (any Error).self) { try sealer.open(sealed, boundTo: "key-b") }
        let other = try RootKeySealer(rootKey: RootKeySealer.generateRootKey())
        #expect(throws: (any Error).self) { try other.open(sealed, boundTo: "key-a") }
    }

    @Test func refusesRootKeysThatAreNot256Bits() {
        #expect(throws: RootKeySealer.Failure.wrongKeySize) { try RootKeySealer(rootKey: Data(count: 16)) }
    }
}

@Suite struct SymmetricEnvelopeTests {
    let material = SecretBytes.random(count: 32)

    @Test func roundTripsAndAddsFixedOverhead() throws {
        let plaintext = Data("attack at dawn".utf8)
        let sealed = try SymmetricEnvelope.seal(plaintext, material: material, aad: Data("ctx".utf8))
        #expect(sealed.count == plaintext.count + SymmetricEnvelope.overhead)
        #expect(SymmetricEnvelope.open(sealed, material: material, aad: Data("ctx".utf8)) == plaintext)
    }

    @Test func everyFlippedByteFails() throws {
        let sealed = try SymmetricEnvelope.seal(Data("secret".utf8), material: material, aad: Data())
        for index in sealed.indices {
            var copy = sealed
            copy[index] ^= 0x01
            #expect(SymmetricEnvelope.open(copy, material: material, aad: Data()) == nil)
        }
    }

    @Test func otherAssociatedDataOrMaterialFails() throws {
        let sealed = try SymmetricEnvelope.seal(Data("secret".utf8), material: material, aad: Data("a".utf8))
        #expect(SymmetricEnvelope.open(sealed, material: material, aad: Data("b".utf8)) == nil)
        #expect(SymmetricEnvelope.open(sealed, material: .random(count: 32), aad: Data("a".utf8)) == nil)
        #expect(SymmetricEnvelope.open(Data([1, 2, 3]), material: material, aad: Data()) == nil)
    }

    @Test func sameInputGivesDifferentCiphertexts() throws {
        let a = try SymmetricEnvelope.seal(Data("x".utf8), material: material, aad: Data())
        let b = try SymmetricEnvelope.seal(Data("x".utf8), material: material, aad: Data())
        #expect(a != b)
    }
}

@Suite struct SecretBytesTests {
    @Test func descriptionNeverShowsTheBytes() {
        let secret = SecretBytes(Data("PLANTED-MARKER".utf8))
        #expect("\(secret)" == "<redacted 14 bytes>")
        #expect(String(reflecting: secret) == "<redacted 14 bytes>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("PLANTED"))
    }

    @Test func randomBytesHaveTheRequestedLengthAndVary() {
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(13).count == 13)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }
}
