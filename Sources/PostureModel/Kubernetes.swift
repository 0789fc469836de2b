// Normalized Kubernetes objects: the metadata and spec fields the checks and panes need.
//
// Values are never kept: Secrets keep their key names, ConfigMaps their key names,
// environment variables with literal values keep only the variable name. The importer
// drops `kubectl.kubernetes.io/last-applied-configuration` everywhere, because that
// annotation repeats the whole object, secret data included.

/// Identifies one Kubernetes object. `namespace` is nil for cluster-scoped kinds.
public struct KubeRef: Codable, Sendable, Hashable, Comparable {
    public var kind: String
    public var namespace: String?
    public var name: String
    public init(kind: String, namespace: String?, name: String) {
        self.kind = kind; self.namespace = namespace; self.name = name
    }
    public static func < (a: KubeRef, b: KubeRef) -> Bool {
        (a.kind, a.namespace ?? "", a.name) < (b.kind, b.namespace ?? "", b.name)
    }
    /// `kind/namespace/name` or `kind/name`.
    public var path: String { namespace.map { "\(kind)/\($0)/\(name)" } ?? "\(kind)/\(name)" }
}

public struct OwnerRef: Codable, Sendable, Hashable {
    public var kind: String
    public var name: String
    public var controller: Bool
    public init(kind: String, name: String, controller: Bool) { self.kind = kind; self.name = name; self.controller = controller }
}

/// Metadata common to every object.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var uid: String?
    /// RFC 3339 `creationTimestamp` as printed by kubectl.
    public var creationTimestamp: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var ownerReferences: [OwnerRef]
    public init(name: String, namespace: String? = nil) {
        self.name = name; self.namespace = namespace; labels = [:]; annotations = [:]; ownerReferences = []
    }
    public var controllerOwner: OwnerRef? { ownerReferences.first { $0.controller } }
}

public struct KubeNamespace: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    public var phase: String?
    public init(meta: ObjectMeta) { self.meta = meta }
}

public struct ServiceAccount: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    /// nil when the field is absent (Kubernetes then defaults to mounting the token).
    public var automountServiceAccountToken: Bool?
    /// `azure.workload.identity/client-id` annotation.
    public var workloadIdentityClientID: String? { meta.annotations["azure.workload.identity/client-id"] }
    public var workloadIdentityTenantID: String? { meta.annotations["azure.workload.identity/tenant-id"] }
    public var secretNames: [String]
    public var imagePullSecretNames: [String]
    public init(meta: ObjectMeta) { self.meta = meta; secretNames = []; imagePullSecretNames = [] }
}

public struct Volume: Codable, Sendable, Hashable {
    public enum Source: String, Codable, Sendable, Hashable {
        case hostPath, secret, configMap, csi, projected, emptyDir, persistentVolumeClaim, downwardAPI, other
    }
    public var name: String
    public var source: Source
    public var hostPath: String?
    public var secretName: String?
    public var configMapName: String?
    public var csiDriver: String?
    /// `csi.volumeAttributes.secretProviderClass` for the Secrets Store CSI driver.
    public var secretProviderClass: String?
    /// Secret names referenced by a projected volume.
    public var projectedSecretNames: [String]
    /// Whether a projected volume carries a service-account token.
    public var projectsServiceAccountToken: Bool
    public init(name: String, source: Source) {
        self.name = name; self.source = source; projectedSecretNames = []; projectsServiceAccountToken = false
    }
}

public struct ContainerPort: Codable, Sendable, Hashable {
    public var name: String?
    public var containerPort: Int?
    public var hostPort: Int?
    public var `protocol`: String?
    public init(name: String? = nil, containerPort: Int? = nil, hostPort: Int? = nil, protocol: String? = nil) {
        self.name = name; self.containerPort = containerPort; self.hostPort = hostPort; self.protocol = `protocol`
    }
}

