import PostureModel

/// The lowest severity that fails a pipeline (`aksposture score --fail-on high`).
public enum FailThreshold: String, Sendable, CaseIterable, Hashable {
    case critical, high, medium, low

    /// The severities at or above the threshold.
    public var severities: Set<Severity> {
        switch self {
        case .critical: [.critical]
        case .high: [.critical, .high]
        case .medium: [.critical, .high, .medium]
        case .low: [.critical, .high, .medium, .low]
        }
    }

    /// Failing or partially passing findings at or above the threshold, in report order.
    /// Waived, unknown and not-applicable findings never fail a pipeline.
    public func breaches(in report: ScoreReport) -> [Finding] {
        report.findings.filter { ($0.status == .fail || $0.status == .partial) && severities.contains($0.severity) }
    }

    /// Whether the report has a failing or partial finding at or above the threshold.
    public func isBreached(by report: ScoreReport) -> Bool { !breaches(in: report).isEmpty }
}

extension Finding {
    /// `Kind/namespace/name` or `Kind/name`, sanitized.
    var affectedIdentities: [String] {
        affected.map { OutputText.sanitize(AffectedIdentity.path($0)) }
    }
}

enum AffectedIdentity {
    static func path(_ o: AffectedObject) -> String {
        if let ns = o.namespace, !ns.isEmpty { return "\(o.kind)/\(ns)/\(o.name)" }
        return "\(o.kind)/\(o.name)"
    }
}

/// Which bundle file a finding's evidence was read from (for SARIF physical locations).
public enum EvidenceSource {
    private static let azureKinds: [String: SourceKind] = [
        "managedcluster": .cluster, "cluster": .cluster,
        "nodepool": .nodePools, "agentpool": .nodePools,
        "containerregistry": .registries, "registry": .registries,
        "keyvault": .keyVaults, "vault": .keyVaults,
        "privateendpoint": .privateEndpoints,
        "privatednszone": .privateDNSZones,
        "roleassignment": .roleAssignments,
        "diagnosticsetting": .diagnosticSettings,
    ]

    /// Evidence path roots that name a bundle file other than `cluster.json`.
    private static let evidenceRoots: [String: SourceKind] = [
        "nodepools": .nodePools, "registries": .registries, "acr": .registries,
        "keyvaults": .keyVaults, "privateendpoints": .privateEndpoints,
        "privatednszones": .privateDNSZones, "roleassignments": .roleAssignments,
        "diagnosticsettings": .diagnosticSettings, "kubernetes": .kubernetes,
    ]

    /// The source kind: from the first affected object's kind (Azure kinds map to their file,
    /// any other kind is a Kubernetes object), else from the root of the first evidence path,
    /// else the cluster document. Node pools read from `agentPoolProfiles` map to `cluster.json`.
    public static func source(of finding: Finding, in snapshot: Snapshot) -> SourceKind {
        var kind: SourceKind = .cluster
        if let first = finding.affected.first {
            kind = azureKinds[first.kind.lowercased()] ?? .kubernetes
        } else if let path = finding.evidence.first?.path {
            let root = path.prefix { $0.isLetter || $0.isNumber || $0 == "-" }.lowercased()
            kind = evidenceRoots[root.replacingOccurrences(of: "-", with: "")] ?? .cluster
        }
        if kind == .nodePools, snapshot.nodePoolsFromCluster { return .cluster }
        return kind
    }

    public static func fileName(of finding: Finding, in snapshot: Snapshot) -> String {
        source(of: finding, in: snapshot).fileName
    }
}
