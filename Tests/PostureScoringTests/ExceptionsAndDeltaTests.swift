import XCTest
import PostureModel
@testable import PostureScoring

final class ExceptionsTests: XCTestCase {
    let yaml = """
    exceptions:
      - check: AUTH-02
        cluster: aks-good
        reason: Break-glass certificate kept for the DR runbook
        owner: platform@example.com
        expires: 2027-01-31
      - check: hard-15
        cluster: "*"
        objects: ["monitoring/*", "app/api"]
        reason: Node agents need host access
        owner: sre@example.com
        expires: 2026-12-31
    """

    func testParseBothShapes() throws {
        let e = try ExceptionsFile.parse(yaml: yaml, file: "ex.yaml")
        XCTAssertEqual(e.count, 2)
        XCTAssertEqual(e[0].check, "AUTH-02"); XCTAssertNil(e[0].objects); XCTAssertEqual(e[0].expires, "2027-01-31")
        XCTAssertEqual(e[1].check, "HARD-15"); XCTAssertEqual(e[1].objects, ["monitoring/*", "app/api"]); XCTAssertEqual(e[1].entry, 2)
        let list = try ExceptionsFile.parse(yaml: """
        - {check: NET-07, cluster: prod, reason: r, owner: o, expires: 2027-01-01}
        """)
        XCTAssertEqual(list.first?.check, "NET-07")
        XCTAssertEqual(try ExceptionsFile.parse(yaml: ""), [])
        XCTAssertEqual(try ExceptionsFile.parse(yaml: "exceptions:\n"), [])
    }

    func testMissingFieldErrorNamesEntryAndField() {
        let bad = """
        exceptions:
          - {check: AUTH-02, cluster: "*", reason: r, owner: o, expires: 2027-01-01}
          - check: AUTH-06
            cluster: "*"
            reason: no owner here
            expires: 2027-01-01
        """
        XCTAssertThrowsError(try ExceptionsFile.parse(yaml: bad, file: "team.yaml")) { error in
            let e = error as! ExceptionsFileError
            XCTAssertEqual(e.entry, 2)
            XCTAssertEqual(e.file, "team.yaml")
            XCTAssertEqual(e.line, 3)
            XCTAssertTrue(e.description.contains("team.yaml: entry 2"), e.description)
            XCTAssertTrue(e.description.contains("missing field 'owner'"), e.description)
        }
        for (field, text) in [("reason", "{check: AUTH-02, cluster: x, owner: o, expires: 2027-01-01}"),
                              ("expires", "{check: AUTH-02, cluster: x, owner: o, reason: r}"),
                              ("cluster", "{check: AUTH-02, owner: o, reason: r, expires: 2027-01-01}")] {
            XCTAssertThrowsError(try ExceptionsFile.parse(yaml: "- " + text)) { error in
                XCTAssertTrue("\(error)".contains("entry 1"), "\(error)")
                XCTAssertTrue("\(error)".contains("missing field '\(field)'"), "\(error)")
            }
        }
        XCTAssertThrowsError(try ExceptionsFile.parse(yaml: "- {check: AUTH-99, cluster: x, owner: o, reason: r, expires: 2027-01-01}")) {
            XCTAssertTrue("\($0)".contains("unknown check 'AUTH-99'"))
        }
        XCTAssertThrowsError(try ExceptionsFile.parse(yaml: "- {check: AUTH-02, cluster: x, owner: o, reason: r, expires: 2027-02-30}")) {
            XCTAssertTrue("\($0)".contains("YYYY-MM-DD"))
        }
        XCTAssertThrowsError(try ExceptionsFile.parse(yaml: "- {check: AUTH-02, cluster: x, owner: '', reason: r, expires: 2027-01-01}")) {
            XCTAssertTrue("\($0)".contains("'owner' must be a non-empty string"))
        }
        XCTAssertThrowsError(try ExceptionsFile.parse(yaml: "- {check: AUTH-02, cluster: x, owner: o, reason: r, expires: 2027-01-01, expiry: 1}")) {
            XCTAssertTrue("\($0)".contains("unknown field 'expiry'"))
        }
        XCTAssertThrowsError(try ExceptionsFile.parse(yaml: "foo: [")) { XCTAssertTrue("\($0)".contains("not valid YAML")) }
    }

