import Foundation
import PostureModel

/// Replaces the names a visitor should not read (namespaces, workloads, service accounts and
/// other RBAC subjects, secrets and the objects around them, identities, IPs, hosts, images)
/// with stable short hashes, before any view model sees the data. Scores, counts, kinds and
/// statuses stay.
///
/// The same name always becomes the same token (`n-3fa9c1`, `ip-…`, `id-…`, `host-…`,
/// `img-…`), in every snapshot and every run with the same key, so operators can still
/// follow one object around, and joins inside a snapshot (a workload's service account,
/// a volume's secret) still hold.
///
/// Names of the platform itself stay readable: the built-in namespaces (`default`,
/// `kube-system`, `kube-public`, `kube-node-lease`) and AKS add-on namespaces with the
/// objects in them, the `default` service account, built-in roles (`cluster-admin`,
/// `admin`, `edit`, `view`, `system:*`). The cluster's own name, resource group and region
/// also stay (a wall screen must say which cluster it shows).
public struct Redactor: Sendable {
    public let key: String
    /// Original text → token, for everything the snapshot names.
    public private(set) var tokens: [String: String] = [:]
    /// Tokens for names holding characters that end a word (spaces, control characters):
    /// replaced as plain substrings before the word pass.
    private var oddNames: [(String, String)] = []

    public static let platformNamespaces: Set<String> = [
        "default", "kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "calico-system",
        "tigera-operator", "app-routing-system", "aks-istio-system", "kube-flannel",
    ]
    public static let builtinNames: Set<String> = [
        "default", "kubernetes", "kube-root-ca.crt", "cluster-admin", "admin", "edit", "view", "kube-dns",
    ]

    public init(key: String = "") { self.key = key }

    public init(snapshot: Snapshot, key: String = "") {
        self.key = key
        collect(snapshot)
    }

    // MARK: tokens

    enum Kind: String { case name = "n", ip = "ip", identity = "id", host = "host", image = "img" }

    /// FNV-1a over key and text, folded to 24 bits: short enough for a column, stable forever.
    static func digest(_ text: String, key: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        h = (h ^ 0x1f) &* 0x100000001b3
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let folded = (h ^ (h >> 24) ^ (h >> 48)) & 0xFFFFFF
        let hex = String(folded, radix: 16)
        return String(repeating: "0", count: 6 - hex.count) + hex
    }

    func token(_ text: String, _ kind: Kind) -> String {
        switch kind {
        case .ip:
            // keep the prefix length: the width of a range is a count, and the panes rate it
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            let v6 = text.contains(":")
            let base = (v6 ? "ip6:" : "ip-") + Self.digest(parts[0], key: key)
            return parts.count == 2 ? base + "/" + parts[1] : base
        default:
            return kind.rawValue + "-" + Self.digest(text, key: key)
        }
    }

    mutating func add(_ text: String?, _ kind: Kind = .name) {
        guard let text, !text.isEmpty, tokens[text] == nil else { return }
        if Self.builtinNames.contains(text) || Self.platformNamespaces.contains(text) || text.hasPrefix("system:") { return }
        if text == "msi" || Self.isPublicAnywhere(text) { return }
        let t = token(text, kind)
        tokens[text] = t
        if text.unicodeScalars.contains(where: { !Self.isWordScalar($0) }) { oddNames.append((text, t)) }
        if kind == .ip, let bare = text.split(separator: "/").first.map(String.init), bare != text, tokens[bare] == nil {
            tokens[bare] = token(bare, .ip)
        }
    }

    private mutating func addMeta(_ m: ObjectMeta, platform: Bool) {
        if !platform { add(m.name) }
        for o in m.ownerReferences where !platform { add(o.name) }
    }

