import TrentCore

/// An API error in words a person understands, shown next to the field or action it concerns. The API's own
/// message and error code follow, so nothing is hidden.
enum ConsoleError {
    static func describe(_ error: KMSError, about subject: Subject = .general) -> [String: Any] {
        ["title": title(error, subject), "text": text(error, subject), "code": error.code.rawValue]
    }

    /// A problem the console found before calling the API.
    static func local(_ title: String, _ text: String) -> [String: Any] { ["title": title, "text": text] }

    enum Subject {
        case general, alias, policy, tags
    }

    static func title(_ error: KMSError, _ subject: Subject) -> String {
        switch error.code {
        case .accessDenied: return "You are not allowed to do this."
        case .alreadyExists: return subject == .alias ? "That alias name is already in use." : "It already exists."
        case .notAuthorized:
            return subject == .alias ? "Alias names that begin with aws/ are reserved." : "You are not allowed to do this."
        case .invalidAliasName: return "That alias name is not valid."
        case .validation: return subject == .alias ? "That alias name is not valid." : "A value is not valid."
        case .notFound: return "It was not found."
        case .disabled, .invalidState: return "The key's state does not allow this."
        case .malformedPolicyDocument: return "The key policy was refused."
        case .tag: return "The tags were refused."
        case .limitExceeded: return "A limit was reached."
        default: return "The request failed."
        }
    }

    static func text(_ error: KMSError, _ subject: Subject) -> String {
        var text = error.message
        switch (error.code, subject) {
        case (.alreadyExists, .alias):
            text = "Each alias name can be used once in an account and Region. Choose another name. (\(error.message))"
        case (.notAuthorized, .alias):
            text = "AWS keeps alias/aws/ for AWS managed keys; choose a name that does not begin with aws/. (\(error.message))"
        case (.validation, .alias), (.invalidAliasName, .alias):
            text =
                "Alias names are 1 to 256 characters of letters, numbers, slashes (/), underscores (_) and dashes (-) after alias/. (\(error.message))"
        case (.accessDenied, _):
            text = "The key policy, your IAM policies or a grant does not allow it. (\(error.message))"
        case (.malformedPolicyDocument, _):
            text =
                "Check the JSON and the principals. A policy that would stop you from changing it again is refused too. (\(error.message))"
        default: break
        }
        return text
    }
}
