import PostureModel

/// A CIDR's address family and prefix length (a bare address counts as a host route).
struct CIDR {
    var isIPv6: Bool
    var prefix: Int
    var text: String
    init?(_ raw: String) {
        let t = raw.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        text = t
        let parts = t.split(separator: "/", maxSplits: 1).map(String.init)
        isIPv6 = parts[0].contains(":")
        if parts.count == 2 {
            guard let p = Int(parts[1]), p >= 0, p <= (isIPv6 ? 128 : 32) else { return nil }
            prefix = p
        } else {
            prefix = isIPv6 ? 128 : 32
        }
    }
}

enum NetChecks {
    static func net01(_ c: EvaluationContext) -> CheckOutcome {
        let api = c.cluster.apiServer
        var ev = [Evidence(path: "apiServerAccessProfile.enablePrivateCluster", value: Show.bool(api.enablePrivateCluster))]
        if api.enablePrivateCluster == true {
            ev.append(Evidence(path: "apiServerAccessProfile.enablePrivateClusterPublicFQDN", value: Show.bool(api.enablePrivateClusterPublicFQDN)))
            if api.enablePrivateClusterPublicFQDN == true { return .graded(0.9, "Private cluster with a public FQDN", ev) }
            return .pass("Private cluster", ev)
        }
        ev.append(Evidence(path: "apiServerAccessProfile.authorizedIPRanges", value: Show.list(api.authorizedIPRanges)))
        let ranges = (api.authorizedIPRanges ?? []).compactMap(CIDR.init)
        if ranges.isEmpty { return .fail("Public API server with no authorized IP ranges", ev) }
        if ranges.contains(where: { $0.prefix == 0 }) { return .fail("Public API server; authorized ranges include a /0 (open to all)", ev) }
        return .graded(0.5, "Public API server limited to \(ranges.count) authorized range(s)", ev)
    }

    static func net02(_ c: EvaluationContext) -> CheckOutcome {
        let api = c.cluster.apiServer
        let ev = [Evidence(path: "apiServerAccessProfile.authorizedIPRanges", value: Show.list(api.authorizedIPRanges))]
        if api.enablePrivateCluster == true {
            return .notApplicable("Private cluster", [Evidence(path: "apiServerAccessProfile.enablePrivateCluster", value: "true")])
        }
        let ranges = (api.authorizedIPRanges ?? []).compactMap(CIDR.init)
        if ranges.isEmpty { return .fail("No authorized ranges: the public endpoint accepts 0.0.0.0/0", ev) }
        let open = ranges.filter { $0.prefix == 0 }
        if !open.isEmpty { return .fail("Authorized ranges include \(open.map(\.text).joined(separator: ", "))", ev) }
        let v4 = c.configuration.authorizedRangeMinPrefixLength, v6 = c.configuration.authorizedRangeMinPrefixLengthIPv6
        let wide = ranges.filter { $0.prefix < ($0.isIPv6 ? v6 : v4) }
        if !wide.isEmpty { return .graded(0.5, "\(wide.count) range(s) wider than /\(v4): \(wide.map(\.text).joined(separator: ", "))", ev) }
        return .pass("\(ranges.count) narrow authorized range(s)", ev)
    }

    static func net03(_ c: EvaluationContext) -> CheckOutcome {
        let n = c.cluster.network
        let ev = [Evidence(path: "networkProfile.networkPolicy", value: Show.str(n.networkPolicy)),
                  Evidence(path: "networkProfile.networkPlugin", value: Show.str(n.networkPlugin)),
                  Evidence(path: "networkProfile.networkDataplane", value: Show.str(n.networkDataplane))]
        let policy = n.networkPolicy?.lowercased() ?? ""
        if ["azure", "calico", "cilium"].contains(policy) { return .pass("Network policy engine: \(n.networkPolicy!)", ev) }
        return .fail(policy.isEmpty ? "No network policy engine" : "Network policy engine \"\(n.networkPolicy!)\"", ev)
    }

