import PostureModel

enum HardChecks {
    static func isWindows(_ p: NodePool) -> Bool {
        p.osType?.lowercased() == "windows" || (p.osSKU?.lowercased().hasPrefix("windows") ?? false)
    }

    /// Per pool: Disabled 1, EntraId 0.5, LocalUser or absent 0; cluster = worst pool.
    /// Windows pools are left out: `sshAccess` applies to Linux nodes only.
    static func hard01(_ c: EvaluationContext) -> CheckOutcome {
        let all = c.pools()
        guard !all.isEmpty else { return .unknown("No node pools in the snapshot") }
        let pools = all.filter { !isWindows($0) }
        guard !pools.isEmpty else { return .notApplicable("Only Windows node pools") }
        var worst = 1.0
        var affected: [AffectedObject] = []
        let ev = pools.map { Evidence(path: c.poolPath($0, "securityProfile.sshAccess"), value: Show.str($0.sshAccess)) }
        for p in pools {
            let credit: Double
            switch p.sshAccess?.lowercased() {
            case "disabled"?: credit = 1
            case "entraid"?: credit = 0.5
            default: credit = 0
            }
            worst = min(worst, credit)
            if credit < 1 { affected.append(AffectedObject(kind: "NodePool", name: p.name, detail: "sshAccess=\(p.sshAccess ?? "(absent: LocalUser)")")) }
        }
        if worst >= 1 { return .pass("SSH disabled on all \(pools.count) Linux pool(s)", ev) }
        if worst <= 0 { return .fail("Local-user SSH allowed on \(pools.filter { !["disabled", "entraid"].contains($0.sshAccess?.lowercased() ?? "") }.count) pool(s)", ev, affected: affected) }
        return .graded(worst, "Entra ID SSH on \(affected.count) pool(s)", ev, affected: affected)
    }

    static func osCredit(_ sku: String) -> Double? {
        let s = sku.lowercased()
        if s.hasPrefix("azurelinux") || s == "azurecontainerlinux" { return 1 }
        if s.hasPrefix("ubuntu") { return 0.5 }
        if s.hasPrefix("cblmariner") || s == "mariner" { return 0.25 }
        return nil
    }

    static func hard02(_ c: EvaluationContext) -> CheckOutcome {
        let all = c.pools()
        guard !all.isEmpty else { return .unknown("No node pools in the snapshot") }
        let pools = all.filter { !isWindows($0) }
        guard !pools.isEmpty else { return .notApplicable("Only Windows node pools") }
        let ev = pools.map { Evidence(path: c.poolPath($0, "osSKU"), value: Show.str($0.osSKU)) }
        var worst: Double? = nil
        var affected: [AffectedObject] = []
        var unknown: [String] = []
        for p in pools {
            guard let sku = p.osSKU, let credit = osCredit(sku) else { unknown.append(p.name); continue }
            worst = min(worst ?? 1, credit)
            if credit < 1 { affected.append(AffectedObject(kind: "NodePool", name: p.name, detail: "osSKU=\(sku)")) }
        }
        guard let credit = worst else { return .unknown("osSKU not stated (or not recognised) for any Linux pool", ev) }
        if credit >= 1 { return .pass("Azure Linux on every Linux pool" + (unknown.isEmpty ? "" : " with a known OS SKU"), ev) }
        return .graded(credit, "\(affected.count) pool(s) not on Azure Linux", ev, affected: affected)
    }

    static func hard03(_ c: EvaluationContext) -> CheckOutcome {
        let a = c.cluster.addon("azurepolicy")
        let ev = [Evidence(path: "addonProfiles.azurepolicy.enabled", value: Show.bool(a?.enabled))]
        return a?.enabled == true ? .pass("Azure Policy add-on enabled", ev) : .fail("Azure Policy add-on not enabled", ev)
    }

