import Foundation

/// Object counts of a synthetic cluster.
struct ClusterScale: Sendable {
    var name: String
    var namespaces: Int
    var pods: Int
    var serviceAccounts: Int
    var secrets: Int
    var services: Int
    var networkPolicies: Int
    var roleBindings: Int
    var nodePools: Int

    static let S = ClusterScale(name: "S", namespaces: 20, pods: 1_000, serviceAccounts: 100, secrets: 300, services: 100, networkPolicies: 20, roleBindings: 100, nodePools: 3)
    static let M = ClusterScale(name: "M", namespaces: 200, pods: 20_000, serviceAccounts: 2_000, secrets: 6_000, services: 2_000, networkPolicies: 150, roleBindings: 2_000, nodePools: 10)
    static let L = ClusterScale(name: "L", namespaces: 1_000, pods: 100_000, serviceAccounts: 10_000, secrets: 30_000, services: 10_000, networkPolicies: 800, roleBindings: 10_000, nodePools: 30)
    static let XL = ClusterScale(name: "XL", namespaces: 3_000, pods: 250_000, serviceAccounts: 25_000, secrets: 75_000, services: 25_000, networkPolicies: 2_000, roleBindings: 25_000, nodePools: 100)
    /// A few objects of each kind: for history runs with many snapshots (store-size benchmarks).
    static let tiny = ClusterScale(name: "tiny", namespaces: 6, pods: 20, serviceAccounts: 8, secrets: 6, services: 4, networkPolicies: 2, roleBindings: 4, nodePools: 1)

    static func named(_ s: String) -> ClusterScale? {
        switch s.uppercased() {
        case "S": .S
        case "M": .M
        case "L": .L
        case "XL": .XL
        case "TINY": .tiny
        default: nil
        }
    }
}

/// Who owns a run of pods.
enum PodOwner {
    case daemonSet(Int)
    case statefulSet(Int)
    case replicaSet(deployment: Int)
    case none
}

/// Where every object sits: which namespace, which owner, how many replicas. Depends only on
/// the scale and the seed, never on the snapshot, so a history changes objects but not the plan.
struct ClusterLayout {
    let scale: ClusterScale
    let seed: UInt64
    let namespaceNames: [String]
    /// Indices into `namespaceNames` of the namespaces that hold applications.
    let appNamespaces: [Int]
    let kubeSystem = 1
    let nodeNames: [String]
    let poolNames: [String]
    let poolNodeCounts: [Int]

    struct Controller {
        var namespace: Int
        var name: String
        var app: String
        var replicas: Int
        var system: Bool
        /// First global pod index of its pods.
        var firstPod: Int
    }
    let daemonSets: [Controller]
    let statefulSets: [Controller]
    let deployments: [Controller]
    let barePodCount: Int
    let firstBarePod: Int
    let cronJobs: [Controller]
    /// Deployment indices by namespace index.
    let deploymentsByNamespace: [[Int]]
    /// Position of a namespace in `appNamespaces`, nil for the others.
    let appPosition: [Int?]

    /// Custom service accounts per namespace (besides `default`), by namespace index.
    let customSACount: [Int]
    let configMapCount: Int
    let roleCount: Int
    let customClusterRoleCount: Int
    let customClusterRoleBindingCount: Int
    let ingressCount: Int
    let spcCount: Int
    let acrName: String
    let tenantID: String
    let subscriptionID: String
    let resourceGroup: String
    let clusterName: String

    static let teams = ["payments", "checkout", "catalog", "search", "identity", "billing", "ledger", "orders",
                        "shipping", "inventory", "pricing", "reviews", "notify", "media", "analytics", "ml",
                        "platform", "gateway", "reports", "audit", "crm", "loyalty", "fraud", "tax"]
    static let envs = ["prod", "staging", "dev", "qa", "perf"]
    static let apps = ["api", "web", "worker", "frontend", "backend", "scheduler", "consumer", "ingestor",
                       "exporter", "cache", "proxy", "indexer", "renderer", "sync", "auth", "events"]