    /// Built-in namespaces that never hold application pods: NET-04/05 expect no policies there and
    /// IDENT-07 does not count their default service accounts.
    static let builtinEmptyNamespaces: Set<String> = ["kube-public", "kube-node-lease"]

    static func appNamespaces(_ c: EvaluationContext) -> [String] {
        guard let k8s = c.k8s else { return [] }
        return k8s.namespaces.map(\.meta.name)
            .filter { !c.isSystemNamespace($0) && !builtinEmptyNamespaces.contains($0) }
            .filter { c.admit(kind: "Namespace", namespace: nil, name: $0) }
            .sorted()
    }

    static func net04(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let namespaces = appNamespaces(c)
        guard !namespaces.isEmpty else { return .notApplicable("No application namespaces") }
        let covered = Set(k8s.networkPolicies.compactMap(\.meta.namespace))
        let bare = namespaces.filter { !covered.contains($0) }
        let share = Double(namespaces.count - bare.count) / Double(namespaces.count)
        let ev = [Evidence(path: "namespaces vs networkpolicies.metadata.namespace", value: "\(namespaces.count - bare.count) of \(namespaces.count) namespace(s) covered (\(Show.pct(share)))")]
        let affected = bare.map { AffectedObject(kind: "Namespace", name: $0, detail: "no NetworkPolicy") }
        return .graded(share, bare.isEmpty ? "Every application namespace has a NetworkPolicy" : "\(bare.count) of \(namespaces.count) namespace(s) without a NetworkPolicy", ev, affected: affected)
    }

    static func effectiveTypes(_ p: NetworkPolicy) -> Set<String> {
        if !p.policyTypes.isEmpty { return Set(p.policyTypes.map { $0.lowercased() }) }
        return p.egressRuleCount > 0 ? ["ingress", "egress"] : ["ingress"]
    }

    static func net05(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let namespaces = appNamespaces(c)
        guard !namespaces.isEmpty else { return .notApplicable("No application namespaces") }
        // Select-all policies by namespace: filtering every policy for every namespace was
        // O(namespaces × policies).
        var selectAll: [String: [NetworkPolicy]] = [:]
        for p in k8s.networkPolicies where p.selectsAllPods { if let ns = p.meta.namespace { selectAll[ns, default: []].append(p) } }
        var total = 0.0
        var affected: [AffectedObject] = []
        var full = 0
        for ns in namespaces {
            let all = selectAll[ns] ?? []
            let ingress = all.contains { effectiveTypes($0).contains("ingress") && $0.ingressRuleCount == 0 }
            let egress = all.contains { effectiveTypes($0).contains("egress") && $0.egressRuleCount == 0 }
            switch (ingress, egress) {
            case (true, true): total += 1; full += 1
            case (true, false): total += 0.5; affected.append(AffectedObject(kind: "Namespace", name: ns, detail: "default-deny ingress only"))
            case (false, true): total += 0.5; affected.append(AffectedObject(kind: "Namespace", name: ns, detail: "default-deny egress only"))
            case (false, false): affected.append(AffectedObject(kind: "Namespace", name: ns, detail: "no default-deny policy"))
            }
        }
        let credit = total / Double(namespaces.count)
        let ev = [Evidence(path: "networkpolicies[podSelector={}, no rules]", value: "\(full) of \(namespaces.count) namespace(s) deny ingress and egress by default")]
        return .graded(credit, affected.isEmpty ? "Default-deny ingress and egress in every application namespace"
                       : "\(namespaces.count - full) of \(namespaces.count) namespace(s) lack a full default-deny", ev, affected: affected)
    }

