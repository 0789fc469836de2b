import PostureModel

enum SecChecks {
    static let csiAddon = "azureKeyvaultSecretsProvider"
    static let csiDriver = "secrets-store.csi.k8s.io"

    static func csiState(_ c: EvaluationContext) -> (enabled: Bool, rotation: String?, interval: String?, evidence: [Evidence]) {
        let addon = c.cluster.addon(csiAddon)
        let rotation = addon?.configValue("enableSecretRotation")
        let interval = addon?.configValue("rotationPollInterval")
        let ev = [Evidence(path: "addonProfiles.azureKeyvaultSecretsProvider.enabled", value: Show.bool(addon?.enabled)),
                  Evidence(path: "addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation", value: Show.str(rotation))]
        return (addon?.enabled == true, rotation, interval, ev)
    }

    static func sec01(_ c: EvaluationContext) -> CheckOutcome {
        let s = csiState(c)
        guard s.enabled else { return .fail("Key Vault secrets provider add-on off", s.evidence) }
        if s.rotation?.lowerTrimmed == "true" { return .pass("Key Vault CSI provider with secret rotation", s.evidence) }
        return .graded(0.6, "Key Vault CSI provider without secret rotation", s.evidence)
    }

    static func sec02(_ c: EvaluationContext) -> CheckOutcome {
        let s = csiState(c)
        guard s.enabled else { return .notApplicable("Key Vault secrets provider add-on off (see SEC-01)", s.evidence) }
        let ev = s.evidence + [Evidence(path: "addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval", value: Show.str(s.interval))]
        return s.rotation?.lowerTrimmed == "true" ? .pass("Secret autorotation on" + (s.interval.map { " (every \($0))" } ?? ""), ev)
            : .fail("Secret autorotation off", ev)
    }

    static func sec03(_ c: EvaluationContext) -> CheckOutcome {
        let kms = c.cluster.kms
        let ev = [Evidence(path: "securityProfile.azureKeyVaultKms.enabled", value: Show.bool(kms?.enabled)),
                  Evidence(path: "securityProfile.azureKeyVaultKms.keyVaultNetworkAccess", value: Show.str(kms?.keyVaultNetworkAccess)),
                  Evidence(path: "securityProfile.kubernetesResourceObjectEncryptionProfile.infrastructureEncryption", value: Show.str(c.cluster.infrastructureEncryption))]
        if kms?.enabled == true {
            if kms?.keyVaultNetworkAccess?.lowercased() == "private" { return .pass("KMS with a customer key in a private key vault", ev) }
            return .graded(0.7, "KMS with a customer key in a public key vault", ev)
        }
        if c.cluster.infrastructureEncryption?.lowercased() == "enabled" { return .graded(0.5, "Infrastructure encryption only (no customer-managed KMS key)", ev) }
        return .fail("No KMS encryption of Secrets in etcd", ev)
    }

    static func usesSecretEnv(_ w: Workload) -> [String] {
        w.containers.flatMap { ct in ct.secretEnv.map { ref in "\(ct.name): \(ref.variable ?? "envFrom") ← \(ref.secretName)" } }
    }