    func testLoadReadsAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-ex-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try ExceptionsFile.load(url: url).count, 2)
        XCTAssertThrowsError(try ExceptionsFile.load(url: url.appendingPathExtension("missing")))
    }

    func testWholeCheckWaiverLeavesTheScoreAndTheGates() throws {
        let s = withCluster { $0.disableLocalAccounts = false; $0.apiServer.enablePrivateCluster = false }
        let plain = PostureScorer().score(s, now: testNow)
        XCTAssertEqual(plain.overall.caps.count, 1)
        let ex = try ExceptionsFile.parse(yaml: yaml)
        let r = PostureScorer(exceptions: ex).score(s, now: testNow)
        let f = r.finding("AUTH-02")!
        XCTAssertEqual(f.status, .waived)
        XCTAssertNil(f.credit)
        XCTAssertEqual(f.waiver, Waiver(reason: "Break-glass certificate kept for the DR runbook", owner: "platform@example.com", expires: "2027-01-31"))
        XCTAssertTrue(f.evidence.contains(Evidence(path: "verdict before waiver", value: "fail (credit 0.00)")))
        XCTAssertEqual(r.category(.auth)!.possible, 55 - 7)
        XCTAssertEqual(r.category(.auth)!.counts[.waived], 1)
        XCTAssertTrue(r.overall.caps.isEmpty, "a waived check cannot trigger a gate")
        XCTAssertFalse(r.topFixes.contains { $0.checkID == "AUTH-02" })
        XCTAssertNotEqual(r.configFingerprint, plain.configFingerprint)
    }

    func testObjectLevelWaiverRemovesObjects() throws {
        let ex = try ExceptionsFile.parse(yaml: yaml)
        let s = withK8s { k in
            k.workloads[0].hostNetwork = true // app/api
            k.workloads.append(workload("DaemonSet", "node-exporter", ns: "monitoring") { $0.hostPID = true })
            k.workloads.append(workload("Deployment", "other", ns: "app") { $0.hostIPC = true })
        }
        let r = PostureScorer(exceptions: ex).score(s, now: testNow)
        let f = r.finding("HARD-15")!
        XCTAssertEqual(f.status, .fail)
        XCTAssertEqual(f.affected.map(\.name), ["other"])
        let waived = f.evidence.filter { $0.path == "waived" }.map(\.value)
        XCTAssertEqual(waived.count, 2)
        XCTAssertTrue(waived.contains { $0.hasPrefix("Deployment app/api: Node agents need host access (sre@example.com, until 2026-12-31)") }, "\(waived)")
        XCTAssertNil(f.waiver)
        // Once the remaining object is fixed, the check passes with the waived objects still listed.
        var fixed = s
        fixed.kubernetes!.workloads.removeAll { $0.meta.name == "other" }
        let g = PostureScorer(exceptions: ex).score(fixed, now: testNow).finding("HARD-15")!
        XCTAssertEqual(g.status, .pass)
        XCTAssertEqual(g.evidence.filter { $0.path == "waived" }.count, 2)
    }

    func testClusterScopedAndPoolWaivers() throws {
        let ex = try ExceptionsFile.parse(yaml: """
        - {check: AUTH-06, cluster: "rg/aks-good", objects: [alice], reason: r, owner: o, expires: 2027-01-01}
        - {check: HARD-01, cluster: "aks-*", objects: [legacy], reason: r, owner: o, expires: 2027-01-01}
        """)
        let s = goodSnapshot(cluster: goodCluster { $0.agentPoolProfiles = [pool("system"), pool("legacy") { $0.sshAccess = "LocalUser" }] }) {
            $0.kubernetes = goodInventory { $0.bindings.append(binding("alice", role: "cluster-admin", [RBACSubject(kind: "User", name: "alice")])) }
        }
        let r = PostureScorer(exceptions: ex).score(s, now: testNow)
        XCTAssertEqual(r.finding("AUTH-06")?.status, .pass)
        XCTAssertEqual(r.finding("HARD-01")?.status, .pass)
        XCTAssertTrue(r.exceptionNotes.isEmpty, "\(r.exceptionNotes)")
    }

    func testExpiredExceptionStopsApplyingAndIsReported() throws {
        let ex = try ExceptionsFile.parse(yaml: "- {check: AUTH-02, cluster: aks-good, reason: r, owner: o, expires: 2026-11-28}", file: "ex.yaml")
        let s = withCluster { $0.disableLocalAccounts = false }
        let r = PostureScorer(exceptions: ex).score(s, now: testNow)
        XCTAssertEqual(r.finding("AUTH-02")?.status, .fail)
        XCTAssertEqual(r.exceptionNotes, ["ex.yaml: entry 1 (AUTH-02): expired on 2026-11-28; no longer applied"])
        // It applies through its last day (UTC).
        let lastDay = try ExceptionsFile.parse(yaml: "- {check: AUTH-02, cluster: aks-good, reason: r, owner: o, expires: 2026-11-29}")
        XCTAssertEqual(PostureScorer(exceptions: lastDay).score(s, now: testNow.addingTimeInterval(86_399)).finding("AUTH-02")?.status, .waived)
        XCTAssertEqual(PostureScorer(exceptions: lastDay).score(s, now: testNow.addingTimeInterval(86_400)).finding("AUTH-02")?.status, .fail)
    }

    func testUnusedExceptionsAreReportedAndOtherClustersIgnored() throws {
        let ex = try ExceptionsFile.parse(yaml: """
        - {check: AUTH-02, cluster: aks-good, reason: r, owner: o, expires: 2027-01-01}
        - {check: HARD-15, cluster: aks-good, objects: ["ghost/*"], reason: r, owner: o, expires: 2027-01-01}
        - {check: AUTH-03, cluster: other-cluster, reason: r, owner: o, expires: 2027-01-01}
        """, file: "ex.yaml")
        let r = PostureScorer(exceptions: ex).score(goodSnapshot(), now: testNow)
        XCTAssertEqual(r.exceptionNotes, [
            "ex.yaml: entry 1 (AUTH-02): unused on aks-good (the check is pass, nothing to waive)",
            "ex.yaml: entry 2 (HARD-15): unused on aks-good (no object matched ghost/*)",
        ])
        XCTAssertEqual(r.finding("AUTH-02")?.status, .pass)
    }
}

