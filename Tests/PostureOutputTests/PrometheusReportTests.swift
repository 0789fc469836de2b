import Foundation
import PostureModel
@testable import PostureOutput
import XCTest

final class PrometheusReportTests: XCTestCase {
    private let now = Fixtures.collectedAt.addingTimeInterval(900)

    private func entries() -> [PrometheusReport.Entry] {
        [
            PrometheusReport.Entry(snapshot: Fixtures.snapshot(), report: Fixtures.report()),
            PrometheusReport.Entry(cluster: "aks-dev \"x\"\\\n", resourceGroup: nil, report: Fixtures.report(capped: false), collectedAt: Fixtures.collectedAt.addingTimeInterval(-3600)),
        ]
    }

    func testExpositionText() {
        let text = PrometheusReport.render(reports: entries(), now: now)
        let prod = "cluster=\"aks-prod\",resource_group=\"rg-prod\""
        XCTAssertTrue(text.contains("# HELP aksposture_overall_score Overall posture score (0-100) after caps.\n# TYPE aksposture_overall_score gauge\n"))
        XCTAssertTrue(text.contains("aksposture_overall_score{\(prod)} 60\n"))
        XCTAssertTrue(text.contains("aksposture_overall_grade_info{\(prod),grade=\"D\"} 1\n"))
        XCTAssertTrue(text.contains("aksposture_category_score{\(prod),category=\"AUTH\"} 62.5\n"))
        XCTAssertFalse(text.contains("category=\"SEC\"} ") && text.contains("aksposture_category_score{\(prod),category=\"SEC\"}"))
        XCTAssertTrue(text.contains("aksposture_category_coverage_ratio{\(prod),category=\"IDENT\"} 0.666667\n"))
        XCTAssertTrue(text.contains("aksposture_category_coverage_ratio{\(prod),category=\"SEC\"} 0\n"))
        XCTAssertTrue(text.contains("aksposture_findings{\(prod),status=\"fail\"} 3\n"))
        XCTAssertTrue(text.contains("aksposture_findings{\(prod),status=\"not-applicable\"} 1\n"))
        XCTAssertTrue(text.contains("aksposture_failed_checks{\(prod),severity=\"high\"} 4\n"))
        XCTAssertTrue(text.contains("aksposture_failed_checks{\(prod),severity=\"critical\"} 0\n"))
        XCTAssertTrue(text.contains("aksposture_snapshot_timestamp_seconds{\(prod)} 1795914000\n"))
        XCTAssertTrue(text.contains("aksposture_snapshot_age_seconds{\(prod)} 900\n"))
        XCTAssertTrue(text.contains("aksposture_score_capped{\(prod)} 1\n"))
        XCTAssertTrue(text.contains("aksposture_score_capped{cluster=\"aks-dev \\\"x\\\"\\\\␊\",resource_group=\"\"} 0\n"), text)
        XCTAssertFalse(text.lowercased().contains("nan"))
        XCTAssertEqual(text.components(separatedBy: "# TYPE aksposture_findings gauge").count, 2, "TYPE once per family")
        // Sorted by cluster: aks-dev before aks-prod within every family.
        let dev = text.range(of: "aksposture_overall_score{cluster=\"aks-dev")!.lowerBound
        XCTAssertLessThan(dev, text.range(of: "aksposture_overall_score{\(prod)}")!.lowerBound)
        XCTAssertEqual(text, PrometheusReport.render(reports: entries().reversed(), now: now))
    }

    func testLabelEscaping() {
        XCTAssertEqual(PrometheusReport.escapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd")
    }

    func testMissingScoresAreOmittedNotNaN() {
        var report = Fixtures.report()
        report.overall.score = .nan
        let text = PrometheusReport.render(reports: [PrometheusReport.Entry(snapshot: Fixtures.snapshot(), report: report)], now: now)
        XCTAssertFalse(text.contains("aksposture_overall_score{"))
        XCTAssertFalse(text.contains("# TYPE aksposture_overall_score"), "a family with no samples gets no HELP/TYPE")
        XCTAssertFalse(text.contains("NaN"))
        XCTAssertEqual(PrometheusReport.render(reports: [], now: now), "")
    }

    func testPrometheusClientParsesEverything() throws {
        let script = #"""
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        text = open(sys.argv[1], encoding="utf-8").read()
        out = {}
        for fam in text_string_to_metric_families(text):
            out[fam.name] = {"type": fam.type, "documentation": fam.documentation,
                             "samples": [[s.name, s.labels, s.value] for s in fam.samples]}
        print(json.dumps(out))
        """#
        let text = PrometheusReport.render(reports: entries(), now: now)
        let outcome = try PythonValidator.validate(script: script, document: text, modules: ["prometheus_client"], pip: "prometheus_client", suffix: "prom")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let families = try jsonObject(outcome.stdout)
        XCTAssertEqual(Set(families.keys), ["aksposture_overall_score", "aksposture_overall_grade_info", "aksposture_category_score",
                                             "aksposture_category_coverage_ratio", "aksposture_findings", "aksposture_failed_checks",
                                             "aksposture_snapshot_timestamp_seconds", "aksposture_snapshot_age_seconds", "aksposture_score_capped"])
        func samples(_ name: String) -> [(labels: [String: String], value: Double)] {
            ((families[name] as? [String: Any])?["samples"] as? [[Any]] ?? []).map { ($0[1] as! [String: String], ($0[2] as! NSNumber).doubleValue) }
        }
        for (_, fam) in families { XCTAssertEqual((fam as? [String: Any])?["type"] as? String, "gauge") }
        let overall = samples("aksposture_overall_score")
        XCTAssertEqual(overall.count, 2)
        XCTAssertEqual(overall.first { $0.labels["cluster"] == "aks-prod" }?.value, 60)
        XCTAssertEqual(overall.first { $0.labels["cluster"] == "aks-dev \"x\"\\␊" }?.value, 71.25, "escaped label value round-trips")
        XCTAssertEqual(samples("aksposture_category_score").count, 8, "SEC has no score in either report")
        XCTAssertEqual(samples("aksposture_findings").filter { $0.labels["cluster"] == "aks-prod" }.map(\.value).reduce(0, +), 12)
        XCTAssertEqual(samples("aksposture_snapshot_age_seconds").first { $0.labels["cluster"] == "aks-prod" }?.value, 900)
        XCTAssertEqual(samples("aksposture_snapshot_age_seconds").first { $0.labels["resource_group"] == "" }?.value, 4500)
        XCTAssertEqual(samples("aksposture_overall_grade_info").first { $0.labels["cluster"] == "aks-prod" }?.labels["grade"], "D")
    }
}
