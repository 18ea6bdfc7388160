import Foundation
import Testing

@testable import TrentXKS

/// The XKS proxy's pure parts: the spec's worked example of the ciphertext data integrity value, its AAD layout,
/// and which paths name an API.
@Suite struct XKSProxyTests {
    static func hex(_ text: String) -> Data {
        let digits = text.filter(\.isHexDigit)
        return Data(stride(from: 0, to: digits.count, by: 2).map { UInt8(digits.dropFirst($0).prefix(2), radix: 16)! })
    }

    @Test func theSpecsCDIVExampleComputesToItsPublishedValue() {
        // Appendix C of the XKS proxy API specification.
        let value = XKSProxy.cdiv(
            aad: Self.hex("70726f6a6563743d6e696c652c6465706172746d656e743d6d61726b6574696e67"),
            metadata: Self.hex("6b65795f76657273696f6e3d31"), iv: Self.hex("1ccae5470f39700254779031"),
            ciphertext: Self.hex("821c642b5b71783367deaf18"), tag: Self.hex("bc1c4dda7707d6812447c5955e99b261"))
        #expect(value.base64EncodedString() == "qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=")
    }

    @Test func theTokenAADCarriesBothLengths() {
        #expect(XKSProxy.tokenAAD(nil, metadata: nil) == Data([0, 0, 0]))
        #expect(XKSProxy.tokenAAD(Data([7, 8]), metadata: Data([9])) == Data([0, 2, 7, 8, 1, 9]))
    }

    @Test func onlyTheFourAPIsArePaths() {
        #expect(XKSProxy.operation(["health"]) != nil)
        #expect(XKSProxy.operation(["keys", "k-1.a_b", "encrypt"]) != nil)
        for bad in [
            ["keys", "k", "sign"], ["keys", "bad id", "encrypt"], ["health", "x"], [],
            ["keys", String(repeating: "a", count: 129), "metadata"],
        ] {
            #expect(XKSProxy.operation(bad) == nil, "\(bad)")
        }
    }
}
