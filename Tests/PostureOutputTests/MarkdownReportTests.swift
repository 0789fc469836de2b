import Foundation
import PostureModel
@testable import PostureOutput
import XCTest

final class MarkdownReportTests: XCTestCase {
    func testSummaryTables() {
        let md = MarkdownReport.render(Fixtures.report(), snapshot: Fixtures.snapshot())
        XCTAssertTrue(md.hasPrefix("## aksposture: aks\\-prod") || md.hasPrefix("## aksposture: aks-prod"), md)
        XCTAssertTrue(md.contains("— 60/100 (grade D)"), md)
        XCTAssertTrue(md.contains("**Score capped** at 60 (uncapped 71.3)"), md)
        XCTAssertTrue(md.contains("- limit 60: Local accounts enabled on a public API server (AUTH-02, NET-01)"), md)
        XCTAssertTrue(md.contains("Checks: 3 pass · 2 partial · 3 fail · 2 unknown · 1 waived · 1 not-applicable"), md)
        XCTAssertTrue(md.contains("| Category | Score | Grade | Coverage |\n|---|---:|:---:|---:|\n"), md)
        XCTAssertTrue(md.contains("| Auth (AUTH) | 62.5 | D | 100% |"), md)
        XCTAssertTrue(md.contains("| Secrets (SEC) | — | — | 0% |"), md)
        XCTAssertTrue(md.contains("### Failing checks (5)"), md)
        XCTAssertTrue(md.contains("| AUTH-01 Title of AUTH-01 | high | partial (50%) | Entra ID with Kubernetes RBAC (not Azure RBAC) |"), md)
        // Severity order: the high findings first, the medium one last.
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| AUTH-") || $0.hasPrefix("| IDENT-") || $0.hasPrefix("| NET-") }
        XCTAssertEqual(rows.map { String($0.split(separator: " ")[1]) }, ["AUTH-01", "AUTH-02", "AUTH-06", "NET-01", "IDENT-09"])
        XCTAssertTrue(md.contains("1. **AUTH-02 Local accounts disabled** (high, +12.5 points): Run `az aks update -g rg-prod -n aks-prod --disable-local-accounts`."), md)
        XCTAssertTrue(md.contains("### Exception notes\n\n- exception for NET-07 matched nothing"), md)
        XCTAssertFalse(md.contains("Δ"))
    }

    func testDeltaColumnWithPreviousReport() {
        let previous = Fixtures.report(capped: false, authScore: 50)
        let md = MarkdownReport.render(Fixtures.report(), snapshot: Fixtures.snapshot(), previous: previous)
        XCTAssertTrue(md.contains("(grade D) −11.3"), md)
        XCTAssertTrue(md.contains("| Category | Score | Grade | Coverage | Δ |"), md)
        XCTAssertTrue(md.contains("| Auth (AUTH) | 62.5 | D | 100% | +12.5 |"), md)
        XCTAssertTrue(md.contains("| Identity (IDENT) | 50 | E | 66.7% | ±0 |"), md)
        XCTAssertTrue(md.contains("| Secrets (SEC) | — | — | 0% | — |"), md)
    }

    func testClusterTextCannotBreakTablesOrTerminal() {
        let md = MarkdownReport.render(Fixtures.report(), snapshot: Fixtures.snapshot(name: Fixtures.hostile))
        XCTAssertFalse(md.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F || (0x80...0x9F).contains($0.value) || $0.value == 0x202E })
        let row = md.split(separator: "\n").first { $0.hasPrefix("| AUTH-06") }!
        // Four cells: five unescaped pipes.
        var unescaped = 0
        var previous: Character = " "
        for ch in row { if ch == "|" && previous != "\\" { unescaped += 1 }; previous = ch }
        XCTAssertEqual(unescaped, 5, String(row))
        XCTAssertTrue(row.contains("evil␛\\]52;c;Q0FOQVJZ␇\\|\\`x\\`\\<b\\>\\&amp;\"q\"�\\@alice"), String(row))
        // Top fix with a hostile name: the command is one code span whose fence outlasts the backticks inside.
        XCTAssertTrue(md.contains("``kubectl delete clusterrolebinding evil␛]52;c;Q0FOQVJZ␇|`x`<b>&amp;\"q\"�@alice``"), md)
    }

    func testRemediationCodeSpans() {
        XCTAssertEqual(MarkdownText.remediation("`az aks update --enable-azure-rbac` (KS C-0241)."),
                       "`az aks update --enable-azure-rbac` (KS C-0241).")
        XCTAssertEqual(MarkdownText.remediation("Run kubectl delete rolebinding x; then re-check."),
                       "Run `kubectl delete rolebinding x`; then re-check.")
        XCTAssertEqual(MarkdownText.remediation("Replace the wildcards with explicit verbs"), "Replace the wildcards with explicit verbs")
        XCTAssertEqual(MarkdownText.remediation("Set `automountServiceAccountToken: false` on the pod or SA"),
                       "Set `automountServiceAccountToken: false` on the pod or SA")
        // A backtick inside a word is literal text, escaped, not markup.
        XCTAssertEqual(MarkdownText.remediation("Rename a`b`c"), "Rename a\\`b\\`c")
        XCTAssertEqual(MarkdownText.code("a|b", inTable: true), "`a\\|b`")
        XCTAssertEqual(MarkdownText.code("`x`"), "`` `x` ``")
        XCTAssertEqual(MarkdownText.prose("*bold* [link](u) <img> a|b"), "\\*bold\\* \\[link\\](u) \\<img\\> a\\|b")
    }
}

final class EmptyReportTests: XCTestCase {
    private let empty = ScoreReport(overall: OverallScore(score: 100, uncapped: 100, caps: [], coverage: 1), categories: [],
                                    findings: [Fixtures.finding("AUTH-03", .auth, .critical, .pass)], topFixes: [], configFingerprint: "c")

    func testAllPassingReport() throws {
        let md = MarkdownReport.render(empty, snapshot: Fixtures.snapshot(resourceGroup: nil, id: nil))
        XCTAssertTrue(md.contains("### Failing checks (0)\n\nNo failing or partial checks."), md)
        XCTAssertFalse(md.contains("Top fixes"))
        XCTAssertFalse(md.contains("capped"))
        XCTAssertFalse(md.contains("resource group"))

        let xml = JUnitReport.render(empty, snapshot: Fixtures.snapshot())
        XCTAssertTrue(xml.contains("tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\""), xml)

        let sarif = try jsonObject(SARIFReport.render(empty, snapshot: Fixtures.snapshot(resourceGroup: nil, id: nil)))
        let run = try XCTUnwrap((sarif["runs"] as? [[String: Any]])?.first)
        XCTAssertEqual((run["results"] as? [Any])?.count, 0)
        XCTAssertEqual((run["automationDetails"] as? [String: Any])?["id"] as? String, "aksposture/-/aks-prod/")
        XCTAssertFalse(FailThreshold.low.isBreached(by: empty))
    }
}