    private mutating func collect(_ s: Snapshot) {
        let c = s.cluster
        add(c.fqdn, .host); add(c.privateFQDN, .host); add(c.subscriptionID, .identity)
        add(c.identityPrincipalID, .identity); add(c.servicePrincipalClientID, .identity)
        for u in c.userAssignedIdentities { add(u.clientID, .identity); add(u.objectID, .identity); add(u.principalID, .identity); add(u.resourceID, .identity) }
        if let k = c.kubeletIdentity { add(k.clientID, .identity); add(k.objectID, .identity); add(k.principalID, .identity); add(k.resourceID, .identity) }
        add(c.oidcIssuerURL, .host)
        if let aad = c.aad {
            for g in aad.adminGroupObjectIDs { add(g, .identity) }
            add(aad.tenantID, .identity); add(aad.clientAppID, .identity); add(aad.serverAppID, .identity)
        }
        for r in c.apiServer.authorizedIPRanges ?? [] { add(r, .ip) }
        add(c.network.podCIDR, .ip); add(c.network.serviceCIDR, .ip)
        for a in c.addons.values { add(a.identityClientID, .identity) }
        add(c.defenderLogAnalyticsWorkspaceID, .identity); add(c.kms?.keyID, .host); add(c.kms?.keyVaultResourceID, .identity)
        add(c.diskEncryptionSetID, .identity); add(c.linuxAdminUsername, .identity); add(c.windowsAdminUsername, .identity)
        for r in s.registries ?? [] { add(r.name); add(r.loginServer, .host); add(r.id, .identity); for p in r.privateEndpointConnections { add(p.name); add(p.privateEndpointID, .identity) } }
        for v in s.keyVaults ?? [] { add(v.name); add(v.vaultURI, .host); add(v.id, .identity); for p in v.privateEndpointConnections { add(p.name); add(p.privateEndpointID, .identity) } }
        for p in s.privateEndpoints ?? [] { add(p.name); add(p.id, .identity); for f in p.customDNSFQDNs { add(f, .host) } }
        for z in s.privateDNSZones ?? [] where !z.name.lowercased().hasPrefix("privatelink.") { add(z.name, .host) }
        for r in s.roleAssignments ?? [] { add(r.principalID, .identity); add(r.principalName, .identity) }
        for d in s.diagnosticSettings ?? [] { add(d.workspaceID, .identity) }
        guard let inv = s.kubernetes else { return }
        func platform(_ ns: String?) -> Bool { ns.map { Self.platformNamespaces.contains($0) } ?? false }
        for n in inv.namespaces { add(n.meta.name) }
        for sa in inv.serviceAccounts {
            let p = platform(sa.meta.namespace)
            addMeta(sa.meta, platform: p)
            add(sa.workloadIdentityClientID, .identity); add(sa.workloadIdentityTenantID, .identity)
            for n in sa.secretNames + sa.imagePullSecretNames where !p { add(n) }
        }
        for w in inv.workloads {
            let p = platform(w.meta.namespace)
            addMeta(w.meta, platform: p)
            if !p { add(w.serviceAccountName) }
            add(w.nodeName)
            for ctr in w.containers {
                add(ctr.image, .image)
                if !p { add(ctr.name); for r in ctr.secretEnv { add(r.secretName) } }
            }
            for v in w.volumes where !p {
                add(v.secretName); add(v.configMapName); add(v.secretProviderClass)
                for n in v.projectedSecretNames { add(n) }
            }
        }
        for svc in inv.services {
            addMeta(svc.meta, platform: platform(svc.meta.namespace))
            add(svc.clusterIP, .ip)
            for ip in svc.externalIPs + svc.loadBalancerIngress { add(ip, Self.looksLikeIP(ip) ? .ip : .host) }
            for r in svc.loadBalancerSourceRanges { add(r, .ip) }
        }
        for ing in inv.ingresses {
            addMeta(ing.meta, platform: platform(ing.meta.namespace))
            for h in ing.ruleHosts + ing.tlsHosts { add(h, .host) }
            for n in ing.tlsSecretNames { add(n) }
            for ip in ing.loadBalancerIngress { add(ip, Self.looksLikeIP(ip) ? .ip : .host) }
        }
        for np in inv.networkPolicies { addMeta(np.meta, platform: platform(np.meta.namespace)) }
        for r in inv.roles where !r.isBootstrapDefault { addMeta(r.meta, platform: platform(r.meta.namespace)) }
        for b in inv.bindings {
            if !b.isBootstrapDefault { addMeta(b.meta, platform: platform(b.meta.namespace)) }
            add(b.roleRefName)
            for subj in b.subjects {
                if subj.kind == "ServiceAccount" {
                    if !platform(subj.namespace ?? b.meta.namespace) { add(subj.name) }
                } else {
                    add(subj.name, .identity)
                }
            }
        }
        for sec in inv.secrets { addMeta(sec.meta, platform: platform(sec.meta.namespace)) }
        for cm in inv.configMaps { addMeta(cm.meta, platform: platform(cm.meta.namespace)) }
        for spc in inv.secretProviderClasses {
            addMeta(spc.meta, platform: platform(spc.meta.namespace))
            add(spc.keyvaultName); add(spc.tenantID, .identity); add(spc.clientID, .identity)
            for n in spc.objectNames + spc.syncedSecretNames { add(n) }
        }
    }