    static func hard04(_ c: EvaluationContext) -> CheckOutcome {
        let v = c.cluster.defenderSecurityMonitoringEnabled
        let ev = [Evidence(path: "securityProfile.defender.securityMonitoring.enabled", value: Show.bool(v))]
        return v == true ? .pass("Defender sensor enabled", ev) : .fail("Defender sensor not enabled", ev)
    }

    static func hard05(_ c: EvaluationContext) -> CheckOutcome {
        let ev = [Evidence(path: "sku.name", value: Show.str(c.cluster.skuName))]
        return c.cluster.skuName?.lowercased() == "automatic" ? .pass("AKS Automatic", ev) : .notApplicable("AKS Standard (Base) SKU", ev)
    }

    static func hard06(_ c: EvaluationContext) -> CheckOutcome {
        let ch = c.cluster.upgradeChannel
        let ev = [Evidence(path: "autoUpgradeProfile.upgradeChannel", value: Show.str(ch))]
        switch ch?.lowercased() {
        case "patch"?, "stable"?, "rapid"?: return .pass("Auto-upgrade channel \(ch!)", ev)
        case "node-image"?: return .graded(0.5, "Auto-upgrade of node images only", ev)
        default: return .fail(ch == nil ? "No auto-upgrade channel" : "Auto-upgrade channel \(ch!)", ev)
        }
    }

    static func hard07(_ c: EvaluationContext) -> CheckOutcome {
        let ch = c.cluster.nodeOSUpgradeChannel
        var ev = [Evidence(path: "autoUpgradeProfile.nodeOSUpgradeChannel", value: Show.str(ch))]
        switch ch?.lowercased() {
        case "nodeimage"?, "securitypatch"?: return .pass("Node OS channel \(ch!)", ev)
        case "unmanaged"?: return .graded(0.5, "Node OS updates unmanaged (OS-level unattended upgrades only)", ev)
        default:
            // The node-image cluster channel forces node image upgrades (Azure Policy 04408ca5 passes it too).
            if c.cluster.upgradeChannel?.lowercased() == "node-image" {
                ev.append(Evidence(path: "autoUpgradeProfile.upgradeChannel", value: "\"node-image\""))
                return .pass("Node images upgraded by the node-image cluster channel", ev)
            }
            return .fail(ch == nil ? "No node OS upgrade channel" : "Node OS channel \(ch!)", ev)
        }
    }

    /// `major.minor` of a version string (`1.33.2` → (1, 33)).
    static func minor(_ v: String?) -> (Int, Int)? {
        guard let v else { return nil }
        let parts = v.trimmingCharacters(in: CharacterSet(charactersIn: "vV ")).split(separator: ".")
        guard parts.count >= 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
        return (a, b)
    }

    static func hard08(_ c: EvaluationContext) -> CheckOutcome {
        let cl = c.cluster
        let version = cl.currentKubernetesVersion ?? cl.kubernetesVersion
        var ev = [Evidence(path: "currentKubernetesVersion", value: Show.str(version))]
        for p in c.pools() { ev.append(Evidence(path: c.poolPath(p, "currentOrchestratorVersion"), value: Show.str(p.currentOrchestratorVersion ?? p.orchestratorVersion))) }
        guard let supportedList = c.configuration.supportedKubernetesMinors, !supportedList.isEmpty else {
            return .unknown("not collected (supported AKS versions are not part of the bundle; set supportedKubernetesMinors from az aks get-versions)", ev)
        }
        let supported = supportedList.compactMap { minor($0) }.sorted { $0 < $1 }
        guard let latest = supported.last else { return .unknown("supportedKubernetesMinors holds no valid minor versions", ev) }
        ev.append(Evidence(path: "supportedKubernetesMinors (configuration)", value: supported.map { "\($0.0).\($0.1)" }.joined(separator: ", ")))
        var versions: [(String, String?)] = [("control plane", version)]
        versions += c.pools().map { ("pool \($0.name)", $0.currentOrchestratorVersion ?? $0.orchestratorVersion) }
        var worst: Double? = nil
        var affected: [AffectedObject] = []
        for (label, v) in versions {
            guard let m = minor(v) else { continue }
            let credit: Double
            if !supported.contains(where: { $0 == m }) { credit = 0 }
            else if m.0 == latest.0 && latest.1 - m.1 <= 1 { credit = 1 }
            else { credit = 0.5 }
            worst = min(worst ?? 1, credit)
            if credit < 1 {
                affected.append(AffectedObject(kind: label == "control plane" ? "ManagedCluster" : "NodePool",
                                               name: label == "control plane" ? cl.name : String(label.dropFirst(5)),
                                               detail: "\(v!) \(credit == 0 ? "out of support" : "supported, more than one minor behind \(latest.0).\(latest.1)")"))
            }
        }
        guard let credit = worst else { return .unknown("Kubernetes version not stated", ev) }
        if credit >= 1 { return .pass("Kubernetes \(version ?? "?") supported and current", ev) }
        if credit <= 0 { return .fail("Kubernetes version out of AKS support", ev, affected: affected) }
        return .graded(credit, "Supported, but more than one minor behind \(latest.0).\(latest.1)", ev, affected: affected)
    }

