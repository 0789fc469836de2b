import XCTest
import PostureModel
@testable import PostureScoring

final class NetChecksTests: XCTestCase {
    func publicCluster(_ ranges: [String]?) -> Snapshot {
        withCluster { $0.apiServer.enablePrivateCluster = false; $0.apiServer.authorizedIPRanges = ranges }
    }

    func testNET01Tiers() {
        assertCheck("NET-01", goodSnapshot(), .pass, credit: 1)
        assertCheck("NET-01", withCluster { $0.apiServer.enablePrivateClusterPublicFQDN = true }, .partial, credit: 0.9)
        assertCheck("NET-01", publicCluster(["203.0.113.0/24"]), .partial, credit: 0.5)
        assertCheck("NET-01", publicCluster(nil), .fail, credit: 0)
        assertCheck("NET-01", publicCluster([]), .fail)
        assertCheck("NET-01", publicCluster(["203.0.113.0/24", "0.0.0.0/0"]), .fail)
        // Absent enablePrivateCluster means the default public endpoint.
        assertCheck("NET-01", withCluster { $0.apiServer.enablePrivateCluster = nil }, .fail)
    }

    func testNET02RangeQuality() {
        assertCheck("NET-02", goodSnapshot(), .notApplicable)
        assertCheck("NET-02", publicCluster(["203.0.113.0/24", "198.51.100.7"]), .pass)
        assertCheck("NET-02", publicCluster(["10.0.0.0/8"]), .partial, credit: 0.5)
        assertCheck("NET-02", publicCluster(["10.0.0.0/16"]), .pass)
        assertCheck("NET-02", publicCluster(["0.0.0.0/0"]), .fail)
        assertCheck("NET-02", publicCluster(nil), .fail)
        var cfg = ScoringConfiguration.default
        cfg.authorizedRangeMinPrefixLength = 24
        assertCheck("NET-02", publicCluster(["10.0.0.0/16"]), .partial, config: cfg)
    }

    func testNET03AndNET06() {
        assertCheck("NET-03", goodSnapshot(), .pass)
        assertCheck("NET-03", withCluster { $0.network.networkPolicy = "calico" }, .pass)
        assertCheck("NET-03", withCluster { $0.network.networkPolicy = nil }, .fail)
        assertCheck("NET-03", withCluster { $0.network.networkPolicy = "none" }, .fail)
        assertCheck("NET-06", goodSnapshot(), .pass)
        assertCheck("NET-06", withCluster { $0.network.networkPlugin = "kubenet" }, .fail)
        assertCheck("NET-06", withCluster { $0.network.networkPlugin = nil }, .unknown)
    }

    func testNET04And05NetworkPolicies() {
        assertCheck("NET-04", goodSnapshot(), .pass)
        assertCheck("NET-05", goodSnapshot(), .pass)
        let ingressOnly: NetworkPolicy = { var p = NetworkPolicy(meta: meta("deny-in", "app")); p.selectsAllPods = true; p.policyTypes = ["Ingress"]; return p }()
        assertCheck("NET-05", withK8s { $0.networkPolicies = [denyAll("default"), ingressOnly] }, .partial, credit: 0.75)
        // Namespaces: default, app, team (kube-public/kube-node-lease never count).
        let s = withK8s { k in
            k.namespaces.append(KubeNamespace(meta: meta("team", nil)))
        }
        assertCheck("NET-04", s, .partial, credit: 2.0 / 3.0, affected: 1)
        assertCheck("NET-05", s, .partial, credit: 2.0 / 3.0)
        assertCheck("NET-04", withK8s { $0.networkPolicies = [] }, .fail)
        // policyTypes omitted: Ingress only (no egress rules), so a podSelector {} policy is ingress deny.
        let implicit: NetworkPolicy = { var p = NetworkPolicy(meta: meta("deny", "app")); p.selectsAllPods = true; return p }()
        assertCheck("NET-05", withK8s { $0.networkPolicies = [denyAll("default"), implicit] }, .partial, credit: 0.75)
        assertCheck("NET-04", withK8s { $0.namespaces = $0.namespaces.filter { ["kube-system", "kube-public"].contains($0.meta.name) } }, .notApplicable)
        assertCheck("NET-04", withK8s { $0.collectedKinds.remove("NetworkPolicy") }, .unknown, summaryContains: "networkpolicies")
    }

    func testNET07LoadBalancers() {
        assertCheck("NET-07", goodSnapshot(), .notApplicable)
        let publicLB: (inout KubernetesInventory) -> Void = { k in
            var s = KubeService(meta: meta("web", "app"), type: "LoadBalancer"); s.loadBalancerIngress = ["20.1.2.3"]
            k.services.append(s)
        }
        assertCheck("NET-07", withK8s(publicLB), .fail, affected: 1)
        assertCheck("NET-07", withK8s { k in
            k.services.append(KubeService(meta: meta("web", "app", annotations: ["service.beta.kubernetes.io/azure-load-balancer-internal": "true"]), type: "LoadBalancer"))
        }, .pass)
        var cfg = ScoringConfiguration.default
        cfg.allowedPublicLoadBalancers = ["app/web"]
        assertCheck("NET-07", withK8s(publicLB), .pass, config: cfg)
        // System namespaces are skipped.
        assertCheck("NET-07", withK8s { $0.services.append(KubeService(meta: meta("lb", "kube-system"), type: "LoadBalancer")) }, .notApplicable)
    }