/// An environment variable that reads a Secret (`env[*].valueFrom.secretKeyRef` or `envFrom[*].secretRef`).
public struct SecretEnvRef: Codable, Sendable, Hashable {
    /// nil for `envFrom` (every key of the Secret becomes a variable).
    public var variable: String?
    public var secretName: String
    public var key: String?
    public init(variable: String?, secretName: String, key: String?) {
        self.variable = variable; self.secretName = secretName; self.key = key
    }
}

public struct Container: Codable, Sendable, Hashable {
    public var name: String
    public var image: String
    public var isInit: Bool
    public var privileged: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var runAsNonRoot: Bool?
    public var runAsUser: Int?
    public var readOnlyRootFilesystem: Bool?
    public var addedCapabilities: [String]
    public var ports: [ContainerPort]
    public var secretEnv: [SecretEnvRef]
    /// Names of variables set from a literal `value` (the value itself is dropped).
    public var literalEnvNames: [String]
    /// Names of literal variables whose name looks like a credential (PASSWORD, TOKEN, SECRET, KEY, …)
    /// and whose literal value was non-empty. Computed at import so the value never needs to be kept.
    public var credentialLikeEnvNames: [String]
    public var configMapEnvNames: [String]
    public init(name: String, image: String, isInit: Bool = false) {
        self.name = name; self.image = image; self.isInit = isInit
        addedCapabilities = []; ports = []; secretEnv = []; literalEnvNames = []; credentialLikeEnvNames = []; configMapEnvNames = []
    }
}

/// Anything that runs pods: a Pod, or a controller with a pod template
/// (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController).
public struct Workload: Codable, Sendable, Hashable {
    public var kind: String
    public var meta: ObjectMeta
    public var replicas: Int?
    /// Labels of the pod (for a Pod) or of the pod template (for a controller).
    public var podLabels: [String: String]
    public var podAnnotations: [String: String]
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    public var hostNetwork: Bool
    public var hostPID: Bool
    public var hostIPC: Bool
    public var podRunAsNonRoot: Bool?
    public var podRunAsUser: Int?
    public var volumes: [Volume]
    public var containers: [Container]
    /// `status.phase` for pods.
    public var phase: String?
    public var nodeName: String?
    public init(kind: String, meta: ObjectMeta) {
        self.kind = kind; self.meta = meta; podLabels = [:]; podAnnotations = [:]
        hostNetwork = false; hostPID = false; hostIPC = false; volumes = []; containers = []
    }
    public var ref: KubeRef { KubeRef(kind: kind, namespace: meta.namespace, name: meta.name) }
    /// The service account the pods run as (`default` when unset).
    public var effectiveServiceAccountName: String {
        guard let n = serviceAccountName, !n.isEmpty else { return "default" }
        return n
    }
}

public struct ServicePort: Codable, Sendable, Hashable {
    public var name: String?
    public var port: Int?
    public var targetPort: String?
    public var nodePort: Int?
    public var `protocol`: String?
    public init(name: String? = nil, port: Int? = nil, targetPort: String? = nil, nodePort: Int? = nil, protocol: String? = nil) {
        self.name = name; self.port = port; self.targetPort = targetPort; self.nodePort = nodePort; self.protocol = `protocol`
    }
}

public struct KubeService: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
    public var type: String
    public var clusterIP: String?
    public var externalIPs: [String]
    /// `status.loadBalancer.ingress[*].ip` or `.hostname`.
    public var loadBalancerIngress: [String]
    public var loadBalancerSourceRanges: [String]
    public var ports: [ServicePort]
    public var selector: [String: String]
    public init(meta: ObjectMeta, type: String) {
        self.meta = meta; self.type = type; externalIPs = []; loadBalancerIngress = []; loadBalancerSourceRanges = []; ports = []; selector = [:]
    }
    /// `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`.
    public var isInternalLoadBalancer: Bool {
        meta.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"]?.lowercased() == "true"
    }
}

