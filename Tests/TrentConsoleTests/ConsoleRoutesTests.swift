import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrentCore
import TrentCrypto
import TrentHTTP
import TrentOperations

@testable import TrentConsole

/// The console in process: its routes on the API's router, driven like a browser (cookie, CSRF token, forms).
@Suite struct ConsoleRoutesTests {
    static let account = AccountID("111122223333")!
    static let region = Region("us-east-1")!

    struct Fixture {
        let dispatcher: Dispatcher
        let console: Console
        let clock: ManualClock
        let app: any ApplicationProtocol

        init(signIn: ConsoleConfiguration.SignIn? = nil) throws {
            let kms = KMS(
                store: InMemoryKeyStore(), sealer: try RootKeySealer(rootKey: RootKeySealer.generateRootKey()),
                logger: Logger(label: "test"))
            dispatcher = Dispatcher(kms: kms)
            let defaults = CallerDefaults(account: ConsoleRoutesTests.account, region: ConsoleRoutesTests.region)
            let clock = ManualClock()
            self.clock = clock
            let console = Console(
                gateway: APIGateway(dispatcher: dispatcher),
                configuration: ConsoleConfiguration(signIn: signIn ?? .development(defaults)), now: { clock.now })
            self.console = console
            app = try TrentServer.application(
                dispatcher: dispatcher, authentication: .development(defaults), host: "127.0.0.1", port: 0,
                logger: Logger(label: "test"), extraRoutes: { console.addRoutes(to: $0) })
        }

        /// Calls the API as the account's root, as an SDK would.
        func api(_ operation: String, _ body: String) async -> [String: Any] {
            let reply = await dispatcher.handle(
                target: "TrentService.\(operation)", body: Data(body.utf8),
                caller: Caller(account: ConsoleRoutesTests.account, region: ConsoleRoutesTests.region), requestID: "test")
            return (try? JSONSerialization.jsonObject(with: reply.body) as? [String: Any]) ?? [:]
        }
    }

    /// A browser's state: its cookie and the CSRF token of the last page it read.
    final class Browser: @unchecked Sendable {
        var cookie: String?
        var csrf: String?

        var headers: HTTPFields {
            var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let cookie { fields[.cookie] = "trent_console=\(cookie)" }
            return fields
        }

        func read(_ response: TestResponse) -> String {
            if let set = response.headers[.setCookie], let value = set.split(separator: ";").first?.split(separator: "=").last {
                cookie = String(value)
            }
            let page = String(buffer: response.body)
            if let range = page.range(of: #"name="csrf" value=""#) {
                csrf = String(page[range.upperBound...].prefix { $0 != "\"" })
            }
            return page
        }

        func form(_ pairs: [(String, String)], csrf include: Bool = true) -> ByteBuffer {
            ByteBuffer(string: FormData.query((include ? [("csrf", csrf)] : []) + pairs.map { ($0.0, Optional($0.1)) }))
        }
    }

    func signIn(_ client: some TestClientProtocol, _ browser: Browser) async throws {
        _ = try await client.execute(uri: "/console/signin", method: .get, headers: browser.headers) { browser.read($0) }
        let before = browser.cookie
        try await client.execute(
            uri: "/console/signin", method: .post, headers: browser.headers,
            body: browser.form([("account", Self.account.rawValue), ("region", "us-east-1")])
        ) { response in
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/console/keys")
            _ = browser.read(response)
        }
        // A new session id at sign-in: an id known before sign-in is worth nothing after it.
        #expect(browser.cookie != nil && browser.cookie != before)
        _ = try await client.execute(uri: "/console/keys", method: .get, headers: browser.headers) { browser.read($0) }
    }

