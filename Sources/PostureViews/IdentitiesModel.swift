import Foundation
import PostureModel

/// What a set of RBAC rules allows that matters for posture.
struct RiskFlags: OptionSet, Hashable, Sendable {
    let rawValue: UInt16
    static let clusterAdmin = RiskFlags(rawValue: 1 << 0)
    static let wildcard = RiskFlags(rawValue: 1 << 1)
    static let secretsRead = RiskFlags(rawValue: 1 << 2)
    static let bind = RiskFlags(rawValue: 1 << 3)
    static let escalate = RiskFlags(rawValue: 1 << 4)
    static let impersonate = RiskFlags(rawValue: 1 << 5)
    static let createPods = RiskFlags(rawValue: 1 << 6)
    static let podsExec = RiskFlags(rawValue: 1 << 7)
    static let nodesProxy = RiskFlags(rawValue: 1 << 8)

    static let named: [(RiskFlags, String, String)] = [
        (.clusterAdmin, "cluster-admin", "full control of the cluster"),
        (.wildcard, "*", "wildcard verbs or resources"),
        (.secretsRead, "secrets", "can read Secrets"),
        (.bind, "bind", "can bind roles it does not hold"),
        (.escalate, "escalate", "can grant itself more permissions"),
        (.impersonate, "impersonate", "can act as other users, groups or service accounts"),
        (.createPods, "create-pods", "can create pods (and so run as any service account in the namespace)"),
        (.podsExec, "exec", "can exec into pods"),
        (.nodesProxy, "nodes/proxy", "can reach the kubelet API through the API server"),
    ]

    var words: [String] { RiskFlags.named.filter { contains($0.0) }.map(\.1) }

    /// Orders subjects worst first.
    var weight: Int {
        var w = 0
        if contains(.clusterAdmin) { w += 1000 }
        if contains(.wildcard) { w += 300 }
        for f in [RiskFlags.escalate, .bind, .impersonate, .nodesProxy] where contains(f) { w += 100 }
        for f in [RiskFlags.podsExec, .createPods, .secretsRead] where contains(f) { w += 40 }
        return w
    }

    static func of(_ rules: [PolicyRule], clusterScope: Bool) -> RiskFlags {
        var f: RiskFlags = []
        for r in rules {
            let verbs = Set(r.verbs.map { $0.lowercased() })
            let res = Set(r.resources.map { $0.lowercased() })
            let allVerbs = verbs.contains("*"), allRes = res.contains("*")
            if allVerbs || allRes { f.insert(.wildcard) }
            if allVerbs && allRes && r.apiGroups.contains("*") && clusterScope { f.insert(.clusterAdmin) }
            func has(_ v: String) -> Bool { allVerbs || verbs.contains(v) }
            func on(_ name: String) -> Bool { allRes || res.contains(name) }
            if on("secrets") && (has("get") || has("list") || has("watch")) { f.insert(.secretsRead) }
            if has("bind") { f.insert(.bind) }
            if has("escalate") { f.insert(.escalate) }
            if has("impersonate") { f.insert(.impersonate) }
            if on("pods") && has("create") { f.insert(.createPods) }
            if on("pods/exec") && (has("create") || has("get")) { f.insert(.podsExec) }
            if on("nodes/proxy") && (has("get") || has("create") || has("proxy")) { f.insert(.nodesProxy) }
        }
        return f
    }
}

struct IdentitiesModel {
    struct Grant {
        var binding: String      // "ClusterRoleBinding/x" or "RoleBinding/ns/x"
        var role: String         // "cluster-admin" or "edit@ns"
        var roleRef: String      // "ClusterRole/edit"
        var scope: String        // "cluster-wide" or "namespace ns"
        var flags: RiskFlags
        var roleFound: Bool
        var bootstrap: Bool
    }
    struct WorkloadUse { var ref: String; var tokenMounted: Bool; var images: String }
    struct Subject {
        var id: String
        var kind: String
        var namespace: String?
        var name: String
        var grants: [Grant] = []
        var flags: RiskFlags = []
        var serviceAccount: ServiceAccount?
        var workloads: [WorkloadUse] = []
        /// Some bound role was not in the collected roles (built-in roles often are not), so
        /// the flags may understate what the subject can do.
        var unresolved: Bool { grants.contains { !$0.roleFound } }
        var sortWeight: Int { flags.weight + (unresolved ? 30 : 0) + (grants.isEmpty ? 0 : 1) }
        var display: String { (namespace.map { $0 + "/" } ?? "") + name }
    }

