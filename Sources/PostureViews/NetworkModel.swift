import Foundation
import PostureModel

/// How reachable something is, worst first. Shaped like a severity so the panes can share roles.
enum Exposure: Int, Comparable, Sendable {
    case critical = 0, high, medium, low, none
    static func < (a: Exposure, b: Exposure) -> Bool { a.rawValue < b.rawValue }
    var word: String {
        switch self { case .critical: "critical"; case .high: "high"; case .medium: "medium"; case .low: "low"; case .none: "none" }
    }
    var role: Role {
        switch self { case .critical: .critical; case .high: .high; case .medium: .medium; case .low: .low; case .none: .muted }
    }
}

/// The width of a CIDR range in words: `/32 = 1 address`, `/8 = 16M addresses`.
func cidrWidth(_ cidr: String) -> (prefix: Int, bits: Int, text: String)? {
    let parts = cidr.split(separator: "/")
    let isV6 = cidr.contains(":")
    let bits = isV6 ? 128 : 32
    let prefix: Int
    if parts.count == 2, let p = Int(parts[1]), p >= 0, p <= bits { prefix = p }
    else if parts.count == 1 { prefix = bits }
    else { return nil }
    let hostBits = bits - prefix
    let count: String
    if hostBits >= 64 { count = "2^\(hostBits) addresses" }
    else {
        let n = UInt64(1) << UInt64(hostBits)
        switch n {
        case 1: count = "1 address"
        case ..<1024: count = "\(n) addresses"
        case ..<(1 << 20): count = "\(n >> 10)K addresses"
        case ..<(1 << 30): count = "\(n >> 20)M addresses"
        default: count = "\(n >> 30)G addresses"
        }
    }
    return (prefix, bits, "/\(prefix) = \(count)")
}

/// Rows that list things with a level and a detail document: network exposure and secrets.
struct DetailListModel {
    /// What a detail document is made of; the lines are built only when the row is opened.
    struct Entry {
        var kind: String
        var name: String
        var lead: [Span]
        var facts: [(String, String)]
        var footer: Line?
    }
    var header: [Line]
    var body: Body
    var entries: [String: Entry]

    func title(_ id: String) -> String? { entries[id].map { $0.kind + " " + $0.name } }

    func detail(_ id: String) -> [Line]? {
        guard let e = entries[id] else { return nil }
        var l = [Line([Span(e.kind + " ", .muted), Span(e.name, .title, bold: true)]), Line(e.lead), .empty]
        let keyWidth = min(26, (e.facts.map { TerminalText.displayWidth($0.0) }.max() ?? 0) + 1)
        for (k, v) in e.facts { l.append(Line([Span("  " + k.padded(keyWidth), .muted), Span(v.isEmpty ? "-" : v)])) }
        if let f = e.footer { l.append(.empty); l.append(f) }
        return l
    }
}

enum NetworkModel {
    static let columns = [
        ListColumn("LEVEL", min: 6, max: 8),
        ListColumn("KIND", min: 8, max: 12),
        ListColumn("NAME", min: 12, max: 48),
        ListColumn("EXPOSURE", min: 16, max: 200, flex: true),
    ]

    private struct Item {
        var id: String; var level: Exposure; var kind: String; var name: String; var detail: String; var facts: [(String, String)]
    }

