import Foundation
import Hummingbird
import TrentCore

/// The Create key wizard, as AWS's console has it: key type, usage and spec (with origin and regionality under
/// advanced options); alias, description and tags; key administrators and users; then the key policy built from
/// them, shown for review and editing. Finish calls CreateKey, then CreateAlias. Every step is a plain form; the
/// answers of other steps travel as hidden fields.
extension Console {
    static let wizardSteps: [(label: String, fields: [String])] = [
        ("Configure key", ["keyType", "keyUsage", "keySpec", "origin", "multiRegion"]),
        ("Add labels", ["alias", "description", "tagKey", "tagValue"]),
        ("Define key permissions", ["admins", "adminPick", "allowDelete", "users", "userPick"]),
        ("Review", ["policy"]),
    ]

    static let usageChoices: [(value: String, label: String, help: String, symmetric: Bool)] = [
        ("ENCRYPT_DECRYPT", "Encrypt and decrypt", "Use the key only to encrypt and decrypt data.", true),
        ("GENERATE_VERIFY_MAC", "Generate and verify MAC", "Use the key only to generate and verify HMAC codes.", true),
        ("SIGN_VERIFY", "Sign and verify", "Asymmetric keys only: sign messages and verify signatures.", false),
        ("KEY_AGREEMENT", "Key agreement", "Asymmetric keys only: derive shared secrets (ECDH).", false),
    ]

    func createKeyPage(_ visit: Visit, form: FormData, step: Int, error: [String: Any]?) -> Response {
        let own = Set(Self.wizardSteps[step - 1].fields)
        let symmetric = (form["keyType"] ?? "symmetric") == "symmetric"
        let usage = form["keyUsage"] ?? "ENCRYPT_DECRYPT"
        let specValue = form["keySpec"] ?? "SYMMETRIC_DEFAULT"
        var context: [String: Any] = [
            "csrf": visit.session.csrfToken, "step": step, "hasPrevious": step > 1, "last": step == Self.wizardSteps.count,
            "steps": Self.wizardSteps.enumerated().map {
                ["number": $0.offset + 1, "label": $0.element.label, "current": $0.offset + 1 == step]
            },
            "carried": form.fields.filter { !own.contains($0.name) && !["csrf", "step", "go"].contains($0.name) }
                .map { ["name": $0.name, "value": $0.value] },
        ]
        if let error { context["error"] = error }
        switch step {
        case 1:
            context["step1"] = [
                "symmetric": symmetric, "external": form["origin"] == "EXTERNAL", "multiRegion": form["multiRegion"] == "yes",
                "advancedOpen": form["origin"] == "EXTERNAL" || form["multiRegion"] == "yes",
                "usages": Self.usageChoices.map {
                    ["value": $0.value, "label": $0.label, "help": $0.help, "checked": $0.value == usage]
                },
                "specs": KeySpec.allCases.map { spec -> [String: Any] in
                    let family = spec.capabilities.family
                    return [
                        "value": spec.rawValue, "selected": spec.rawValue == specValue,
                        "kind": family == .symmetric ? "symmetric" : family == .hmac ? "HMAC" : "asymmetric",
                    ]
                },
            ]
        case 2:
            let keys = form.all("tagKey")
            let values = form.all("tagValue")
            var rows: [[String: Any]] = keys.enumerated().filter { !$0.element.isEmpty }.map {
                ["index": $0.offset, "key": $0.element, "value": $0.offset < values.count ? values[$0.offset] : ""]
            }
            while rows.count < 3 { rows.append(["index": rows.count, "key": "", "value": ""]) }
            context["step2"] = ["alias": form["alias"] ?? "", "description": form["description"] ?? "", "tagRows": rows]
        case 3:
            let admins = Set(form.all("adminPick"))
            let users = Set(form.all("userPick"))
            var known: [String] = []
            if case .credentials(let store) = configuration.signIn {
                known = store.principals.filter { $0.contains("::\(visit.api.identity.account.rawValue):") }
            }
            context["step3"] = [
                "admins": form["admins"] ?? "", "users": form["users"] ?? "",
                "allowDelete": form["allowDelete"] == "yes" || form["step"] == nil || form["step"] == "2",
                "known": known.map { ["arn": $0, "admin": admins.contains($0), "user": users.contains($0)] },
            ]
        default:
            let policy = form["policy"] ?? buildPolicy(visit, form)
            var summary: [[String: String]] = [
                ["name": "Key type", "value": symmetric ? "Symmetric" : "Asymmetric"], ["name": "Key usage", "value": usage],
                ["name": "Key spec", "value": specValue], ["name": "Origin", "value": form["origin"] ?? "AWS_KMS"],
                ["name": "Regionality", "value": form["multiRegion"] == "yes" ? "Multi-Region" : "Single-Region"],
                ["name": "Alias", "value": "alias/" + (form.text("alias") ?? "")],
                ["name": "Description", "value": form["description"] ?? ""],
            ]
            let tags = Self.wizardTags(form)
            if !tags.isEmpty {
                summary.append([
                    "name": "Tags", "value": tags.map { "\($0["TagKey"]!)=\($0["TagValue"]!)" }.joined(separator: ", "),
                ])
            }
            context["step4"] = ["policy": policy, "summary": summary]
        }
        return layout(
            visit, title: "Create key", nav: "customer", body: ConsoleTemplates.render("createKey", context),
            status: error == nil ? .ok : .badRequest)
    }