    var header: [Line]
    var body: Body
    var subjects: [String: Subject]

    static let columns = [
        ListColumn("KIND", min: 4, max: 5),
        ListColumn("SUBJECT", min: 14, max: 44),
        ListColumn("ROLES", min: 10, max: 60, flex: true),
        ListColumn("FLAGS", min: 8, max: 44),
        ListColumn("WORKLOAD ID", min: 11, max: 36, drop: 2),
        ListColumn("PODS", min: 4, max: 5, right: true, drop: 3),
        ListColumn("TOKEN", min: 5, max: 10, drop: 1),
    ]

    init(snapshot: Snapshot, glyphs: GlyphSet) {
        header = IdentitiesModel.headerLines(snapshot.cluster, glyphs: glyphs)
        var subjects: [String: Subject] = [:]
        guard let inv = snapshot.kubernetes else {
            self.subjects = [:]
            body = Body(lines: [Line("Kubernetes objects were not collected for this snapshot: no RBAC subjects to show.", .muted)])
            return
        }
        var rolesByKey: [String: RBACRole] = [:]
        for r in inv.roles { rolesByKey["\(r.kind)/\(r.meta.namespace ?? "")/\(r.meta.name)"] = r }
        func sid(_ kind: String, _ ns: String?, _ name: String) -> String {
            kind == "ServiceAccount" ? "SA/\(ns ?? "")/\(name)" : "\(kind)/\(name)"
        }
        for b in inv.bindings {
            let clusterScope = b.kind == "ClusterRoleBinding"
            let roleNS = b.roleRefKind == "Role" ? b.meta.namespace : nil
            let role = rolesByKey["\(b.roleRefKind)/\(roleNS ?? "")/\(b.roleRefName)"]
            var flags = RiskFlags.of(role?.rules ?? [], clusterScope: clusterScope)
            if b.roleRefName == "cluster-admin" && b.roleRefKind == "ClusterRole" {
                flags.formUnion(clusterScope ? [.clusterAdmin, .wildcard] : [.wildcard])
                if !clusterScope { flags.formUnion(RiskFlags.of([PolicyRule(apiGroups: ["*"], resources: ["*"], verbs: ["*"])], clusterScope: false)) }
            }
            let ns = b.meta.namespace.map(clean)
            let grant = Grant(
                binding: clean(b.kind) + "/" + (ns.map { $0 + "/" } ?? "") + clean(b.meta.name),
                role: clean(b.roleRefName) + (clusterScope ? "" : "@" + (ns ?? "?")),
                roleRef: clean(b.roleRefKind) + "/" + clean(b.roleRefName),
                scope: clusterScope ? "cluster-wide" : "namespace " + (ns ?? "?"),
                flags: flags, roleFound: role != nil || b.roleRefName == "cluster-admin", bootstrap: b.isBootstrapDefault)
            for s in b.subjects {
                let sns = s.kind == "ServiceAccount" ? (s.namespace ?? b.meta.namespace) : nil
                let id = sid(s.kind, sns, s.name)
                var subj = subjects[id] ?? Subject(id: id, kind: clean(s.kind), namespace: sns.map(clean), name: clean(s.name))
                subj.grants.append(grant)
                subj.flags.formUnion(flags)
                subjects[id] = subj
            }
        }
        for sa in inv.serviceAccounts {
            let id = sid("ServiceAccount", sa.meta.namespace, sa.meta.name)
            var subj = subjects[id] ?? Subject(id: id, kind: "ServiceAccount", namespace: sa.meta.namespace.map(clean), name: clean(sa.meta.name))
            subj.serviceAccount = sa
            subjects[id] = subj
        }
        for w in inv.topLevelWorkloads {
            let id = sid("ServiceAccount", w.meta.namespace, w.effectiveServiceAccountName)
            guard subjects[id] != nil else { continue }
            let saMount = subjects[id]?.serviceAccount?.automountServiceAccountToken
            let mounted = w.automountServiceAccountToken ?? saMount ?? true
            subjects[id]!.workloads.append(WorkloadUse(ref: clean(w.kind) + " " + (w.meta.namespace.map { clean($0) + "/" } ?? "") + clean(w.meta.name), tokenMounted: mounted,
                                                       images: w.containers.map { clean($0.image) }.joined(separator: ", ")))
        }
        self.subjects = subjects
        let ordered = subjects.values.sorted {
            ($0.sortWeight, $1.kind, $1.display) > ($1.sortWeight, $0.kind, $0.display)
        }
        let dash = glyphs.ascii ? "-" : "–"
        let rows = ordered.map { s -> BodyRow in
            let kind = s.kind == "ServiceAccount" ? "SA" : s.kind
            let roles = s.grants.isEmpty ? "(no bindings)" : Array(Set(s.grants.map(\.role))).sorted().joined(separator: ", ")
            let onlyBootstrap = !s.grants.isEmpty && s.grants.allSatisfy(\.bootstrap)
            let flagRole: Role = s.flags.contains(.clusterAdmin) ? .critical : s.flags.weight >= 100 ? .high : s.flags.isEmpty ? .muted : .medium
            var token = dash
            if let sa = s.serviceAccount {
                let saOn = sa.automountServiceAccountToken ?? true
                let mounted = s.workloads.filter(\.tokenMounted).count
                token = s.workloads.isEmpty ? (saOn ? "on" : "off") : "\(mounted)/\(s.workloads.count)"
                if sa.automountServiceAccountToken == nil && s.workloads.isEmpty { token = "on(def)" }
            }
            return BodyRow(id: s.id, cells: [
                Span(kind, .muted),
                Span(s.display, onlyBootstrap ? .muted : .normal),
                Span(roles, s.grants.isEmpty ? .muted : .normal),
                Span(s.flags.isEmpty ? (s.unresolved ? "? role not collected" : dash) : s.flags.words.joined(separator: ",") + (s.unresolved ? ",?" : ""),
                     s.flags.isEmpty && s.unresolved ? .unknown : flagRole, bold: s.flags.contains(.clusterAdmin)),
                Span(clean(s.serviceAccount?.workloadIdentityClientID) ?? dash, s.serviceAccount?.workloadIdentityClientID == nil ? .muted : .accent),
                Span(s.serviceAccount == nil ? dash : "\(s.workloads.count)"),
                Span(token, token.hasPrefix("0/") || token == "off" || token == dash ? .muted : .normal),
            ], target: .identity(s.id))
        }
        body = Body(columns: IdentitiesModel.columns, rows: rows)
    }