    static func sec04(_ c: EvaluationContext) -> CheckOutcome {
        let workloads = c.appWorkloads()
        guard !workloads.isEmpty else { return .notApplicable("No workloads outside system namespaces") }
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            guard w.pointee.containers.contains(where: { !$0.secretEnv.isEmpty }) else { return }
            let detail = c.reportsDetail(afterAffected: affected.count) ? usesSecretEnv(w.pointee).joined(separator: "; ") : nil
            affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: detail))
        }
        let share = Double(workloads.count - affected.count) / Double(workloads.count)
        let ev = [Evidence(path: "containers[*].env[*].valueFrom.secretKeyRef + envFrom[*].secretRef", value: "\(workloads.count - affected.count) of \(workloads.count) workload(s) without env secrets (\(Show.pct(share)))")]
        let summary = affected.isEmpty ? "No workload reads Secrets into environment variables" : "\(affected.count) of \(workloads.count) workload(s) read Secrets into environment variables"
        if share <= 0.5 && !affected.isEmpty { return .fail(summary, ev, affected: affected) }
        return .graded(share, summary, ev, affected: affected)
    }

    /// Secrets a workload reads (env, volumes, projected volumes).
    static func secretRefs(_ w: Workload) -> Set<String> {
        var s = Set<String>()
        for ct in w.containers { for r in ct.secretEnv { s.insert(r.secretName) } }
        for v in w.volumes {
            if let n = v.secretName { s.insert(n) }
            for n in v.projectedSecretNames { s.insert(n) }
        }
        return s
    }

    static func usesCSI(_ w: Workload) -> Bool {
        w.volumes.contains { $0.source == .csi && $0.csiDriver == csiDriver }
    }

    static func sec05(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let workloads = c.appWorkloads()
        let spcCollected = KubeKinds.isCollected("SecretProviderClass", in: k8s.collectedKinds)
        var synced: [String: Set<String>] = [:]
        for spc in k8s.secretProviderClasses { synced[spc.meta.namespace ?? "", default: []].formUnion(spc.syncedSecretNames) }
        var consumers = 0
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            // Decided without building the set of references; the set (and the detail) only
            // for the affected objects the report keeps.
            let syncedHere = synced[w.pointee.meta.namespace ?? ""] ?? []
            var reads = false, plainRef = false
            func see(_ name: String) { reads = true; if !plainRef && !syncedHere.contains(name) { plainRef = true } }
            for ct in w.pointee.containers { for r in ct.secretEnv { see(r.secretName) } }
            for v in w.pointee.volumes {
                if let n = v.secretName { see(n) }
                for n in v.projectedSecretNames { see(n) }
            }
            guard reads || usesCSI(w.pointee) else { return }
            consumers += 1
            if plainRef {
                let detail = c.reportsDetail(afterAffected: affected.count)
                    ? "plain Secret(s): " + secretRefs(w.pointee).subtracting(syncedHere).sorted().joined(separator: ", ") : nil
                affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: detail))
            }
        }
        var ev = [Evidence(path: "workloads[secret consumers] with csi.driver=\(csiDriver)", value: "\(consumers - affected.count) of \(consumers) Key Vault-backed")]
        if !spcCollected { ev.append(Evidence(path: "secretproviderclasses", value: "not collected (synced Secrets cannot be recognised)")) }
        guard consumers > 0 else { return .notApplicable("No workload outside system namespaces reads Secrets", ev) }
        let share = Double(consumers - affected.count) / Double(consumers)
        let summary = "\(consumers - affected.count) of \(consumers) secret-consuming workload(s) use Key Vault-backed secrets"
        if share >= 0.9 { return .pass(summary, ev, affected: affected) }
        return .graded(share, summary, ev, affected: affected)
    }

    static func sec06(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let workloads = c.appWorkloads()
        var affected: [AffectedObject] = []
        workloads.forEachPointer { w in
            let names = w.pointee.containers.flatMap { ct in ct.credentialLikeEnvNames.map { "\(ct.name).\($0)" } }
            if !names.isEmpty { affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: "literal env " + names.joined(separator: ", "))) }
        }
        let cmCollected = KubeKinds.isCollected("ConfigMap", in: k8s.collectedKinds)
        var configMaps = 0
        if cmCollected {
            // Filtered before sorting (the filter calls no `admit`, so waivers are recorded in the same order).
            let candidates = k8s.configMaps.indices.filter { !c.isSystemNamespace(k8s.configMaps[$0].meta.namespace) && !k8s.configMaps[$0].credentialLikeKeys.isEmpty }
            for i in SnapshotIndex.sortedByNamespaceAndName(candidates, in: k8s.configMaps, namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name }) {
                let cm = k8s.configMaps[i]
                guard c.admit(kind: "ConfigMap", namespace: cm.meta.namespace, name: cm.meta.name) else { continue }
                configMaps += 1
                affected.append(AffectedObject(kind: "ConfigMap", namespace: cm.meta.namespace, name: cm.meta.name, detail: "keys " + cm.credentialLikeKeys.joined(separator: ", ")))
            }
        }
        var ev = [Evidence(path: "containers[*].env[*].value (credential-like names)", value: "\(affected.count - configMaps) workload(s)"),
                  Evidence(path: "configmaps.data (credential-like keys)", value: cmCollected ? "\(configMaps) ConfigMap(s)" : "not collected")]
        if !KubeKinds.workloadKinds.contains(where: { KubeKinds.isCollected($0, in: k8s.collectedKinds) }) { ev[0].value = "not collected" }
        return affected.isEmpty ? .pass("No credential-like literals found" + (cmCollected ? "" : " (ConfigMaps not collected)"), ev)
            : .fail("\(affected.count) object(s) hold credential-like literals", ev, affected: affected)
    }

    static func vaults(_ c: EvaluationContext) -> [KeyVault] {
        (c.snapshot.keyVaults ?? []).filter { c.admit(kind: "KeyVault", namespace: nil, name: $0.name) }.sorted { $0.name < $1.name }
    }

    static func sec07(_ c: EvaluationContext) -> CheckOutcome {
        let kvs = vaults(c)
        guard !kvs.isEmpty else { return .notApplicable("No key vault in keyvaults.json") }
        let ev = kvs.map { Evidence(path: "keyVaults[\($0.name)].enableRbacAuthorization", value: Show.bool($0.enableRbacAuthorization)) }
        let bad = kvs.filter { $0.enableRbacAuthorization != true }
        if bad.isEmpty { return .pass("All \(kvs.count) vault(s) use Azure RBAC", ev) }
        return .fail("\(bad.count) vault(s) use access policies", ev,
                     affected: bad.map { AffectedObject(kind: "KeyVault", name: $0.name, detail: "access policies (\($0.accessPolicyCount ?? 0) entr\($0.accessPolicyCount == 1 ? "y" : "ies"))") })
    }

    static func sec08(_ c: EvaluationContext) -> CheckOutcome {
        let kvs = vaults(c)
        guard !kvs.isEmpty else { return .notApplicable("No key vault in keyvaults.json") }
        let r = IdentChecks.worstOf(kvs, name: \.name, kind: "KeyVault", pathPrefix: "keyVaults") { kv in
            let ev = [Evidence(path: "keyVaults[\(kv.name)].enableSoftDelete", value: Show.bool(kv.enableSoftDelete)),
                      Evidence(path: "keyVaults[\(kv.name)].enablePurgeProtection", value: Show.bool(kv.enablePurgeProtection))]
            // Purge protection cannot be on without soft delete.
            let soft = kv.enableSoftDelete == true || kv.enablePurgeProtection == true
            if soft && kv.enablePurgeProtection == true { return (1, "", ev) }
            if soft { return (0.5, "soft delete without purge protection", ev) }
            return (0, "neither soft delete nor purge protection", ev)
        }
        let credit = r.credit ?? 0
        if credit >= 1 { return .pass("Soft delete and purge protection on every vault", r.evidence) }
        if credit <= 0 { return .fail("A vault has neither soft delete nor purge protection", r.evidence, affected: r.affected) }
        return .graded(credit, "Soft delete without purge protection", r.evidence, affected: r.affected)
    }

    static func sec09(_ c: EvaluationContext) -> CheckOutcome {
        let kvs = vaults(c)
        guard !kvs.isEmpty else { return .notApplicable("No key vault in keyvaults.json") }
        let r = IdentChecks.worstOf(kvs, name: \.name, kind: "KeyVault", pathPrefix: "keyVaults") { kv in
            let pes = kv.privateEndpointConnections.filter { $0.status?.lowercased() == "approved" }.count
            let ev = [Evidence(path: "keyVaults[\(kv.name)].publicNetworkAccess", value: Show.str(kv.publicNetworkAccess)),
                      Evidence(path: "keyVaults[\(kv.name)].networkAcls.defaultAction", value: Show.str(kv.networkDefaultAction)),
                      Evidence(path: "keyVaults[\(kv.name)].privateEndpointConnections[Approved]", value: String(pes))]
            if kv.publicNetworkAccess?.lowercased() == "disabled" { return (1, "", ev) }
            if kv.networkDefaultAction?.lowercased() == "deny" { return (0.5, "public endpoint behind a firewall (default action Deny)", ev) }
            return (0, "open to all networks", ev)
        }
        let credit = r.credit ?? 0
        if credit >= 1 { return .pass("Public network access disabled on every vault", r.evidence) }
        if credit <= 0 { return .fail("A vault is open to all networks", r.evidence, affected: r.affected) }
        return .graded(credit, "Vault public access limited by firewall rules", r.evidence, affected: r.affected)
    }

    static func sec10(_ c: EvaluationContext) -> CheckOutcome {
        let id = c.cluster.diskEncryptionSetID
        let ev = [Evidence(path: "diskEncryptionSetID", value: Show.str(id))]
        if let id, !id.isEmpty { return .pass("Node disks encrypted with a customer-managed key", ev) }
        return .fail("Node disks use platform-managed keys (enable a disk encryption set if required)", ev)
    }
}