public struct Ingress: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    public var ingressClassName: String?
    /// Hosts of `spec.rules[*].host` (empty string for a rule without a host).
    public var ruleHosts: [String]
    /// Hosts covered by `spec.tls[*].hosts`.
    public var tlsHosts: [String]
    public var tlsSecretNames: [String]
    public var hasTLS: Bool
    public var loadBalancerIngress: [String]
    public init(meta: ObjectMeta) { self.meta = meta; ruleHosts = []; tlsHosts = []; tlsSecretNames = []; hasTLS = false; loadBalancerIngress = [] }
}

public struct NetworkPolicy: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    /// `spec.podSelector` selects every pod of the namespace (`{}`).
    public var selectsAllPods: Bool
    public var podSelector: [String: String]
    /// `spec.policyTypes` (Kubernetes defaults: Ingress, plus Egress when egress rules exist).
    public var policyTypes: [String]
    public var ingressRuleCount: Int
    public var egressRuleCount: Int
    /// Some ingress rule is `{}` (allows from everywhere).
    public var allowsAllIngress: Bool
    public var allowsAllEgress: Bool
    public init(meta: ObjectMeta) {
        self.meta = meta; selectsAllPods = false; podSelector = [:]; policyTypes = []
        ingressRuleCount = 0; egressRuleCount = 0; allowsAllIngress = false; allowsAllEgress = false
    }
}

public struct PolicyRule: Codable, Sendable, Hashable {
    public var apiGroups: [String]
    public var resources: [String]
    public var verbs: [String]
    public var resourceNames: [String]
    public var nonResourceURLs: [String]
    public init(apiGroups: [String] = [], resources: [String] = [], verbs: [String] = [], resourceNames: [String] = [], nonResourceURLs: [String] = []) {
        self.apiGroups = apiGroups; self.resources = resources; self.verbs = verbs; self.resourceNames = resourceNames; self.nonResourceURLs = nonResourceURLs
    }
}

/// A Role (namespaced) or ClusterRole (`namespace == nil`).
public struct RBACRole: Codable, Sendable, Hashable {
    /// `Role` or `ClusterRole`.
    public var kind: String
    public var meta: ObjectMeta
    public var rules: [PolicyRule]
    /// ClusterRole `aggregationRule` present.
    public var isAggregated: Bool
    public init(kind: String, meta: ObjectMeta) { self.kind = kind; self.meta = meta; rules = []; isAggregated = false }
    public var ref: KubeRef { KubeRef(kind: kind, namespace: meta.namespace, name: meta.name) }
    /// `kubernetes.io/bootstrapping: rbac-defaults` marks the built-in roles.
    public var isBootstrapDefault: Bool { meta.labels["kubernetes.io/bootstrapping"] == "rbac-defaults" }
}

public struct RBACSubject: Codable, Sendable, Hashable {
    /// `User`, `Group` or `ServiceAccount`.
    public var kind: String
    public var name: String
    public var namespace: String?
    public init(kind: String, name: String, namespace: String? = nil) { self.kind = kind; self.name = name; self.namespace = namespace }
}

/// A RoleBinding (namespaced) or ClusterRoleBinding (`namespace == nil`).
public struct RBACBinding: Codable, Sendable, Hashable {
    /// `RoleBinding` or `ClusterRoleBinding`.
    public var kind: String
    public var meta: ObjectMeta
    /// `Role` or `ClusterRole`.
    public var roleRefKind: String
    public var roleRefName: String
    public var subjects: [RBACSubject]
    public init(kind: String, meta: ObjectMeta, roleRefKind: String, roleRefName: String) {
        self.kind = kind; self.meta = meta; self.roleRefKind = roleRefKind; self.roleRefName = roleRefName; subjects = []
    }
    public var ref: KubeRef { KubeRef(kind: kind, namespace: meta.namespace, name: meta.name) }
    public var isBootstrapDefault: Bool { meta.labels["kubernetes.io/bootstrapping"] == "rbac-defaults" }
}

