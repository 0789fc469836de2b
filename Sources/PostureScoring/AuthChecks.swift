import PostureModel

/// "Partial by count": 1 finding → 0.5, 2 → 0.33, 3 or more → 0.25 (never as low as a fail).
func countCredit(_ n: Int) -> Double { n <= 0 ? 1 : max(0.25, 1 / Double(n + 1)) }

enum AuthChecks {
    static func auth01(_ c: EvaluationContext) -> CheckOutcome {
        guard let aad = c.cluster.aad else {
            return .fail("No Entra ID integration: local accounts / certificates only", [Evidence(path: "aadProfile", value: Show.absent)])
        }
        let ev = [Evidence(path: "aadProfile.managed", value: Show.bool(aad.managed)),
                  Evidence(path: "aadProfile.enableAzureRBAC", value: Show.bool(aad.enableAzureRBAC))]
        if aad.managed == true {
            if aad.enableAzureRBAC == true { return .pass("Entra ID with Azure RBAC", ev) }
            return .graded(0.5, "Entra ID with Kubernetes RBAC (not Azure RBAC)", ev)
        }
        let legacy = aad.clientAppID != nil || aad.serverAppID != nil
        if legacy {
            return .graded(0.25, "Legacy (non-managed) Azure AD integration", ev + [Evidence(path: "aadProfile.serverAppID", value: Show.str(aad.serverAppID))])
        }
        // aadProfile present but neither managed nor legacy app ids: still Entra + Kubernetes RBAC.
        if aad.enableAzureRBAC == true { return .graded(0.5, "Entra ID with Azure RBAC, but aadProfile.managed is not true", ev) }
        return .graded(0.5, "Entra ID with Kubernetes RBAC (not Azure RBAC)", ev)
    }

    static func auth02(_ c: EvaluationContext) -> CheckOutcome {
        let ev = [Evidence(path: "disableLocalAccounts", value: Show.bool(c.cluster.disableLocalAccounts))]
        return c.cluster.disableLocalAccounts == true ? .pass("Local accounts disabled", ev) : .fail("Local accounts enabled", ev)
    }

    static func auth03(_ c: EvaluationContext) -> CheckOutcome {
        let ev = [Evidence(path: "enableRBAC", value: Show.bool(c.cluster.enableRBAC))]
        switch c.cluster.enableRBAC {
        case true?: return .pass("Kubernetes RBAC enabled", ev)
        case false?: return .fail("Kubernetes RBAC disabled", ev)
        case nil: return .fail("enableRBAC not set (graded as off; Azure Policy treats missing as compliant)", ev)
        }
    }

    static func auth04(_ c: EvaluationContext) -> CheckOutcome {
        guard let aad = c.cluster.aad else {
            return .notApplicable("No Entra ID integration (see AUTH-01)", [Evidence(path: "aadProfile", value: Show.absent)])
        }
        let ev = [Evidence(path: "aadProfile.enableAzureRBAC", value: Show.bool(aad.enableAzureRBAC)),
                  Evidence(path: "aadProfile.adminGroupObjectIDs", value: "\(aad.adminGroupObjectIDs.count) group(s)")]
        if aad.enableAzureRBAC == true { return .pass("Azure RBAC mode: admin access is granted by Azure role assignments", ev) }
        if !aad.adminGroupObjectIDs.isEmpty { return .pass("\(aad.adminGroupObjectIDs.count) Entra admin group(s) configured", ev) }
        return .fail("Entra + Kubernetes RBAC with no admin group", ev)
    }

    static func auth05(_ c: EvaluationContext) -> CheckOutcome {
        let v = c.cluster.apiServer.disableRunCommand
        let ev = [Evidence(path: "apiServerAccessProfile.disableRunCommand", value: Show.bool(v))]
        return v == true ? .pass("Run command disabled", ev) : .fail("Run command (command invoke) enabled", ev)
    }

    static func auth06(_ c: EvaluationContext) -> CheckOutcome {
        guard c.k8s != nil else { return .unknown("Kubernetes objects not collected") }
        var affected: [AffectedObject] = []
        var nonGroup = false
        for b in c.index.rbac.bindings
        where b.roleRefKind == "ClusterRole" && b.roleRefName == "cluster-admin" && !RBACRules.isManaged(b, c) {
            let subjects = b.subjects.filter { !RBACRules.isSystemSubject($0, binding: b, c) }
            guard !subjects.isEmpty else { continue }
            guard c.admit(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name) else { continue }
            if subjects.contains(where: { $0.kind != "Group" }) { nonGroup = true }
            affected.append(AffectedObject(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name,
                detail: "binds cluster-admin to " + subjects.map { RBACRules.describe($0, b) }.joined(separator: ", ")))
        }
        let ev = [Evidence(path: "clusterrolebindings[roleRef.name=cluster-admin]", value: "\(affected.count) non-system binding(s)")]
        if affected.isEmpty { return .pass("Only built-in cluster-admin bindings", ev) }
        if nonGroup { return .fail("\(affected.count) extra cluster-admin binding(s), to users or service accounts", ev, affected: affected) }
        return .graded(0.5, "\(affected.count) extra cluster-admin binding(s), to groups only", ev, affected: affected)
    }

