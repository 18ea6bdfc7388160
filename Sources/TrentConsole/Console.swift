import Foundation
import HTTPTypes
import Hummingbird
import TrentCore
import TrentCrypto
import TrentHTTP
import TrentOperations

/// How people sign in to the console.
public struct ConsoleConfiguration: Sendable {
    public enum SignIn: Sendable {
        /// Development mode: the person picks an account and acts as its root user.
        case development(CallerDefaults)
        /// `--auth sigv4`: the person proves an access key of the credentials file and acts as its principal.
        case credentials(CredentialStore)
    }

    public var signIn: SignIn
    /// Trent serves TLS itself: session cookies are marked Secure.
    public var secureTransport: Bool
    /// The `--audit-log` file, for a key's latest audit records (nil, or `-`, when there is none to read).
    public var auditLogPath: String?

    public init(signIn: SignIn, secureTransport: Bool = false, auditLogPath: String? = nil) {
        self.signIn = signIn
        self.secureTransport = secureTransport
        self.auditLogPath = auditLogPath == "-" ? nil : auditLogPath
    }
}

/// Trent's web console at `/console`: pages rendered on the server, every read and every change a KMS API call
/// through the same gateway as `POST /`, as the signed-in person.
public final class Console: Sendable {
    let gateway: APIGateway
    let configuration: ConsoleConfiguration
    let sessions: ConsoleSessions
    let catalogs = KeyCatalogs()

    static let cookieName = "trent_console"
    static let formLimit = 256 * 1024

    public init(gateway: APIGateway, configuration: ConsoleConfiguration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.gateway = gateway
        self.configuration = configuration
        self.sessions = ConsoleSessions(now: now)
    }

    var defaultRegion: Region {
        switch configuration.signIn {
        case .development(let defaults): defaults.region
        case .credentials: Region("us-east-1")!
        }
    }

    var isDevelopment: Bool {
        if case .development = configuration.signIn { return true }
        return false
    }

    public func addRoutes(to router: Router<TrentRequestContext>) {
        router.get("/console") { request, _ in
            self.sessions.session(Self.cookie(request))?.identity == nil
                ? self.redirect("/console/signin") : self.redirect("/console/keys")
        }
        router.get("/console/assets/console.css") { _, _ in
            self.asset(ConsoleAssets.css, type: "text/css; charset=utf-8")
        }
        router.get("/console/assets/console.js") { _, _ in
            self.asset(ConsoleAssets.javaScript, type: "text/javascript; charset=utf-8")
        }
        router.get("/console/signin") { request, _ in self.signInPage(request) }
        router.post("/console/signin") { request, context in await self.signIn(request, context) }
        router.post("/console/signout") { request, context in
            await self.form(request, context) { visit, _ in
                self.sessions.end(visit.session.id)
                return self.redirect("/console/signin", clearCookie: true)
            }
        }
        router.post("/console/region") { request, context in
            await self.form(request, context) { visit, form in
                if let region = form.text("region").flatMap(Region.init) {
                    self.sessions.update(visit.session.id) { $0.region = region }
                }
                return self.redirect(Self.localPath(form["back"]) ?? "/console/keys")
            }
        }
        router.get("/console/keys") { request, context in
            await self.page(request, context) { visit in await self.keysPage(visit) }
        }
        router.post("/console/keys/actions") { request, context in
            await self.form(request, context) { visit, form in await self.keyActions(visit, form) }
        }
        router.post("/console/keys/schedule-deletion") { request, context in
            await self.form(request, context) { visit, form in await self.scheduleDeletion(visit, form) }
        }
        router.get("/console/aws-keys") { request, context in
            await self.page(request, context) { visit in await self.awsKeysPage(visit) }
        }
        router.get("/console/custom-key-stores") { request, context in
            await self.page(request, context) { visit in await self.customKeyStoresPage(visit) }
        }
        router.get("/console/create") { request, context in
            await self.page(request, context) { visit in self.createKeyPage(visit, form: FormData(""), step: 1, error: nil) }
        }
        router.post("/console/create") { request, context in
            await self.form(request, context) { visit, form in await self.createKeyStep(visit, form) }
        }
        router.get("/console/keys/:keyId") { request, context in
            await self.page(request, context) { visit in
                await self.keyPage(visit, keyID: context.parameters.get("keyId") ?? "", tab: visit.query["tab"])
            }
        }
        router.get("/console/keys/:keyId/public-key.pem") { request, context in
            await self.page(request, context) { visit in
                await self.publicKeyFile(visit, keyID: context.parameters.get("keyId") ?? "")
            }
        }
        let keyForms: [(String, @Sendable (Console, Visit, FormData, String) async -> Response)] = [
            ("description", { await $0.saveDescription($1, $2, keyID: $3) }),
            ("policy", { await $0.savePolicy($1, $2, keyID: $3) }),
            ("tags", { await $0.saveTags($1, $2, keyID: $3) }),
            ("rotation", { await $0.saveRotation($1, $2, keyID: $3) }),
            ("aliases", { await $0.createAlias($1, $2, keyID: $3) }),
            ("aliases/delete", { await $0.deleteAliases($1, $2, keyID: $3) }),
            ("grants/revoke", { await $0.revokeGrant($1, $2, keyID: $3) }),
            ("use", { await $0.useKey($1, $2, keyID: $3) }),
        ]
        for (path, handler) in keyForms {
            router.post("/console/keys/:keyId/\(path)") { request, context in
                let keyID = context.parameters.get("keyId") ?? ""
                return await self.form(request, context) { visit, form in await handler(self, visit, form, keyID) }
            }
        }
    }
}

