import Foundation
import Hummingbird
import TrentCore

extension Console {
    static let pageSizes = [10, 25, 50, 100]
    static let optionalColumns: [(value: String, label: String)] = [
        ("description", "Description"), ("created", "Creation date"), ("origin", "Origin"), ("regionality", "Regionality"),
    ]
    static let stateFilters: [(value: String, label: String)] = [
        ("", "Any status"), ("Enabled", "Enabled"), ("Disabled", "Disabled"), ("PendingDeletion", "Pending deletion"),
        ("PendingImport", "Pending import"), ("PendingReplicaDeletion", "Pending replica deletion"),
        ("Unavailable", "Unavailable"), ("Creating", "Creating"), ("Updating", "Updating"),
    ]
    static let typeFilters: [(value: String, label: String)] = [
        ("", "Any type"), ("symmetric", "Symmetric encryption"), ("asymmetric", "Asymmetric"), ("hmac", "HMAC"),
    ]
    static let sortColumns: [(value: String, label: String)] = [
        ("aliases", "Aliases"), ("id", "Key ID"), ("status", "Status"), ("type", "Key type"), ("spec", "Key spec"),
        ("usage", "Key usage"),
    ]

    func summaries(_ visit: Visit, needTags: Bool = false) async -> Result<[KeySummary], KMSError> {
        await catalogs.summaries(visit.api, store: gateway.dispatcher.kms.store, needTags: needTags)
    }

    func keysPage(_ visit: Visit, error: [String: Any]? = nil) async -> Response {
        let query = visit.query
        let search = query.text("q")?.lowercased()
        let state = query.text("state")
        let type = query.text("type")
        let sortable = (Self.sortColumns + Self.optionalColumns).map(\.value)
        let sort = sortable.contains(query["sort"] ?? "") ? query["sort"]! : "aliases"
        let descending = query["dir"] == "desc"
        let size = Int(query["size"] ?? "").flatMap { Self.pageSizes.contains($0) ? $0 : nil } ?? 25
        let columns = Set(query.all("col"))
        var context: [String: Any] = ["csrf": visit.session.csrfToken]
        var all: [KeySummary] = []
        switch await summaries(visit, needTags: search != nil) {
        case .success(let summaries): all = summaries.filter(\.isCustomerManaged)
        case .failure(let failure): context["error"] = ConsoleError.describe(failure)
        }
        if let error { context["error"] = error }
        let total = all.count
        var rows = all.filter { summary in
            if let state, summary.state != state { return false }
            if let type, summary.typeFilter != type { return false }
            if let search {
                let haystack =
                    [summary.keyID, summary.description] + summary.aliases
                    + (summary.tags ?? []).flatMap { [$0.key, $0.value, "\($0.key)=\($0.value)", "\($0.key):\($0.value)"] }
                return haystack.contains { $0.lowercased().contains(search) }
            }
            return true
        }
        func sortKey(_ s: KeySummary) -> String {
            switch sort {
            case "id": s.keyID
            case "status": s.state
            case "type": s.keyType
            case "spec": s.spec
            case "usage": s.usage
            case "description": s.description.lowercased()
            case "created": String(format: "%020.6f", s.created)
            case "origin": s.origin
            case "regionality": s.regionality
            default: s.aliases.first.map { "0" + $0.lowercased() } ?? "1"
            }
        }
        // Each row's sort key once, then one sort (ties by key id, so pages are stable).
        var keyed = rows.map { (key: sortKey($0), summary: $0) }
        keyed.sort { a, b in
            if a.key != b.key { return descending ? a.key > b.key : a.key < b.key }
            return a.summary.keyID < b.summary.keyID
        }
        rows = keyed.map(\.summary)
        let pageCount = max(1, (rows.count + size - 1) / size)
        let pageNumber = min(max(1, Int(query["page"] ?? "") ?? 1), pageCount)
        let shown = rows.dropFirst((pageNumber - 1) * size).prefix(size)

        func link(page: Int? = nil, sort newSort: String? = nil, dir: String? = nil) -> String {
            var pairs: [(String, String?)] = [
                ("q", query["q"]), ("state", state), ("type", type), ("size", size == 25 ? nil : String(size)),
                ("sort", newSort ?? sort), ("dir", dir ?? (descending ? "desc" : nil)), ("page", page.map(String.init)),
            ]
            pairs += columns.sorted().map { ("col", $0) }
            let text = FormData.query(pairs)
            return "/console/keys" + (text.isEmpty ? "" : "?" + text)
        }
        context["total"] = total
        context["q"] = query["q"] ?? ""
        context["sort"] = sort
        context["dir"] = descending ? "desc" : "asc"
        context["filtered"] = search != nil || state != nil || type != nil
        context["states"] = Self.stateFilters.map {
            ["value": $0.value, "label": $0.label, "selected": $0.value == (state ?? "")]
        }
        context["types"] = Self.typeFilters.map { ["value": $0.value, "label": $0.label, "selected": $0.value == (type ?? "")] }
        context["sizes"] = Self.pageSizes.map { ["value": $0, "selected": $0 == size] }
        context["optionalColumns"] = Self.optionalColumns.map {
            ["value": $0.value, "label": $0.label, "checked": columns.contains($0.value)]
        }
        let shownColumns = Self.sortColumns + Self.optionalColumns.filter { columns.contains($0.value) }
        let headers: [[String: Any]] = shownColumns.map { column in
            let current = column.value == sort
            return [
                "label": column.label,
                "href": link(sort: column.value, dir: current && !descending ? "desc" : "asc"),
                "sorted": current ? (descending ? "descending" : "ascending") : false,
                "arrow": current ? (descending ? "▼" : "▲") : false,
            ]
        }
        context["headers"] = headers
        context["columnCount"] = headers.count + 1
        context["emptyText"] =
            total == 0 ? "No customer managed keys in this account and Region. Choose Create key." : "No keys match the filters."
        context["keys"] = shown.map { summary -> [String: Any] in
            let href = "/console/keys/\(summary.keyID)"
            return [
                "keyID": summary.keyID, "href": href, "alias": summary.aliases.first ?? false,
                "more": summary.aliases.count > 1 ? summary.aliases.count - 1 : false, "moreHref": href + "?tab=aliases",
                "status": summary.refusal == nil ? Self.stateLabel(summary.state) : "Not authorized to describe",
                "statusClass": Self.stateClass(summary.state), "keyType": summary.keyType, "spec": summary.spec,
                "usage": summary.usage, "description": summary.description,
                "created": summary.created > 0 ? ConsoleFormat.date(Date(timeIntervalSince1970: summary.created)) : "-",
                "origin": summary.origin, "regionality": summary.regionality,
                "showDescription": columns.contains("description"), "showCreated": columns.contains("created"),
                "showOrigin": columns.contains("origin"), "showRegionality": columns.contains("regionality"),
            ]
        }
        let first = rows.isEmpty ? 0 : (pageNumber - 1) * size + 1
        context["pageInfo"] =
            "\(first)–\(first == 0 ? 0 : first + shown.count - 1) of \(rows.count) · page \(pageNumber) of \(pageCount)"
        context["previous"] = pageNumber > 1 ? link(page: pageNumber - 1) : false
        context["next"] = pageNumber < pageCount ? link(page: pageNumber + 1) : false
        return layout(
            visit, title: "Customer managed keys", nav: "customer", body: ConsoleTemplates.render("keys", context))
    }