    func createKeyStep(_ visit: Visit, _ form: FormData) async -> Response {
        let step = min(max(Int(form["step"] ?? "") ?? 1, 1), Self.wizardSteps.count)
        // The policy is built again from the earlier answers whenever the person comes back to the review.
        var next = FormData(fields: form.fields.filter { $0.name != "policy" || step == 4 }.map { ($0.name, $0.value) })
        if form["go"] == "back" {
            if step == 4 { next = FormData(fields: next.fields.filter { $0.name != "policy" }.map { ($0.name, $0.value) }) }
            return createKeyPage(visit, form: next, step: max(1, step - 1), error: nil)
        }
        if let problem = await checkStep(step, visit, form) {
            return createKeyPage(visit, form: next, step: step, error: problem)
        }
        if step < Self.wizardSteps.count {
            return createKeyPage(visit, form: next, step: step + 1, error: nil)
        }
        return await finishCreateKey(visit, form)
    }

    /// What the console checks before moving on (AWS's console does the same); the API checks everything again.
    private func checkStep(_ step: Int, _ visit: Visit, _ form: FormData) async -> [String: Any]? {
        switch step {
        case 1:
            let symmetric = (form["keyType"] ?? "symmetric") == "symmetric"
            guard let spec = KeySpec(rawValue: form["keySpec"] ?? ""), let usage = KeyUsage(rawValue: form["keyUsage"] ?? "")
            else { return ConsoleError.local("Choose a key usage and a key spec.", "Both are required.") }
            let family = spec.capabilities.family
            let fits = symmetric ? family != .asymmetric : family == .asymmetric
            guard fits, spec.capabilities.usages.contains(usage) else {
                let suitable = KeySpec.allCases.filter {
                    (symmetric ? $0.capabilities.family != .asymmetric : $0.capabilities.family == .asymmetric)
                        && $0.capabilities.usages.contains(usage)
                }.map(\.rawValue)
                return ConsoleError.local(
                    "That key spec does not fit.",
                    suitable.isEmpty
                        ? "A \(symmetric ? "symmetric" : "asymmetric") key cannot be used for \(usage)."
                        : "For a \(symmetric ? "symmetric" : "asymmetric") key used for \(usage), choose one of: \(suitable.joined(separator: ", "))."
                )
            }
            return nil
        case 2:
            guard let alias = form.text("alias") else {
                return ConsoleError.local("Enter an alias.", "The console requires an alias for a new key.")
            }
            let name = "alias/" + alias
            let allowed = alias.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || "/_-".unicodeScalars.contains($0)
            }
            guard allowed, name.count <= 256 else {
                return ConsoleError.local(
                    "That alias name is not valid.",
                    "Alias names are 1 to 256 characters of letters, numbers, slashes (/), underscores (_) and dashes (-) after alias/."
                )
            }
            guard !alias.hasPrefix("aws/") else {
                return ConsoleError.local(
                    "Alias names that begin with aws/ are reserved.",
                    "AWS keeps alias/aws/ for AWS managed keys; choose another name.")
            }
            if case .success = await visit.api.call("DescribeKey", ["KeyId": name]) {
                return ConsoleError.local(
                    "That alias name is already in use.", "An alias named \(name) already exists in this account and Region.")
            }
            return nil
        case 3:
            let arns = Self.lines(form["admins"]) + Self.lines(form["users"])
            if let bad = arns.first(where: { !$0.hasPrefix("arn:") }) {
                return ConsoleError.local(
                    "That is not a principal ARN.", "\(bad) does not begin with arn:. Enter one ARN per line.")
            }
            return nil
        default:
            return nil
        }
    }

    private func finishCreateKey(_ visit: Visit, _ form: FormData) async -> Response {
        var input: [String: Any] = [
            "KeySpec": form["keySpec"] ?? "SYMMETRIC_DEFAULT", "KeyUsage": form["keyUsage"] ?? "ENCRYPT_DECRYPT",
            "Origin": form["origin"] == "EXTERNAL" ? "EXTERNAL" : "AWS_KMS", "MultiRegion": form["multiRegion"] == "yes",
            "Policy": form["policy"] ?? buildPolicy(visit, form),
        ]
        if let description = form["description"], !description.isEmpty { input["Description"] = description }
        let tags = Self.wizardTags(form)
        if !tags.isEmpty { input["Tags"] = tags }
        let keyID: String
        switch await visit.api.call("CreateKey", input) {
        case .failure(let error):
            return createKeyPage(
                visit, form: form, step: 4,
                error: ConsoleError.describe(error, about: error.code == .malformedPolicyDocument ? .policy : .general))
        case .success(let answer):
            keyID = answer["KeyMetadata"]?["KeyId"]?.stringValue ?? ""
        }
        let alias = "alias/" + (form.text("alias") ?? "")
        switch await visit.api.call("CreateAlias", ["AliasName": alias, "TargetKeyId": keyID]) {
        case .success: flash(visit, "Key \(keyID) created with alias \(alias).")
        case .failure(let error):
            flash(
                visit, "Key \(keyID) created, but its alias was refused: \(error.message) (\(error.code.rawValue))",
                success: false)
        }
        return redirect("/console/keys/\(keyID)?tab=aliases")
    }

    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func wizardTags(_ form: FormData) -> [[String: String]] {
        let keys = form.all("tagKey")
        let values = form.all("tagValue")
        return keys.enumerated().compactMap { index, key in
            let trimmed = key.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : ["TagKey": trimmed, "TagValue": index < values.count ? values[index] : ""]
        }
    }

    /// The key policy AWS's console writes from the chosen administrators and users.
    func buildPolicy(_ visit: Visit, _ form: FormData) -> String {
        let account = visit.api.identity.account.rawValue
        let admins = Array(Set(Self.lines(form["admins"]) + form.all("adminPick"))).sorted()
        let users = Array(Set(Self.lines(form["users"]) + form.all("userPick"))).sorted()
        func principal(_ arns: [String]) -> Any { arns.count == 1 ? arns[0] : arns }
        var statements: [Ordered] = [
            [
                ("Sid", "Enable IAM User Permissions"), ("Effect", "Allow"),
                ("Principal", [("AWS", "arn:aws:iam::\(account):root")] as Ordered), ("Action", "kms:*"), ("Resource", "*"),
            ]
        ]
        if !admins.isEmpty {
            var actions = [
                "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
                "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:RotateKeyOnDemand",
            ]
            if form["allowDelete"] == "yes" { actions += ["kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"] }
            statements.append([
                ("Sid", "Allow access for Key Administrators"), ("Effect", "Allow"),
                ("Principal", [("AWS", principal(admins))] as Ordered), ("Action", actions), ("Resource", "*"),
            ])
        }
        if !users.isEmpty {
            let symmetricEncryption = form["keySpec"] == "SYMMETRIC_DEFAULT"
            let actions: [String]
            switch form["keyUsage"] {
            case "SIGN_VERIFY": actions = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign", "kms:Verify"]
            case "GENERATE_VERIFY_MAC": actions = ["kms:DescribeKey", "kms:GenerateMac", "kms:VerifyMac"]
            case "KEY_AGREEMENT": actions = ["kms:DescribeKey", "kms:GetPublicKey", "kms:DeriveSharedSecret"]
            default:
                actions =
                    symmetricEncryption
                    ? ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
                    : ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:DescribeKey", "kms:GetPublicKey"]
            }
            statements.append([
                ("Sid", "Allow use of the key"), ("Effect", "Allow"), ("Principal", [("AWS", principal(users))] as Ordered),
                ("Action", actions), ("Resource", "*"),
            ])
            if symmetricEncryption {
                statements.append([
                    ("Sid", "Allow attachment of persistent resources"), ("Effect", "Allow"),
                    ("Principal", [("AWS", principal(users))] as Ordered),
                    ("Action", ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]), ("Resource", "*"),
                    ("Condition", [("Bool", [("kms:GrantIsForAWSResource", "true")] as Ordered)] as Ordered),
                ])
            }
        }
        let policy: Ordered = [("Id", "key-consolepolicy-3"), ("Version", "2012-10-17"), ("Statement", statements)]
        return Self.json(policy, indent: "")
    }

    /// A JSON object whose members keep their order (AWS's console writes Id, Version, Statement; Sid, Effect,
    /// Principal, Action, Resource, Condition), so the policy reads as it does there.
    typealias Ordered = [(String, Any)]

    static func json(_ value: Any, indent: String) -> String {
        let inner = indent + "  "
        switch value {
        case let object as Ordered:
            let members = object.map { "\(inner)\(json($0.0, indent: inner)) : \(json($0.1, indent: inner))" }
            return "{\n" + members.joined(separator: ",\n") + "\n\(indent)}"
        case let array as [Ordered]:
            return "[\n" + array.map { inner + json($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case let strings as [String]:
            return "[ " + strings.map { json($0, indent: inner) }.joined(separator: ", ") + " ]"
        default:
            let data =
                (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
                ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
