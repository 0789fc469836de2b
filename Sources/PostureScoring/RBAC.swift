import PostureModel

/// Role lookup and the bindings in report order, built once per `score` (`SnapshotIndex.rbac`).
/// Per-role answers that several checks ask for every binding (escalation grants, Secret reads)
/// are computed once per role.
final class RBACIndex {
    let roles: [RBACRole]
    /// Every binding, sorted by `ref` (ties in inventory order).
    let bindings: [RBACBinding]
    /// For each binding (parallel to `bindings`), the index in `roles` of the role it refers to.
    let roleIndexOfBinding: [Int?]
    private let roleIndexByKey: [ObjectKey: Int]

    init(_ k8s: KubernetesInventory) {
        roles = k8s.roles
        // With duplicate keys the last role wins, as before.
        var byKey: [ObjectKey: Int] = [:]
        for (i, r) in k8s.roles.enumerated() {
            byKey[ObjectKey(kind: r.kind, namespace: r.kind == "ClusterRole" ? "" : (r.meta.namespace ?? ""), name: r.meta.name)] = i
        }
        roleIndexByKey = byKey
        let order = SnapshotIndex.sortedByRef(Array(k8s.bindings.indices), in: k8s.bindings,
                                              kind: { $0.pointee.kind }, namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name })
        bindings = order.map { k8s.bindings[$0] }
        roleIndexOfBinding = bindings.map { Self.lookup(byKey, $0) }
        escalationsMemo = Array(repeating: nil, count: roles.count)
        readsSecretsMemo = Array(repeating: nil, count: roles.count)
        listsSecretsMemo = Array(repeating: nil, count: roles.count)
    }

    private static func lookup(_ byKey: [ObjectKey: Int], _ b: RBACBinding) -> Int? {
        if b.roleRefKind == "ClusterRole" { return byKey[ObjectKey(kind: "ClusterRole", namespace: "", name: b.roleRefName)] }
        return byKey[ObjectKey(kind: "Role", namespace: b.meta.namespace ?? "", name: b.roleRefName)]
    }

    func role(for b: RBACBinding) -> RBACRole? {
        Self.lookup(roleIndexByKey, b).map { roles[$0] }
    }

    /// The role of `bindings[i]`.
    func role(ofBinding i: Int) -> RBACRole? { roleIndexOfBinding[i].map { roles[$0] } }

    private var escalationsMemo: [[String]?]
    private var readsSecretsMemo: [Bool?]
    private var listsSecretsMemo: [Bool?]

    /// `RBACRules.escalations` of a role's rules; [] when the binding's role is not collected.
    func escalations(ofBinding i: Int) -> [String] {
        guard let r = roleIndexOfBinding[i] else { return RBACRules.escalations([]) }
        if let m = escalationsMemo[r] { return m }
        let e = RBACRules.escalations(roles[r].rules)
        escalationsMemo[r] = e
        return e
    }

    /// Some rule of the binding's role reads Secrets (`RBACRules.readsSecrets`).
    func readsSecrets(ofBinding i: Int) -> Bool {
        guard let r = roleIndexOfBinding[i] else { return false }
        if let m = readsSecretsMemo[r] { return m }
        let v = roles[r].rules.contains(where: RBACRules.readsSecrets)
        readsSecretsMemo[r] = v
        return v
    }

    /// Some rule of the binding's role lists Secrets (`RBACRules.listsSecrets`); false without a role.
    func listsSecrets(ofBinding i: Int) -> Bool {
        guard let r = roleIndexOfBinding[i] else { return false }
        if let m = listsSecretsMemo[r] { return m }
        let v = roles[r].rules.contains(where: RBACRules.listsSecrets)
        listsSecretsMemo[r] = v
        return v
    }
}

enum RBACRules {
    /// Platform-managed objects: Kubernetes bootstrap defaults, addon-manager objects (AKS
    /// reconciles these), `system:` names, and anything in a system namespace.
    static func isManaged(meta: ObjectMeta, bootstrap: Bool, ctx: EvaluationContext) -> Bool {
        if bootstrap { return true }
        if meta.labels["addonmanager.kubernetes.io/mode"] != nil { return true }
        if meta.labels["kubernetes.io/cluster-service"] == "true" { return true }
        if meta.name.hasPrefix("system:") { return true }
        return ctx.isSystemNamespace(meta.namespace)
    }
    static func isManaged(_ b: RBACBinding, _ ctx: EvaluationContext) -> Bool { isManaged(meta: b.meta, bootstrap: b.isBootstrapDefault, ctx: ctx) }
    static func isManaged(_ r: RBACRole, _ ctx: EvaluationContext) -> Bool { isManaged(meta: r.meta, bootstrap: r.isBootstrapDefault, ctx: ctx) }

    /// `system:` users and groups (system:masters, system:nodes, system:serviceaccount:…) and
    /// service accounts of system namespaces. The anonymous/authenticated groups are *not*
    /// system subjects here; AUTH-09 looks for exactly those.
    static func isSystemSubject(_ s: RBACSubject, binding: RBACBinding, _ ctx: EvaluationContext) -> Bool {
        if broadGroups.contains(s.name) { return false }
        if s.name.hasPrefix("system:") { return true }
        if s.kind == "ServiceAccount" { return ctx.isSystemNamespace(subjectNamespace(s, binding)) }
        return false
    }