    init(scale: ClusterScale, seed: UInt64) {
        self.scale = scale
        self.seed = seed
        var d = Draw(seed, .layout, 0)
        clusterName = "aks-bench-\(scale.name.lowercased())-\(d.hex(4))"
        resourceGroup = "rg-bench-\(scale.name.lowercased())"
        subscriptionID = d.uuid()
        tenantID = d.uuid()
        acrName = "benchacr\(d.hex(6))"

        // Namespaces: the system ones AKS creates, then team/environment namespaces.
        var names = ["default", "kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "calico-system"]
        names = Array(names.prefix(max(2, min(names.count, scale.namespaces))))
        var i = 0
        while names.count < scale.namespaces {
            let t = Self.teams[i % Self.teams.count]
            let e = Self.envs[(i / Self.teams.count) % Self.envs.count]
            let round = i / (Self.teams.count * Self.envs.count)
            names.append(round == 0 ? "\(t)-\(e)" : "\(t)-\(e)-\(round)")
            i += 1
        }
        namespaceNames = names
        appNamespaces = names.indices.filter { names[$0] != "kube-public" && names[$0] != "kube-node-lease" && names[$0] != "kube-system" }
        let apps = appNamespaces

        // Nodes: about 40 pods per node, spread over the pools; AKS caps a pool at 1000 nodes.
        let totalNodes = max(scale.nodePools * 2, scale.pods / 40)
        var pools: [String] = []
        var counts: [Int] = []
        for p in 0..<scale.nodePools {
            pools.append(p == 0 ? "system" : (p < 10 ? "user\(p)" : "usr\(p)"))
            counts.append(min(1000, max(1, totalNodes / scale.nodePools + (p < totalNodes % scale.nodePools ? 1 : 0))))
        }
        poolNames = pools
        poolNodeCounts = counts
        var nodes: [String] = []
        for (p, pool) in pools.enumerated() {
            var nd = Draw(seed, .nodePool, p)
            let vmss = String(10_000_000 + nd.below(89_999_999))
            for n in 0..<counts[p] { nodes.append("aks-\(pool)-\(vmss)-vmss\(String(n, radix: 36).leftPadded(6))") }
        }
        nodeNames = nodes

        var podCursor = 0
        // DaemonSets in kube-system: one pod per node, capped so apps keep most of the pods.
        let dsNames = ["kube-proxy", "azure-ip-masq-agent", "csi-azuredisk-node", "csi-azurefile-node", "cloud-node-manager"]
        let perDS = min(nodes.count, scale.pods / 25)
        var ds: [Controller] = []
        for n in dsNames {
            ds.append(Controller(namespace: kubeSystem, name: n, app: n, replicas: perDS, system: true, firstPod: podCursor))
            podCursor += perDS
        }
        daemonSets = ds

        barePodCount = max(1, scale.pods / 100)
        // StatefulSets: one per ten application namespaces, three replicas each.
        var sts: [Controller] = []
        for k in 0..<max(1, apps.count / 10) {
            let ns = apps[(k * 10) % apps.count]
            let kind = ["redis", "postgres", "kafka", "zookeeper", "rabbitmq"][k % 5]
            sts.append(Controller(namespace: ns, name: kind, app: kind, replicas: 3, system: false, firstPod: podCursor))
            podCursor += 3
        }
        statefulSets = sts

        // Deployments take the remaining pods, 1 to 5 replicas each; kube-system's come first.
        var deps: [Controller] = []
        let systemDeps: [(String, Int)] = [("coredns", 2), ("coredns-autoscaler", 1), ("metrics-server", 2),
                                           ("konnectivity-agent", 2), ("azure-policy", 1), ("azure-policy-webhook", 1)]
        let deploymentPods = max(0, scale.pods - podCursor - barePodCount)
        var left = deploymentPods
        for (n, r) in systemDeps where left >= r {
            deps.append(Controller(namespace: kubeSystem, name: n, app: n, replicas: r, system: true, firstPod: podCursor))
            podCursor += r; left -= r
        }
        var k = 0
        while left > 0 {
            var dd = Draw(seed, .deployment, k)
            let r = min(left, 1 + dd.below(5))
            let ns = apps[k % apps.count]
            let app = Self.apps[dd.below(Self.apps.count)]
            deps.append(Controller(namespace: ns, name: "\(app)-\(k)", app: "\(app)-\(k)", replicas: r, system: false, firstPod: podCursor))
            podCursor += r; left -= r; k += 1
        }
        deployments = deps
        var byNS = [[Int]](repeating: [], count: names.count)
        for (i, dep) in deps.enumerated() { byNS[dep.namespace].append(i) }
        deploymentsByNamespace = byNS
        var pos = [Int?](repeating: nil, count: names.count)
        for (a, ni) in apps.enumerated() { pos[ni] = a }
        appPosition = pos
        firstBarePod = podCursor
        var cj: [Controller] = []
        for k in 0..<max(1, apps.count / 5) {
            cj.append(Controller(namespace: apps[(k * 5 + 2) % apps.count], name: ["backup", "report", "cleanup", "rotate-certs"][k % 4] + "-\(k)",
                                 app: "cron-\(k)", replicas: 1, system: false, firstPod: 0))
        }
        cronJobs = cj

        let custom = max(0, scale.serviceAccounts - names.count)
        customSACount = names.indices.map { ni in
            guard let a = apps.firstIndex(of: ni) else { return 0 }
            return custom / apps.count + (a < custom % apps.count ? 1 : 0)
        }
        configMapCount = max(names.count, scale.secrets / 2)
        roleCount = max(1, scale.roleBindings / 2)
        customClusterRoleCount = max(5, scale.roleBindings / 50)
        customClusterRoleBindingCount = max(3, scale.roleBindings / 100)
        ingressCount = max(1, scale.services / 10)
        spcCount = max(2, scale.namespaces / 2)
    }

    var podCount: Int { firstBarePod + barePodCount }

    /// Application namespace of the i-th object dealt round-robin.
    func appNamespace(_ i: Int) -> Int { appNamespaces[i % appNamespaces.count] }

    func serviceAccountName(namespace ns: Int, _ j: Int) -> String {
        j == 0 ? "default" : "\(namespaceNames[ns].split(separator: "-").first!)-sa-\(j)"
    }

    /// Number of objects of a kind dealt round-robin over the application namespaces that land in `ns`.
    func dealtCount(_ total: Int, in ns: Int) -> Int {
        guard let a = appPosition[ns] else { return 0 }
        let n = appNamespaces.count
        return total / n + (a < total % n ? 1 : 0)
    }
    /// Global index of the k-th object dealt into `ns`.
    func dealtIndex(_ k: Int, in ns: Int) -> Int { appPosition[ns]! + k * appNamespaces.count }
}

extension String {
    func leftPadded(_ n: Int, with c: Character = "0") -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}