    static func hard09(_ c: EvaluationContext) -> CheckOutcome {
        let pools = c.pools()
        guard !pools.isEmpty else { return .unknown("No node pools in the snapshot") }
        let ev = pools.map { Evidence(path: c.poolPath($0, "enableEncryptionAtHost"), value: Show.bool($0.enableEncryptionAtHost)) }
        let bad = pools.filter { $0.enableEncryptionAtHost != true }
        let share = Double(pools.count - bad.count) / Double(pools.count)
        return .graded(share, bad.isEmpty ? "Encryption at host on all \(pools.count) pool(s)" : "Encryption at host off on \(bad.count) of \(pools.count) pool(s)", ev,
                       affected: bad.map { AffectedObject(kind: "NodePool", name: $0.name, detail: "enableEncryptionAtHost=\(Show.bool($0.enableEncryptionAtHost))") })
    }

    static func hard10(_ c: EvaluationContext) -> CheckOutcome {
        let v = c.cluster.imageCleanerEnabled
        let ev = [Evidence(path: "securityProfile.imageCleaner.enabled", value: Show.bool(v))]
        return v == true ? .pass("Image Cleaner enabled", ev) : .fail("Image Cleaner not enabled", ev)
    }

    static let auditCategories: Set<String> = ["kube-audit", "kube-audit-admin"]
    static let auditGroups: Set<String> = ["audit", "alllogs"]

    static func hard11(_ c: EvaluationContext) -> CheckOutcome {
        let settings = (c.snapshot.diagnosticSettings ?? []).sorted { $0.name < $1.name }
        var audit: [String] = [], other: [String] = []
        for s in settings {
            let hasDestination = s.workspaceID != nil || s.storageAccountID != nil || s.eventHubAuthorizationRuleID != nil
            guard hasDestination else { continue }
            for l in s.logs where l.enabled {
                if let cat = l.category?.lowercased(), auditCategories.contains(cat) { audit.append("\(s.name): \(l.category!)") }
                else if let g = l.categoryGroup?.lowercased(), auditGroups.contains(g) { audit.append("\(s.name): group \(l.categoryGroup!)") }
                else { other.append("\(s.name): \(l.category ?? l.categoryGroup ?? "?")") }
            }
        }
        let ev = [Evidence(path: "diagnosticSettings[*].logs[enabled]", value: settings.isEmpty ? "no diagnostic settings" : (audit + other).joined(separator: ", "))]
        if !audit.isEmpty { return .pass("Control-plane audit logs exported", ev) }
        if !other.isEmpty { return .graded(0.5, "Resource logs exported, but no kube-audit category", ev) }
        return .fail("No control-plane resource logs exported", ev)
    }

    static func hard12(_ c: EvaluationContext) -> CheckOutcome {
        .unknown("not collected (maintenance configurations are not part of the bundle)")
    }