    static func headerLines(_ c: ManagedCluster, glyphs: GlyphSet) -> [Line] {
        let mode: (String, Role)
        if c.enableRBAC == false {
            mode = ("Kubernetes RBAC disabled", .critical)
        } else if let aad = c.aad {
            mode = aad.enableAzureRBAC == true ? ("Entra ID + Azure RBAC", .pass) : ("Entra ID + Kubernetes RBAC", .partial)
        } else {
            mode = ("local accounts only (no Entra ID)", .fail)
        }
        let local: (String, Role) = c.disableLocalAccounts == true ? ("off", .pass) : c.disableLocalAccounts == false ? ("ON", .fail) : ("ON (default)", .fail)
        let groups = c.aad?.adminGroupObjectIDs.map(clean) ?? []
        var l: [Line] = []
        l.append(Line([Span("auth ", .muted), Span(mode.0, mode.1, bold: true), Span("   local accounts ", .muted), Span(local.0, local.1, bold: true),
                       Span("   admin groups ", .muted), Span(groups.isEmpty ? "none" : groups.joined(separator: ", "))]))
        var ident: [Span] = [Span("cluster identity ", .muted)]
        if let t = c.identityType {
            ident.append(Span(clean(t)))
            let uai = c.userAssignedIdentities.compactMap { $0.clientID ?? $0.resourceID.map { String($0.split(separator: "/").last ?? "") } }.map(clean)
            if !uai.isEmpty { ident.append(Span(" " + uai.joined(separator: ", "), .accent)) }
            else if let p = c.identityPrincipalID { ident.append(Span(" principal " + clean(p), .accent)) }
        } else if let sp = c.servicePrincipalClientID, sp != "msi" {
            ident.append(Span("service principal ", .high)); ident.append(Span(clean(sp), .accent))
        } else {
            ident.append(Span("unknown", .muted))
        }
        if let sp = c.servicePrincipalClientID, sp != "msi", c.identityType != nil {
            ident.append(Span("   service principal ", .muted)); ident.append(Span(clean(sp), .accent))
        }
        ident.append(Span("   kubelet ", .muted))
        ident.append(Span(clean(c.kubeletIdentity?.clientID ?? c.kubeletIdentity?.objectID) ?? "unknown", c.kubeletIdentity == nil ? .muted : .accent))
        l.append(Line(ident))
        func onOff(_ b: Bool?) -> Span { b == true ? Span("on", .pass) : b == false ? Span("off", .muted) : Span("unknown", .unknown) }
        l.append(Line([Span("workload identity ", .muted), onOff(c.workloadIdentityEnabled), Span("   OIDC issuer ", .muted), onOff(c.oidcIssuerEnabled),
                       Span("   pod identity (deprecated) ", .muted), onOff(c.podIdentityEnabled)]))
        return l
    }