/// One signed-in request: the session, the API as the session's caller, and the query.
struct Visit: Sendable {
    let session: ConsoleSession
    let api: ConsoleAPI
    let query: FormData
    let path: String
}

// MARK: Sessions, forms and responses

extension Console {
    static func cookie(_ request: Request) -> String? {
        for field in request.headers[values: .cookie] {
            for part in field.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == cookieName { return String(pair[1]) }
            }
        }
        return nil
    }

    func visit(_ session: ConsoleSession, _ request: Request, _ context: TrentRequestContext) -> Visit? {
        guard let identity = session.identity else { return nil }
        return Visit(
            session: session,
            api: ConsoleAPI(
                gateway: gateway, identity: identity, region: session.region, sourceIP: context.remoteIP,
                secureTransport: configuration.secureTransport),
            query: FormData(request.uri.query ?? ""), path: request.uri.path)
    }

    /// A page for a signed-in session; anyone else is sent to sign in.
    func page(
        _ request: Request, _ context: TrentRequestContext, _ render: (Visit) async -> Response
    ) async -> Response {
        guard let session = sessions.session(Self.cookie(request)), let visit = visit(session, request, context) else {
            return redirect("/console/signin")
        }
        return await render(visit)
    }

    /// A form post of a signed-in session, refused unless it carries the session's CSRF token.
    func form(
        _ request: Request, _ context: TrentRequestContext, _ handle: (Visit, FormData) async -> Response
    ) async -> Response {
        guard let session = sessions.session(Self.cookie(request)), let visit = visit(session, request, context) else {
            return redirect("/console/signin")
        }
        guard let form = await Self.readForm(request), let token = form["csrf"],
            ConstantTime.equal(token, session.csrfToken)
        else { return forbiddenForm() }
        return await handle(visit, form)
    }

    static func readForm(_ request: Request) async -> FormData? {
        guard let body = try? await request.body.collect(upTo: formLimit) else { return nil }
        return FormData(String(buffer: body))
    }

    func forbiddenForm() -> Response {
        html(
            ConsoleTemplates.render(
                "layout",
                [
                    "title": "Form refused",
                    "body": ConsoleTemplates.render(
                        "message",
                        [
                            "heading": "This form was refused",
                            "text":
                                "It did not carry this session's form token, so it may not have come from this console. Open the page again and resubmit.",
                            "link": "/console", "linkText": "Back to the console",
                        ]),
                ]), status: .forbidden)
    }

    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    func html(_ text: String, status: HTTPResponse.Status = .ok, setCookie: String? = nil) -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        if let setCookie { headers[.setCookie] = setCookie }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    func redirect(_ location: String, setCookie: String? = nil, clearCookie: Bool = false) -> Response {
        var headers = Self.securityHeaders
        headers[.location] = location
        if let setCookie {
            headers[.setCookie] = setCookie
        } else if clearCookie {
            headers[.setCookie] = cookieHeader(value: "", maxAge: 0)
        }
        return Response(status: .seeOther, headers: headers)
    }

    func asset(_ text: String, type: String) -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    func cookieHeader(value: String, maxAge: Int? = nil) -> String {
        var cookie = "\(Self.cookieName)=\(value); Path=/console; HttpOnly; SameSite=Strict"
        if configuration.secureTransport { cookie += "; Secure" }
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        return cookie
    }

    /// A redirect target from a form, only when it is a path inside the console (never another site).
    static func localPath(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/console"), !value.hasPrefix("//"), !value.contains("\\"),
            !value.contains("\r"), !value.contains("\n")
        else { return nil }
        return value
    }

    /// Renders a page inside the layout: header with the Region selector, the navigation pane, a flash message.
    func layout(_ visit: Visit, title: String, nav: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let identity = visit.session.identity
        let principal = identity?.principal ?? ""
        var context: [String: Any] = [
            "title": title, "body": body, "signedIn": true, "csrf": visit.session.csrfToken,
            "back": visit.path
                + (visit.query.fields.isEmpty ? "" : "?" + FormData.query(visit.query.fields.map { ($0.name, $0.value) })),
            "regions": Self.regionOptions(selected: visit.session.region),
            "principal": principal,
            "principalShort": principal.split(separator: ":").last.map(String.init) ?? principal,
            "account": identity?.account.rawValue ?? "",
            "modeNote": isDevelopment
                ? "Development mode: you act as the account's root user." : "Signed in with SigV4 credentials.",
            "navCustomer": nav == "customer", "navAWS": nav == "aws", "navStores": nav == "stores",
        ]
        if let flash = sessions.takeFlash(visit.session.id) {
            context["flash"] = ["success": flash.success, "text": flash.text]
        }
        return html(ConsoleTemplates.render("layout", context), status: status)
    }

    func flash(_ visit: Visit, _ text: String, success: Bool = true) {
        sessions.update(visit.session.id) { $0.flash = ConsoleSession.Flash(success: success, text: text) }
    }

    static let regions = [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-northeast-1", "ap-northeast-2",
        "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2",
        "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
        "sa-east-1",
    ]

    static func regionOptions(selected: Region) -> [[String: Any]] {
        var names = regions
        if !names.contains(selected.rawValue) { names.insert(selected.rawValue, at: 0) }
        return names.map { ["name": $0, "selected": $0 == selected.rawValue] }
    }
}
