/// Decides, at import time, whether a literal looks like a credential, so the value itself
/// never has to be stored to flag it later.
enum CredentialHeuristics {
    /// Fragments of a normalized name (lower case, without `_`, `-`, `.`) that mark a credential.
    private static let nameFragments = [
        "password", "passwd", "pwd", "secret", "token", "apikey", "accesskey", "privatekey",
        "connectionstring", "credential",
    ]

    static func nameLooksLikeCredential(_ name: String) -> Bool {
        var normalized = ""
        normalized.reserveCapacity(name.utf8.count)
        for ch in name.lowercased() where ch != "_" && ch != "-" && ch != "." { normalized.append(ch) }
        return nameFragments.contains { normalized.contains($0) }
    }

    static func valueLooksLikeCredential(_ value: String) -> Bool {
        if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") { return true }
        let lower = value.lowercased()
        return lower.contains("accountkey=") || lower.contains("password=")
    }

    /// A credential-like name with a non-empty value, or a value that looks like a credential.
    static func isCredentialLike(name: String, value: String) -> Bool {
        (!value.isEmpty && nameLooksLikeCredential(name)) || valueLooksLikeCredential(value)
    }
}
