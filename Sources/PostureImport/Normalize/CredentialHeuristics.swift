import Foundation

/// Decides, at import time, whether a literal looks like a credential, so the value itself
/// never has to be stored to flag it later.
///
/// Works on UTF-8 bytes: it runs for every env var and ConfigMap entry of a large cluster, and
/// Foundation's `contains` is far slower than a byte scan.
enum CredentialHeuristics {
    /// Fragments of a normalized name (ASCII lower case, without `_`, `-`, `.`) that mark a credential.
    private static let nameFragments: [[UInt8]] = [
        "password", "passwd", "pwd", "secret", "token", "apikey", "accesskey", "privatekey",
        "connectionstring", "credential",
    ].map { Array($0.utf8) }

    private static let begin = Array("-----BEGIN".utf8)
    private static let privateKey = Array("PRIVATE KEY".utf8)
    private static let accountKey = Array("accountkey=".utf8)
    private static let passwordAssignment = Array("password=".utf8)

    static func nameLooksLikeCredential(_ name: String) -> Bool {
        var normalized: [UInt8] = []
        normalized.reserveCapacity(name.utf8.count)
        for b in name.utf8 where b != UInt8(ascii: "_") && b != UInt8(ascii: "-") && b != UInt8(ascii: ".") {
            normalized.append(b &- 65 < 26 ? b | 0x20 : b)
        }
        return normalized.withUnsafeBufferPointer { n in
            nameFragments.contains { contains(n, $0, caseInsensitive: false) }
        }
    }

    /// What `aksposture collect` writes in place of a value it flagged (see `KubernetesScrubber`),
    /// so importing its bundle flags the same keys as importing kubectl's own output.
    static let redactedCredential = "<credential-like value removed by aksposture collect>"

    static func valueLooksLikeCredential(_ value: String) -> Bool {
        if value == redactedCredential { return true }
        var value = value
        return value.withUTF8 { v in
            (contains(v, begin, caseInsensitive: false) && contains(v, privateKey, caseInsensitive: false))
                || contains(v, accountKey, caseInsensitive: true)
                || contains(v, passwordAssignment, caseInsensitive: true)
        }
    }

    /// A credential-like name with a value that could be one, or a value that looks like a credential.
    static func isCredentialLike(name: String, value: String) -> Bool {
        (nameLooksLikeCredential(name) && valueCouldBeCredential(name: name, value: value)) || valueLooksLikeCredential(value)
    }

    /// Name suffixes of settings *about* a credential (where it is, whether it may be empty),
    /// e.g. `POSTGRES_PASSWORD_FILE`, `AZURE_FEDERATED_TOKEN_FILE`, `ALLOW_EMPTY_PASSWORD`.
    private static let settingSuffixes = ["file", "path", "dir", "enabled", "disabled", "length", "ttl", "expiry", "expiration", "audience", "url", "endpoint"]
    private static let flagValues: Set<String> = ["yes", "no", "true", "false", "on", "off", "0", "1", "none", "null", "enabled", "disabled"]

    /// Flags, file paths and settings about credentials are not credentials; anything else
    /// non-empty under a credential-like name is.
    private static func valueCouldBeCredential(name: String, value: String) -> Bool {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v.isEmpty || flagValues.contains(v.lowercased()) || v.hasPrefix("/") { return false }
        let n = name.lowercased()
        if n.hasPrefix("allow") || n.hasPrefix("enable") || n.hasPrefix("disable") { return false }
        return !settingSuffixes.contains { n.hasSuffix($0) }
    }

    /// Whether `haystack` contains `needle`; with `caseInsensitive`, `needle` must be lower case ASCII.
    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], caseInsensitive: Bool) -> Bool {
        let n = needle.count
        guard n > 0, haystack.count >= n else { return n == 0 }
        let first = needle[0]
        var i = 0
        let last = haystack.count - n
        while i <= last {
            var b = haystack[i]
            if caseInsensitive && b &- 65 < 26 { b |= 0x20 }
            if b == first {
                var j = 1
                while j < n {
                    var c = haystack[i + j]
                    if caseInsensitive && c &- 65 < 26 { c |= 0x20 }
                    if c != needle[j] { break }
                    j += 1
                }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }
}