    static func stateLabel(_ state: String) -> String {
        switch state {
        case "PendingDeletion": "Pending deletion"
        case "PendingImport": "Pending import"
        case "PendingReplicaDeletion": "Pending replica deletion"
        default: state
        }
    }

    static func stateClass(_ state: String) -> String {
        switch state {
        case "Enabled": "enabled"
        case "Disabled": "disabled"
        case "PendingDeletion", "PendingReplicaDeletion": "pending"
        default: "other"
        }
    }

    /// Enable, disable, cancel deletion at once; schedule deletion after a confirmation page.
    func keyActions(_ visit: Visit, _ form: FormData) async -> Response {
        let keys = form.all("key")
        let back = Self.localPath(form["back"]) ?? "/console/keys"
        guard !keys.isEmpty else {
            flash(visit, "Select one or more keys first.", success: false)
            return redirect(back)
        }
        let operation: String
        let verb: String
        switch form["action"] {
        case "enable": (operation, verb) = ("EnableKey", "enabled")
        case "disable": (operation, verb) = ("DisableKey", "disabled")
        case "cancel-deletion": (operation, verb) = ("CancelKeyDeletion", "no longer scheduled for deletion (now Disabled)")
        case "schedule-deletion":
            return await scheduleDeletionPage(visit, keys: keys, days: 30, error: nil)
        default:
            flash(visit, "Choose an action.", success: false)
            return redirect(back)
        }
        var failures: [String] = []
        for key in keys {
            if case .failure(let error) = await visit.api.call(operation, ["KeyId": key]) {
                failures.append("\(key): \(ConsoleError.title(error, .general)) \(error.message) (\(error.code.rawValue))")
            }
        }
        let done = keys.count - failures.count
        if failures.isEmpty {
            flash(visit, "\(done) key(s) \(verb).")
        } else {
            flash(visit, "\(done) of \(keys.count) key(s) \(verb). " + failures.joined(separator: " "), success: false)
        }
        return redirect(back)
    }