    static func net06(_ c: EvaluationContext) -> CheckOutcome {
        let n = c.cluster.network
        let ev = [Evidence(path: "networkProfile.networkPlugin", value: Show.str(n.networkPlugin)),
                  Evidence(path: "networkProfile.networkPluginMode", value: Show.str(n.networkPluginMode))]
        guard let plugin = n.networkPlugin?.lowercased() else { return .unknown("networkProfile.networkPlugin not stated", ev) }
        return plugin == "azure" ? .pass("Azure CNI" + (n.networkPluginMode.map { " (\($0))" } ?? ""), ev) : .fail("Network plugin \(n.networkPlugin!)", ev)
    }

    static func net07(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let lbs = sortedAdmitted(k8s.services, c, kind: "Service", namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name }) { $0.pointee.type == "LoadBalancer" && !c.isSystemNamespace($0.pointee.meta.namespace) }
        guard !lbs.isEmpty else { return .notApplicable("No LoadBalancer services outside system namespaces") }
        var exempt: [String] = []
        var affected: [AffectedObject] = []
        for s in lbs where !s.isInternalLoadBalancer {
            let key = "\(s.meta.namespace ?? "")/\(s.meta.name)"
            if c.configuration.allowedPublicLoadBalancers.contains(key) { exempt.append(key); continue }
            let ip = s.loadBalancerIngress.isEmpty ? "" : " (\(s.loadBalancerIngress.joined(separator: ", ")))"
            affected.append(AffectedObject(kind: "Service", namespace: s.meta.namespace, name: s.meta.name, detail: "public LoadBalancer\(ip)"))
        }
        var ev = [Evidence(path: "services[type=LoadBalancer].metadata.annotations[service.beta.kubernetes.io/azure-load-balancer-internal]",
                           value: "\(lbs.count - affected.count - exempt.count) of \(lbs.count) internal")]
        if !exempt.isEmpty { ev.append(Evidence(path: "allowedPublicLoadBalancers", value: exempt.joined(separator: ", "))) }
        return affected.isEmpty ? .pass(exempt.isEmpty ? "All \(lbs.count) LoadBalancer service(s) are internal" : "All LoadBalancer services are internal or allow-listed", ev)
            : .fail("\(affected.count) public LoadBalancer service(s) not allow-listed", ev, affected: affected)
    }

    /// The items that pass `include` and then `admit` (called in inventory order, so recorded
    /// waivers keep that order), sorted by namespace and name (ties in inventory order).
    static func sortedAdmitted<T>(_ items: [T], _ c: EvaluationContext, kind: String, namespace: (UnsafePointer<T>) -> String?,
                                  name: (UnsafePointer<T>) -> String, include: (UnsafePointer<T>) -> Bool) -> [T] {
        let admitted = items.withUnsafeBufferPointer { buf in
            buf.indices.filter { i in
                let p = buf.baseAddress! + i
                return include(p) && c.admit(kind: kind, namespace: namespace(p), name: name(p))
            }
        }
        return SnapshotIndex.sortedByNamespaceAndName(admitted, in: items, namespace: namespace, name: name).map { items[$0] }
    }

    static func hostCovered(_ host: String, by tls: [String]) -> Bool {
        let h = host.lowercased()
        return tls.contains { t in
            let t = t.lowercased()
            if t == h { return true }
            if t.hasPrefix("*."), let dot = h.firstIndex(of: ".") { return String(h[dot...]) == String(t.dropFirst()) }
            return false
        }
    }

    static func net08(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let ingresses = sortedAdmitted(k8s.ingresses, c, kind: "Ingress", namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name }) { !c.isSystemNamespace($0.pointee.meta.namespace) }
        guard !ingresses.isEmpty else { return .notApplicable("No Ingress objects outside system namespaces") }
        var affected: [AffectedObject] = []
        for i in ingresses {
            let hosts = i.ruleHosts.filter { !$0.isEmpty }
            if !i.hasTLS { affected.append(AffectedObject(kind: "Ingress", namespace: i.meta.namespace, name: i.meta.name, detail: "no spec.tls")); continue }
            let uncovered = hosts.filter { !hostCovered($0, by: i.tlsHosts) }
            if !uncovered.isEmpty && !i.tlsHosts.isEmpty {
                affected.append(AffectedObject(kind: "Ingress", namespace: i.meta.namespace, name: i.meta.name, detail: "hosts without TLS: " + uncovered.joined(separator: ", ")))
            }
        }
        let share = Double(ingresses.count - affected.count) / Double(ingresses.count)
        let ev = [Evidence(path: "ingresses.spec.tls[*].hosts ⊇ spec.rules[*].host", value: "\(ingresses.count - affected.count) of \(ingresses.count) ingress(es) (\(Show.pct(share)))")]
        return .graded(share, affected.isEmpty ? "All \(ingresses.count) ingress(es) serve TLS" : "\(affected.count) of \(ingresses.count) ingress(es) serve hosts without TLS", ev, affected: affected)
    }

    static func net09(_ c: EvaluationContext) -> CheckOutcome {
        guard let k8s = c.k8s else { return .unknown("Kubernetes objects not collected") }
        let services = sortedAdmitted(k8s.services, c, kind: "Service", namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name }) { !c.isSystemNamespace($0.pointee.meta.namespace) }
        let workloads = c.appWorkloads()
        var affected: [AffectedObject] = []
        for s in services where s.type == "NodePort" {
            let ports = s.ports.compactMap(\.nodePort).map(String.init).joined(separator: ", ")
            affected.append(AffectedObject(kind: "Service", namespace: s.meta.namespace, name: s.meta.name, detail: "NodePort" + (ports.isEmpty ? "" : " \(ports)")))
        }
        workloads.forEachPointer { w in
            guard w.pointee.containers.contains(where: { $0.ports.contains { ($0.hostPort ?? 0) > 0 } }) else { return }
            let hostPorts = w.pointee.containers.flatMap(\.ports).compactMap(\.hostPort).filter { $0 > 0 }
            affected.append(AffectedObject(kind: w.pointee.kind, namespace: w.pointee.meta.namespace, name: w.pointee.meta.name, detail: "hostPort " + hostPorts.map(String.init).joined(separator: ", ")))
        }
        let items = services.count + workloads.count
        guard items > 0 else { return .notApplicable("No services or workloads outside system namespaces") }
        let publicPools = c.snapshot.nodePools.filter { $0.enableNodePublicIP == true }.map(\.name).sorted()
        var ev = [Evidence(path: "services[type=NodePort] + containers[*].ports[*].hostPort", value: "\(affected.count) of \(items) object(s)"),
                  Evidence(path: "agentPoolProfiles[*].enableNodePublicIP", value: publicPools.isEmpty ? "no pool with public IPs" : "public IPs on " + publicPools.joined(separator: ", "))]
        if affected.isEmpty { return .pass("No NodePort services or hostPorts", ev) }
        if !publicPools.isEmpty {
            ev.append(Evidence(path: "exposure", value: "node ports reachable from the internet through node public IPs"))
            return .fail("\(affected.count) NodePort/hostPort exposure(s) on nodes with public IPs", ev, affected: affected)
        }
        let share = Double(items - affected.count) / Double(items)
        return .graded(share, "\(affected.count) NodePort service(s) or hostPort workload(s)", ev, affected: affected)
    }

    static func net10(_ c: EvaluationContext) -> CheckOutcome {
        let pools = c.pools()
        guard !pools.isEmpty else { return .unknown("No node pools in the snapshot") }
        let ev = pools.map { Evidence(path: c.poolPath($0, "enableNodePublicIP"), value: Show.bool($0.enableNodePublicIP)) }
        let bad = pools.filter { $0.enableNodePublicIP == true }
        if bad.isEmpty { return .pass("No pool assigns public IPs to nodes", ev) }
        return .fail("\(bad.count) pool(s) assign public IPs to nodes", ev,
                     affected: bad.map { AffectedObject(kind: "NodePool", name: $0.name, detail: "enableNodePublicIP=true") })
    }

    static func net11(_ c: EvaluationContext) -> CheckOutcome {
        let regs = IdentChecks.registries(c)
        guard !regs.isEmpty else { return .notApplicable("No container registry in acr.json") }
        let r = IdentChecks.worstOf(regs, name: \.name, kind: "ContainerRegistry", pathPrefix: "registries") { reg in
            let ev = [Evidence(path: "registries[\(reg.name)].publicNetworkAccess", value: Show.str(reg.publicNetworkAccess)),
                      Evidence(path: "registries[\(reg.name)].networkRuleSet.defaultAction", value: Show.str(reg.networkRuleDefaultAction))]
            if reg.publicNetworkAccess?.lowercased() == "disabled" { return (1, "", ev) }
            if reg.networkRuleDefaultAction?.lowercased() == "deny" { return (0.5, "public access limited by firewall rules (\(reg.ipRuleCount ?? 0) IP rule(s))", ev) }
            return (0, "open to all networks", ev)
        }
        let credit = r.credit ?? 0
        if credit >= 1 { return .pass("Public network access disabled on every registry", r.evidence) }
        if credit <= 0 { return .fail("\(r.affected.filter { $0.detail == "open to all networks" }.count) registr(ies) open to all networks", r.evidence, affected: r.affected) }
        return .graded(credit, "Registry public access restricted by firewall rules", r.evidence, affected: r.affected)
    }

    static func approvedPE(_ reg: ContainerRegistry) -> Bool {
        reg.privateEndpointConnections.contains { $0.status?.lowercased() == "approved" }
    }

    static func net12(_ c: EvaluationContext) -> CheckOutcome {
        let regs = IdentChecks.registries(c)
        guard !regs.isEmpty else { return .notApplicable("No container registry in acr.json") }
        let r = IdentChecks.worstOf(regs, name: \.name, kind: "ContainerRegistry", pathPrefix: "registries") { reg in
            let statuses = reg.privateEndpointConnections.map { $0.status ?? "?" }
            let ev = [Evidence(path: "registries[\(reg.name)].sku.name", value: Show.str(reg.skuName)),
                      Evidence(path: "registries[\(reg.name)].privateEndpointConnections[*].privateLinkServiceConnectionState.status", value: Show.list(statuses))]
            if approvedPE(reg) { return (1, "", ev) }
            if reg.skuName?.lowercased() == "premium" { return (0.3, "Premium SKU without an approved private endpoint", ev) }
            return (0, "\(reg.skuName ?? "unknown") SKU cannot have a private endpoint", ev)
        }
        let credit = r.credit ?? 0
        if credit >= 1 { return .pass("Every registry has an approved private endpoint", r.evidence) }
        if credit <= 0 { return .fail("A registry is not Premium, so it cannot use a private endpoint", r.evidence, affected: r.affected) }
        return .graded(credit, "Premium registry without an approved private endpoint", r.evidence, affected: r.affected)
    }

    /// The cluster's VNet ids: from the pools' subnet ids, else "any VNet in the node resource group"
    /// (AKS-managed VNets live there).
    static func clusterVNetIDs(_ c: EvaluationContext) -> Set<String> {
        Set(c.snapshot.nodePools.compactMap { p -> String? in
            guard let s = p.vnetSubnetID?.lowercased(), let r = s.range(of: "/subnets/") else { return nil }
            return String(s[..<r.lowerBound])
        })
    }

    static func net13(_ c: EvaluationContext) -> CheckOutcome {
        let regs = IdentChecks.registries(c)
        guard !regs.isEmpty else { return .notApplicable("No container registry in acr.json") }
        let endpoints = c.snapshot.privateEndpoints ?? []
        let zones = c.snapshot.privateDNSZones ?? []
        let vnets = clusterVNetIDs(c)
        let nodeRG = c.cluster.nodeResourceGroup?.lowercased()
        var evidence: [Evidence] = []
        var affected: [AffectedObject] = []
        var worst: Double? = nil
        for reg in regs {
            let regID = reg.id?.lowercased()
            let peIDs = Set(reg.privateEndpointConnections.compactMap { $0.privateEndpointID?.lowercased() })
            let pes = endpoints.filter { pe in
                if let id = pe.id?.lowercased(), peIDs.contains(id) { return true }
                return pe.connections.contains { conn in
                    conn.groupIDs.contains { $0.lowercased() == "registry" } && regID != nil && conn.privateLinkServiceID?.lowercased() == regID
                }
            }
            guard !pes.isEmpty else { continue }
            let zoneIDs = pes.flatMap { $0.dnsZoneGroups.flatMap(\.privateDNSZoneIDs) }.map { $0.lowercased() }
            evidence.append(Evidence(path: "privateEndpoints[\(pes.map(\.name).sorted().joined(separator: ","))].privateDnsZoneGroups[*].privateDnsZoneId",
                                     value: zoneIDs.isEmpty ? "(none)" : zoneIDs.map { String($0.split(separator: "/").last ?? "") }.joined(separator: ", ")))
            var credit: Double
            var detail = ""
            if zoneIDs.isEmpty {
                credit = 0; detail = "private endpoint without a DNS zone group"
            } else {
                let matched = zones.filter { z in
                    if let id = z.id?.lowercased(), zoneIDs.contains(id) { return true }
                    return zoneIDs.contains { $0.hasSuffix("/\(z.name.lowercased())") }
                }
                let links = matched.flatMap { $0.virtualNetworkLinks ?? [] }.compactMap { $0.virtualNetworkID?.lowercased() }
                let linked = links.contains { l in
                    if vnets.contains(l) { return true }
                    if vnets.isEmpty, let nodeRG { return l.contains("/resourcegroups/\(nodeRG)/") }
                    return false
                }
                evidence.append(Evidence(path: "privateDnsZones[\(matched.map(\.name).sorted().joined(separator: ","))].virtualNetworkLinks",
                                         value: links.isEmpty ? "(none)" : "\(links.count) link(s)"))
                if linked { credit = 1 } else { credit = 0.5; detail = "DNS zone not linked to the cluster VNet" }
            }
            worst = min(worst ?? 1, credit)
            if credit < 1 { affected.append(AffectedObject(kind: "ContainerRegistry", name: reg.name, detail: detail)) }
        }
        guard let credit = worst else { return .notApplicable("No registry has a private endpoint (see NET-12)") }
        if credit >= 1 { return .pass("Registry private endpoints resolve through a linked privatelink zone", evidence) }
        if credit <= 0 { return .fail("A registry private endpoint has no DNS zone group", evidence, affected: affected) }
        return .graded(credit, "Registry DNS zone not linked to the cluster VNet", evidence, affected: affected)
    }

    static func net14(_ c: EvaluationContext) -> CheckOutcome {
        let o = c.cluster.network.outboundType
        let ev = [Evidence(path: "networkProfile.outboundType", value: Show.str(o))]
        switch o?.lowercased() {
        case nil: return .unknown("networkProfile.outboundType not stated", ev)
        case "userdefinedrouting"?: return .pass("Egress through user-defined routing (firewall/NVA)", ev)
        case "none"?, "block"?: return .pass("Outbound traffic not provisioned (network-isolated cluster)", ev)
        case "managednatgateway"?, "userassignednatgateway"?: return .graded(0.5, "Egress through a NAT gateway (not filtered)", ev)
        case "loadbalancer"?: return .graded(0.25, "Egress through the load balancer (unrestricted)", ev)
        default: return .graded(0.25, "Outbound type \(o!)", ev)
        }
    }
}
