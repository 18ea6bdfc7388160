import Foundation
import Hummingbird
import TrentCore

/// The forms of a key's page. Each is one or more API calls; a refusal is shown next to the form, with what was
/// typed kept, and a success redirects back to the tab with a message.
extension Console {
    func back(_ keyID: String, _ tab: String) -> Response { redirect("/console/keys/\(keyID)?tab=\(tab)") }

    func saveDescription(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        switch await visit.api.call("UpdateKeyDescription", ["KeyId": keyID, "Description": form["description"] ?? ""]) {
        case .success:
            flash(visit, "Description saved.")
            return redirect("/console/keys/\(keyID)")
        case .failure(let error):
            return await keyPage(visit, keyID: keyID, tab: "policy", error: ConsoleError.describe(error), status: .badRequest)
        }
    }

    func savePolicy(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        let policy = form["policy"] ?? ""
        switch await visit.api.call("PutKeyPolicy", ["KeyId": keyID, "PolicyName": "default", "Policy": policy]) {
        case .success:
            flash(visit, "Key policy saved.")
            return back(keyID, "policy")
        case .failure(let error):
            return await keyPage(
                visit, keyID: keyID, tab: "policy",
                tabContext: ["policy": policy, "editing": true, "error": ConsoleError.describe(error, about: .policy)],
                status: .badRequest)
        }
    }

    func saveTags(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        let keys = form.all("tagKey")
        let values = form.all("tagValue")
        let removed = Set(form.all("remove"))
        var tags: [[String: String]] = []
        for (index, key) in keys.enumerated() where !removed.contains(key) {
            tags.append(["TagKey": key, "TagValue": index < values.count ? values[index] : ""])
        }
        if let newKey = form["newKey"], !newKey.isEmpty {
            tags.append(["TagKey": newKey, "TagValue": form["newValue"] ?? ""])
        }
        var failure: KMSError?
        if !removed.isEmpty,
            case .failure(let error) = await visit.api.call(
                "UntagResource", ["KeyId": keyID, "TagKeys": Array(removed).sorted()])
        {
            failure = error
        }
        if failure == nil, !tags.isEmpty,
            case .failure(let error) = await visit.api.call(
                "TagResource", ["KeyId": keyID, "Tags": tags])
        {
            failure = error
        }
        if let failure {
            let rows = await tagRows(visit.api, keyID)
            return await keyPage(
                visit, keyID: keyID, tab: "tags",
                tabContext: ["tags": rows, "error": ConsoleError.describe(failure, about: .tags)], status: .badRequest)
        }
        flash(visit, "Tags saved.")
        return back(keyID, "tags")
    }

    func saveRotation(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        let result: Result<JSONValue, KMSError>
        let message: String
        if form["do"] == "rotate-now" {
            result = await visit.api.call("RotateKeyOnDemand", ["KeyId": keyID])
            message = "Rotation started: the key has new key material."
        } else if form["enabled"] == "yes" {
            var input: [String: Any] = ["KeyId": keyID]
            if let period = form.text("period") {
                guard let days = Int(period) else {
                    return await rotationError(
                        visit, keyID, KMSError(.validation, "The rotation period must be a whole number of days."))
                }
                input["RotationPeriodInDays"] = days
            }
            result = await visit.api.call("EnableKeyRotation", input)
            message = "Automatic rotation enabled."
        } else {
            result = await visit.api.call("DisableKeyRotation", ["KeyId": keyID])
            message = "Automatic rotation disabled."
        }
        if case .failure(let error) = result { return await rotationError(visit, keyID, error) }
        flash(visit, message)
        return back(keyID, "rotation")
    }

    private func rotationError(_ visit: Visit, _ keyID: String, _ error: KMSError) async -> Response {
        let metadata = (try? await visit.api.call("DescribeKey", ["KeyId": keyID]).get())?["KeyMetadata"] ?? .object([:])
        let tab = await rotationTab(visit.api, id: keyID, metadata: metadata, error: ConsoleError.describe(error))
        return await keyPage(visit, keyID: keyID, tab: "rotation", tabContext: tab, status: .badRequest)
    }

    /// The Aliases tab's Create alias: the console adds `alias/` to what was typed, as AWS's console does.
    func createAlias(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        let typed = form["aliasName"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let name = "alias/" + typed
        switch await visit.api.call("CreateAlias", ["AliasName": name, "TargetKeyId": keyID]) {
        case .success:
            flash(visit, "Alias \(name) created.")
            return back(keyID, "aliases")
        case .failure(let error):
            return await keyPage(
                visit, keyID: keyID, tab: "aliases", typedAlias: (typed, ConsoleError.describe(error, about: .alias)),
                status: .badRequest)
        }
    }

    /// Deletes every selected alias (one DeleteAlias each) and reports each failure.
    func deleteAliases(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        let names = form.all("alias")
        guard !names.isEmpty else {
            flash(visit, "Select one or more aliases to delete.", success: false)
            return back(keyID, "aliases")
        }
        var failures: [String] = []
        for name in names {
            if case .failure(let error) = await visit.api.call("DeleteAlias", ["AliasName": name]) {
                failures.append("\(name): \(error.message) (\(error.code.rawValue))")
            }
        }
        let deleted = names.count - failures.count
        flash(
            visit,
            "\(deleted) of \(names.count) alias(es) deleted." + (failures.isEmpty ? "" : " " + failures.joined(separator: " ")),
            success: failures.isEmpty)
        return back(keyID, "aliases")
    }

    func revokeGrant(_ visit: Visit, _ form: FormData, keyID: String) async -> Response {
        switch await visit.api.call("RevokeGrant", ["KeyId": keyID, "GrantId": form["grantId"] ?? ""]) {
        case .success: flash(visit, "Grant revoked.")
        case .failure(let error): flash(visit, "\(error.message) (\(error.code.rawValue))", success: false)
        }
        return back(keyID, "grants")
    }
}
