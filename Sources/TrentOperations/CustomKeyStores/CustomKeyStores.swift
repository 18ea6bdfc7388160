import Foundation
import TrentCore

/// Custom key stores need a CloudHSM cluster or an external key store proxy. Trent has no CloudHSM clusters and
/// reaches no external proxy, so no custom key store can exist: creation checks AWS's parameter rules and then
/// fails as AWS does when the cluster or proxy is not there, and every other operation names a missing store.
enum CustomKeyStores {
    static func notFound(_ idOrName: String) -> KMSError {
        KMSError(.customKeyStoreNotFound, "Custom key store \(idOrName) does not exist. Trent has no custom key stores.")
    }
}

/// The request of the operations that take only a store id.
struct CustomKeyStoreIDRequest: Decodable, Sendable {
    var CustomKeyStoreId: String
}

/// XksProxyAuthenticationCredential's wire shape.
struct XksProxyCredential: Decodable, Sendable {
    var AccessKeyId: String
    var RawSecretAccessKey: String
}
