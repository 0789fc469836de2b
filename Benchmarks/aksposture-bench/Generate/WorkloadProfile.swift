import Foundation

/// The pod template of one controller (or bare pod), drawn once from the seed. The mix of
/// postures is what a large shared cluster tends to look like: most workloads plain, many
/// hardened, a few privileged, host-mounting or carrying credential-looking literals.
struct WorkloadProfile {
    enum SecurityLevel { case none, hardened, privileged, netAdmin }
    enum EnvValue {
        case literal(String)
        case secretKey(secret: String, key: String)
        case configMapKey(configMap: String, key: String)
        case field(String)
    }
    enum VolumeKind {
        case secret(String)
        case configMap(String)
        case csiSecretStore(spc: String)
        case hostPath(path: String, type: String)
        case emptyDir
    }
    struct ContainerProfile {
        var name: String
        var image: String
        var ports: [(name: String, port: Int, hostPort: Int?)]
        var env: [(String, EnvValue)]
        var envFromConfigMaps: [String]
        var envFromSecrets: [String]
        var security: SecurityLevel
        var cpuRequest: String
        var memoryLimit: String
        var mounts: [(name: String, path: String, readOnly: Bool)]
    }

    var namespace: String
    var app: String
    var team: String
    var labels: [(String, String)]
    var podAnnotations: [(String, String)]
    var serviceAccount: String
    var automountToken: Bool?
    var hostNetwork = false
    var hostPID = false
    var podHardened = false
    var system = false
    var priorityClass: String?
    var containers: [ContainerProfile]
    var initContainers: [ContainerProfile]
    var volumes: [(name: String, kind: VolumeKind)]
    /// The kube-api-access projected volume name suffix (random per pod in Kubernetes; per template here).
    var apiAccessSuffix: String
    var workloadIdentity = false

    static func system(_ name: String, namespace: String, seed: UInt64, index: Int, tag: Tag) -> WorkloadProfile {
        var d = Draw(seed, tag, index, 1)
        let image: String
        var security = SecurityLevel.none
        var volumes: [(String, VolumeKind)] = []
        var mounts: [(name: String, path: String, readOnly: Bool)] = []
        var hostNetwork = false
        switch name {
        case "kube-proxy":
            image = "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.2-hotfix.20241120"
            security = .privileged; hostNetwork = true
            volumes = [("kubeconfig", .hostPath(path: "/var/lib/kubelet", type: "")), ("xtables-lock", .hostPath(path: "/run/xtables.lock", type: "FileOrCreate")), ("lib-modules", .hostPath(path: "/lib/modules", type: ""))]
            mounts = [("kubeconfig", "/var/lib/kubelet", true), ("xtables-lock", "/run/xtables.lock", false), ("lib-modules", "/lib/modules", true)]
        case "azure-ip-masq-agent":
            image = "mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.14"
            security = .netAdmin; hostNetwork = true
            volumes = [("azure-ip-masq-agent-config-volume", .configMap("azure-ip-masq-agent-config"))]
            mounts = [("azure-ip-masq-agent-config-volume", "/etc/config", false)]
        case "csi-azuredisk-node", "csi-azurefile-node":
            image = "mcr.microsoft.com/oss/kubernetes-csi/\(name == "csi-azuredisk-node" ? "azuredisk" : "azurefile")-csi:v1.30.5"
            security = .privileged; hostNetwork = true
            volumes = [("socket-dir", .hostPath(path: "/var/lib/kubelet/plugins/\(name)", type: "DirectoryOrCreate")), ("mountpoint-dir", .hostPath(path: "/var/lib/kubelet/", type: "DirectoryOrCreate")), ("device-dir", .hostPath(path: "/dev", type: "Directory"))]
            mounts = [("socket-dir", "/csi", false), ("mountpoint-dir", "/var/lib/kubelet/", false), ("device-dir", "/dev", false)]
        case "cloud-node-manager":
            image = "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.31.1"
            hostNetwork = true
        case "coredns", "coredns-autoscaler":
            image = "mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3-2"
            volumes = [("config-volume", .configMap("coredns"))]
            mounts = [("config-volume", "/etc/coredns", true)]
            security = .hardened
        default:
            image = "mcr.microsoft.com/oss/kubernetes/\(name):v0.7.2"
            security = d.chance(0.5) ? .hardened : .none
        }
        let c = ContainerProfile(name: name, image: image, ports: name == "coredns" ? [("dns", 53, nil), ("metrics", 9153, nil)] : [],
                                 env: [("NODE_NAME", .field("spec.nodeName"))], envFromConfigMaps: [], envFromSecrets: [],
                                 security: security, cpuRequest: "100m", memoryLimit: "\(128 * (1 + d.below(4)))Mi", mounts: mounts)
        return WorkloadProfile(namespace: namespace, app: name, team: "aks", labels: [("k8s-app", name), ("kubernetes.azure.com/managedby", "aks")],
                               podAnnotations: [], serviceAccount: name, automountToken: nil, hostNetwork: hostNetwork,
                               system: true, priorityClass: "system-node-critical", containers: [c], initContainers: [],
                               volumes: volumes, apiAccessSuffix: d.suffix(5))
    }