    func testNET08IngressTLS() {
        assertCheck("NET-08", goodSnapshot(), .notApplicable)
        func ing(_ name: String, hosts: [String], tls: [String]?) -> Ingress {
            var i = Ingress(meta: meta(name, "app")); i.ruleHosts = hosts
            if let tls { i.hasTLS = true; i.tlsHosts = tls }
            return i
        }
        assertCheck("NET-08", withK8s { $0.ingresses = [ing("a", hosts: ["a.example.com"], tls: ["*.example.com"])] }, .pass)
        assertCheck("NET-08", withK8s { $0.ingresses = [ing("a", hosts: ["a.example.com"], tls: ["a.example.com"]), ing("b", hosts: ["b.example.com"], tls: nil)] },
                    .partial, credit: 0.5, affected: 1)
        assertCheck("NET-08", withK8s { $0.ingresses = [ing("b", hosts: ["b.example.com"], tls: nil)] }, .fail)
    }

    func testNET09NodePorts() {
        assertCheck("NET-09", goodSnapshot(), .pass)
        let nodePort: (inout KubernetesInventory) -> Void = { k in
            var s = KubeService(meta: meta("np", "app"), type: "NodePort"); s.ports = [ServicePort(port: 80, nodePort: 30080)]
            k.services.append(s)
        }
        // Items: 2 app services (api, np) + default/kubernetes + 1 workload = 4; 1 exposed.
        assertCheck("NET-09", withK8s(nodePort), .partial, credit: 0.75, affected: 1)
        var s = withK8s(nodePort)
        s.nodePools = [pool("system") { $0.enableNodePublicIP = true }]
        assertCheck("NET-09", s, .fail, summaryContains: "public IPs")
        assertCheck("NET-09", withK8s { k in k.workloads[0].containers[0].ports = [ContainerPort(containerPort: 80, hostPort: 8080)] }, .partial)
    }

    func testNET10EveryPool() {
        assertCheck("NET-10", goodSnapshot(), .pass)
        let s = goodSnapshot(cluster: goodCluster { $0.agentPoolProfiles = [pool("system"), pool("user1") { $0.enableNodePublicIP = true }] })
        assertCheck("NET-10", s, .fail, affected: 1)
        let f = finding("NET-10", s)
        XCTAssertTrue(f.evidence.contains(Evidence(path: "agentPoolProfiles[user1].enableNodePublicIP", value: "true")))
        assertCheck("NET-10", goodSnapshot(cluster: goodCluster { $0.agentPoolProfiles = [] }), .unknown)
    }

    func testNET11And12Registries() {
        assertCheck("NET-11", goodSnapshot(), .pass)
        assertCheck("NET-11", goodSnapshot { $0.registries = [goodRegistry { $0.publicNetworkAccess = "Enabled" }] }, .partial, credit: 0.5)
        assertCheck("NET-11", goodSnapshot { $0.registries = [goodRegistry { $0.publicNetworkAccess = "Enabled"; $0.networkRuleDefaultAction = "Allow" }] }, .fail)
        assertCheck("NET-11", goodSnapshot { $0.registries = [] }, .notApplicable)
        assertCheck("NET-11", goodSnapshot { $0.registries = nil }, .unknown)

        assertCheck("NET-12", goodSnapshot(), .pass)
        assertCheck("NET-12", goodSnapshot { $0.registries = [goodRegistry { $0.privateEndpointConnections = [] }] }, .partial, credit: 0.3)
        assertCheck("NET-12", goodSnapshot { $0.registries = [goodRegistry { $0.privateEndpointConnections = []; $0.skuName = "Standard" }] }, .fail)
        assertCheck("NET-12", goodSnapshot { $0.registries = [goodRegistry { $0.privateEndpointConnections[0].status = "Pending" }] }, .partial, credit: 0.3)
        assertCheck("NET-12", goodSnapshot { $0.registries = [] }, .notApplicable)
    }

    func testNET13PrivateDNS() {
        assertCheck("NET-13", goodSnapshot(), .pass)
        assertCheck("NET-13", goodSnapshot { $0.privateDNSZones = [acrZone(linkedTo: "/subscriptions/s1/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/hub")] },
                    .partial, credit: 0.5)
        assertCheck("NET-13", goodSnapshot { var pe = acrEndpoint(); pe.dnsZoneGroups = []; $0.privateEndpoints = [pe] }, .fail)
        assertCheck("NET-13", goodSnapshot { $0.registries = [goodRegistry { $0.privateEndpointConnections = [] }]; $0.privateEndpoints = [] }, .notApplicable)
        assertCheck("NET-13", goodSnapshot { $0.privateDNSZones = nil }, .unknown, summaryContains: "private-dns-zones.json")
        assertCheck("NET-13", goodSnapshot { $0.registries = [] }, .notApplicable)
    }

    func testNET14Egress() {
        assertCheck("NET-14", goodSnapshot(), .pass)
        assertCheck("NET-14", withCluster { $0.network.outboundType = "managedNATGateway" }, .partial, credit: 0.5)
        assertCheck("NET-14", withCluster { $0.network.outboundType = "loadBalancer" }, .partial, credit: 0.25)
        assertCheck("NET-14", withCluster { $0.network.outboundType = nil }, .unknown)
    }
}