    // MARK: text

    static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", ":", "/", "@": return true
        default: return false
        }
    }

    static func isPublicAnywhere(_ s: String) -> Bool { s == "0.0.0.0/0" || s == "0.0.0.0" || s == "::/0" || s == "*" }

    static func looksLikeIP(_ s: String) -> Bool {
        let base = s.split(separator: "/", maxSplits: 1).first.map(String.init) ?? s
        let parts = base.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }) { return true }
        let groups = base.split(separator: ":", omittingEmptySubsequences: false)
        guard groups.count >= 3, groups.count <= 8, groups.allSatisfy({ $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return false }
        return groups.count == 8 || base.contains("::")
    }

    static func looksLikeGUID(_ s: String) -> Bool {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        return p.count == 5 && zip(p, [8, 4, 4, 4, 12]).allSatisfy { $0.count == $1 && $0.allSatisfy(\.isHexDigit) }
    }

    /// Free text (a finding's summary, an evidence value, an annotation): every word that is a
    /// known name, an IP or a GUID becomes its token. Words are runs of `[A-Za-z0-9._:/@-]`;
    /// a word that is not known is tried again split at `/`, `@`, `:` and `.`, so
    /// `system:serviceaccount:ns:name`, `ns/name` and `name.ns.svc` are covered too.
    public func text(_ s: String) -> String {
        if s.isEmpty { return s }
        var input = s
        for (name, t) in oddNames where input.contains(name) { input = input.replacingOccurrences(of: name, with: t) }
        var out = String.UnicodeScalarView()
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty { out.append(contentsOf: redactWord(String(word)).unicodeScalars); word = String.UnicodeScalarView() }
        }
        for u in input.unicodeScalars {
            if Self.isWordScalar(u) { word.append(u) } else { flush(); out.append(u) }
        }
        flush()
        return String(out)
    }

    func redactWord(_ w: String) -> String {
        if let t = tokens[w] { return t }
        if Self.isPublicAnywhere(w) { return w }
        if Self.looksLikeIP(w) { return token(w, .ip) }
        if Self.looksLikeGUID(w) { return token(w.lowercased(), .identity) }
        if let last = w.unicodeScalars.last, last == "." || last == ":" || last == "/" {
            return redactWord(String(w.dropLast())) + String(last)
        }
        for sep: Character in ["/", "@", ":", "."] where w.contains(sep) {
            let parts = w.split(separator: sep, omittingEmptySubsequences: false).map(String.init)
            if parts.count > 1 { return parts.map(redactWord).joined(separator: String(sep)) }
        }
        return w
    }

    // MARK: values

    /// Every string of the value passed through `text`, structure and non-string values
    /// untouched. Works on the Codable form, so a field added to the model later is covered.
    func redactValue<T: Codable>(_ value: T) throws -> T {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(value)
        let rewritten = JSONStrings.mapValues(Array(data)) { text($0) }
        return try JSONDecoder().decode(T.self, from: Data(rewritten))
    }

    public func redact(_ snapshot: Snapshot) throws -> Snapshot {
        var s = try redactValue(snapshot)
        // the cluster's identity stays readable (see the type's documentation)
        s.cluster.name = snapshot.cluster.name
        s.cluster.resourceGroup = snapshot.cluster.resourceGroup
        s.cluster.location = snapshot.cluster.location
        s.cluster.id = snapshot.cluster.id.map(text)
        return s
    }

    public func redact(_ report: ScoreReport) throws -> ScoreReport { try redactValue(report) }
}