    func detail(_ id: String, glyphs: GlyphSet) -> [Line] {
        guard let s = subjects[id] else { return [Line("This subject is not in the current snapshot.", .muted)] }
        var l: [Line] = []
        l.append(Line([Span(s.kind + " ", .muted), Span(s.display, .title, bold: true)]))
        if s.flags.isEmpty {
            l.append(Line("  no risky permission found in the collected roles", .muted))
        } else {
            for (flag, word, why) in RiskFlags.named where s.flags.contains(flag) {
                l.append(Line([Span("  " + word.padded(14), flag == .clusterAdmin ? .critical : .high, bold: true), Span(why)]))
            }
        }
        l.append(.empty)
        l.append(Line([Span("Bindings", .title, bold: true), Span(" \(s.grants.count)", .muted)]))
        if s.grants.isEmpty { l.append(Line("  (none)", .muted)) }
        let arrow = glyphs.ascii ? "->" : "→"
        for g in s.grants {
            var spans = [Span("  " + g.binding, .accent), Span(" \(arrow) "), Span(g.roleRef, .normal, bold: true), Span("  (\(g.scope))", .muted)]
            if !g.flags.isEmpty { spans.append(Span("  " + g.flags.words.joined(separator: ","), g.flags.contains(.clusterAdmin) ? .critical : .high)) }
            if !g.roleFound { spans.append(Span("  role not collected", .unknown)) }
            if g.bootstrap { spans.append(Span("  built-in", .muted)) }
            l.append(Line(spans))
        }
        if let sa = s.serviceAccount {
            l.append(.empty)
            l.append(Line("Service account", .title, bold: true))
            l.append(Line([Span("  workload identity client id ", .muted), Span(clean(sa.workloadIdentityClientID) ?? "none", sa.workloadIdentityClientID == nil ? .muted : .accent)]))
            if let t = sa.workloadIdentityTenantID { l.append(Line([Span("  tenant id ", .muted), Span(clean(t))])) }
            let auto = sa.automountServiceAccountToken.map { $0 ? "on" : "off" } ?? "on (not set: Kubernetes default)"
            l.append(Line([Span("  automount token ", .muted), Span(auto, sa.automountServiceAccountToken == false ? .pass : .partial)]))
            if !sa.secretNames.isEmpty { l.append(Line([Span("  token secrets ", .muted), Span(sa.secretNames.map(clean).joined(separator: ", "))])) }
            if !sa.imagePullSecretNames.isEmpty { l.append(Line([Span("  image pull secrets ", .muted), Span(sa.imagePullSecretNames.map(clean).joined(separator: ", "))])) }
            l.append(.empty)
            l.append(Line([Span("Workloads using it", .title, bold: true), Span(" \(s.workloads.count)", .muted)]))
            if s.workloads.isEmpty { l.append(Line("  (none)", .muted)) }
            for w in s.workloads {
                l.append(Line([Span("  " + w.ref), Span(w.tokenMounted ? "  token mounted" : "  token not mounted", w.tokenMounted ? .partial : .muted)]))
                if !w.images.isEmpty { l.append(Line([Span("    image ", .muted), Span(w.images)])) }
            }
        }
        return l
    }
}
