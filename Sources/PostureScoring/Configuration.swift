import PostureModel

/// A cap on the overall score that applies when every listed check fails.
///
/// Gates exist because a weighted mean hides foundational failures: a cluster with Kubernetes
/// RBAC off can still earn high marks everywhere else, yet anyone who can reach the API server
/// can do anything. A gate keeps such a cluster's overall score at or below `limit`.
public struct ScoreGate: Codable, Sendable, Hashable {
    /// Stable id, used to switch a gate off (`ScoringConfiguration.disabledGates`).
    public var id: String
    public var limit: Double
    public var reason: String
    /// The gate applies when every one of these checks has status `fail`
    /// (partial, unknown, not-applicable and waived never trigger a gate).
    public var failingChecks: [String]
    public init(id: String, limit: Double, reason: String, failingChecks: [String]) {
        self.id = id; self.limit = limit; self.reason = reason; self.failingChecks = failingChecks
    }

    /// The default gates.
    ///
    /// - `rbac-off` (AUTH-03 fail, cap 40): without Kubernetes RBAC every authenticated caller is
    ///   effectively cluster admin; no other control compensates.
    /// - `open-api-local-accounts` (NET-01 fail and AUTH-02 fail, cap 50): an API server reachable
    ///   from the whole internet that still accepts local (certificate) accounts, which bypass
    ///   Entra ID, conditional access and audit by identity.
    /// - `anonymous-rbac` (AUTH-09 fail, cap 50): RBAC granted to `system:anonymous`,
    ///   `system:unauthenticated` or `system:authenticated` nullifies authentication itself
    ///   (with Entra ID, `system:authenticated` is every user of the tenant).
    /// - `unsupported-version` (HARD-08 fail, cap 70): a Kubernetes minor out of AKS support gets
    ///   no security patches for the control plane or the nodes. Only fires when supported
    ///   versions are configured, because HARD-08 is unknown otherwise.
    public static let defaults: [ScoreGate] = [
        ScoreGate(id: "rbac-off", limit: 40, reason: "Kubernetes RBAC off", failingChecks: ["AUTH-03"]),
        ScoreGate(id: "open-api-local-accounts", limit: 50,
                  reason: "public API server with no authorized ranges and local accounts enabled",
                  failingChecks: ["NET-01", "AUTH-02"]),
        ScoreGate(id: "anonymous-rbac", limit: 50,
                  reason: "RBAC granted to anonymous or all authenticated users",
                  failingChecks: ["AUTH-09"]),
        ScoreGate(id: "unsupported-version", limit: 70,
                  reason: "Kubernetes version out of AKS support",
                  failingChecks: ["HARD-08"]),
    ]
}

/// Everything that changes how a snapshot is scored. `fingerprint` identifies it, so stored
/// reports can be told stale after a change.
public struct ScoringConfiguration: Codable, Sendable, Hashable {
    /// Weight per severity in the category score. Defaults: critical 10, high 7, medium 4, low 1, info 0.
    public var severityWeights: [Severity: Double]
    /// Weight per category in the overall score (default 1 each).
    public var categoryWeights: [Category: Double]
    /// Master switch for the gates.
    public var gatesEnabled: Bool
    public var gates: [ScoreGate]
    /// Gate ids to skip while `gatesEnabled` is on.
    public var disabledGates: Set<String>
    /// Namespaces whose objects the Kubernetes checks skip.
    public var systemNamespaces: Set<String>
    /// HARD-14 allow-list: registry hosts (`myacr.azurecr.io`, `*.azurecr.io`) or host/path
    /// prefixes (`docker.io/library`). nil = the cluster's ACR login servers from `acr.json`
    /// plus `mcr.microsoft.com` (HARD-14 is then unknown when `acr.json` was not collected).
    public var approvedRegistries: [String]?
    /// NET-07 allow-list of intended public LoadBalancer services, as `namespace/name`.
    public var allowedPublicLoadBalancers: Set<String>
    /// NET-02: an authorized IPv4 range with a prefix shorter than this is "wide" (partial).
    public var authorizedRangeMinPrefixLength: Int
    /// NET-02 equivalent for IPv6 ranges.
    public var authorizedRangeMinPrefixLengthIPv6: Int
    /// HARD-08: the Kubernetes minors AKS currently supports (`["1.32", "1.33", "1.34"]`), e.g.
    /// from `az aks get-versions`. nil = HARD-08 is unknown: the bundle has no version data and a
    /// table built into the tool would silently go stale.
    public var supportedKubernetesMinors: [String]?
    /// How many affected objects a finding keeps (`Finding.affectedTotal` has the full count).
    public var affectedLimit: Int

