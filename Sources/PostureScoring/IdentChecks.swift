import PostureModel

enum IdentChecks {
    static func ident01(_ c: EvaluationContext) -> CheckOutcome {
        let cl = c.cluster
        var ev = [Evidence(path: "identity.type", value: Show.str(cl.identityType)),
                  Evidence(path: "servicePrincipalProfile.clientId", value: Show.str(cl.servicePrincipalClientID.map { $0.lowercased() == "msi" ? "msi" : "<app id>" })),
                  Evidence(path: "identityProfile.kubeletidentity", value: cl.kubeletIdentity == nil ? Show.absent : "present")]
        if let sp = cl.servicePrincipalClientID, sp.lowercased() != "msi", !sp.isEmpty {
            ev[1] = Evidence(path: "servicePrincipalProfile.clientId", value: "\"\(sp)\"")
            return .fail("Cluster authenticates with a service principal and its secret", ev)
        }
        let managed = ["systemassigned", "userassigned"].contains(cl.identityType?.lowercased() ?? "")
        if managed && cl.kubeletIdentity != nil { return .pass("Managed identities for the control plane and the kubelet", ev) }
        if managed { return .unknown("Managed control-plane identity, but the document does not show the kubelet identity", ev) }
        return .unknown("The document states neither a managed identity nor a service principal", ev)
    }

    static func ident02(_ c: EvaluationContext) -> CheckOutcome {
        let oidc = c.cluster.oidcIssuerEnabled, wi = c.cluster.workloadIdentityEnabled
        let ev = [Evidence(path: "oidcIssuerProfile.enabled", value: Show.bool(oidc)),
                  Evidence(path: "securityProfile.workloadIdentity.enabled", value: Show.bool(wi))]
        switch (oidc == true, wi == true) {
        case (true, true): return .pass("OIDC issuer and Workload Identity enabled", ev)
        case (true, false): return .graded(0.5, "OIDC issuer only; Workload Identity off", ev)
        case (false, true): return .graded(0.5, "Workload Identity on, but the OIDC issuer is not reported enabled", ev)
        case (false, false): return .fail("Neither OIDC issuer nor Workload Identity", ev)
        }
    }

    static let wiLabel = "azure.workload.identity/use"

    static func ident03(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let workloads = c.appWorkloads()
        var labelled: [Workload] = []
        workloads.forEachPointer { w in if w.pointee.podLabels[wiLabel]?.lowercased() == "true" { labelled.append(w.pointee) } }
        let annotatedIndices = k8s.serviceAccounts.indices.filter { i in
            let sa = k8s.serviceAccounts[i]
            return !c.isSystemNamespace(sa.meta.namespace) && (sa.workloadIdentityClientID ?? "").isEmpty == false
                && c.admit(kind: "ServiceAccount", namespace: sa.meta.namespace, name: sa.meta.name)
        }
        let annotated = SnapshotIndex.sortedByNamespaceAndName(annotatedIndices, in: k8s.serviceAccounts, namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name })
            .map { k8s.serviceAccounts[$0] }
        let wiOn = c.cluster.workloadIdentityEnabled == true
        let ev = [Evidence(path: "securityProfile.workloadIdentity.enabled", value: Show.bool(c.cluster.workloadIdentityEnabled)),
                  Evidence(path: "pods[labels.\(wiLabel)=true]", value: "\(labelled.count) workload(s)"),
                  Evidence(path: "serviceaccounts[annotations.azure.workload.identity/client-id]", value: "\(annotated.count) service account(s)")]
        if !wiOn && labelled.isEmpty { return .notApplicable("Workload Identity off and no workload uses it", ev) }

        var failing: [AffectedObject] = []
        for w in labelled {
            let account = c.index.serviceAccount(namespace: w.meta.namespace, name: w.effectiveServiceAccountName)
            if !wiOn {
                failing.append(AffectedObject(kind: w.kind, namespace: w.meta.namespace, name: w.meta.name, detail: "labelled for Workload Identity, but Workload Identity is off on the cluster"))
            } else if (account?.workloadIdentityClientID ?? "").isEmpty {
                failing.append(AffectedObject(kind: w.kind, namespace: w.meta.namespace, name: w.meta.name,
                    detail: "service account \(w.effectiveServiceAccountName) \(account == nil ? "not found" : "has no client-id annotation")"))
            }
        }
        if !failing.isEmpty { return .fail("\(failing.count) labelled workload(s) cannot get a Workload Identity token", ev, affected: failing) }