    static func hard13(_ c: EvaluationContext) -> CheckOutcome {
        let dash = c.cluster.addon("kubeDashboard"), http = c.cluster.addon("httpApplicationRouting")
        let ev = [Evidence(path: "addonProfiles.kubeDashboard.enabled", value: Show.bool(dash?.enabled)),
                  Evidence(path: "addonProfiles.httpApplicationRouting.enabled", value: Show.bool(http?.enabled))]
        var on: [String] = []
        if dash?.enabled == true { on.append("kube-dashboard") }
        if http?.enabled == true { on.append("HTTP application routing") }
        return on.isEmpty ? .pass("Legacy add-ons off", ev) : .fail("Enabled: " + on.joined(separator: ", "), ev)
    }

    /// Registry host of an image reference (`nginx` → `docker.io`).
    static func registryHost(_ image: String) -> String {
        let parts = image.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return "docker.io" }
        let first = parts[0].lowercased()
        if first == "index.docker.io" { return "docker.io" }
        if first.contains(".") || first.contains(":") || first == "localhost" { return first }
        return "docker.io"
    }

    /// Fully qualified reference: `redis:7` → `docker.io/library/redis:7`, `bitnami/redis` → `docker.io/bitnami/redis`.
    static func normalizedImage(_ image: String) -> String {
        let lower = image.lowercased()
        let parts = lower.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
            if parts[0] == "docker.io" || parts[0] == "index.docker.io" {
                return parts[1].contains("/") ? "docker.io/" + parts[1] : "docker.io/library/" + parts[1]
            }
            return lower
        }
        return parts.count == 1 ? "docker.io/library/" + lower : "docker.io/" + lower
    }

    static func isApproved(_ image: String, _ allow: [String]) -> Bool {
        let host = registryHost(image), full = normalizedImage(image)
        return allow.contains { entry in
            let e = entry.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
            if e.contains("/") { return full.hasPrefix(e + "/") }
            return Glob.matches(e, host)
        }
    }

    static func hard14(_ c: EvaluationContext) -> CheckOutcome {
        let allow: [String]
        var ev: [Evidence] = []
        if let configured = c.configuration.approvedRegistries {
            allow = configured
            ev.append(Evidence(path: "approvedRegistries (configuration)", value: configured.joined(separator: ", ")))
        } else {
            guard let regs = c.snapshot.registries else {
                return .unknown("not collected (the default allow-list is the cluster's ACR login servers from acr.json; configure approvedRegistries to evaluate without it)")
            }
            allow = regs.compactMap { $0.loginServer?.lowercased() }.sorted() + ["mcr.microsoft.com"]
            ev.append(Evidence(path: "registries[*].loginServer + mcr.microsoft.com", value: allow.joined(separator: ", ")))
        }
        let workloads = c.appWorkloads()
        guard !workloads.isEmpty else { return .notApplicable("No workloads outside system namespaces", ev) }
        let allowList = RegistryAllowList(allow)
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            var unapproved: [String] = []
            for ct in w.pointee.containers where !allowList.approves(ct.image) { unapproved.append(ct.image) }
            guard !unapproved.isEmpty else { return }
            let bad = Array(Set(unapproved)).sorted()
            if !bad.isEmpty { affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: "images " + bad.joined(separator: ", "))) }
        }
        let share = Double(workloads.count - affected.count) / Double(workloads.count)
        ev.append(Evidence(path: "containers[*].image", value: "\(workloads.count - affected.count) of \(workloads.count) workload(s) use approved registries only (\(Show.pct(share)))"))
        let summary = affected.isEmpty ? "All images from approved registries" : "\(affected.count) of \(workloads.count) workload(s) pull from unapproved registries"
        if share < 0.9 { return .fail(summary, ev, affected: affected) }
        return .graded(share, summary, ev, affected: affected)
    }

    static func hard15(_ c: EvaluationContext) -> CheckOutcome {
        let workloads = c.appWorkloads()
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            var why: [String] = []
            let priv = w.pointee.containers.filter { $0.privileged == true }.map(\.name)
            if !priv.isEmpty { why.append("privileged: " + priv.joined(separator: ", ")) }
            if w.pointee.hostPID { why.append("hostPID") }
            if w.pointee.hostIPC { why.append("hostIPC") }
            if w.pointee.hostNetwork { why.append("hostNetwork") }
            if !why.isEmpty { affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: why.joined(separator: "; "))) }
        }
        let ev = [Evidence(path: "securityContext.privileged / spec.hostPID|hostIPC|hostNetwork", value: "\(affected.count) of \(workloads.count) workload(s)")]
        return affected.isEmpty ? .pass("No privileged containers or host namespaces outside system namespaces", ev)
            : .fail("\(affected.count) workload(s) run privileged or share host namespaces", ev, affected: affected)
    }

    static func hard16(_ c: EvaluationContext) -> CheckOutcome {
        let workloads = c.appWorkloads()
        guard !workloads.isEmpty else { return .notApplicable("No workloads outside system namespaces") }
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            let detail = c.reportsDetail(afterAffected: affected.count)
            var flagged = false
            var why: [String] = []
            for ct in w.pointee.containers {
                if ct.allowPrivilegeEscalation != false || ct.privileged == true {
                    flagged = true
                    if detail { why.append("\(ct.name): allowPrivilegeEscalation not false") }
                }
                let nonRoot = (ct.runAsNonRoot ?? w.pointee.podRunAsNonRoot) == true || ((ct.runAsUser ?? w.pointee.podRunAsUser).map { $0 > 0 } ?? false)
                let explicitRoot = (ct.runAsUser ?? w.pointee.podRunAsUser) == 0
                if !nonRoot || explicitRoot {
                    flagged = true
                    if detail { why.append("\(ct.name): may run as root") }
                }
            }
            if flagged { affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: detail ? why.joined(separator: "; ") : nil)) }
        }
        let share = Double(workloads.count - affected.count) / Double(workloads.count)
        let ev = [Evidence(path: "securityContext.allowPrivilegeEscalation / runAsNonRoot / runAsUser", value: "\(workloads.count - affected.count) of \(workloads.count) workload(s) compliant (\(Show.pct(share)))")]
        return .graded(share, affected.isEmpty ? "No workload may escalate privileges or run as root" : "\(affected.count) of \(workloads.count) workload(s) may escalate privileges or run as root", ev, affected: affected)
    }

    static func hard17(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let ns = "default"
        guard !c.isSystemNamespace(ns) else { return .notApplicable("The default namespace is configured as a system namespace") }
        var affected: [AffectedObject] = []
        func add(_ kind: String, _ name: String) {
            if c.admit(kind: kind, namespace: ns, name: name) { affected.append(AffectedObject(kind: kind, namespace: ns, name: name, detail: "in namespace default")) }
        }
        for i in c.index.topLevelWorkloadIndices where k8s.workloads[i].meta.namespace == ns { add(k8s.workloads[i].kind, k8s.workloads[i].meta.name) }
        for s in k8s.services where s.meta.namespace == ns && s.meta.name != "kubernetes" { add("Service", s.meta.name) }
        for i in k8s.ingresses where i.meta.namespace == ns { add("Ingress", i.meta.name) }
        for s in k8s.secrets where s.meta.namespace == ns && s.type != "kubernetes.io/service-account-token" { add("Secret", s.meta.name) }
        for cm in k8s.configMaps where cm.meta.namespace == ns && cm.meta.name != "kube-root-ca.crt" { add("ConfigMap", cm.meta.name) }
        for sa in k8s.serviceAccounts where sa.meta.namespace == ns && sa.meta.name != "default" { add("ServiceAccount", sa.meta.name) }
        affected.sort { ($0.kind, $0.name) < ($1.kind, $1.name) }
        let ev = [Evidence(path: "objects[metadata.namespace=default] (except service/kubernetes)", value: "\(affected.count)")]
        return affected.isEmpty ? .pass("Default namespace unused", ev) : .fail("\(affected.count) application object(s) in the default namespace", ev, affected: affected)
    }
}

import Foundation
