import Foundation
import PostureModel

/// Key Vaults, SecretProviderClasses, Kubernetes Secrets and secret-reading workloads.
/// Only names, types, key names and references: the model holds no values.
enum SecretsModel {
    static let columns = [
        ListColumn("KIND", min: 6, max: 8),
        ListColumn("NAME", min: 14, max: 48),
        ListColumn("TYPE", min: 6, max: 18, drop: 2),
        ListColumn("DETAIL", min: 16, max: 80, flex: true),
        ListColumn("AGE", min: 4, max: 5, right: true, drop: 3),
        ListColumn("USED BY", min: 8, max: 60, drop: 1),
    ]

    private struct Item {
        var group: Int; var id: String; var kind: String; var name: String; var type: String; var detail: String
        var sortNamespace = ""
        var age: String; var usedBy: [String]; var role: Role; var facts: [(String, String)]
    }

    static func shortType(_ t: String) -> String {
        switch t {
        case "kubernetes.io/tls": "tls"
        case "kubernetes.io/dockerconfigjson": "dockerconfig"
        case "kubernetes.io/service-account-token": "sa-token"
        case "kubernetes.io/basic-auth": "basic-auth"
        case "kubernetes.io/ssh-auth": "ssh-auth"
        case "helm.sh/release.v1": "helm-release"
        default: clean(t)
        }
    }