    func scheduleDeletionPage(_ visit: Visit, keys: [String], days: Int, error: [String: Any]?) async -> Response {
        let names = (try? await summaries(visit).get()) ?? []
        let byID = Dictionary(names.map { ($0.keyID, $0) }, uniquingKeysWith: { a, _ in a })
        var context: [String: Any] = [
            "csrf": visit.session.csrfToken, "days": days, "count": keys.count,
            "keys": keys.map { id -> [String: Any] in
                let alias = byID[id]?.aliases.first
                return ["keyID": id, "label": alias.map { "\(id) (\($0))" } ?? id]
            },
        ]
        if let error { context["error"] = error }
        return layout(
            visit, title: "Schedule key deletion", nav: "customer",
            body: ConsoleTemplates.render("scheduleDeletion", context), status: error == nil ? .ok : .badRequest)
    }

    func scheduleDeletion(_ visit: Visit, _ form: FormData) async -> Response {
        let keys = form.all("key")
        let days = Int(form["days"] ?? "") ?? 0
        guard form["confirm"] == "yes" else {
            return await scheduleDeletionPage(
                visit, keys: keys, days: days == 0 ? 30 : days,
                error: ConsoleError.local("Confirm the deletion.", "Tick the confirmation box to schedule the deletion."))
        }
        var failures: [String] = []
        var firstError: KMSError?
        var lastDate: String?
        for key in keys {
            switch await visit.api.call("ScheduleKeyDeletion", ["KeyId": key, "PendingWindowInDays": days]) {
            case .success(let answer): lastDate = answer["DeletionDate"]?.dateText
            case .failure(let error):
                firstError = firstError ?? error
                failures.append("\(key): \(error.message) (\(error.code.rawValue))")
            }
        }
        if failures.count == keys.count, let firstError {
            // Nothing was scheduled: ask again, with the API's answer (the waiting period's range, say).
            return await scheduleDeletionPage(
                visit, keys: keys, days: days, error: ConsoleError.describe(firstError))
        }
        let scheduled = keys.count - failures.count
        flash(
            visit,
            "\(scheduled) key(s) scheduled for deletion" + (lastDate.map { " on \($0)" } ?? "") + "."
                + (failures.isEmpty ? "" : " Not scheduled: " + failures.joined(separator: " ")),
            success: failures.isEmpty)
        return redirect(keys.count == 1 ? "/console/keys/\(keys[0])" : "/console/keys")
    }

    func awsKeysPage(_ visit: Visit) async -> Response {
        var context: [String: Any] = [:]
        var keys: [KeySummary] = []
        switch await summaries(visit) {
        case .success(let all): keys = all.filter { !$0.isCustomerManaged }
        case .failure(let error): context["error"] = ConsoleError.describe(error)
        }
        keys.sort { ($0.aliases.first ?? "") < ($1.aliases.first ?? "") }
        context["total"] = keys.count
        context["keys"] = keys.map { key -> [String: Any] in
            [
                "keyID": key.keyID, "href": "/console/keys/\(key.keyID)", "alias": key.aliases.joined(separator: ", "),
                "status": Self.stateLabel(key.state), "statusClass": Self.stateClass(key.state),
                "created": key.created > 0 ? ConsoleFormat.date(Date(timeIntervalSince1970: key.created)) : "-",
            ]
        }
        return layout(visit, title: "AWS managed keys", nav: "aws", body: ConsoleTemplates.render("awsKeys", context))
    }

    func customKeyStoresPage(_ visit: Visit) async -> Response {
        var context: [String: Any] = [:]
        var stores: [[String: Any]] = []
        switch await visit.api.listAll("DescribeCustomKeyStores", member: "CustomKeyStores", limit: 1000) {
        case .success(let all):
            stores = all.map { store in
                [
                    "name": store["CustomKeyStoreName"]?.stringValue ?? "", "id": store["CustomKeyStoreId"]?.stringValue ?? "",
                    "type": store["CustomKeyStoreType"]?.stringValue ?? "AWS_CLOUDHSM",
                    "state": store["ConnectionState"]?.stringValue ?? "", "created": store["CreationDate"]?.dateText ?? "",
                ]
            }
        case .failure(let error): context["error"] = ConsoleError.describe(error)
        }
        context["stores"] = stores
        context["total"] = stores.count
        return layout(
            visit, title: "Custom key stores", nav: "stores", body: ConsoleTemplates.render("customKeyStores", context))
    }
}