    static func build(snapshot: Snapshot, glyphs: GlyphSet) -> DetailListModel {
        let c = snapshot.cluster
        var items: [Item] = []
        let dot = " \(glyphs.bullet) "

        // API server
        let api = c.apiServer
        let ranges = (api.authorizedIPRanges ?? []).map(clean)
        if api.enablePrivateCluster == true {
            let publicFQDN = api.enablePrivateClusterPublicFQDN == true
            items.append(Item(id: "api", level: publicFQDN ? .low : .none, kind: "API server", name: clean(c.privateFQDN ?? c.fqdn ?? c.name),
                              detail: "private" + (publicFQDN ? dot + "public FQDN resolves to the private IP" : ""),
                              facts: [("private cluster", "yes"), ("private FQDN", clean(c.privateFQDN) ?? "-"), ("public FQDN", publicFQDN ? "enabled" : "disabled"),
                                      ("private DNS zone", clean(api.privateDNSZone) ?? "-"), ("VNet integration", api.enableVnetIntegration.map { $0 ? "yes" : "no" } ?? "-")]))
        } else {
            let widths = ranges.compactMap { cidrWidth($0) }
            let widest = widths.min(by: { $0.prefix < $1.prefix })
            let level: Exposure
            let detail: String
            if ranges.isEmpty {
                level = .critical; detail = "public, open to the internet (no authorized IP ranges)"
            } else if let w = widest {
                level = w.prefix == 0 ? .critical : w.prefix <= 8 ? .high : w.prefix <= 24 ? .medium : .low
                detail = "public, \(ranges.count) authorized range\(ranges.count == 1 ? "" : "s"), widest \(w.text)"
            } else {
                level = .medium; detail = "public, \(ranges.count) authorized ranges"
            }
            items.append(Item(id: "api", level: level, kind: "API server", name: clean(c.fqdn ?? c.name), detail: detail,
                              facts: [("private cluster", api.enablePrivateCluster == nil ? "not set (public)" : "no"), ("FQDN", clean(c.fqdn) ?? "-"),
                                      ("authorized ranges", ranges.isEmpty ? "none" : ranges.joined(separator: ", ")),
                                      ("run command", api.disableRunCommand == true ? "disabled" : "enabled")]))
            for r in ranges {
                let w = cidrWidth(r)
                let lvl: Exposure = w.map { $0.prefix == 0 ? .critical : $0.prefix <= 8 ? .high : $0.prefix <= 24 ? .medium : .low } ?? .medium
                items.append(Item(id: "range/" + r, level: lvl, kind: "API range", name: r, detail: w?.text ?? "unparsed range",
                                  facts: [("range", r), ("width", w?.text ?? "?")]))
            }
        }

        // Egress
        let egress = c.network.outboundType.map(clean)
        let egressLevel: Exposure
        switch egress?.lowercased() {
        case "loadbalancer", "managednatgateway", "userassignednatgateway": egressLevel = .medium
        case "userdefinedrouting": egressLevel = .low
        case "none", "block": egressLevel = .none
        default: egressLevel = .low
        }
        let egressWhy: String
        switch egress?.lowercased() {
        case "loadbalancer": egressWhy = "outbound through a public load balancer, no egress filtering"
        case "managednatgateway", "userassignednatgateway": egressWhy = "outbound through a NAT gateway, no egress filtering"
        case "userdefinedrouting": egressWhy = "outbound through your route table (firewall/NVA)"
        case "none", "block": egressWhy = "no outbound path configured by AKS"
        default: egressWhy = "outbound type not reported"
        }
        items.append(Item(id: "egress", level: egressLevel, kind: "Egress", name: egress ?? "unknown", detail: egressWhy,
                          facts: [("outbound type", egress ?? "-"), ("load balancer SKU", clean(c.network.loadBalancerSKU) ?? "-")]))

        // Node pools
        for p in snapshot.nodePools {
            let pub = p.enableNodePublicIP == true
            items.append(Item(id: "pool/" + p.name, level: pub ? .high : .none, kind: "NodePool", name: clean(p.name),
                              detail: pub ? "nodes have public IPs" + (p.nodePublicIPPrefixID != nil ? " (from a prefix)" : "") : "no node public IPs",
                              facts: [("public IPs", pub ? "yes" : "no"), ("mode", clean(p.mode) ?? "-"), ("count", p.count.map(String.init) ?? "-"), ("vm size", clean(p.vmSize) ?? "-")]))
        }

        let inv = snapshot.kubernetes
        if let inv {
            if c.network.networkPolicy == nil || c.network.networkPolicy?.lowercased() == "none" {
                items.append(Item(id: "policy-engine", level: .high, kind: "NetPolicy", name: "cluster",
                                  detail: "no network policy engine: NetworkPolicy objects are not enforced",
                                  facts: [("network policy", clean(c.network.networkPolicy) ?? "none"), ("plugin", clean(c.network.networkPlugin) ?? "-")]))
            }
            for s in inv.services {
                let ns = clean(s.meta.namespace ?? "default"), name = ns + "/" + clean(s.meta.name)
                let ports = s.ports.map { "\($0.port.map(String.init) ?? "?")/\(clean($0.protocol ?? "TCP"))" }.joined(separator: ",")
                let ips = (s.loadBalancerIngress + s.externalIPs).map(clean)
                switch s.type {
                case "LoadBalancer":
                    let isInternal = s.isInternalLoadBalancer
                    let src = s.loadBalancerSourceRanges.map(clean)
                    let level: Exposure = isInternal ? .low : src.isEmpty ? .high : .medium
                    var d = (isInternal ? "internal LB" : "public LB") + " " + (ips.first ?? "(pending)") + " ports " + (ports.isEmpty ? "-" : ports)
                    if !isInternal && !src.isEmpty { d += dot + "source ranges " + src.joined(separator: ",") }
                    items.append(Item(id: "svc/" + name, level: level, kind: "LB service", name: name, detail: d,
                                      facts: [("type", "LoadBalancer"), ("internal", isInternal ? "yes" : "no"), ("external IPs", ips.isEmpty ? "-" : ips.joined(separator: ", ")),
                                              ("ports", ports), ("source ranges", src.isEmpty ? "any" : src.joined(separator: ", "))]))
                case "NodePort":
                    let np = s.ports.compactMap(\.nodePort).map(String.init).joined(separator: ",")
                    items.append(Item(id: "svc/" + name, level: .medium, kind: "NodePort", name: name, detail: "node ports " + (np.isEmpty ? "?" : np) + " on every node",
                                      facts: [("type", "NodePort"), ("ports", ports), ("node ports", np)]))
                default:
                    if !s.externalIPs.isEmpty {
                        items.append(Item(id: "svc/" + name, level: .medium, kind: "ExternalIP", name: name, detail: "external IPs " + s.externalIPs.map(clean).joined(separator: ","),
                                          facts: [("type", clean(s.type)), ("external IPs", s.externalIPs.map(clean).joined(separator: ", "))]))
                    }
                }
            }
            for ing in inv.ingresses {
                let name = clean(ing.meta.namespace ?? "default") + "/" + clean(ing.meta.name)
                let hosts = ing.ruleHosts.map { $0.isEmpty ? "*" : clean($0) }
                let uncovered = ing.ruleHosts.filter { !$0.isEmpty && !ing.tlsHosts.contains($0) }
                let level: Exposure = !ing.hasTLS ? .high : uncovered.isEmpty ? .low : .medium
                let d = (ing.hasTLS ? (uncovered.isEmpty ? "TLS" : "TLS, not for " + uncovered.map(clean).joined(separator: ",")) : "no TLS (plain HTTP)")
                    + dot + (hosts.isEmpty ? "any host" : hosts.joined(separator: ",")) + (ing.loadBalancerIngress.first.map { dot + clean($0) } ?? "")
                items.append(Item(id: "ing/" + name, level: level, kind: "Ingress", name: name, detail: d,
                                  facts: [("class", clean(ing.ingressClassName) ?? "-"), ("hosts", hosts.joined(separator: ", ")), ("TLS", ing.hasTLS ? "yes" : "no"),
                                          ("TLS secrets", ing.tlsSecretNames.map(clean).joined(separator: ", ")), ("address", ing.loadBalancerIngress.map(clean).joined(separator: ", "))]))
            }
            for w in inv.topLevelWorkloads {
                let name = clean(w.meta.namespace ?? "default") + "/" + clean(w.meta.name)
                let hostPorts = w.containers.flatMap(\.ports).compactMap(\.hostPort)
                if !hostPorts.isEmpty {
                    items.append(Item(id: "hostport/" + w.kind + "/" + name, level: .medium, kind: "hostPort", name: clean(w.kind) + " " + name,
                                      detail: "host ports " + hostPorts.map(String.init).joined(separator: ",") + " on its nodes",
                                      facts: [("workload", clean(w.kind) + " " + name), ("host ports", hostPorts.map(String.init).joined(separator: ", "))]))
                }
                if w.hostNetwork {
                    items.append(Item(id: "hostnet/" + w.kind + "/" + name, level: .medium, kind: "hostNetwork", name: clean(w.kind) + " " + name,
                                      detail: "shares the node's network namespace", facts: [("workload", clean(w.kind) + " " + name)]))
                }
            }
            if inv.collectedKinds.contains(where: { $0.lowercased().hasPrefix("networkpolic") }) || !inv.networkPolicies.isEmpty {
                let covered = Set(inv.networkPolicies.compactMap(\.meta.namespace))
                for ns in inv.namespaces where !covered.contains(ns.meta.name) {
                    let system = ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system"].contains(ns.meta.name)
                    items.append(Item(id: "ns/" + ns.meta.name, level: system ? .low : .medium, kind: "Namespace", name: clean(ns.meta.name),
                                      detail: "no NetworkPolicy: every pod accepts traffic from anywhere in the cluster",
                                      facts: [("network policies", "0")]))
                }
            }
        }

        // Registries and vaults: public network access, private endpoints, DNS zones
        let zones = snapshot.privateDNSZones ?? []
        func zoneText(_ zoneName: String) -> String {
            guard snapshot.privateDNSZones != nil else { return "DNS zones not collected" }
            guard let z = zones.first(where: { $0.name.lowercased() == zoneName }) else { return "no \(zoneName) zone" }
            let links = z.virtualNetworkLinks.map { "\($0.count) VNet link\($0.count == 1 ? "" : "s")" } ?? "links not collected"
            return "\(zoneName) (\(links))"
        }
        func access(_ publicAccess: String?, _ defaultAction: String?, _ ipRules: Int?, _ pes: [PrivateEndpointConnection]) -> (Exposure, String, String) {
            let approved = pes.filter { $0.status?.lowercased() == "approved" }.count
            let pe = "\(approved) private endpoint\(approved == 1 ? "" : "s")"
            if publicAccess?.lowercased() == "disabled" { return (.none, "public access disabled", pe) }
            if defaultAction?.lowercased() == "deny" { return (.medium, "public, default Deny" + (ipRules.map { ", \($0) IP rule\($0 == 1 ? "" : "s")" } ?? ""), pe) }
            return (.high, "public, open to all networks", pe)
        }
        for r in snapshot.registries ?? [] {
            let (lvl, text, pe) = access(r.publicNetworkAccess, r.networkRuleDefaultAction, r.ipRuleCount, r.privateEndpointConnections)
            let level: Exposure = r.anonymousPullEnabled == true ? .critical : lvl
            items.append(Item(id: "acr/" + r.name, level: level, kind: "ACR", name: clean(r.name),
                              detail: text + dot + pe + dot + zoneText("privatelink.azurecr.io") + (r.anonymousPullEnabled == true ? dot + "anonymous pull" : ""),
                              facts: [("login server", clean(r.loginServer) ?? "-"), ("sku", clean(r.skuName) ?? "-"), ("public network access", clean(r.publicNetworkAccess) ?? "-"),
                                      ("default action", clean(r.networkRuleDefaultAction) ?? "-"), ("admin user", r.adminUserEnabled.map { $0 ? "enabled" : "disabled" } ?? "-"),
                                      ("anonymous pull", r.anonymousPullEnabled.map { $0 ? "enabled" : "disabled" } ?? "-"), ("private endpoints", pe),
                                      ("DNS", zoneText("privatelink.azurecr.io"))]))
        }
        for v in snapshot.keyVaults ?? [] {
            let (lvl, text, pe) = access(v.publicNetworkAccess, v.networkDefaultAction, v.ipRuleCount, v.privateEndpointConnections)
            items.append(Item(id: "kv/" + v.name, level: lvl, kind: "KeyVault", name: clean(v.name),
                              detail: text + dot + pe + dot + zoneText("privatelink.vaultcore.azure.net"),
                              facts: [("vault URI", clean(v.vaultURI) ?? "-"), ("public network access", clean(v.publicNetworkAccess) ?? "-"),
                                      ("default action", clean(v.networkDefaultAction) ?? "-"), ("bypass", clean(v.networkBypass) ?? "-"),
                                      ("IP rules", v.ipRuleCount.map(String.init) ?? "-"), ("VNet rules", v.virtualNetworkRuleCount.map(String.init) ?? "-"),
                                      ("private endpoints", pe), ("DNS", zoneText("privatelink.vaultcore.azure.net"))]))
        }

        items.sort { ($0.level, $0.kind, $0.name) < ($1.level, $1.kind, $1.name) }
        let rows = items.map { i in
            BodyRow(id: i.id, cells: [Span(i.level.word, i.level.role, bold: i.level <= .high), Span(i.kind, .muted), Span(i.name), Span(i.detail)], target: .detail(i.id))
        }
        var entries: [String: DetailListModel.Entry] = [:]
        for i in items {
            entries[i.id] = .init(kind: i.kind, name: i.name, lead: [Span("exposure ", .muted), Span(i.level.word, i.level.role, bold: true), Span("  " + i.detail)],
                                  facts: i.facts, footer: nil)
        }
        var header: [Line] = []
        let n = c.network
        header.append(Line([Span("plugin ", .muted), Span(clean(n.networkPlugin) ?? "?"), Span(n.networkPluginMode.map { " (\(clean($0)))" } ?? ""),
                            Span("  policy ", .muted), Span(clean(n.networkPolicy) ?? "none", n.networkPolicy == nil ? .fail : .normal),
                            Span("  dataplane ", .muted), Span(clean(n.networkDataplane) ?? "-"),
                            Span("  egress ", .muted), Span(egress ?? "?"), Span("  LB ", .muted), Span(clean(n.loadBalancerSKU) ?? "-")]))
        if inv == nil {
            header.append(Line("Kubernetes objects were not collected: services, ingresses and policies are not shown.", .unknown))
        }
        return DetailListModel(header: header, body: Body(columns: columns, rows: rows), entries: entries)
    }
}
