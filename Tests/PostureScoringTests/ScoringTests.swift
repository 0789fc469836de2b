import XCTest
import PostureModel
@testable import PostureScoring

final class ScoreArithmeticTests: XCTestCase {
    /// AUTH-01 partial (0.5) and HARD-06 fail; everything else passes or is not applicable.
    func handExample() -> Snapshot {
        withCluster { c in
            c.aad?.enableAzureRBAC = false
            c.aad?.adminGroupObjectIDs = ["admins"] // keep AUTH-04 passing
            c.upgradeChannel = nil
        }
    }

    func testHandComputedScores() {
        let r = PostureScorer().score(handExample(), now: testNow)
        // AUTH weights: 7+7+10+1+4+7+4+4+7+4 = 55; AUTH-01 earns 7 × 0.5 → 51.5 / 55.
        let auth = r.category(.auth)!
        XCTAssertEqual(auth.possible, 55); XCTAssertEqual(auth.earned, 51.5)
        XCTAssertEqual(auth.score!, 100 * 51.5 / 55, accuracy: 1e-9)
        XCTAssertEqual(auth.grade, .A)
        // HARD scored weights: 4+1+7+7+4+4+1+1+1+1+7+7+4+1 = 50 (HARD-05 n/a, HARD-08 and HARD-12 unknown); HARD-06 (4) fails.
        let hard = r.category(.hard)!
        XCTAssertEqual(hard.possible, 50); XCTAssertEqual(hard.earned, 46)
        XCTAssertEqual(hard.score!, 92, accuracy: 1e-9)
        XCTAssertEqual(hard.coverage, 15.0 / 17.0, accuracy: 1e-9)
        XCTAssertEqual(hard.counts[.unknown], 2)
        XCTAssertEqual(r.category(.net)!.score!, 100, accuracy: 1e-9)
        let expected = (100 * 51.5 / 55 + 100 + 100 + 100 + 92) / 5
        XCTAssertEqual(r.overall.uncapped, expected, accuracy: 1e-9)
        XCTAssertEqual(r.overall.score, expected, accuracy: 1e-9)
        XCTAssertEqual(r.overall.grade, .A)
        XCTAssertEqual(r.overall.coverage, 60.0 / 62.0, accuracy: 1e-9)
        XCTAssertEqual(r.finding("AUTH-01")!.weight, 7)
    }

    func testTopFixesGainArithmeticAndOrder() {
        let r = PostureScorer().score(handExample(), now: testNow)
        XCTAssertEqual(r.topFixes.map(\.checkID), ["HARD-06", "AUTH-01"])
        let current = r.overall.score
        // Fixing HARD-06: HARD → 100; fixing AUTH-01: AUTH → 100.
        XCTAssertEqual(r.topFixes[0].gain, (100 * 51.5 / 55 + 400) / 5 - current, accuracy: 1e-6)
        XCTAssertEqual(r.topFixes[1].gain, (400 + 92) / 5 - current, accuracy: 1e-6)
        XCTAssertGreaterThan(r.topFixes[0].gain, r.topFixes[1].gain) // a medium check can outrank a high one
    }

    func testRBACOffGateCapsAndFixingItGainsTheDifference() {
        let s = withCluster { $0.enableRBAC = false; $0.upgradeChannel = nil; $0.imageCleanerEnabled = false }
        let r = PostureScorer().score(s, now: testNow)
        XCTAssertEqual(r.overall.score, 40)
        XCTAssertGreaterThan(r.overall.uncapped, 90)
        XCTAssertEqual(r.overall.caps, [ScoreCap(limit: 40, reason: "Kubernetes RBAC off", checkIDs: ["AUTH-03"])])
        XCTAssertEqual(r.overall.grade, .F)
        XCTAssertEqual(r.topFixes.first?.checkID, "AUTH-03")
        // Fixing AUTH-03 removes the cap: the gain is the new uncapped score minus 40.
        let fixedAuth = (100.0 * 45 / 55 + 10 / 55 * 100) // AUTH back to 100
        XCTAssertEqual(fixedAuth, 100, accuracy: 1e-9)
        let hardFixed = 100 * (50.0 - 4 - 1) / 50
        XCTAssertEqual(r.topFixes.first!.gain, (400 + hardFixed) / 5 - 40, accuracy: 1e-6)
        // Other fixes gain nothing while the cap holds; ties are ordered by severity (medium before low).
        XCTAssertEqual(Array(r.topFixes.dropFirst().map(\.checkID)), ["HARD-06", "HARD-10"])
        XCTAssertEqual(r.topFixes[1].gain, 0)
    }

