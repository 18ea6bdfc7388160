import Foundation
import Hummingbird
import TrentCore
import TrentCrypto
import TrentHTTP

extension Console {
    func signInPage(_ request: Request, error: [String: Any]? = nil, typedKey: String? = nil) -> Response {
        // A signed-out session carries the sign-in form's CSRF token; the browser keeps only its id.
        let existing = sessions.session(Self.cookie(request))
        let session = existing ?? sessions.open(region: defaultRegion)
        var context: [String: Any] = [
            "csrf": session.csrfToken, "development": isDevelopment, "regions": Self.regionOptions(selected: session.region),
            "accessKeyId": typedKey ?? "",
        ]
        if case .development(let defaults) = configuration.signIn { context["account"] = defaults.account.rawValue }
        if let error { context["error"] = error }
        let page = ConsoleTemplates.render(
            "layout", ["title": "Sign in", "body": ConsoleTemplates.render("signin", context), "signedIn": false])
        return html(
            page, status: error == nil ? .ok : .unauthorized,
            setCookie: existing == nil ? cookieHeader(value: session.id) : nil)
    }

    func signIn(_ request: Request, _ context: TrentRequestContext) async -> Response {
        guard let session = sessions.session(Self.cookie(request)), let form = await Self.readForm(request),
            let token = form["csrf"], ConstantTime.equal(token, session.csrfToken)
        else { return forbiddenForm() }
        guard sessions.admitAttempt(from: context.remoteIP ?? "unknown") else {
            return signInPage(
                request,
                error: ConsoleError.local(
                    "Too many sign-in attempts.", "Wait a few minutes before trying again from this address."))
        }
        let region = form.text("region").flatMap(Region.init) ?? defaultRegion
        let identity: ConsoleIdentity
        switch configuration.signIn {
        case .development(let defaults):
            guard let account = AccountID(form.text("account") ?? defaults.account.rawValue) else {
                return signInPage(request, error: ConsoleError.local("That is not an account ID.", "Enter twelve digits."))
            }
            identity = ConsoleIdentity(
                account: account, principal: "arn:aws:iam::\(account.rawValue):root", accessKeyID: nil,
                authenticated: false, identityPolicies: [])
        case .credentials(let store):
            let keyID = form.text("accessKeyId") ?? ""
            guard let credential = store.credential(for: keyID),
                ConstantTime.equal(form["secretAccessKey"] ?? "", credential.secretAccessKey),
                credential.sessionToken.map({ ConstantTime.equal(form.text("sessionToken") ?? "", $0) }) ?? true
            else {
                return signInPage(
                    request,
                    error: ConsoleError.local(
                        "Those credentials were not accepted.",
                        "Check the access key ID, the secret access key and, for temporary credentials, the session token."),
                    typedKey: keyID)
            }
            identity = ConsoleIdentity(
                account: credential.account, principal: credential.principal, accessKeyID: credential.accessKeyID,
                authenticated: true, identityPolicies: credential.policies)
        }
        // A new session id at sign-in, so an id planted before sign-in is worth nothing after it.
        sessions.end(session.id)
        let fresh = sessions.open(region: region)
        sessions.update(fresh.id) { $0.identity = identity }
        return redirect("/console/keys", setCookie: cookieHeader(value: fresh.id))
    }
}
