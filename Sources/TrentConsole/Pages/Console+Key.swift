import Foundation
import Hummingbird
import TrentCore

extension Console {
    static let tabs: [(id: String, label: String)] = [
        ("policy", "Key policy"), ("crypto", "Cryptographic configuration"), ("tags", "Tags"), ("rotation", "Key rotation"),
        ("aliases", "Aliases"), ("grants", "Grants"), ("regionality", "Regionality"), ("use", "Use this key"),
        ("activity", "Activity"),
    ]

    /// A key's detail page: general configuration and one tab. `tabContext` replaces the tab's own reading (a form
    /// shown again with its error and what the person typed); `typedAlias` does so for the Aliases tab, whose
    /// aliases the page reads anyway.
    func keyPage(
        _ visit: Visit, keyID: String, tab requested: String?, tabContext: [String: Any]? = nil,
        typedAlias: (typed: String, error: [String: Any])? = nil, error: [String: Any]? = nil,
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        let metadata: JSONValue
        switch await visit.api.call("DescribeKey", ["KeyId": keyID]) {
        case .success(let answer): metadata = answer["KeyMetadata"] ?? .object([:])
        case .failure(let failure):
            let body = ConsoleTemplates.render(
                "message",
                [
                    "heading": "This key cannot be shown", "text": ConsoleError.describe(failure)["text"] ?? "",
                    "code": failure.code.rawValue, "link": "/console/keys", "linkText": "Back to the keys",
                ])
            return layout(visit, title: "Key", nav: "customer", body: body, status: .notFound)
        }
        let id = metadata["KeyId"]?.stringValue ?? keyID
        let customer = metadata["KeyManager"]?.stringValue != "AWS"
        let multiRegion = metadata["MultiRegion"]?.boolValue == true
        let available = Self.tabs.filter { $0.id != "regionality" || multiRegion }
        let tab = available.contains { $0.id == requested } ? requested! : "policy"
        let aliases = ((try? await visit.api.listAll("ListAliases", member: "Aliases", ["KeyId": id], limit: 100).get()) ?? [])
            .compactMap { alias -> (String, String)? in
                guard let name = alias["AliasName"]?.stringValue else { return nil }
                return (name, alias["AliasArn"]?.stringValue ?? "")
            }.sorted { $0.0 < $1.0 }
        let state = metadata["KeyState"]?.stringValue ?? ""
        let href = "/console/keys/\(id)"
        let key: [String: Any] = [
            "keyID": id, "href": href, "arn": metadata["Arn"]?.stringValue ?? "",
            "title": aliases.first?.0 ?? id, "alias": aliases.first?.0 ?? false,
            "status": Self.stateLabel(state), "statusClass": Self.stateClass(state),
            "created": metadata["CreationDate"]?.dateText ?? "", "description": metadata["Description"]?.stringValue ?? "",
            "regionality": multiRegion
                ? (metadata["MultiRegionConfiguration"]?["MultiRegionKeyType"]?.stringValue == "REPLICA"
                    ? "Multi-Region replica" : "Multi-Region primary") : "Single-Region",
            "deletionDate": metadata["DeletionDate"]?.dateText ?? false,
            "canEnable": state == "Disabled", "canDisable": state == "Enabled",
            "canSchedule": state == "Enabled" || state == "Disabled" || state == "PendingImport",
            "canCancel": state == "PendingDeletion",
        ]
        var context: [String: Any] = [
            "key": key, "customer": customer, "csrf": visit.session.csrfToken,
            "listHref": customer ? "/console/keys" : "/console/aws-keys",
            "listName": customer ? "Customer managed keys" : "AWS managed keys",
            "tabs": available.map { ["id": $0.id, "label": $0.label, "href": "\(href)?tab=\($0.id)", "current": $0.id == tab] },
        ]
        if let error { context["error"] = error }
        let tabName = tab + "Tab"
        if let tabContext {
            context[tabName] = tabContext
        } else if let typedAlias, tab == "aliases" {
            context[tabName] = aliasesTab(aliases, typed: typedAlias.typed, error: typedAlias.error)
        } else {
            context[tabName] = await readTab(tab, visit: visit, id: id, metadata: metadata, aliases: aliases)
        }
        return layout(
            visit, title: aliases.first?.0 ?? id, nav: customer ? "customer" : "aws",
            body: ConsoleTemplates.render("key", context), status: status)
    }

