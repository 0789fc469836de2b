import Foundation

/// The sources a snapshot bundle can hold, one per bundle file.
public enum SourceKind: String, Codable, Sendable, CaseIterable, Hashable {
    case cluster              // cluster.json           (az aks show)
    case nodePools            // nodepools.json         (az aks nodepool list)
    case registries           // acr.json               (az acr list / show)
    case keyVaults            // keyvaults.json         (az keyvault list / show)
    case privateEndpoints     // private-endpoints.json (az network private-endpoint list)
    case privateDNSZones      // private-dns-zones.json (az network private-dns zone list)
    case roleAssignments      // role-assignments.json  (az role assignment list)
    case diagnosticSettings   // diagnostic-settings.json (az monitor diagnostic-settings list)
    case kubernetes           // kubernetes.json or kubernetes/*.json (kubectl get … -o json)

    /// The file name inside a bundle directory.
    public var fileName: String {
        switch self {
        case .cluster: "cluster.json"
        case .nodePools: "nodepools.json"
        case .registries: "acr.json"
        case .keyVaults: "keyvaults.json"
        case .privateEndpoints: "private-endpoints.json"
        case .privateDNSZones: "private-dns-zones.json"
        case .roleAssignments: "role-assignments.json"
        case .diagnosticSettings: "diagnostic-settings.json"
        case .kubernetes: "kubernetes.json"
        }
    }
}

public struct SourceStatus: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable, Hashable {
        /// The file was present and imported.
        case collected
        /// No file: the source was not collected (checks that need it are unknown).
        case missing
        /// The collector ran the command and it failed (not logged in, forbidden, not installed…).
        case failed
    }
    public var source: SourceKind
    public var state: State
    /// For `failed`: the command's error, one line, already stripped of credentials.
    public var detail: String?
    public init(source: SourceKind, state: State, detail: String? = nil) {
        self.source = source; self.state = state; self.detail = detail
    }
}

/// What the collector recorded in `collected.json`, or what the importer inferred.
public struct CollectionInfo: Codable, Sendable, Hashable {
    /// When the cluster state was read (collected.json `collectedAt`, else the newest file's mtime).
    public var collectedAt: Date
    public var collectorVersion: String?
    /// Tool name → version line (`az`, `kubectl`).
    public var toolVersions: [String: String]
    public var sources: [SourceStatus]
    /// Bytes of raw JSON the importer read for this snapshot (0 when not recorded).
    public var rawBytes: Int = 0
    public init(collectedAt: Date, collectorVersion: String? = nil, toolVersions: [String: String] = [:], sources: [SourceStatus] = [], rawBytes: Int = 0) {
        self.collectedAt = collectedAt; self.collectorVersion = collectorVersion; self.toolVersions = toolVersions; self.sources = sources
        self.rawBytes = rawBytes
    }

    private enum CodingKeys: String, CodingKey { case collectedAt, collectorVersion, toolVersions, sources, rawBytes }

    // Hand-written so values encoded before `rawBytes` existed still decode (as 0).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        collectedAt = try c.decode(Date.self, forKey: .collectedAt)
        collectorVersion = try c.decodeIfPresent(String.self, forKey: .collectorVersion)
        toolVersions = try c.decodeIfPresent([String: String].self, forKey: .toolVersions) ?? [:]
        sources = try c.decodeIfPresent([SourceStatus].self, forKey: .sources) ?? []
        rawBytes = try c.decodeIfPresent(Int.self, forKey: .rawBytes) ?? 0
    }
    public func state(of source: SourceKind) -> SourceStatus.State {
        sources.first { $0.source == source }?.state ?? .missing
    }
}

/// A normalized snapshot of one cluster at one time: everything the scoring and the panes
/// need, and nothing else. Optional collections are nil when their source was not collected.
public struct Snapshot: Codable, Sendable, Hashable {
    public var collection: CollectionInfo
    public var cluster: ManagedCluster
    /// From `nodepools.json`, else `cluster.agentPoolProfiles` (then the source is still `collected`
    /// for the cluster; `nodePoolsFromCluster` says which).
    public var nodePools: [NodePool]
    public var nodePoolsFromCluster: Bool
    public var registries: [ContainerRegistry]?
    public var keyVaults: [KeyVault]?
    public var privateEndpoints: [PrivateEndpoint]?
    public var privateDNSZones: [PrivateDNSZone]?
    public var roleAssignments: [RoleAssignment]?
    public var diagnosticSettings: [DiagnosticSetting]?
    public var kubernetes: KubernetesInventory?

    public init(collection: CollectionInfo, cluster: ManagedCluster) {
        self.collection = collection
        self.cluster = cluster
        self.nodePools = cluster.agentPoolProfiles
        self.nodePoolsFromCluster = true
    }

    /// Stable identity of the cluster across snapshots: the ARM id when known (lower-cased),
    /// else `resourceGroup/name`.
    public var clusterKey: String { ClusterKey.make(cluster) }
}

public enum ClusterKey {
    public static func make(_ c: ManagedCluster) -> String {
        if let id = c.id, !id.isEmpty { return id.lowercased() }
        return "\(c.resourceGroup ?? "-")/\(c.name)".lowercased()
    }
}