    func testOpenAPIWithLocalAccountsGate() {
        let both = withCluster { $0.apiServer.enablePrivateCluster = false; $0.disableLocalAccounts = false }
        let r = PostureScorer().score(both, now: testNow)
        XCTAssertEqual(r.overall.caps.map(\.limit), [50])
        XCTAssertEqual(r.overall.caps.first?.checkIDs, ["NET-01", "AUTH-02"])
        XCTAssertEqual(r.overall.caps.first?.reason, "public API server with no authorized ranges and local accounts enabled")
        XCTAssertEqual(r.overall.score, 50)
        // Only one of the two failing: no cap.
        let one = withCluster { $0.apiServer.enablePrivateCluster = false; $0.apiServer.authorizedIPRanges = ["203.0.113.0/24"]; $0.disableLocalAccounts = false }
        XCTAssertTrue(PostureScorer().score(one, now: testNow).overall.caps.isEmpty)
    }

    func testAnonymousRBACGateAndGateSwitches() {
        let s = withK8s { $0.bindings.append(binding("oops", role: "view", [RBACSubject(kind: "Group", name: "system:unauthenticated")])) }
        XCTAssertEqual(PostureScorer().score(s, now: testNow).overall.caps.map(\.checkIDs), [["AUTH-09"]])
        var cfg = ScoringConfiguration.default
        cfg.disabledGates = ["anonymous-rbac"]
        XCTAssertTrue(PostureScorer(configuration: cfg).score(s, now: testNow).overall.caps.isEmpty)
        cfg = .default
        cfg.gatesEnabled = false
        let off = PostureScorer(configuration: cfg).score(withCluster { $0.enableRBAC = false }, now: testNow)
        XCTAssertTrue(off.overall.caps.isEmpty)
        XCTAssertEqual(off.overall.score, off.overall.uncapped)
    }

    func testUnsupportedVersionGateOnlyWithConfiguredVersions() {
        let s = withCluster { $0.currentKubernetesVersion = "1.28.5" }
        XCTAssertTrue(PostureScorer().score(s, now: testNow).overall.caps.isEmpty)
        var cfg = ScoringConfiguration.default
        cfg.supportedKubernetesMinors = ["1.32", "1.33", "1.34"]
        let r = PostureScorer(configuration: cfg).score(s, now: testNow)
        XCTAssertEqual(r.overall.caps.map(\.limit), [70])
        XCTAssertEqual(r.overall.score, 70)
    }

    func testHARD05DoesNotMoveTheScore() {
        let base = PostureScorer().score(handExample(), now: testNow)
        var auto = handExample()
        auto.cluster.skuName = "Automatic"
        let r = PostureScorer().score(auto, now: testNow)
        XCTAssertEqual(r.finding("HARD-05")?.status, .pass)
        XCTAssertEqual(base.finding("HARD-05")?.status, .notApplicable)
        XCTAssertEqual(r.overall.score, base.overall.score, accuracy: 1e-12)
        XCTAssertEqual(r.category(.hard)!.score!, base.category(.hard)!.score!, accuracy: 1e-12)
        XCTAssertFalse(r.topFixes.contains { $0.checkID == "HARD-05" })
    }

    func testCoverageWithMissingSources() {
        let r = PostureScorer().score(clusterOnly(), now: testNow)
        // AUTH-06…10 need Kubernetes objects.
        XCTAssertEqual(r.category(.auth)!.coverage, 0.5, accuracy: 1e-9)
        XCTAssertEqual(r.category(.auth)!.score!, 100, accuracy: 1e-9)
        // SEC: SEC-04/05/06 (kubectl) and SEC-07/08/09 (key vaults) unknown → 4 of 10.
        XCTAssertEqual(r.category(.sec)!.coverage, 0.4, accuracy: 1e-9)
        let unknown = r.findings.filter { $0.status == .unknown }.map(\.checkID)
        XCTAssertEqual(r.overall.coverage, Double(62 - unknown.count) / 62, accuracy: 1e-9)
        XCTAssertLessThan(r.overall.coverage, 0.6)
        for id in ["AUTH-06", "IDENT-03", "IDENT-09", "IDENT-11", "NET-04", "NET-13", "SEC-07", "HARD-11", "HARD-14", "HARD-17"] {
            XCTAssertTrue(unknown.contains(id), id)
            XCTAssertTrue(r.finding(id)!.summary.hasPrefix("not collected"), "\(id): \(r.finding(id)!.summary)")
        }
        XCTAssertEqual(r.finding("AUTH-06")!.summary, "not collected (kubernetes.json missing)")
        XCTAssertEqual(r.finding("IDENT-09")!.summary, "not collected (acr.json missing)")
    }

    func testCategoryWeightsAreConfigurable() {
        var cfg = ScoringConfiguration.default
        cfg.categoryWeights[.ident] = 2
        var s = clusterOnly(goodCluster { $0.workloadIdentityEnabled = false; $0.oidcIssuerEnabled = false; $0.podIdentityEnabled = true })
        s.registries = []
        let r = PostureScorer(configuration: cfg).score(s, now: testNow)
        // IDENT-01 pass (7), IDENT-02 fail (4), IDENT-04 fail (1) → 7/12.
        let ident = r.category(.ident)!.score!
        XCTAssertEqual(ident, 100 * 7 / 12, accuracy: 1e-9)
        let others = [Category.auth, .net, .sec, .hard].map { r.category($0)!.score! }
        XCTAssertEqual(r.overall.uncapped, (2 * ident + others.reduce(0, +)) / 6, accuracy: 1e-9)
    }