    private func readTab(
        _ tab: String, visit: Visit, id: String, metadata: JSONValue, aliases: [(String, String)]
    ) async -> [String: Any] {
        let api = visit.api
        switch tab {
        case "crypto":
            var crypto: [String: Any] = [
                "keyType": KeySummary(keyID: id, metadata: metadata).keyType,
                "spec": metadata["KeySpec"]?.stringValue ?? "", "usage": metadata["KeyUsage"]?.stringValue ?? "",
                "origin": metadata["Origin"]?.stringValue ?? "",
                "encryption": Self.joined(metadata["EncryptionAlgorithms"]),
                "signing": Self.joined(metadata["SigningAlgorithms"]),
                "mac": Self.joined(metadata["MacAlgorithms"]), "agreement": Self.joined(metadata["KeyAgreementAlgorithms"]),
            ]
            if let spec = metadata["KeySpec"]?.stringValue, spec != "SYMMETRIC_DEFAULT", !spec.hasPrefix("HMAC_") {
                switch await api.call("GetPublicKey", ["KeyId": id]) {
                case .success(let answer):
                    crypto["publicKey"] = answer["PublicKey"]?.stringValue.flatMap { Self.pem($0) } ?? false
                case .failure(let error): crypto["publicKey"] = "(\(error.code.rawValue): \(error.message))"
                }
            }
            return crypto
        case "tags":
            return ["tags": await tagRows(api, id)]
        case "rotation":
            return await rotationTab(api, id: id, metadata: metadata)
        case "aliases":
            return aliasesTab(aliases, typed: "")
        case "grants":
            switch await api.listAll("ListGrants", member: "Grants", ["KeyId": id], limit: 100) {
            case .failure(let error): return ["error": ConsoleError.describe(error), "grants": [], "count": 0]
            case .success(let grants):
                return [
                    "count": grants.count,
                    "grants": grants.map { grant -> [String: Any] in
                        [
                            "id": grant["GrantId"]?.stringValue ?? "", "name": grant["Name"]?.stringValue ?? "",
                            "grantee": grant["GranteePrincipal"]?.stringValue ?? "",
                            "retiring": grant["RetiringPrincipal"]?.stringValue ?? "",
                            "operations": grant["Operations"]?.strings.joined(separator: ", ") ?? "",
                            "created": grant["CreationDate"]?.dateText ?? "",
                        ]
                    },
                ]
            }
        case "regionality":
            let configuration = metadata["MultiRegionConfiguration"]
            func describe(_ member: JSONValue?) -> String {
                "\(member?["Region"]?.stringValue ?? ""): \(member?["Arn"]?.stringValue ?? "")"
            }
            return [
                "role": configuration?["MultiRegionKeyType"]?.stringValue ?? "",
                "primary": describe(configuration?["PrimaryKey"]),
                "replicas": configuration?["ReplicaKeys"]?.arrayValue?.map { describe($0) } ?? [],
            ]
        case "use":
            return useTab(metadata: metadata, result: nil)
        case "activity":
            var activity: [String: Any] = ["auditEnabled": configuration.auditLogPath != nil]
            if case .success(let answer) = await api.call("GetKeyLastUsage", ["KeyId": id]) {
                let last = answer["KeyLastUsage"]
                activity["lastUsed"] = last?["Timestamp"]?.dateText ?? false
                activity["lastOperation"] = last?["Operation"]?.stringValue ?? false
                activity["trackingStart"] = answer["TrackingStartDate"]?.dateText ?? false
            }
            if let path = configuration.auditLogPath {
                activity["records"] = AuditReader.latest(path: path, keyID: id, account: api.identity.account.rawValue)
            }
            return activity
        default:
            switch await api.call("GetKeyPolicy", ["KeyId": id, "PolicyName": "default"]) {
            case .success(let answer):
                return ["policy": Self.prettyJSON(answer["Policy"]?.stringValue ?? ""), "editing": visit.query["edit"] == "1"]
            case .failure(let error): return ["policy": "", "error": ConsoleError.describe(error), "editing": false]
            }
        }
    }