    static let broadGroups: Set<String> = ["system:anonymous", "system:unauthenticated", "system:authenticated"]

    static func subjectNamespace(_ s: RBACSubject, _ b: RBACBinding) -> String? { s.namespace ?? b.meta.namespace }

    static func describe(_ s: RBACSubject, _ b: RBACBinding) -> String {
        if s.kind == "ServiceAccount" { return "ServiceAccount \(subjectNamespace(s, b) ?? "?")/\(s.name)" }
        return "\(s.kind) \(s.name)"
    }

    static func matches(_ list: [String], _ wanted: [String]) -> Bool {
        list.contains("*") || list.contains { wanted.contains($0) }
    }

    /// Whether a rule grants any of `verbs` on any of `resources` in API group `group`.
    /// `pods/exec` is also granted by `pods/*` and `*`.
    static func grants(_ r: PolicyRule, verbs: [String], resources: [String], group: String) -> Bool {
        guard r.nonResourceURLs.isEmpty || !r.resources.isEmpty else { return false }
        guard r.apiGroups.contains("*") || r.apiGroups.contains(group) else { return false }
        guard matches(r.verbs, verbs) else { return false }
        for res in resources {
            if r.resources.contains("*") || r.resources.contains(res) { return true }
            if let slash = res.firstIndex(of: "/"), r.resources.contains(String(res[..<slash]) + "/*") { return true }
        }
        return false
    }

    static func hasWildcard(_ r: PolicyRule) -> Bool {
        r.verbs.contains("*") || r.resources.contains("*") || r.apiGroups.contains("*")
    }

    /// Reads Secrets (get/list/watch) with no resourceNames restriction.
    static func readsSecrets(_ r: PolicyRule) -> Bool {
        grants(r, verbs: ["get", "list", "watch"], resources: ["secrets"], group: "") && r.resourceNames.isEmpty
    }
    static func listsSecrets(_ r: PolicyRule) -> Bool {
        grants(r, verbs: ["list", "watch"], resources: ["secrets"], group: "") && r.resourceNames.isEmpty
    }

    /// The privilege-escalation grants of AUTH-10 (CIS 4.1.4, 4.1.7–4.1.12), by short name.
    static func escalations(_ rules: [PolicyRule]) -> [String] {
        if rules.contains(where: { $0.verbs.contains("*") && $0.resources.contains("*") && $0.apiGroups.contains("*") }) {
            return ["all verbs on all resources (*)"]
        }
        var out: [String] = []
        func add(_ name: String, _ cond: (PolicyRule) -> Bool) { if rules.contains(where: cond), !out.contains(name) { out.append(name) } }
        add("bind/escalate roles") { grants($0, verbs: ["bind", "escalate"], resources: ["roles", "clusterroles"], group: "rbac.authorization.k8s.io") }
        add("impersonate") { grants($0, verbs: ["impersonate"], resources: ["users", "groups", "serviceaccounts", "userextras", "uids"], group: "") || grants($0, verbs: ["impersonate"], resources: ["userextras", "uids"], group: "authentication.k8s.io") }
        add("create pods") { grants($0, verbs: ["create"], resources: ["pods"], group: "") }
        add("pods/exec") { grants($0, verbs: ["create", "get"], resources: ["pods/exec", "pods/attach"], group: "") }
        add("nodes/proxy") { grants($0, verbs: ["get", "create"], resources: ["nodes/proxy"], group: "") }
        add("approve CSRs") { grants($0, verbs: ["update", "patch"], resources: ["certificatesigningrequests/approval"], group: "certificates.k8s.io") }
        add("webhook configurations") { grants($0, verbs: ["create", "update", "patch"], resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"], group: "admissionregistration.k8s.io") }
        add("serviceaccounts/token") { grants($0, verbs: ["create"], resources: ["serviceaccounts/token"], group: "") }
        add("create persistentvolumes") { grants($0, verbs: ["create"], resources: ["persistentvolumes"], group: "") }
        return out
    }

    /// Admin-equivalent: cluster-admin/admin, or `*` verbs on `*` resources.
    static func isAdminRole(name: String, rules: [PolicyRule]) -> Bool {
        if name == "cluster-admin" || name == "admin" { return true }
        return rules.contains { $0.verbs.contains("*") && $0.resources.contains("*") }
    }

    /// Whether a binding's subject is the given service account (directly, or through the
    /// `system:serviceaccounts[:<ns>]` groups).
    static func bindsServiceAccount(_ b: RBACBinding, namespace: String, name: String) -> Bool {
        b.subjects.contains { s in
            if s.kind == "ServiceAccount" { return s.name == name && subjectNamespace(s, b) == namespace }
            if s.kind == "Group" { return s.name == "system:serviceaccounts" || s.name == "system:serviceaccounts:\(namespace)" }
            return false
        }
    }
}
