import Foundation
import XCTest

/// Locates the shared real-data corpus: `$AKSPOSTURE_CORPUS`, else `<package root>/../shared/corpus`.
enum Corpus {
    static func root(file: String = #filePath) -> URL? {
        if let env = ProcessInfo.processInfo.environment["AKSPOSTURE_CORPUS"], !env.isEmpty {
            let u = URL(fileURLWithPath: env)
            return FileManager.default.fileExists(atPath: u.path) ? u : nil
        }
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                let c = dir.deletingLastPathComponent().appendingPathComponent("shared/corpus")
                return FileManager.default.fileExists(atPath: c.path) ? c : nil
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Relative paths of corpus files matching a predicate, sorted.
    static func files(in root: URL, where include: (String) -> Bool) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String { if include(p) { out.append(p) } }
        return out.sorted()
    }

    static func isManagedClusterFile(_ p: String) -> Bool {
        let name = (p as NSString).lastPathComponent
        if p.contains("Microsoft.ContainerService/aks/"), name.hasPrefix("ManagedClusters"), name.hasSuffix(".json"),
           !name.contains("Credentials") { return true }
        // kubescape ClusterDescribe inputs wrap an ARM ManagedCluster in `data`.
        return p.hasPrefix("kubescape+regolibrary/") && (name == "aks.json" || name == "ClusterDescribe.json")
    }

    /// Every ManagedCluster body in a corpus file: REST examples (`responses.200|201.body`,
    /// list responses `value[*]`) and kubescape envelopes (`data`). Labels say where each came from.
    static func clusterBodies(in url: URL) throws -> [(label: String, body: [String: Any])] {
        let any = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let doc = any as? [String: Any] else { return [] }
        if let data = doc["data"] as? [String: Any] { return [("data", data)] }
        var out: [(String, [String: Any])] = []
        if let responses = doc["responses"] as? [String: Any] {
            for code in responses.keys.sorted() {
                guard let body = (responses[code] as? [String: Any])?["body"] as? [String: Any] else { continue }
                if let list = body["value"] as? [[String: Any]] {
                    for (i, v) in list.enumerated() { out.append(("responses.\(code).body.value[\(i)]", v)) }
                } else if body["properties"] != nil {
                    out.append(("responses.\(code).body", body))
                }
            }
        }
        return out
    }
}

/// Checkov's ARM checks, re-implemented on the raw ARM body exactly as the catalog (§4.2)
/// describes them, so our verdicts can be compared on the same documents.
enum Checkov {
    static func props(_ b: [String: Any]) -> [String: Any] { b["properties"] as? [String: Any] ?? b }
    static func dig(_ d: [String: Any], _ path: String...) -> Any? {
        var cur: Any? = d
        for p in path { cur = (cur as? [String: Any])?[p] }
        return cur
    }
    static func truthy(_ v: Any?) -> Bool {
        switch v {
        case let b as Bool: return b
        case let s as String: return s.lowercased() == "true"
        case let n as NSNumber: return n.boolValue
        default: return false
        }
    }

    /// CKV_AZURE_5: `enableRBAC` is true.
    static func ckv5(_ b: [String: Any]) -> Bool { truthy(props(b)["enableRBAC"]) }
    /// CKV_AZURE_141: `disableLocalAccounts` is true.
    static func ckv141(_ b: [String: Any]) -> Bool { truthy(props(b)["disableLocalAccounts"]) }
    /// CKV_AZURE_6: non-empty `apiServerAccessProfile.authorizedIPRanges` (or the legacy top-level list).
    static func ckv6(_ b: [String: Any]) -> Bool {
        let p = props(b)
        if let r = dig(p, "apiServerAccessProfile", "authorizedIPRanges") as? [Any], !r.isEmpty { return true }
        if let r = p["apiServerAuthorizedIPRanges"] as? [Any], !r.isEmpty { return true }
        return false
    }
    /// CKV_AZURE_7: `networkProfile.networkPolicy` present and non-empty.
    static func ckv7(_ b: [String: Any]) -> Bool {
        guard let s = dig(props(b), "networkProfile", "networkPolicy") as? String else { return false }
        return !s.isEmpty
    }
    /// CKV_AZURE_8 (ARM): passes only when `addonProfiles.kubeDashboard.enabled` is explicitly false.
    static func ckv8(_ b: [String: Any]) -> Bool {
        guard let v = dig(props(b), "addonProfiles", "kubeDashboard", "enabled") else { return false }
        return !truthy(v)
    }
    /// CKV_AZURE_172: `addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation` is "true".
    static func ckv172(_ b: [String: Any]) -> Bool {
        truthy(dig(props(b), "addonProfiles", "azureKeyvaultSecretsProvider", "config", "enableSecretRotation"))
    }
    /// CKV_AZURE_227: pool [0] has `enableEncryptionAtHost` true.
    static func ckv227(_ b: [String: Any]) -> Bool {
        guard let pools = props(b)["agentPoolProfiles"] as? [[String: Any]], let first = pools.first else { return false }
        return truthy(first["enableEncryptionAtHost"])
    }
    static func poolCount(_ b: [String: Any]) -> Int { (props(b)["agentPoolProfiles"] as? [Any])?.count ?? 0 }
    static func isPrivate(_ b: [String: Any]) -> Bool { truthy(dig(props(b), "apiServerAccessProfile", "enablePrivateCluster")) }
}