    @Test func pagesNeedASignedInSessionAndCarrySecurityHeaders() async throws {
        let fixture = try Fixture()
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/console/keys", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/console/signin")
            }
            try await client.execute(uri: "/console/signin", method: .get) { response in
                #expect(response.status == .ok)
                let csp = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                let cookie = response.headers[.setCookie] ?? ""
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
                #expect(!String(buffer: response.body).contains("<script>"))  // only the external script
            }
        }
    }

    @Test func formsWithoutTheSessionsTokenAreRefusedAndChangeNothing() async throws {
        let fixture = try Fixture()
        let key = await fixture.api("CreateKey", "{}")["KeyMetadata"] as? [String: Any]
        let keyID = key?["KeyId"] as? String ?? ""
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            try await signIn(client, browser)
            try await client.execute(
                uri: "/console/keys/actions", method: .post, headers: browser.headers,
                body: browser.form([("key", keyID), ("action", "disable")], csrf: false)
            ) { #expect($0.status == .forbidden) }
            let forged = Browser()
            forged.cookie = browser.cookie
            forged.csrf = "not-the-token"
            try await client.execute(
                uri: "/console/keys/actions", method: .post, headers: forged.headers,
                body: forged.form([("key", keyID), ("action", "disable")])
            ) { #expect($0.status == .forbidden) }
            let state = (await fixture.api("DescribeKey", #"{"KeyId":"\#(keyID)"}"#)["KeyMetadata"] as? [String: Any])?[
                "KeyState"]
            #expect(state as? String == "Enabled")
            // With the token, the same form disables the key through the API.
            try await client.execute(
                uri: "/console/keys/actions", method: .post, headers: browser.headers,
                body: browser.form([("key", keyID), ("action", "disable")])
            ) { #expect($0.status == .seeOther) }
            let after = (await fixture.api("DescribeKey", #"{"KeyId":"\#(keyID)"}"#)["KeyMetadata"] as? [String: Any])?[
                "KeyState"]
            #expect(after as? String == "Disabled")
        }
    }

    @Test func whatKeysHoldIsEscapedInPages() async throws {
        let fixture = try Fixture()
        _ = await fixture.api("CreateKey", #"{"Description":"<script>alert(1)</script>&\"x\""}"#)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            try await signIn(client, browser)
            try await client.execute(uri: "/console/keys?col=description", method: .get, headers: browser.headers) { response in
                let page = browser.read(response)
                #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!page.contains("<script>alert"))
            }
        }
    }

    @Test func theAliasesTabAddsThePrefixAndReportsEachFailure() async throws {
        let fixture = try Fixture()
        let keyID = (await fixture.api("CreateKey", "{}")["KeyMetadata"] as? [String: Any])?["KeyId"] as? String ?? ""
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            try await signIn(client, browser)
            for typed in ["one", "alias/two"] {
                try await client.execute(
                    uri: "/console/keys/\(keyID)/aliases", method: .post, headers: browser.headers,
                    body: browser.form([("aliasName", typed)])
                ) { #expect($0.status == .seeOther) }
            }
            let names = (await fixture.api("ListAliases", #"{"KeyId":"\#(keyID)"}"#)["Aliases"] as? [[String: Any]] ?? [])
                .compactMap { $0["AliasName"] as? String }.sorted()
            #expect(names == ["alias/alias/two", "alias/one"])
            try await client.execute(
                uri: "/console/keys/\(keyID)/aliases", method: .post, headers: browser.headers,
                body: browser.form([("aliasName", "one")])
            ) { response in
                #expect(response.status == .badRequest)
                let page = browser.read(response)
                #expect(page.contains("already in use") && page.contains("AlreadyExistsException"))
                #expect(page.contains(#"value="one""#))
            }
            try await client.execute(
                uri: "/console/keys/\(keyID)/aliases/delete", method: .post, headers: browser.headers,
                body: browser.form([("alias", "alias/one"), ("alias", "alias/missing")])
            ) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/console/keys/\(keyID)?tab=aliases", method: .get, headers: browser.headers) {
                response in
                let page = browser.read(response)
                #expect(page.contains("1 of 2 alias(es) deleted"))
                #expect(page.contains("alias/missing"))
                #expect(page.contains("NotFoundException"))
            }
        }
    }

    @Test func sessionsEndAfterAnHourIdle() async throws {
        let fixture = try Fixture()
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            try await signIn(client, browser)
            fixture.clock.advance(ConsoleSessions.idleLimit + 1)
            try await client.execute(uri: "/console/keys", method: .get, headers: browser.headers) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/console/signin")
            }
        }
    }

    @Test func credentialsSignInChecksTheSecretAndActsAsThePrincipal() async throws {
        let store = CredentialStore([
            Credential(
                accessKeyID: "AKIATESTCONSOLE00001", secretAccessKey: "right-secret", sessionToken: nil,
                account: Self.account, principal: "arn:aws:iam::111122223333:user/carol", policies: [])
        ])
        let fixture = try Fixture(signIn: .credentials(store))
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await client.execute(uri: "/console/signin", method: .get, headers: browser.headers) { browser.read($0) }
            try await client.execute(
                uri: "/console/signin", method: .post, headers: browser.headers,
                body: browser.form([("accessKeyId", "AKIATESTCONSOLE00001"), ("secretAccessKey", "wrong")])
            ) { response in
                #expect(response.status == .unauthorized)
                let page = browser.read(response)
                #expect(page.contains("not accepted") && !page.contains("wrong"))
            }
            try await client.execute(
                uri: "/console/signin", method: .post, headers: browser.headers,
                body: browser.form([("accessKeyId", "AKIATESTCONSOLE00001"), ("secretAccessKey", "right-secret")])
            ) { response in
                #expect(response.status == .seeOther)
                _ = browser.read(response)
            }
            // carol has no identity policy and the key policy delegates to IAM: ListKeys is refused, in words.
            try await client.execute(uri: "/console/keys", method: .get, headers: browser.headers) { response in
                let page = browser.read(response)
                #expect(page.contains("carol"))
                #expect(page.contains("AccessDeniedException"))
            }
        }
    }

    @Test func signInIsRateLimited() async throws {
        let fixture = try Fixture()
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await client.execute(uri: "/console/signin", method: .get, headers: browser.headers) { browser.read($0) }
            var refused = false
            for _ in 0...ConsoleSessions.maximumAttempts {
                try await client.execute(
                    uri: "/console/signin", method: .post, headers: browser.headers,
                    body: browser.form([("account", "not-an-account")])
                ) { response in
                    if String(buffer: response.body).contains("Too many sign-in attempts") { refused = true }
                }
            }
            #expect(refused)
        }
    }
}