/// Secret metadata. `data`/`stringData` never reach this type.
public struct SecretMeta: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    public var type: String
    public var keys: [String]
    public var immutable: Bool?
    public init(meta: ObjectMeta, type: String) { self.meta = meta; self.type = type; keys = [] }
    public var ref: KubeRef { KubeRef(kind: "Secret", namespace: meta.namespace, name: meta.name) }
}

/// ConfigMap metadata; the values are dropped at import.
public struct ConfigMapMeta: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    public var keys: [String]
    /// Keys whose name looks like a credential and whose value was non-empty, or whose value
    /// looked like a credential (a private-key block, a connection string with a password).
    /// Computed at import so the value never needs to be kept.
    public var credentialLikeKeys: [String]
    public init(meta: ObjectMeta) { self.meta = meta; keys = []; credentialLikeKeys = [] }
}

/// `secrets-store.csi.x-k8s.io` SecretProviderClass.
public struct SecretProviderClass: Codable, Sendable, Hashable {
    public var meta: ObjectMeta
    /// `spec.provider`, e.g. `azure`.
    public var provider: String?
    public var keyvaultName: String?
    public var tenantID: String?
    /// `parameters.clientID` (workload identity) or `userAssignedIdentityID`.
    public var clientID: String?
    public var usePodIdentity: Bool?
    public var useVMManagedIdentity: Bool?
    /// Object names listed in `parameters.objects` (names only).
    public var objectNames: [String]
    /// `spec.secretObjects[*].secretName`: Kubernetes Secrets the driver syncs.
    public var syncedSecretNames: [String]
    public init(meta: ObjectMeta) { self.meta = meta; objectNames = []; syncedSecretNames = [] }
}

/// Everything collected from `kubectl get … -o json`.
public struct KubernetesInventory: Codable, Sendable, Hashable {
    public var namespaces: [KubeNamespace]
    public var serviceAccounts: [ServiceAccount]
    public var workloads: [Workload]
    public var services: [KubeService]
    public var ingresses: [Ingress]
    public var networkPolicies: [NetworkPolicy]
    public var roles: [RBACRole]
    public var bindings: [RBACBinding]
    public var secrets: [SecretMeta]
    public var configMaps: [ConfigMapMeta]
    public var secretProviderClasses: [SecretProviderClass]
    /// Kinds present in the collected lists, so an absent kind can be told from an empty one.
    public var collectedKinds: Set<String>
    /// Objects of kinds the importer does not model, counted by kind.
    public var otherKindCounts: [String: Int]

    public init() {
        namespaces = []; serviceAccounts = []; workloads = []; services = []; ingresses = []
        networkPolicies = []; roles = []; bindings = []; secrets = []; configMaps = []
        secretProviderClasses = []; collectedKinds = []; otherKindCounts = [:]
    }

    public var objectCount: Int {
        namespaces.count + serviceAccounts.count + workloads.count + services.count + ingresses.count
            + networkPolicies.count + roles.count + bindings.count + secrets.count + configMaps.count
            + secretProviderClasses.count
    }

    /// Workloads that are not managed by another collected workload: bare Pods, Deployments,
    /// StatefulSets, DaemonSets, CronJobs, Jobs not owned by a CronJob, ReplicaSets not owned by a
    /// Deployment. Checks evaluate these so one Deployment is not counted once per replica.
    public var topLevelWorkloads: [Workload] {
        var present = Set<String>()
        for w in workloads { present.insert("\(w.kind)/\(w.meta.namespace ?? "")/\(w.meta.name)") }
        return workloads.filter { w in
            guard let owner = w.meta.controllerOwner else { return true }
            return !present.contains("\(owner.kind)/\(w.meta.namespace ?? "")/\(owner.name)")
        }
    }
}