final class DeltaTests: XCTestCase {
    func testDeltaBetweenReports() {
        let before = goodSnapshot(cluster: goodCluster { $0.apiServer.enablePrivateCluster = false; $0.apiServer.authorizedIPRanges = ["10.0.0.0/8"] })
        let after = goodSnapshot(cluster: goodCluster { c in
            c.apiServer.enablePrivateCluster = true
            c.apiServer.enablePrivateClusterPublicFQDN = true
            c.disableLocalAccounts = false
        }) { s in
            s.diagnosticSettings = nil
            s.kubernetes = goodInventory { $0.bindings.append(binding("alice", role: "cluster-admin", [RBACSubject(kind: "User", name: "alice")])) }
        }
        let scorer = PostureScorer()
        let a = scorer.score(before, now: testNow), b = scorer.score(after, now: testNow)
        let d = delta(from: a, to: b)
        XCTAssertEqual(d.overallChange, b.overall.score - a.overall.score, accuracy: 1e-12)
        // cluster-admin for a user also means reading every Secret (AUTH-08) and escalation verbs (AUTH-10).
        XCTAssertEqual(Set(d.newlyFailed.map(\.checkID)), ["AUTH-02", "AUTH-06", "AUTH-08", "AUTH-10"])
        XCTAssertTrue(d.fixed.isEmpty)
        // NET-02 went from partial (a /8 range) to not applicable (now private): a status change, not a fix.
        XCTAssertTrue(d.statusChanged.contains { $0.checkID == "NET-02" && $0.fromStatus == .partial && $0.toStatus == .notApplicable })
        XCTAssertEqual(d.creditChanged.map(\.checkID), ["NET-01"])
        XCTAssertEqual(d.creditChanged.first?.fromCredit, 0.5); XCTAssertEqual(d.creditChanged.first?.toCredit, 0.9)
        XCTAssertTrue(d.statusChanged.contains { $0.checkID == "HARD-11" && $0.fromStatus == .pass && $0.toStatus == .unknown })
        let objects = d.objects.first { $0.checkID == "AUTH-06" }!
        XCTAssertEqual(objects.appeared.map(\.name), ["alice"]); XCTAssertTrue(objects.disappeared.isEmpty)
        XCTAssertFalse(d.configurationChanged)
        let auth = d.categories.first { $0.category == .auth }!
        XCTAssertEqual(auth.change!, b.category(.auth)!.score! - a.category(.auth)!.score!, accuracy: 1e-12)

        let back = delta(from: b, to: a)
        XCTAssertEqual(Set(back.fixed.map(\.checkID)), ["AUTH-02", "AUTH-06", "AUTH-08", "AUTH-10"])
        XCTAssertEqual(back.objects.first { $0.checkID == "AUTH-06" }?.disappeared.map(\.name), ["alice"])
        XCTAssertTrue(delta(from: a, to: a).isEmpty)
    }
}