        // Workloads grouped by service account (in workload order): filtering every workload for
        // every annotated service account was O(service accounts × workloads).
        // Only the annotated accounts get a list, so there is no array per workload.
        struct UserKey: Hashable { var namespace: String?; var name: String }
        var usersByAccount: [UserKey: [Int]] = [:]
        for sa in annotated { usersByAccount[UserKey(namespace: sa.meta.namespace, name: sa.meta.name)] = [] }
        var position = 0
        workloads.forEachPointer { w in
            defer { position += 1 }
            let key = UserKey(namespace: w.pointee.meta.namespace, name: w.pointee.effectiveServiceAccountName)
            if usersByAccount[key] != nil { usersByAccount[key]!.append(position) }
        }
        var partial: [AffectedObject] = []
        for sa in annotated {
            let users = (usersByAccount[UserKey(namespace: sa.meta.namespace, name: sa.meta.name)] ?? []).lazy.map { workloads[$0] }
            if users.isEmpty {
                partial.append(AffectedObject(kind: "ServiceAccount", namespace: sa.meta.namespace, name: sa.meta.name, detail: "annotated for Workload Identity but used by no workload"))
            } else {
                for u in users where u.podLabels[wiLabel]?.lowercased() != "true" {
                    partial.append(AffectedObject(kind: u.kind, namespace: u.meta.namespace, name: u.meta.name,
                        detail: "uses annotated service account \(sa.meta.name) without the \(wiLabel) label (no token is injected)"))
                }
            }
        }
        if !partial.isEmpty { return .graded(0.5, "\(partial.count) half-wired Workload Identity object(s)", ev, affected: partial) }
        return .pass(labelled.isEmpty ? "Workload Identity on; no workload uses it yet" : "All \(labelled.count) labelled workload(s) have an annotated service account", ev)
    }

    static func ident04(_ c: EvaluationContext) -> CheckOutcome {
        let ev = [Evidence(path: "podIdentityProfile.enabled", value: Show.bool(c.cluster.podIdentityEnabled))]
        return c.cluster.podIdentityEnabled == true ? .fail("Legacy pod-managed identity enabled", ev) : .pass("Pod-managed identity not in use", ev)
    }

    /// Host paths that expose node cloud credentials (kubescape `unsafe_paths("aks")`), plus `/`,
    /// which contains them all.
    static func isCredentialPath(_ raw: String) -> Bool {
        var p = raw
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        if p == "/" || p == "/etc" || p.hasPrefix("/etc/") { return true }
        return p.hasSuffix("/.azure") || p.contains("/.azure/")
    }

    static func ident05(_ c: EvaluationContext) -> CheckOutcome {
        let workloads = c.appWorkloads()
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            let bad = w.pointee.volumes.compactMap { v -> String? in
                guard v.source == .hostPath, let p = v.hostPath, isCredentialPath(p) else { return nil }
                return p
            }
            if !bad.isEmpty {
                affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: "hostPath " + bad.joined(separator: ", ")))
            }
        }
        let ev = [Evidence(path: "spec.volumes[*].hostPath.path", value: "\(affected.count) of \(workloads.count) workload(s) mount credential paths")]
        return affected.isEmpty ? .pass("No workload mounts node credential paths", ev)
            : .fail("\(affected.count) workload(s) mount node credential paths", ev, affected: affected)
    }

    static func ident06(_ c: EvaluationContext) -> CheckOutcome {
        guard c.k8s != nil else { return .unknown("Kubernetes objects not collected") }
        let workloads = c.appWorkloads()
        guard !workloads.isEmpty else { return .notApplicable("No workloads outside system namespaces") }
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            let saValue = c.index.serviceAccountAutomount(namespace: w.pointee.meta.namespace, name: w.pointee.effectiveServiceAccountName)
            let effective = w.pointee.automountServiceAccountToken ?? saValue ?? true
            if effective {
                let why = !c.reportsDetail(afterAffected: affected.count) ? nil
                    : w.pointee.automountServiceAccountToken == true ? "pod sets automountServiceAccountToken: true"
                    : "token automounted (service account \(w.pointee.effectiveServiceAccountName)\(saValue == true ? " sets true" : " does not disable it"))"
                affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: why))
            }
        }
        let share = Double(workloads.count - affected.count) / Double(workloads.count)
        let ev = [Evidence(path: "spec.automountServiceAccountToken / serviceaccount.automountServiceAccountToken",
                           value: "\(workloads.count - affected.count) of \(workloads.count) workload(s) opt out (\(Show.pct(share)))")]
        return .graded(share, affected.isEmpty ? "No workload automounts a service-account token" : "\(affected.count) of \(workloads.count) workload(s) automount a service-account token", ev, affected: affected)
    }

    static func ident07(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let workloads = c.appWorkloads()
        let defaults = k8s.serviceAccounts
            .filter { $0.meta.name == "default" && !c.isSystemNamespace($0.meta.namespace) && !NetChecks.builtinEmptyNamespaces.contains($0.meta.namespace ?? "") }
            .filter { c.admit(kind: "ServiceAccount", namespace: $0.meta.namespace, name: $0.meta.name) }
            .sorted { ($0.meta.namespace ?? "") < ($1.meta.namespace ?? "") }
        var boundAffected: [AffectedObject] = []
        for b in c.index.rbac.bindings where !b.isBootstrapDefault && !RBACRules.isManaged(b, c) {
            for s in b.subjects where s.kind == "ServiceAccount" && s.name == "default" {
                let ns = RBACRules.subjectNamespace(s, b)
                guard !c.isSystemNamespace(ns), c.admit(kind: "ServiceAccount", namespace: ns, name: "default") else { continue }
                boundAffected.append(AffectedObject(kind: b.kind, namespace: b.meta.namespace, name: b.meta.name,
                    detail: "binds \(b.roleRefKind) \(b.roleRefName) to ServiceAccount \(ns ?? "?")/default"))
            }
        }
        // Affected objects directly, without copying the workloads into a filtered list.
        var usingDefault: [AffectedObject] = []
        workloads.forEachPointer { w in
            guard w.pointee.effectiveServiceAccountName == "default" else { return }
            usingDefault.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: "runs as the default service account"))
        }
        let automounting = defaults.filter { $0.automountServiceAccountToken != false }
        let ev = [Evidence(path: "spec.serviceAccountName", value: "\(usingDefault.count) of \(workloads.count) workload(s) use \"default\""),
                  Evidence(path: "serviceaccounts[default].automountServiceAccountToken", value: "\(defaults.count - automounting.count) of \(defaults.count) set false"),
                  Evidence(path: "bindings.subjects[ServiceAccount default]", value: "\(boundAffected.count) binding(s)")]
        if !boundAffected.isEmpty { return .fail("A default service account is bound to roles", ev, affected: boundAffected) }
        let items = workloads.count + defaults.count
        guard items > 0 else { return .notApplicable("No workloads or default service accounts outside system namespaces", ev) }
        let affected = usingDefault
            + automounting.map { AffectedObject(kind: "ServiceAccount", namespace: $0.meta.namespace, name: "default", detail: "automountServiceAccountToken not false") }
        let share = Double(items - affected.count) / Double(items)
        return .graded(share, affected.isEmpty ? "Default service accounts unused and not automounted"
                       : "\(usingDefault.count) workload(s) use the default service account; \(automounting.count) default service account(s) automount", ev, affected: affected)
    }

    static func ident08(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let index = c.index.rbac
        let workloads = c.appWorkloads()
        // The last service account with a stated value wins, as in a dictionary filled in inventory order.
        var saAutomount: [AccountKey: Bool] = [:]
        for sa in k8s.serviceAccounts { if let a = sa.automountServiceAccountToken { saAutomount[AccountKey(namespace: sa.meta.namespace ?? "", name: sa.meta.name)] = a } }
        // Candidate bindings per service account, so each workload looks only at bindings that
        // can name it: scanning every binding for every workload was O(workloads × bindings)
        // and took minutes at 100,000 pods. The same predicate still decides, in the same order.
        var bySA: [AccountKey: [Int]] = [:], byNamespaceGroup: [String: [Int]] = [:], allSA: [Int] = []
        for (i, b) in index.bindings.enumerated() where !RBACRules.isManaged(b, c) {
            for s in b.subjects {
                if s.kind == "ServiceAccount", let ns = RBACRules.subjectNamespace(s, b) {
                    bySA[AccountKey(namespace: ns, name: s.name), default: []].append(i)
                } else if s.kind == "Group", s.name == "system:serviceaccounts" {
                    allSA.append(i)
                } else if s.kind == "Group", s.name.hasPrefix("system:serviceaccounts:") {
                    byNamespaceGroup[String(s.name.dropFirst("system:serviceaccounts:".count)), default: []].append(i)
                }
            }
        }
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            guard let ns = w.pointee.meta.namespace else { return }
            let sa = w.pointee.effectiveServiceAccountName
            let direct = bySA[AccountKey(namespace: ns, name: sa)] ?? [], group = byNamespaceGroup[ns] ?? []
            guard !direct.isEmpty || !group.isEmpty || !allSA.isEmpty else { return }
            var reasons: [String] = []
            // Ascending and without duplicates (a binding can name the account more than once).
            // Each list is ascending already, so one list alone needs no sort.
            let lists = (direct.isEmpty ? 0 : 1) + (group.isEmpty ? 0 : 1) + (allSA.isEmpty ? 0 : 1)
            var candidates = direct
            candidates += group
            candidates += allSA
            if lists > 1 { candidates.sort() }
            var previous = -1
            for i in candidates where i != previous {
                previous = i
                guard RBACRules.bindsServiceAccount(index.bindings[i], namespace: ns, name: sa) else { continue }
                let b = index.bindings[i]
                let rules = index.role(ofBinding: i)?.rules ?? []
                let escalations = index.escalations(ofBinding: i)
                if RBACRules.isAdminRole(name: b.roleRefName, rules: rules) {
                    reasons.append("\(b.roleRefKind) \(b.roleRefName) (admin) via \(b.kind) \(b.meta.name)")
                } else if !escalations.isEmpty {
                    reasons.append("\(b.roleRefKind) \(b.roleRefName) (\(escalations.joined(separator: ", "))) via \(b.kind) \(b.meta.name)")
                } else if b.kind == "ClusterRoleBinding" && index.listsSecrets(ofBinding: i) {
                    reasons.append("\(b.roleRefKind) \(b.roleRefName) (lists all Secrets) via \(b.kind) \(b.meta.name)")
                }
            }
            guard !reasons.isEmpty else { return }
            let mounted = w.pointee.automountServiceAccountToken ?? saAutomount[AccountKey(namespace: ns, name: sa)] ?? true
            affected.append(AffectedObject(kind: w.pointee.kind, namespace: ns, name: w.pointee.meta.name,
                detail: "service account \(sa): " + reasons.joined(separator: "; ") + (mounted ? "; token automounted" : "")))
        }
        let ev = [Evidence(path: "workload→serviceAccount→bindings→rules", value: "\(affected.count) of \(workloads.count) workload(s) hold admin or takeover permissions")]
        return affected.isEmpty ? .pass("No workload holds admin or cluster-takeover permissions", ev)
            : .fail("\(affected.count) workload(s) hold admin or cluster-takeover permissions", ev, affected: affected)
    }

    // MARK: Registries

    static func registries(_ c: EvaluationContext) -> [ContainerRegistry] {
        (c.snapshot.registries ?? []).filter { c.admit(kind: "ContainerRegistry", namespace: nil, name: $0.name) }.sorted { $0.name < $1.name }
    }

    /// Per-object grading where the cluster takes the worst object; objects the document says
    /// nothing about are left out (all unknown → unknown).
    static func worstOf<T>(_ items: [T], name: (T) -> String, kind: String, pathPrefix: String,
                          grade: (T) -> (credit: Double?, detail: String, evidence: [Evidence])) -> (credit: Double?, evidence: [Evidence], affected: [AffectedObject], unknown: [String]) {
        var worst: Double? = nil
        var evidence: [Evidence] = []
        var affected: [AffectedObject] = []
        var unknown: [String] = []
        for item in items {
            let g = grade(item)
            evidence += g.evidence
            guard let credit = g.credit else { unknown.append(name(item)); continue }
            worst = min(worst ?? 1, credit)
            if credit < 1 { affected.append(AffectedObject(kind: kind, name: name(item), detail: g.detail)) }
        }
        return (worst, evidence, affected, unknown)
    }

    static func ident09(_ c: EvaluationContext) -> CheckOutcome {
        let regs = registries(c)
        guard !regs.isEmpty else { return .notApplicable("No container registry in acr.json") }
        let r = worstOf(regs, name: \.name, kind: "ContainerRegistry", pathPrefix: "registries") { reg in
            let ev = [Evidence(path: "registries[\(reg.name)].adminUserEnabled", value: Show.bool(reg.adminUserEnabled))]
            guard let admin = reg.adminUserEnabled else { return (nil, "", ev) }
            return (admin ? 0 : 1, "admin user enabled", ev)
        }
        guard let credit = r.credit else { return .unknown("adminUserEnabled not stated for any registry", r.evidence) }
        return credit >= 1 ? .pass("Admin user disabled on \(regs.count - r.unknown.count) registr\(regs.count - r.unknown.count == 1 ? "y" : "ies")", r.evidence)
            : .fail("Admin user enabled on \(r.affected.count) registr\(r.affected.count == 1 ? "y" : "ies")", r.evidence, affected: r.affected)
    }

    static func ident10(_ c: EvaluationContext) -> CheckOutcome {
        let regs = registries(c)
        guard !regs.isEmpty else { return .notApplicable("No container registry in acr.json") }
        let r = worstOf(regs, name: \.name, kind: "ContainerRegistry", pathPrefix: "registries") { reg in
            let arm = reg.armAudienceTokenPolicyStatus?.lowercased()
            let ev = [Evidence(path: "registries[\(reg.name)].anonymousPullEnabled", value: Show.bool(reg.anonymousPullEnabled)),
                      Evidence(path: "registries[\(reg.name)].policies.azureADAuthenticationAsArmPolicy.status", value: Show.str(reg.armAudienceTokenPolicyStatus))]
            guard let anon = reg.anonymousPullEnabled else { return (nil, "", ev) }
            if anon { return (0, "anonymous pull enabled", ev) }
            if arm == "disabled" { return (1, "", ev) }
            return (0.5, arm == nil ? "ARM-audience token policy not stated (Azure default: enabled)" : "ARM-audience tokens enabled", ev)
        }
        guard let credit = r.credit else { return .unknown("anonymousPullEnabled not stated for any registry", r.evidence) }
        if credit >= 1 { return .pass("Anonymous pull and ARM-audience tokens disabled", r.evidence) }
        if credit <= 0 { return .fail("Anonymous pull enabled", r.evidence, affected: r.affected) }
        return .graded(credit, "Anonymous pull disabled; ARM-audience tokens still accepted", r.evidence, affected: r.affected)
    }

    // MARK: Role assignments

    static let ownerLike: [String: String] = [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
        "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
    ]
    static let readerLike: [String: String] = ["acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader"]

    static func roleName(_ a: RoleAssignment) -> String {
        if let n = a.roleDefinitionName, !n.isEmpty { return n }
        let guid = a.roleDefinitionID?.split(separator: "/").last.map { String($0).lowercased() } ?? ""
        return ownerLike[guid] ?? readerLike[guid] ?? (a.roleDefinitionID ?? "?")
    }

    /// Subscription, resource group, management group or root scope (not a single resource).
    static func isBroadScope(_ scope: String) -> Bool {
        let parts = scope.lowercased().split(separator: "/").map(String.init)
        if parts.isEmpty { return true }
        if parts.first == "providers" && parts.count >= 2 && parts[1] == "microsoft.management" { return true }
        if parts.first == "subscriptions" {
            if parts.count <= 2 { return true }
            if parts.count <= 4 && parts[2] == "resourcegroups" { return true }
        }
        return false
    }

    static func ident11(_ c: EvaluationContext) -> CheckOutcome {
        let assignments = (c.snapshot.roleAssignments ?? []).sorted { ($0.scope ?? "", $0.id ?? "") < ($1.scope ?? "", $1.id ?? "") }
        let nodeRG = c.cluster.nodeResourceGroup?.lowercased()
        var fail: [AffectedObject] = [], broadRead: [AffectedObject] = []
        var exemptNodeRG = 0
        for a in assignments {
            let scope = a.scope ?? ""
            guard isBroadScope(scope) else { continue }
            let name = roleName(a)
            let principal = a.principalName ?? a.principalID ?? "?"
            guard c.admit(kind: "RoleAssignment", namespace: nil, name: principal) else { continue }
            if let nodeRG, scope.lowercased().hasSuffix("/resourcegroups/\(nodeRG)") { exemptNodeRG += 1; continue }
            let obj = AffectedObject(kind: "RoleAssignment", name: principal, detail: "\(name) at \(scope)")
            if ownerLike.values.contains(where: { $0.lowercased() == name.lowercased() }) { fail.append(obj) }
            else if name.lowercased().contains("reader") || name.lowercased().contains("contributor") { broadRead.append(obj) }
        }
        var ev = [Evidence(path: "roleAssignments", value: "\(assignments.count) assignment(s)"),
                  Evidence(path: "roleAssignments[Owner|Contributor|User Access Administrator at RG/subscription]", value: "\(fail.count)")]
        if exemptNodeRG > 0 { ev.append(Evidence(path: "roleAssignments[scope=node resource group]", value: "\(exemptNodeRG) (managed by AKS, not counted)")) }
        if !fail.isEmpty { return .fail("\(fail.count) privileged role assignment(s) at resource-group or subscription scope", ev, affected: fail + broadRead) }
        if !broadRead.isEmpty { return .graded(0.5, "\(broadRead.count) broad role assignment(s) at resource-group or subscription scope", ev, affected: broadRead) }
        return .pass(assignments.isEmpty ? "No role assignments for the cluster identities" : "All role assignments are scoped to single resources", ev)
    }
}
