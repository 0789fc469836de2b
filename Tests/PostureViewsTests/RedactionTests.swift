import XCTest
import PostureModel
import PostureImport
import PostureScoring
@testable import PostureViews

/// `--redact`: no namespace, workload, service account, secret, IP or identity of the demo
/// snapshots survives in any pane or export; scores and counts do.
final class RedactionTests: XCTestCase {
    struct Demo { var reader: MemoryReader; var snapshots: [Snapshot]; var now: Date }

    func demo() throws -> Demo {
        var dir = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        let root = dir.appendingPathComponent("snapshots")
        let fm = FileManager.default
        guard let clusters = try? fm.contentsOfDirectory(atPath: root.path).filter({ !$0.hasSuffix(".md") }).sorted(), !clusters.isEmpty else {
            throw XCTSkip("no demo snapshots under \(root.path): 0 bundles checked")
        }
        let reader = MemoryReader()
        var snapshots: [Snapshot] = []
        var newest = Date.distantPast
        var nextID: Int64 = 100
        for (ci, name) in clusters.enumerated() {
            let cid = Int64(ci + 1)
            reader.clusterList.append(ClusterSummary(id: cid, key: name, name: name, resourceGroup: nil, location: nil, snapshotCount: 0, latest: nil))
            for bundle in try fm.contentsOfDirectory(atPath: root.appendingPathComponent(name).path).sorted() {
                let snap = try BundleImporter().load(bundle: root.appendingPathComponent(name).appendingPathComponent(bundle))
                newest = max(newest, snap.collection.collectedAt)
                reader.add(clusterID: cid, id: nextID, at: snap.collection.collectedAt, snapshot: snap, report: PostureScorer().score(snap, now: snap.collection.collectedAt))
                snapshots.append(snap)
                nextID += 1
            }
        }
        return Demo(reader: reader, snapshots: snapshots, now: newest.addingTimeInterval(600))
    }

    /// What a visitor must not read: the names the issue lists, from the raw snapshot.
    static func sensitiveNames(_ s: Snapshot) -> Set<String> {
        var names = Set<String>()
        func platform(_ ns: String?) -> Bool { ns.map { Redactor.platformNamespaces.contains($0) } ?? false }
        let c = s.cluster
        for r in c.apiServer.authorizedIPRanges ?? [] { names.insert(r); names.insert(String(r.split(separator: "/")[0])) }
        for id in [c.identityPrincipalID, c.kubeletIdentity?.clientID, c.kubeletIdentity?.objectID, c.servicePrincipalClientID, c.aad?.tenantID]
            + c.userAssignedIdentities.flatMap({ [$0.clientID, $0.principalID, $0.objectID] }) {
            if let id { names.insert(id) }
        }
        for g in c.aad?.adminGroupObjectIDs ?? [] { names.insert(g) }
        for r in s.roleAssignments ?? [] { if let p = r.principalID { names.insert(p) }; if let p = r.principalName { names.insert(p) } }
        if let inv = s.kubernetes {
            for ns in inv.namespaces where !platform(ns.meta.name) { names.insert(ns.meta.name) }
            for w in inv.workloads where !platform(w.meta.namespace) { names.insert(w.meta.name) }
            for sa in inv.serviceAccounts {
                if !platform(sa.meta.namespace) { names.insert(sa.meta.name) }
                if let id = sa.workloadIdentityClientID { names.insert(id) }
            }
            for sec in inv.secrets where !platform(sec.meta.namespace) { names.insert(sec.meta.name) }
            for svc in inv.services {
                for ip in [svc.clusterIP].compactMap({ $0 }) + svc.externalIPs + svc.loadBalancerIngress + svc.loadBalancerSourceRanges { names.insert(ip) }
            }
            for ing in inv.ingresses { for ip in ing.loadBalancerIngress { names.insert(ip) } }
            for b in inv.bindings { for subj in b.subjects where subj.kind != "ServiceAccount" { names.insert(subj.name) } }
            for spc in inv.secretProviderClasses { if let id = spc.clientID { names.insert(id) } }
        }
        return names.filter { n in
            !n.isEmpty && !Redactor.builtinNames.contains(n) && !Redactor.platformNamespaces.contains(n) && !n.hasPrefix("system:")
                && !Redactor.isPublicAnywhere(n) && n != "None" && n != "msi"
        }
    }