    static func build(snapshot: Snapshot, glyphs: GlyphSet) -> DetailListModel {
        let c = snapshot.cluster
        let dot = " \(glyphs.bullet) "
        let dash = glyphs.ascii ? "-" : "–"
        let at = snapshot.collection.collectedAt
        func age(_ ts: String?) -> String { Fmt.parseTimestamp(ts).map { Fmt.age(at.timeIntervalSince($0)) } ?? dash }
        var items: [Item] = []

        for v in snapshot.keyVaults ?? [] {
            let rbac = v.enableRbacAuthorization == true
            let purge = v.enablePurgeProtection == true
            let publicOff = v.publicNetworkAccess?.lowercased() == "disabled"
            let net = publicOff ? "public access disabled" : v.networkDefaultAction?.lowercased() == "deny" ? "public, default Deny" : "public, all networks"
            let pes = v.privateEndpointConnections.filter { $0.status?.lowercased() == "approved" }.count
            let role: Role = (!rbac || !purge) ? .high : publicOff ? .normal : .medium
            items.append(Item(group: 0, id: "kv/" + v.name, kind: "Vault", name: clean(v.name), type: rbac ? "Azure RBAC" : "access policies",
                              detail: "purge protection \(purge ? "on" : "OFF")" + dot + net + dot + "\(pes) PE", age: dash, usedBy: [], role: role,
                              facts: [("vault URI", clean(v.vaultURI) ?? "-"), ("permission model", rbac ? "Azure RBAC" : "access policies (\(v.accessPolicyCount ?? 0) entries)"),
                                      ("soft delete", v.enableSoftDelete.map { $0 ? "on" : "off" } ?? "-"), ("purge protection", purge ? "on" : "off"),
                                      ("retention days", v.softDeleteRetentionInDays.map(String.init) ?? "-"), ("network", net), ("private endpoints", "\(pes)")]))
        }

        let inv = snapshot.kubernetes
        var consumers: [String: [String]] = [:]     // "ns/secret" → users
        var spcUsers: [String: [String]] = [:]      // "ns/spc" → workloads
        if let inv {
            for w in inv.topLevelWorkloads {
                let ns = w.meta.namespace ?? "default"
                let who = clean(w.kind) + " " + clean(w.meta.name)
                var names = Set<String>()
                for vol in w.volumes {
                    if let s = vol.secretName { names.insert(s) }
                    names.formUnion(vol.projectedSecretNames)
                    if let spc = vol.secretProviderClass { spcUsers[ns + "/" + spc, default: []].append(who) }
                }
                for ctr in w.containers { for ref in ctr.secretEnv { names.insert(ref.secretName) } }
                for n in names.sorted() { consumers[ns + "/" + n, default: []].append(who) }
            }
            for ing in inv.ingresses {
                for s in ing.tlsSecretNames { consumers[(ing.meta.namespace ?? "default") + "/" + s, default: []].append("Ingress " + clean(ing.meta.name)) }
            }
            for sa in inv.serviceAccounts {
                for s in sa.imagePullSecretNames { consumers[(sa.meta.namespace ?? "default") + "/" + s, default: []].append("SA " + clean(sa.meta.name) + " (pull)") }
            }
            for spc in inv.secretProviderClasses {
                for s in spc.syncedSecretNames { consumers[(spc.meta.namespace ?? "default") + "/" + s, default: []].append("SPC " + clean(spc.meta.name) + " (sync)") }
            }

            for spc in inv.secretProviderClasses {
                let ns = spc.meta.namespace ?? "default"
                let users = spcUsers[ns + "/" + spc.meta.name] ?? []
                let how = spc.clientID != nil ? "workload identity " + clean(spc.clientID!) : spc.useVMManagedIdentity == true ? "kubelet/VM identity" : spc.usePodIdentity == true ? "pod identity" : "identity not set"
                var detail = "vault " + (clean(spc.keyvaultName) ?? "?") + dot + how + dot + "\(spc.objectNames.count) object\(spc.objectNames.count == 1 ? "" : "s")"
                if !spc.syncedSecretNames.isEmpty { detail += dot + "syncs " + spc.syncedSecretNames.map(clean).joined(separator: ",") }
                items.append(Item(group: 1, id: "spc/" + ns + "/" + spc.meta.name, kind: "SPC", name: clean(ns) + "/" + clean(spc.meta.name), type: clean(spc.provider) ?? "?",
                                  detail: detail, age: age(spc.meta.creationTimestamp), usedBy: users, role: users.isEmpty ? .muted : .normal,
                                  facts: [("provider", clean(spc.provider) ?? "-"), ("key vault", clean(spc.keyvaultName) ?? "-"), ("identity", how),
                                          ("tenant", clean(spc.tenantID) ?? "-"), ("objects", spc.objectNames.map(clean).joined(separator: ", ")),
                                          ("synced secrets", spc.syncedSecretNames.map(clean).joined(separator: ", ")), ("mounted by", users.joined(separator: ", "))]))
            }

            for w in inv.topLevelWorkloads {
                let refs = w.containers.flatMap { ctr in ctr.secretEnv.map { (ctr.name, $0) } }
                let literal = w.containers.flatMap(\.credentialLikeEnvNames)
                guard !refs.isEmpty || !literal.isEmpty else { continue }
                let arrow = glyphs.ascii ? "<-" : "←"
                var parts = refs.map { (_, r) in
                    (r.variable.map(clean) ?? "envFrom") + arrow + clean(r.secretName) + (r.key.map { "/" + clean($0) } ?? "/*")
                }
                if !literal.isEmpty { parts.append("literal " + literal.map(clean).joined(separator: ",")) }
                let ns = clean(w.meta.namespace ?? "default")
                items.append(Item(group: 2, id: "env/" + w.kind + "/" + (w.meta.namespace ?? "") + "/" + w.meta.name, kind: "Env", name: ns + "/" + clean(w.meta.name),
                                  type: clean(w.kind), detail: parts.joined(separator: ", "), age: age(w.meta.creationTimestamp), usedBy: [],
                                  role: literal.isEmpty ? .medium : .high,
                                  facts: refs.map { (ctr, r) in ("container " + clean(ctr), (r.variable.map(clean) ?? "envFrom (all keys)") + " from Secret " + clean(r.secretName) + (r.key.map { " key " + clean($0) } ?? "")) }
                                    + literal.map { ("literal credential-like", clean($0)) }))
            }

            for s in inv.secrets {
                let ns = s.meta.namespace ?? "default"
                let users = consumers[ns + "/" + s.meta.name] ?? []
                let keys = s.keys.map(clean)
                let keyText = keys.isEmpty ? "no keys" : "\(keys.count) key\(keys.count == 1 ? "" : "s"): " + keys.joined(separator: ", ")
                items.append(Item(group: 3, id: "secret/" + ns + "/" + s.meta.name, kind: "Secret", name: clean(ns) + "/" + clean(s.meta.name), type: shortType(s.type),
                                  detail: keyText, sortNamespace: ns, age: age(s.meta.creationTimestamp), usedBy: users, role: .normal,
                                  facts: [("type", clean(s.type)), ("keys", keys.joined(separator: ", ")), ("immutable", s.immutable.map { $0 ? "yes" : "no" } ?? "-"),
                                          ("created", clean(s.meta.creationTimestamp) ?? "-"), ("used by", users.isEmpty ? "nothing collected references it" : users.joined(separator: ", "))]))
            }
        }

        items.sort { a, b in
            if a.group != b.group { return a.group < b.group }
            if a.group == 3 { return (a.sortNamespace, a.type, a.name) < (b.sortNamespace, b.type, b.name) }
            return a.name < b.name
        }
        let rows = items.map { i in
            BodyRow(id: i.id, cells: [Span(i.kind, .muted), Span(i.name, i.role == .muted ? .muted : .normal), Span(i.type, i.role == .high ? .high : .normal),
                                      Span(i.detail, i.role == .high || i.role == .medium ? i.role : .normal), Span(i.age, .muted),
                                      Span(i.usedBy.isEmpty ? dash : i.usedBy.joined(separator: ", "), i.usedBy.isEmpty ? .muted : .normal)],
                    target: .detail(i.id))
        }
        var entries: [String: DetailListModel.Entry] = [:]
        entries.reserveCapacity(items.count)
        let footer = Line("Values are never collected or stored; only names and references are shown.", .muted)
        for i in items {
            entries[i.id] = .init(kind: i.kind, name: i.name, lead: [Span("  " + i.detail)], facts: i.facts, footer: footer)
        }

        var header: [Line] = []
        let kv = c.addon("azureKeyvaultSecretsProvider")
        let rotation = kv?.configValue("enableSecretRotation")?.lowercased() == "true"
        let poll = kv?.configValue("rotationPollInterval")
        var kvSpans = [Span("Key Vault provider ", .muted)]
        if kv?.enabled == true {
            kvSpans += [Span("on", .pass), Span("  rotation ", .muted), Span(rotation ? "on" + (poll.map { " every " + clean($0) } ?? "") : "off", rotation ? .pass : .partial)]
        } else {
            kvSpans.append(Span(kv == nil ? "not installed" : "off", .muted))
        }
        kvSpans.append(Span("   KMS etcd encryption ", .muted))
        if c.kms?.enabled == true {
            kvSpans += [Span("on", .pass), Span(" (key vault access " + (clean(c.kms?.keyVaultNetworkAccess) ?? "?") + ")", .muted)]
        } else {
            kvSpans.append(Span(c.kms == nil ? "off" : "off", .partial))
        }
        header.append(Line(kvSpans))
        if let inv {
            let envCount = items.filter { $0.group == 2 }.count
            header.append(Line([Span("\(inv.secrets.count) Secret\(inv.secrets.count == 1 ? "" : "s")", .normal), Span(dot + "\(inv.secretProviderClasses.count) SecretProviderClass\(inv.secretProviderClasses.count == 1 ? "" : "es")"),
                                Span(dot + "\(envCount) workload\(envCount == 1 ? "" : "s") read\(envCount == 1 ? "s" : "") secrets from env"), Span(dot + "ages as of the snapshot", .muted)]))
        } else {
            header.append(Line("Kubernetes objects were not collected: Secrets and provider classes are not shown.", .unknown))
        }
        if snapshot.keyVaults == nil { header.append(Line("Key Vaults were not collected.", .unknown)) }
        return DetailListModel(header: header, body: Body(columns: columns, rows: rows), entries: entries)
    }
}