    static func joined(_ value: JSONValue?) -> Any {
        let items = value?.strings ?? []
        return items.isEmpty ? false : items.joined(separator: ", ")
    }

    static func pem(_ base64: String) -> String {
        var lines: [String] = ["-----BEGIN PUBLIC KEY-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END PUBLIC KEY-----")
        return lines.joined(separator: "\n") + "\n"
    }

    static func prettyJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    func tagRows(_ api: ConsoleAPI, _ id: String) async -> [[String: Any]] {
        let tags = (try? await api.listAll("ListResourceTags", member: "Tags", ["KeyId": id], limit: 50).get()) ?? []
        return tags.enumerated().map { index, tag in
            ["key": tag["TagKey"]?.stringValue ?? "", "value": tag["TagValue"]?.stringValue ?? "", "index": index]
        }
    }

    func aliasesTab(_ aliases: [(String, String)], typed: String, error: [String: Any]? = nil) -> [String: Any] {
        var tab: [String: Any] = [
            "count": aliases.count, "aliases": aliases.map { ["name": $0.0, "arn": $0.1] }, "typed": typed,
        ]
        if let error { tab["error"] = error }
        return tab
    }

    func rotationTab(_ api: ConsoleAPI, id: String, metadata: JSONValue, error: [String: Any]? = nil) async -> [String: Any] {
        var tab: [String: Any] = [:]
        if let error { tab["error"] = error }
        guard metadata["KeySpec"]?.stringValue == "SYMMETRIC_DEFAULT" else {
            tab["unsupported"] = "Only symmetric encryption keys rotate; this key's spec does not support rotation."
            return tab
        }
        switch await api.call("GetKeyRotationStatus", ["KeyId": id]) {
        case .success(let answer):
            let enabled = answer["KeyRotationEnabled"]?.boolValue == true
            let period = answer["RotationPeriodInDays"]?.numberValue.map { Int($0) }
            tab["enabled"] = enabled
            tab["period"] = period ?? false
            tab["periodOrDefault"] = period ?? 365
            tab["nextRotation"] = answer["NextRotationDate"]?.dateText ?? false
        case .failure(let failure):
            if metadata["Origin"]?.stringValue != "AWS_KMS" {
                tab["unsupported"] =
                    "Keys with imported or external key material do not rotate automatically. (\(failure.message))"
                return tab
            }
            tab["error"] = tab["error"] ?? ConsoleError.describe(failure)
            tab["periodOrDefault"] = 365
        }
        let rotations = (try? await api.listAll("ListKeyRotations", member: "Rotations", ["KeyId": id], limit: 1000).get()) ?? []
        tab["rotations"] = rotations.reversed().map { rotation -> [String: Any] in
            [
                "date": rotation["RotationDate"]?.dateText ?? "", "type": rotation["RotationType"]?.stringValue ?? "",
                "material": rotation["KeyMaterialId"]?.stringValue ?? "",
            ]
        }
        return tab
    }

    func publicKeyFile(_ visit: Visit, keyID: String) async -> Response {
        switch await visit.api.call("GetPublicKey", ["KeyId": keyID]) {
        case .success(let answer):
            var headers = Self.securityHeaders
            headers[.contentType] = "application/x-pem-file"
            headers[.contentDisposition] =
                "attachment; filename=\"\(keyID.filter { $0.isLetter || $0.isNumber || $0 == "-" }).pem\""
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.pem(answer["PublicKey"]?.stringValue ?? ""))))
        case .failure(let error):
            flash(visit, "\(error.message) (\(error.code.rawValue))", success: false)
            return redirect("/console/keys/\(keyID)?tab=crypto")
        }
    }
}