    static func app(layout l: ClusterLayout, tag: Tag, index: Int, namespace ns: Int, app: String, rollout: Int) -> WorkloadProfile {
        var d = Draw(l.seed, tag, index)
        let nsName = l.namespaceNames[ns]
        let team = String(nsName.split(separator: "-").first ?? "apps")
        var v = Draw(l.seed, tag, index, rollout + 1)
        let tagVersion = "1.\(d.below(40)).\(v.below(200))"
        let image: String
        let r = d.below(100)
        if r < 4 { image = d.pick(["nginx:latest", "busybox", "docker.io/library/redis:7.2", "ghcr.io/example/tool:main"]) }
        else { image = "\(l.acrName).azurecr.io/\(team)/\(app.split(separator: "-").first!):\(tagVersion)" }

        let saCount = l.customSACount[ns]
        let sa = (saCount == 0 || d.chance(0.3)) ? "default" : l.serviceAccountName(namespace: ns, 1 + d.below(saCount))
        let security: SecurityLevel
        switch d.below(100) {
        case 0..<2: security = .privileged
        case 2..<50: security = .hardened
        default: security = .none
        }
        var env: [(String, EnvValue)] = [("ASPNETCORE_URLS", .literal("http://+:8080")), ("LOG_LEVEL", .literal(d.pick(["info", "debug", "warn"]))),
                                         ("POD_NAMESPACE", .field("metadata.namespace"))]
        let secretsHere = l.dealtCount(l.scale.secrets, in: ns)
        var volumes: [(String, VolumeKind)] = []
        var mounts: [(name: String, path: String, readOnly: Bool)] = []
        if secretsHere > 0, d.chance(0.35) {
            let s = l.dealtIndex(d.below(secretsHere), in: ns)
            env.append(("DB_PASSWORD", .secretKey(secret: SecretCatalog.name(l, s), key: "password")))
        }
        if d.chance(0.03) { env.append(("API_TOKEN", .literal("FAKE-bench-token-\(d.hex(8))"))) }
        if d.chance(0.2) { env.append(("FEATURE_FLAGS", .configMapKey(configMap: "\(app)-config", key: "flags"))) }
        var envFromCM: [String] = []
        var envFromSecret: [String] = []
        if d.chance(0.2) { envFromCM.append("\(app)-config") }
        if secretsHere > 0, d.chance(0.08) { envFromSecret.append(SecretCatalog.name(l, l.dealtIndex(d.below(secretsHere), in: ns))) }
        if secretsHere > 0, d.chance(0.2) {
            let s = SecretCatalog.name(l, l.dealtIndex(d.below(secretsHere), in: ns))
            volumes.append(("secret-vol", .secret(s))); mounts.append(("secret-vol", "/etc/secrets", true))
        }
        if d.chance(0.25) { volumes.append(("config", .configMap("\(app)-config"))); mounts.append(("config", "/etc/\(app)", true)) }
        let spcHere = l.dealtCount(l.spcCount, in: ns)
        if spcHere > 0, d.chance(0.3) {
            volumes.append(("secrets-store", .csiSecretStore(spc: "kv-\(team)-\(l.dealtIndex(d.below(spcHere), in: ns))")))
            mounts.append(("secrets-store", "/mnt/secrets-store", true))
        }
        if d.chance(0.03) { volumes.append(("host-logs", .hostPath(path: "/var/log", type: ""))); mounts.append(("host-logs", "/host/var/log", true)) }
        if d.chance(0.3) { volumes.append(("tmp", .emptyDir)); mounts.append(("tmp", "/tmp", false)) }
        let hostPort: Int? = d.chance(0.01) ? 8080 : nil
        var containers = [ContainerProfile(name: app.split(separator: "-").first.map(String.init) ?? app, image: image,
                                           ports: [("http", 8080, hostPort), ("metrics", 9090, nil)], env: env,
                                           envFromConfigMaps: envFromCM, envFromSecrets: envFromSecret, security: security,
                                           cpuRequest: "\(50 * (1 + d.below(8)))m", memoryLimit: "\(256 * (1 + d.below(8)))Mi", mounts: mounts)]
        if d.chance(0.2) {
            containers.append(ContainerProfile(name: "log-forwarder", image: "mcr.microsoft.com/oss/fluent/fluent-bit:3.1.9", ports: [],
                                               env: [("FLUENT_ELASTICSEARCH_HOST", .literal("logs.\(team).svc"))], envFromConfigMaps: [], envFromSecrets: [],
                                               security: .hardened, cpuRequest: "20m", memoryLimit: "64Mi", mounts: [("tmp", "/tmp", false)]))
            if !volumes.contains(where: { $0.0 == "tmp" }) { volumes.append(("tmp", .emptyDir)) }
        }
        var inits: [ContainerProfile] = []
        if d.chance(0.1) {
            inits.append(ContainerProfile(name: "migrate", image: image, ports: [], env: [("MODE", .literal("migrate"))], envFromConfigMaps: [],
                                          envFromSecrets: envFromSecret, security: security, cpuRequest: "50m", memoryLimit: "128Mi", mounts: []))
        }
        var labels: [(String, String)] = [("app", app), ("app.kubernetes.io/name", app), ("app.kubernetes.io/part-of", team)]
        let wi = d.chance(0.15)
        if wi { labels.append(("azure.workload.identity/use", "true")) }
        if d.chance(0.3) { labels.append(("version", "v\(tagVersion)")) }
        var annotations: [(String, String)] = []
        if d.chance(0.4) { annotations += [("prometheus.io/port", "9090"), ("prometheus.io/scrape", "true")] }
        let automount: Bool? = d.chance(0.25) ? false : (d.chance(0.05) ? true : nil)
        return WorkloadProfile(namespace: nsName, app: app, team: team, labels: labels, podAnnotations: annotations,
                               serviceAccount: sa, automountToken: automount, hostNetwork: d.chance(0.005), hostPID: d.chance(0.003),
                               podHardened: security == .hardened, system: false, priorityClass: nil, containers: containers,
                               initContainers: inits, volumes: volumes, apiAccessSuffix: d.suffix(5), workloadIdentity: wi)
    }
}

/// Names and types of the generated Secrets (referenced from pods, so computed the same everywhere).
enum SecretCatalog {
    enum Kind { case opaque, helm, tls, dockerConfig, serviceAccountToken }
    static func kind(_ l: ClusterLayout, _ s: Int) -> Kind {
        var d = Draw(l.seed, .secret, s)
        switch d.below(100) {
        case 0..<40: return .opaque
        case 40..<70: return .helm
        case 70..<85: return .tls
        case 85..<95: return .dockerConfig
        default: return .serviceAccountToken
        }
    }
    static func name(_ l: ClusterLayout, _ s: Int) -> String {
        var d = Draw(l.seed, .secret, s, 7)
        let app = ClusterLayout.apps[d.below(ClusterLayout.apps.count)]
        switch kind(l, s) {
        case .opaque: return "\(app)-\(d.pick(["db-credentials", "api-keys", "settings", "storage-conn"]))-\(s)"
        case .helm: return "sh.helm.release.v1.\(app)-\(s).v\(1 + d.below(12))"
        case .tls: return "\(app)-\(s)-tls"
        case .dockerConfig: return "acr-pull-\(s)"
        case .serviceAccountToken: return "\(app)-sa-token-\(s)"
        }
    }
}