    /// The word occurs on its own (not as part of a longer name such as `payments-api`).
    static func occurs(_ name: String, in text: String) -> Bool {
        let pattern = "(?<![A-Za-z0-9_-])" + NSRegularExpression.escapedPattern(for: name) + "(?![A-Za-z0-9_-])"
        let re = try! NSRegularExpression(pattern: pattern)
        return re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func testRedactedExportsOfEveryPaneHoldNoOriginalName() throws {
        let d = try demo()
        var names = Set<String>()
        for s in d.snapshots { names.formUnion(Self.sensitiveNames(s)) }
        names.formUnion(names.map(TerminalText.sanitize))
        XCTAssertGreaterThan(names.count, 60, "the demo data should name many objects")
        let redacted = RedactingReader(d.reader)
        var exported = ""
        var panes = 0
        for cluster in d.reader.clusterList {
            let app = ConsoleApp(reader: redacted, options: ConsoleOptions(initialCluster: cluster.name), now: d.now)
            XCTAssertNil(app.banner, cluster.name)
            let report = try redacted.report(snapshotID: d.reader.summaries[cluster.id]!.last!.id)!
            for pane in PaneID.topLevel + [.help] + report.findings.map({ PaneID.check($0.checkID) }) {
                app.open(pane)
                exported += app.exportViewText(width: 132, height: 40) + app.exportFullText(width: 200)
                exported += app.exportMarkdown(width: 132) + app.exportJSON(width: 132)
                panes += 1
            }
            // every detail document of the identities, network and secrets lists
            for pane in [PaneID.identities, .network, .secrets] {
                app.open(pane)
                let rows = app.exportModel(width: 132).rows.count
                for _ in 0..<rows {
                    _ = app.handle(.enter, now: d.now)
                    exported += app.exportFullText(width: 200)
                    _ = app.handle(.escape, now: d.now)
                    _ = app.handle(.down, now: d.now)
                    panes += 1
                }
            }
        }
        XCTAssertGreaterThan(panes, 150)
        let leaks = names.filter { Self.occurs($0, in: exported) }.sorted()
        XCTAssertEqual(leaks, [], "original names in the redacted exports")
        // the tokens are there instead
        XCTAssertTrue(exported.contains("n-"))
        XCTAssertTrue(exported.contains("ip-"))
        XCTAssertTrue(exported.contains("id-"))
    }

    func testScoresCountsAndLevelsStay() throws {
        let d = try demo()
        for cluster in d.reader.clusterList {
            for pane in [PaneID.overview, .category(.auth), .network, .secrets, .identities, .history] {
                let plain = try exportPane(pane, reader: d.reader, options: ConsoleOptions(initialCluster: cluster.name), format: .json, width: 132, height: 40, allRows: true, now: d.now)
                let hidden = try exportPane(pane, reader: RedactingReader(d.reader), options: ConsoleOptions(initialCluster: cluster.name), format: .json, width: 132, height: 40, allRows: true, now: d.now)
                let a = try JSONSerialization.jsonObject(with: Data(plain.utf8)) as! [String: Any]
                let b = try JSONSerialization.jsonObject(with: Data(hidden.utf8)) as! [String: Any]
                XCTAssertEqual((a["rows"] as? [Any])?.count, (b["rows"] as? [Any])?.count, "\(cluster.name) \(pane) row count")
                if let o1 = a["overview"] as? [String: Any], let o2 = b["overview"] as? [String: Any] {
                    XCTAssertEqual(o1["overall"] as? NSDictionary, o2["overall"] as? NSDictionary)
                    XCTAssertEqual(o1["categories"] as? NSArray, o2["categories"] as? NSArray)
                    XCTAssertEqual(o1["checksByStatus"] as? NSDictionary, o2["checksByStatus"] as? NSDictionary)
                }
                if pane == .network {
                    // exposure levels (first column) are the same multiset
                    func levels(_ o: [String: Any]) -> [String] { ((o["rows"] as? [[String: Any]]) ?? []).compactMap { ($0["cells"] as? [String])?.first }.sorted() }
                    XCTAssertEqual(levels(a), levels(b), cluster.name)
                }
            }
        }
    }

    func testTokensAreStableAcrossSnapshotsAndKeyed() {
        var a = Snapshot(collection: CollectionInfo(collectedAt: Fixture.now), cluster: ManagedCluster(name: "c"))
        var inv = KubernetesInventory()
        inv.namespaces = [KubeNamespace(meta: ObjectMeta(name: "payments")), KubeNamespace(meta: ObjectMeta(name: "kube-system"))]
        var svc = KubeService(meta: ObjectMeta(name: "api", namespace: "payments"), type: "LoadBalancer")
        svc.loadBalancerIngress = ["203.0.113.7"]
        svc.loadBalancerSourceRanges = ["198.51.100.0/24"]
        inv.services = [svc]
        a.kubernetes = inv
        var b = a
        b.collection.collectedAt = Fixture.now.addingTimeInterval(60)
        let ra = Redactor(snapshot: a), rb = Redactor(snapshot: b), keyed = Redactor(snapshot: a, key: "wall-1")
        XCTAssertEqual(ra.text("payments"), rb.text("payments"))
        XCTAssertTrue(ra.text("payments").hasPrefix("n-"))
        XCTAssertEqual(ra.text("payments").count, 8)
        XCTAssertNotEqual(ra.text("payments"), keyed.text("payments"))
        XCTAssertEqual(ra.text("kube-system"), "kube-system", "platform namespaces stay readable")
        XCTAssertEqual(ra.text("198.51.100.0/24").suffix(3), "/24", "a range keeps its width")
        XCTAssertTrue(ra.text("198.51.100.0/24").hasPrefix("ip-"))
        // free text: names inside paths, subjects, sentences; IPs and GUIDs never seen before
        XCTAssertEqual(ra.text("Service payments/api is public."), "Service \(ra.text("payments"))/\(ra.text("api")) is public.")
        XCTAssertEqual(ra.text("system:serviceaccount:payments:api"), "system:serviceaccount:\(ra.text("payments")):\(ra.text("api"))")
        XCTAssertTrue(ra.text("from 192.0.2.55 and 00000000-0000-0000-0000-0000000000aa").hasPrefix("from ip-"))
        XCTAssertFalse(ra.text("from 192.0.2.55 and 00000000-0000-0000-0000-0000000000aa").contains("0000000000aa"))
        XCTAssertEqual(ra.text("open to 0.0.0.0/0, version 1.30.4, cluster-admin"), "open to 0.0.0.0/0, version 1.30.4, cluster-admin")
    }

    func testJSONStringRewritingKeepsKeysAndEscapes() throws {
        struct Probe: Codable, Equatable { var name: String; var note: String; var payments: Int; var tags: [String: String] }
        let r = Redactor(snapshot: {
            var s = Snapshot(collection: CollectionInfo(collectedAt: Fixture.now), cluster: ManagedCluster(name: "c"))
            var inv = KubernetesInventory(); inv.namespaces = [KubeNamespace(meta: ObjectMeta(name: "payments"))]; s.kubernetes = inv
            return s
        }())
        let p = Probe(name: "payments", note: "quote \" backslash \\ tab \t esc \u{1b}[2J payments/x é 🙂", payments: 3, tags: ["payments": "payments"])
        let out = try r.redactValue(p)
        XCTAssertEqual(out.payments, 3)
        XCTAssertEqual(out.name, r.text("payments"))
        XCTAssertEqual(out.note, "quote \" backslash \\ tab \t esc \u{1b}[2J \(r.text("payments"))/x é 🙂")
        XCTAssertEqual(out.tags, ["payments": r.text("payments")], "keys stay, values are redacted")
    }
}