    func testCategoryWithNothingScoredHasNilScoreAndIsLeftOutOfOverall() {
        var findings = PostureScorer().score(handExample(), now: testNow).findings
        for i in findings.indices where findings[i].category == .net { findings[i].status = .unknown; findings[i].credit = nil }
        let (overall, cats) = PostureScorer.aggregate(findings, .default)
        let net = cats.first { $0.category == .net }!
        XCTAssertNil(net.score); XCTAssertNil(net.grade); XCTAssertEqual(net.coverage, 0)
        let auth: Double = 100 * 51.5 / 55
        let expected: Double = (auth + 100 + 100 + 92) / 4
        XCTAssertEqual(overall.uncapped, expected, accuracy: 1e-9)
        XCTAssertEqual(overall.coverage, Double(62 - 2 - 14) / 62, accuracy: 1e-9)
    }

    func testSeverityWeightsAreConfigurable() {
        var cfg = ScoringConfiguration.default
        cfg.severityWeights[.high] = 1
        let r = PostureScorer(configuration: cfg).score(handExample(), now: testNow)
        XCTAssertEqual(r.finding("AUTH-01")!.weight, 1)
        XCTAssertEqual(r.category(.auth)!.possible, 55 - 4 * 6)
        XCTAssertNotEqual(r.configFingerprint, PostureScorer().score(handExample(), now: testNow).configFingerprint)
    }

    func testAffectedListIsCappedWithFullTotal() {
        var cfg = ScoringConfiguration.default
        cfg.affectedLimit = 3
        let s = withK8s { k in k.workloads += (1...10).map { i in workload("Deployment", "w\(i)") { $0.hostNetwork = true } } }
        let f = finding("HARD-15", s, config: cfg)
        XCTAssertEqual(f.affected.count, 3)
        XCTAssertEqual(f.affectedTotal, 10)
    }

    func testDeterminism() {
        let s = withK8s { k in
            k.workloads += (1...5).map { i in workload("Deployment", "w\(i)") { $0.hostPID = true; $0.containers = [container(image: "docker.io/x/y:\(i)")] } }
            k.bindings.append(binding("a", role: "cluster-admin", [RBACSubject(kind: "User", name: "a")]))
            k.bindings.append(binding("b", role: "cluster-admin", [RBACSubject(kind: "User", name: "b")]))
        }
        var shuffled = s
        shuffled.kubernetes!.workloads.reverse()
        shuffled.kubernetes!.bindings.reverse()
        shuffled.kubernetes!.roles.reverse()
        let scorer = PostureScorer()
        let a = scorer.score(s, now: testNow), b = scorer.score(s, now: testNow), c = scorer.score(shuffled, now: testNow)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a, c)
        XCTAssertEqual(ScoreReportJSON.render(report: a, snapshot: s), ScoreReportJSON.render(report: c, snapshot: shuffled))
        XCTAssertEqual(ScoreReportText.render(report: a, snapshot: s), ScoreReportText.render(report: b, snapshot: s))
    }

    func testConfigurationFingerprint() {
        let a = ScoringConfiguration.default.fingerprint
        XCTAssertEqual(a, ScoringConfiguration().fingerprint)
        XCTAssertTrue(a.hasPrefix("cfg-")); XCTAssertEqual(a.count, 20)
        var c = ScoringConfiguration.default
        c.systemNamespaces.insert("monitoring")
        XCTAssertNotEqual(c.fingerprint, a)
        c = .default; c.approvedRegistries = ["x.azurecr.io"]
        XCTAssertNotEqual(c.fingerprint, a)
        c = .default; c.gatesEnabled = false
        XCTAssertNotEqual(c.fingerprint, a)
        // Order of set-like settings does not matter.
        var d1 = ScoringConfiguration.default, d2 = ScoringConfiguration.default
        d1.approvedRegistries = ["a.io", "b.io"]; d2.approvedRegistries = ["b.io", "a.io"]
        XCTAssertEqual(d1.fingerprint, d2.fingerprint)
    }

    func testSystemNamespacesAreConfigurable() {
        let s = withK8s { k in
            k.namespaces.append(KubeNamespace(meta: meta("monitoring", nil)))
            k.workloads.append(workload("DaemonSet", "node-exporter", ns: "monitoring") { $0.hostNetwork = true; $0.hostPID = true })
        }
        assertCheck("HARD-15", s, .fail)
        var cfg = ScoringConfiguration.default
        cfg.systemNamespaces.insert("monitoring")
        assertCheck("HARD-15", s, .pass, config: cfg)
    }
}
