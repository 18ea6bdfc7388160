import TrentCore

/// What a commit changed, as the change log and the notifications carry it: `k:ACCOUNT:REGION:KEYID` for a key,
/// `a:ACCOUNT:REGION` for a scope's aliases, comma-separated, or `*` for everything. Written by the store's commits
/// and read by every node's change follower, so both sides use this one format.
enum ChangeNotice {
    static let everything = "*"

    static func key(_ identity: KeyIdentity) -> String {
        "k:\(identity.scope.account.rawValue):\(identity.scope.region.rawValue):\(identity.id.rawValue)"
    }

    static func aliases(of scope: Scope) -> String { "a:\(scope.account.rawValue):\(scope.region.rawValue)" }

    /// The keys and alias scopes a payload names; nil for `*` or anything this version cannot read (the reader
    /// then drops everything).
    static func parse(_ payload: String) -> (keys: [KeyIdentity], aliasScopes: [Scope])? {
        guard payload != everything else { return nil }
        var keys: [KeyIdentity] = []
        var scopes: [Scope] = []
        for item in payload.split(separator: ",") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, let account = AccountID(parts[1]), let region = Region(parts[2]) else { return nil }
            let scope = Scope(account: account, region: region)
            if parts[0] == "k", parts.count == 4, let id = KeyID(parts[3]) {
                keys.append(KeyIdentity(scope: scope, id: id))
            } else if parts[0] == "a", parts.count == 3 {
                scopes.append(scope)
            } else {
                return nil
            }
        }
        return (keys, scopes)
    }
}