    static func auth07(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let index = c.index.rbac
        let userRoleIndices = k8s.roles.indices.filter { i in
            let r = k8s.roles[i]
            return !RBACRules.isManaged(r, c) && !r.isAggregated && c.admit(kind: r.kind, namespace: r.meta.namespace, name: r.meta.name)
        }
        let userRoles = SnapshotIndex.sortedByRef(userRoleIndices, in: k8s.roles, kind: { $0.pointee.kind }, namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name })
            .map { k8s.roles[$0] }
        let wildcard = userRoles.filter { $0.rules.contains(where: RBACRules.hasWildcard) }
        // A set, not a scan of `wildcard` per binding (O(bindings × wildcard roles)).
        let wildcardRefs = Set(wildcard.map(\.ref))
        var bound = Set<KubeRef>()
        for (i, b) in index.bindings.enumerated() where !RBACRules.isManaged(b, c) {
            guard let r = index.role(ofBinding: i), wildcardRefs.contains(r.ref) else { continue }
            if b.subjects.contains(where: { !RBACRules.isSystemSubject($0, binding: b, c) }) { bound.insert(r.ref) }
        }
        let affected = wildcard.map { r in
            AffectedObject(kind: r.kind, namespace: r.meta.namespace, name: r.meta.name,
                           detail: bound.contains(r.ref) ? "wildcard rule, bound to non-system subjects" : "wildcard rule (not bound)")
        }
        let ev = [Evidence(path: "roles+clusterroles[rules contain \"*\"]", value: "\(wildcard.count) of \(userRoles.count) non-system role(s)")]
        if wildcard.isEmpty { return .pass("No wildcards outside system roles", ev) }
        if !bound.isEmpty { return .fail("\(bound.count) wildcard role(s) bound to non-system subjects", ev, affected: affected) }
        let share = Double(userRoles.count - wildcard.count) / Double(userRoles.count)
        return .graded(share, "\(wildcard.count) unbound role(s) with wildcards", ev, affected: affected)
    }

    static func auth08(_ c: EvaluationContext) -> CheckOutcome {
        guard c.k8s != nil else { return .unknown("Kubernetes objects not collected") }
        let index = c.index.rbac
        var affected: [AffectedObject] = []
        var listAll = false
        for (i, b) in index.bindings.enumerated() where !RBACRules.isManaged(b, c) {
            guard index.readsSecrets(ofBinding: i) else { continue }
            let subjects = b.subjects.filter { !RBACRules.isSystemSubject($0, binding: b, c) && !RBACRules.broadGroups.contains($0.name) }
            guard !subjects.isEmpty, c.admit(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name) else { continue }
            let clusterWide = b.kind == "ClusterRoleBinding" && index.listsSecrets(ofBinding: i)
            if clusterWide && subjects.contains(where: { $0.kind == "User" || $0.kind == "ServiceAccount" }) { listAll = true }
            affected.append(AffectedObject(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name,
                detail: !c.reportsDetail(afterAffected: affected.count) ? nil
                    : "\(b.roleRefKind) \(b.roleRefName) reads secrets \(clusterWide ? "in all namespaces" : "in \(b.meta.namespace ?? "?")") for "
                    + subjects.map { RBACRules.describe($0, b) }.joined(separator: ", ")))
        }
        let ev = [Evidence(path: "bindings→rules[secrets: get|list|watch]", value: "\(affected.count) non-system grant(s)")]
        if affected.isEmpty { return .pass("Only system subjects can read Secrets", ev) }
        if listAll { return .fail("A non-system user or service account can list Secrets in all namespaces", ev, affected: affected) }
        return .graded(countCredit(affected.count), "\(affected.count) non-system binding(s) grant Secret reads", ev, affected: affected)
    }

    static func auth09(_ c: EvaluationContext) -> CheckOutcome {
        guard c.k8s != nil else { return .unknown("Kubernetes objects not collected") }
        var affected: [AffectedObject] = []
        for b in c.index.rbac.bindings where !b.isBootstrapDefault {
            let broad = b.subjects.filter { RBACRules.broadGroups.contains($0.name) }
            guard !broad.isEmpty, c.admit(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name) else { continue }
            affected.append(AffectedObject(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name,
                detail: "binds \(b.roleRefKind) \(b.roleRefName) to " + broad.map(\.name).joined(separator: ", ")))
        }
        let ev = [Evidence(path: "bindings.subjects[system:anonymous|unauthenticated|authenticated]", value: "\(affected.count) non-default binding(s)")]
        return affected.isEmpty ? .pass("No bindings to anonymous or all-authenticated groups besides the defaults", ev)
            : .fail("\(affected.count) binding(s) grant RBAC to anonymous or all authenticated users", ev, affected: affected)
    }

    static func auth10(_ c: EvaluationContext) -> CheckOutcome {
        guard c.k8s != nil else { return .unknown("Kubernetes objects not collected") }
        let index = c.index.rbac
        var affected: [AffectedObject] = []
        var serviceAccount = false
        for (i, b) in index.bindings.enumerated() where !RBACRules.isManaged(b, c) {
            guard index.roleIndexOfBinding[i] != nil else { continue }
            let esc = index.escalations(ofBinding: i)
            guard !esc.isEmpty else { continue }
            let subjects = b.subjects.filter { !RBACRules.isSystemSubject($0, binding: b, c) }
            guard !subjects.isEmpty, c.admit(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name) else { continue }
            if subjects.contains(where: { $0.kind == "ServiceAccount" }) { serviceAccount = true }
            affected.append(AffectedObject(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name,
                detail: "\(b.roleRefKind) \(b.roleRefName) (\(esc.joined(separator: ", "))) for " + subjects.map { RBACRules.describe($0, b) }.joined(separator: ", ")))
        }
        let ev = [Evidence(path: "bindings→rules[bind|escalate|impersonate|pods/exec|nodes/proxy|…]", value: "\(affected.count) non-system grant(s)")]
        if affected.isEmpty { return .pass("Escalation verbs only for system subjects", ev) }
        if serviceAccount { return .fail("A service account holds privilege-escalation permissions", ev, affected: affected) }
        return .graded(countCredit(affected.count), "\(affected.count) non-system binding(s) grant escalation verbs to users or groups", ev, affected: affected)
    }
}