extension ConsoleRoutesTests {
    /// The key table follows every change made through the API, whether the catalog refreshes from the store's
    /// journal or reads everything again.
    @Test func theKeyTableFollowsChangesMadeElsewhere() async throws {
        let fixture = try Fixture()
        let first =
            (await fixture.api("CreateKey", #"{"Description":"first"}"#)["KeyMetadata"] as? [String: Any])?["KeyId"]
            as? String ?? ""
        _ = await fixture.api("CreateAlias", #"{"AliasName":"alias/first","TargetKeyId":"\#(first)"}"#)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            try await signIn(client, browser)
            func table(_ query: String = "") async throws -> String {
                try await client.execute(uri: "/console/keys\(query)", method: .get, headers: browser.headers) {
                    browser.read($0)
                }
            }
            var page = try await table()
            #expect(page.contains("alias/first") && page.contains("Customer managed keys <span class=\"count\">(1)"))
            _ = await fixture.api("DisableKey", #"{"KeyId":"\#(first)"}"#)
            let second =
                (await fixture.api("CreateKey", #"{"Description":"second"}"#)["KeyMetadata"] as? [String: Any])?[
                    "KeyId"] as? String ?? ""
            _ = await fixture.api("CreateAlias", #"{"AliasName":"alias/second","TargetKeyId":"\#(second)"}"#)
            _ = await fixture.api("CreateAlias", #"{"AliasName":"alias/second-b","TargetKeyId":"\#(second)"}"#)
            page = try await table("?state=Disabled")
            #expect(page.contains(first) && !page.contains(second))
            page = try await table()
            #expect(page.contains("(2)") && page.contains("alias/second") && page.contains("(+1 more)"))
            _ = await fixture.api("DeleteAlias", #"{"AliasName":"alias/second-b"}"#)
            _ = await fixture.api("ScheduleKeyDeletion", #"{"KeyId":"\#(first)","PendingWindowInDays":7}"#)
            page = try await table()
            #expect(!page.contains("(+1 more)") && page.contains("Pending deletion"))
            _ = await fixture.api("TagResource", #"{"KeyId":"\#(second)","Tags":[{"TagKey":"team","TagValue":"blue"}]}"#)
            page = try await table("?q=team%3Dblue")
            #expect(page.contains(second) && !page.contains(first))
            _ = await fixture.api("UntagResource", #"{"KeyId":"\#(second)","TagKeys":["team"]}"#)
            page = try await table("?q=team%3Dblue")
            #expect(!page.contains(second))
            // After everything is invalidated (a reset, another node), the table is read again.
            try await fixture.dispatcher.kms.reset()
            page = try await table()
            #expect(page.contains("(0)") && !page.contains(second))
        }
    }
}

extension ConsoleRoutesTests {
    @Test func theWizardWritesAWSsConsolePolicyInItsOrder() throws {
        let ordered: Console.Ordered = [
            ("Id", "key-consolepolicy-3"), ("Version", "2012-10-17"),
            (
                "Statement",
                [
                    [("Sid", "a/b"), ("Principal", [("AWS", ["arn:1", "arn:2"])] as Console.Ordered)] as Console.Ordered
                ]
            ),
        ]
        let text = Console.json(ordered, indent: "")
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?["Version"] as? String == "2012-10-17")
        let statement = (parsed?["Statement"] as? [[String: Any]])?.first
        #expect(statement?["Sid"] as? String == "a/b")
        #expect((statement?["Principal"] as? [String: Any])?["AWS"] as? [String] == ["arn:1", "arn:2"])
        let id = try #require(text.range(of: "\"Id\""))
        let version = try #require(text.range(of: "\"Version\""))
        let statements = try #require(text.range(of: "\"Statement\""))
        #expect(id.lowerBound < version.lowerBound && version.lowerBound < statements.lowerBound)
    }
}
