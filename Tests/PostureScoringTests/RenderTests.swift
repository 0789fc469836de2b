import Foundation
import XCTest
import PostureModel
@testable import PostureScoring

final class RenderTests: XCTestCase {
    func sample() -> (ScoreReport, Snapshot) {
        let s = withK8s { k in
            k.workloads.append(workload("Deployment", "evil\u{1b}]52;c;Q0FOQVJZ\u{07}", ns: "app") { $0.hostPID = true })
        }
        var snap = s
        snap.cluster.enableRBAC = false
        snap.cluster.aad?.enableAzureRBAC = false
        snap.cluster.aad?.adminGroupObjectIDs = ["g"]
        return (PostureScorer().score(snap, now: testNow), snap)
    }

    func testJSONShapeAndStableFormatting() throws {
        let (r, s) = sample()
        let text = ScoreReportJSON.render(report: r, snapshot: s)
        let obj = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        XCTAssertEqual(Set(obj.keys), ["schemaVersion", "cluster", "overall", "categories", "checks", "topFixes", "exceptionNotes", "configFingerprint"])
        let cluster = obj["cluster"] as! [String: Any]
        XCTAssertEqual(cluster["name"] as? String, "aks-good")
        XCTAssertEqual(cluster["resourceGroup"] as? String, "rg")
        XCTAssertEqual(cluster["kubernetesVersion"] as? String, "1.33.2")
        XCTAssertEqual(cluster["collectedAt"] as? String, "2026-11-28T23:00:00Z")
        let overall = obj["overall"] as! [String: Any]
        XCTAssertEqual(overall["score"] as? Double, 40)
        XCTAssertEqual(overall["grade"] as? String, "F")
        let caps = overall["caps"] as! [[String: Any]]
        XCTAssertEqual(caps.first?["reason"] as? String, "Kubernetes RBAC off")
        XCTAssertEqual(caps.first?["checks"] as? [String], ["AUTH-03"])
        let cats = obj["categories"] as! [[String: Any]]
        XCTAssertEqual(cats.map { $0["id"] as! String }, ["AUTH", "IDENT", "NET", "SEC", "HARD"])
        // Scores are rounded to one decimal.
        let authScore = r.category(.auth)!.score!
        XCTAssertEqual(cats[0]["score"] as? Double, (authScore * 10).rounded() / 10)
        XCTAssertTrue(text.contains("\"score\": \(JSONValue.format(authScore, 1))"))
        let checks = obj["checks"] as! [[String: Any]]
        XCTAssertEqual(checks.count, 62)
        let auth01 = checks.first { $0["id"] as? String == "AUTH-01" }!
        XCTAssertEqual(auth01["status"] as? String, "partial")
        XCTAssertEqual(auth01["credit"] as? Double, 0.5)
        XCTAssertEqual(auth01["severity"] as? String, "high")
        XCTAssertEqual((auth01["evidence"] as? [[String: String]])?.contains { $0["path"] == "aadProfile.enableAzureRBAC" && $0["value"] == "false" }, true)
        XCTAssertTrue(auth01["waiver"] is NSNull)
        let hard08 = checks.first { $0["id"] as? String == "HARD-08" }!
        XCTAssertTrue(hard08["credit"] is NSNull)
        XCTAssertEqual(hard08["status"] as? String, "unknown")
        let fixes = obj["topFixes"] as! [[String: Any]]
        XCTAssertEqual(fixes.first?["id"] as? String, "AUTH-03")
        // Keys sorted at every level; control characters escaped.
        XCTAssertLessThan(text.range(of: "\"categories\"")!.lowerBound, text.range(of: "\"checks\"")!.lowerBound)
        XCTAssertLessThan(text.range(of: "\"checks\"")!.lowerBound, text.range(of: "\"cluster\"")!.lowerBound)
        XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 })
        XCTAssertTrue(text.contains("\\u001b]52"))
    }

    func testNumberFormatting() {
        XCTAssertEqual(JSONValue.format(97.12727, 1), "97.1")
        XCTAssertEqual(JSONValue.format(40, 1), "40")
        XCTAssertEqual(JSONValue.format(0.25, 2), "0.25")
        XCTAssertEqual(JSONValue.format(-0.04, 1), "0")
        XCTAssertEqual(JSONValue.format(99.96, 1), "100")
    }

    func testTextReportIsCompactAndSanitized() {
        let (r, s) = sample()
        let text = ScoreReportText.render(report: r, snapshot: s)
        XCTAssertTrue(text.hasPrefix("Cluster aks-good (rg, westeurope) · Kubernetes 1.33.2 · collected 2026-11-28T23:00:00Z\n"), text)
        XCTAssertTrue(text.contains("Overall 40 F"), text)
        XCTAssertTrue(text.contains("capped at 40: Kubernetes RBAC off [AUTH-03]"))
        XCTAssertTrue(text.contains("[FAIL] AUTH-03 critical · Kubernetes RBAC enabled"))
        XCTAssertTrue(text.contains("[PART 0.50] AUTH-01 high"))
        XCTAssertTrue(text.contains("aadProfile.enableAzureRBAC = false"))
        XCTAssertTrue(text.contains("fix: az aks update -g <rg> -n <name> --enable-aad --enable-azure-rbac"))
        XCTAssertTrue(text.contains("Top fixes\n  1. +"))
        XCTAssertTrue(text.contains("Not evaluated (2)"))
        XCTAssertTrue(text.contains("HARD-12: not collected (maintenance configurations are not part of the bundle)"))
        // The escape sequence in the object name is made visible, never emitted.
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        XCTAssertTrue(text.contains("evil␛]52;c;Q0FOQVJZ␇"), text)
        // Failing checks are ordered worst severity first.
        let critical = text.range(of: "AUTH-03 critical")!.lowerBound, high = text.range(of: "AUTH-01 high")!.lowerBound
        XCTAssertLessThan(critical, high)
    }

    func testTextReportForACleanClusterSaysSo() {
        let s = goodSnapshot()
        let text = ScoreReportText.render(report: PostureScorer().score(s, now: testNow), snapshot: s)
        XCTAssertTrue(text.contains("Overall 100 A"))
        XCTAssertTrue(text.contains("No failing checks"))
        XCTAssertFalse(text.contains("Top fixes"))
    }
}
