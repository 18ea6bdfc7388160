import TrentCore

/// The wire shape `Tag`.
struct WireTag: Codable, Sendable {
    var TagKey: String
    var TagValue: String

    init(TagKey: String, TagValue: String) {
        self.TagKey = TagKey
        self.TagValue = TagValue
    }

    init(_ tag: Tag) {
        TagKey = tag.key
        TagValue = tag.value
    }
}

/// AWS's tag rules beyond the model's lengths: the reserved `aws:` prefix, one value per key, 50 tags a key.
enum TagRules {
    static let maximumTags = 50

    /// AWS's tag character set: Unicode letters, digits and separators (spaces), and `_ . : / = + - @`.
    static func isValid(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let p = scalar.properties
            return p.isAlphabetic || p.numericType != nil || p.generalCategory == .spaceSeparator
                || "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    /// Merges `new` into `existing` (a new value replaces an old one) and checks the result.
    static func validate(_ new: [WireTag], existing: [Tag]) throws(KMSError) -> [Tag] {
        var seen = Set<String>()
        for tag in new {
            for (what, text) in [("key", tag.TagKey), ("value", tag.TagValue)] where !isValid(text) {
                throw KMSError(
                    .tag,
                    "Tag \(what) '\(text)' contains invalid characters: tags may contain letters, digits, spaces and _ . : / = + - @"
                )
            }
            if tag.TagKey.lowercased().hasPrefix("aws:") {
                throw KMSError(.tag, "Tags beginning with aws: are reserved")
            }
            if !seen.insert(tag.TagKey).inserted {
                throw KMSError(.tag, "Duplicate tag keys")
            }
        }
        var merged = existing
        for tag in new {
            if let index = merged.firstIndex(where: { $0.key == tag.TagKey }) {
                merged[index].value = tag.TagValue
            } else {
                merged.append(Tag(key: tag.TagKey, value: tag.TagValue))
            }
        }
        if merged.count > maximumTags {
            // AWS answers TagException here (its wording not found in public material; Trent's own words).
            throw KMSError(.tag, "A key can have at most \(maximumTags) tags; this request would give it \(merged.count).")
        }
        return merged
    }
}
