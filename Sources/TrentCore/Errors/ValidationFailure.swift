/// One violated constraint, formatted as AWS formats it.
public struct ValidationFailure: Sendable, Equatable {
    /// The value as AWS prints it (already quoted where AWS quotes it), or `null`.
    public let value: String
    /// The member path in AWS's form: lower camel case, `tags.1.member.tagKey`.
    public let path: String
    /// The constraint text after "failed to satisfy constraint: ".
    public let constraint: String

    public init(value: String, path: String, constraint: String) {
        self.value = value
        self.path = path
        self.constraint = constraint
    }

    public static func null(at path: String) -> ValidationFailure {
        ValidationFailure(value: "null", path: path, constraint: "Member must not be null")
    }

    public static func string(_ value: String, at path: String, _ constraint: String) -> ValidationFailure {
        ValidationFailure(value: "'\(value)'", path: path, constraint: constraint)
    }

    public static func number(_ value: Int, at path: String, _ constraint: String) -> ValidationFailure {
        ValidationFailure(value: "'\(value)'", path: path, constraint: constraint)
    }

    /// A failure of a member whose value AWS does not print: blobs, and members the model marks sensitive
    /// (passwords, proxy credentials), which must not reach a message, a log line or an audit record.
    public static func withheld(at path: String, _ constraint: String) -> ValidationFailure {
        ValidationFailure(value: "", path: path, constraint: constraint)
    }

    var sentence: String {
        value.isEmpty
            ? "Value at '\(path)' failed to satisfy constraint: \(constraint)"
            : "Value \(value) at '\(path)' failed to satisfy constraint: \(constraint)"
    }
}

extension KMSError {
    /// AWS's "N validation error(s) detected: …" message, produced in this one place.
    public static func validation(_ failures: [ValidationFailure]) -> KMSError {
        precondition(!failures.isEmpty)
        let count = failures.count
        let noun = count == 1 ? "validation error" : "validation errors"
        let body = failures.map(\.sentence).joined(separator: "; ")
        return KMSError(.validation, "\(count) \(noun) detected: \(body)")
    }

    public static func validation(_ failure: ValidationFailure) -> KMSError { validation([failure]) }

    /// A ValidationException whose text is AWS's own free-form sentence (not a constraint list).
    public static func validation(_ message: String) -> KMSError { KMSError(.validation, message) }
}