/// Rewrites the string values (not the keys) of compact JSON text.
enum JSONStrings {
    static func mapValues(_ bytes: [UInt8], _ transform: (String) -> String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == UInt8(ascii: "\"") else { out.append(b); i += 1; continue }
            // find the end of the literal
            var j = i + 1
            while j < bytes.count && bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
            let literal = Array(bytes[i...min(j, bytes.count - 1)])
            var k = j + 1
            while k < bytes.count && (bytes[k] == 0x20 || bytes[k] == 0x0A) { k += 1 }
            let isKey = k < bytes.count && bytes[k] == UInt8(ascii: ":")
            if !isKey, let s = decode(literal) {
                let t = transform(s)
                if t == s { out += literal } else { out += Array(JSONOut.quote(t).utf8) }
            } else {
                out += literal
            }
            i = j + 1
        }
        return out
    }

    /// The string a JSON literal (quotes included) stands for; nil when malformed.
    static func decode(_ literal: [UInt8]) -> String? {
        guard literal.count >= 2 else { return nil }
        let body = literal[1..<(literal.count - 1)]
        if !body.contains(UInt8(ascii: "\\")) { return String(decoding: body, as: UTF8.self) }
        var bytes: [UInt8] = []
        var units: [UInt16] = []
        func flushUnits() {
            if !units.isEmpty { bytes += Array(String(decoding: units, as: UTF16.self).utf8); units = [] }
        }
        var i = body.startIndex
        while i < body.endIndex {
            let b = body[i]
            guard b == UInt8(ascii: "\\") else { flushUnits(); bytes.append(b); i += 1; continue }
            guard i + 1 < body.endIndex else { return nil }
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "u"):
                guard i + 4 <= body.endIndex, let v = UInt16(String(decoding: body[i..<(i + 4)], as: UTF8.self), radix: 16) else { return nil }
                units.append(v); i += 4
                continue
            case UInt8(ascii: "n"): flushUnits(); bytes.append(0x0A)
            case UInt8(ascii: "t"): flushUnits(); bytes.append(0x09)
            case UInt8(ascii: "r"): flushUnits(); bytes.append(0x0D)
            case UInt8(ascii: "b"): flushUnits(); bytes.append(0x08)
            case UInt8(ascii: "f"): flushUnits(); bytes.append(0x0C)
            default: flushUnits(); bytes.append(e)
            }
        }
        flushUnits()
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A reader that redacts every snapshot and report before the views see them. Redactors are
/// kept for the few most recent snapshots only, so a kiosk's memory stays flat.
public final class RedactingReader: PostureReader {
    public let base: PostureReader
    public let key: String
    private var cache: [(id: Int64, redactor: Redactor, snapshot: Snapshot)] = []
    private static let cacheSize = 4

    public init(_ base: PostureReader, key: String = "") { self.base = base; self.key = key }

    public func clusters() throws -> [ClusterSummary] { try base.clusters() }
    public func snapshots(clusterID: Int64) throws -> [SnapshotSummary] { try base.snapshots(clusterID: clusterID) }
    public func changeToken() throws -> Int64 { try base.changeToken() }

    public func snapshot(id: Int64) throws -> Snapshot { try entry(id).snapshot }

    public func report(snapshotID: Int64) throws -> ScoreReport? {
        guard let r = try base.report(snapshotID: snapshotID) else { return nil }
        return try entry(snapshotID).redactor.redact(r)
    }

    private func entry(_ id: Int64) throws -> (id: Int64, redactor: Redactor, snapshot: Snapshot) {
        if let i = cache.firstIndex(where: { $0.id == id }) {
            let e = cache.remove(at: i)
            cache.append(e)
            return e
        }
        let raw = try base.snapshot(id: id)
        let r = Redactor(snapshot: raw, key: key)
        let e = (id, r, try r.redact(raw))
        cache.append(e)
        if cache.count > Self.cacheSize { cache.removeFirst() }
        return e
    }
}