    public init(
        severityWeights: [Severity: Double] = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, $0.defaultWeight) }),
        categoryWeights: [Category: Double] = Dictionary(uniqueKeysWithValues: Category.allCases.map { ($0, 1.0) }),
        gatesEnabled: Bool = true,
        gates: [ScoreGate] = ScoreGate.defaults,
        disabledGates: Set<String> = [],
        systemNamespaces: Set<String> = ScoringConfiguration.defaultSystemNamespaces,
        approvedRegistries: [String]? = nil,
        allowedPublicLoadBalancers: Set<String> = [],
        authorizedRangeMinPrefixLength: Int = 16,
        authorizedRangeMinPrefixLengthIPv6: Int = 48,
        supportedKubernetesMinors: [String]? = nil,
        affectedLimit: Int = 200
    ) {
        self.severityWeights = severityWeights; self.categoryWeights = categoryWeights
        self.gatesEnabled = gatesEnabled; self.gates = gates; self.disabledGates = disabledGates
        self.systemNamespaces = systemNamespaces; self.approvedRegistries = approvedRegistries
        self.allowedPublicLoadBalancers = allowedPublicLoadBalancers
        self.authorizedRangeMinPrefixLength = authorizedRangeMinPrefixLength
        self.authorizedRangeMinPrefixLengthIPv6 = authorizedRangeMinPrefixLengthIPv6
        self.supportedKubernetesMinors = supportedKubernetesMinors
        self.affectedLimit = affectedLimit
    }

    public static let `default` = ScoringConfiguration()

    /// The Gatekeeper default exclusions of the Azure Policy Kubernetes definitions, plus the
    /// namespace AKS itself deploys the application-routing add-on into: the operator cannot
    /// change those workloads, so findings there would be noise.
    public static let defaultSystemNamespaces: Set<String> = [
        "kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system",
        "app-routing-system",
    ]

    public func weight(for severity: Severity) -> Double { severityWeights[severity] ?? severity.defaultWeight }
    public func weight(for category: Category) -> Double { categoryWeights[category] ?? 1 }

    /// Gates in force (empty when `gatesEnabled` is off).
    public var activeGates: [ScoreGate] {
        gatesEnabled ? gates.filter { !disabledGates.contains($0.id) } : []
    }

    /// Canonical text of every setting, in a fixed order; the fingerprint hashes it.
    public var canonicalDescription: String {
        var parts: [String] = ["catalog=\(CheckCatalog.version)"]
        parts.append("severity=" + Severity.allCases.map { "\($0.rawValue):\(num(weight(for: $0)))" }.joined(separator: ","))
        parts.append("category=" + Category.allCases.map { "\($0.rawValue):\(num(weight(for: $0)))" }.joined(separator: ","))
        parts.append("gates=" + activeGates.map { "\($0.id):\(num($0.limit)):\($0.failingChecks.joined(separator: "+"))" }.joined(separator: ","))
        parts.append("systemNamespaces=" + systemNamespaces.sorted().joined(separator: ","))
        parts.append("approvedRegistries=" + (approvedRegistries.map { $0.map { $0.lowercased() }.sorted().joined(separator: ",") } ?? "<acr+mcr>"))
        parts.append("publicLB=" + allowedPublicLoadBalancers.sorted().joined(separator: ","))
        parts.append("rangePrefix=\(authorizedRangeMinPrefixLength)/\(authorizedRangeMinPrefixLengthIPv6)")
        parts.append("k8sMinors=" + (supportedKubernetesMinors.map { $0.sorted().joined(separator: ",") } ?? "<none>"))
        parts.append("affectedLimit=\(affectedLimit)")
        return parts.joined(separator: ";")
    }

    /// Stable identifier of this configuration: `cfg-` + 16 hex digits of FNV-1a 64 over
    /// `canonicalDescription`. Equal configurations give equal fingerprints on every platform.
    public var fingerprint: String { "cfg-" + FNV1a.hex(canonicalDescription) }

    private func num(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : String(d)
    }
}

/// FNV-1a 64: a small, platform-independent hash for fingerprints (not for security).
enum FNV1a {
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 }
        return h
    }
    static func hex(_ s: String) -> String {
        let v = String(hash(s), radix: 16)
        return String(repeating: "0", count: 16 - v.count) + v
    }
}
