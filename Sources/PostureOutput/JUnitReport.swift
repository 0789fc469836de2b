import Foundation
import PostureModel

/// JUnit XML for CI test-result viewers: one test suite per category, one test case per check.
/// Failing and partial checks are failures, unknown, not-applicable and waived checks are skipped.
public enum JUnitReport {
    public static func render(_ report: ScoreReport, snapshot: Snapshot) -> String {
        let cluster = snapshot.cluster
        // JUnit's timestamp is an xs:dateTime without zone in the common schema; it is UTC here.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let timestamp = formatter.string(from: snapshot.collection.collectedAt)

        var suites: [String] = []
        var totals = Counts()
        for category in Category.allCases {
            let findings = report.findings.filter { $0.category == category }
            guard !findings.isEmpty else { continue }
            var counts = Counts()
            var cases: [String] = []
            for f in findings {
                counts.add(f.status)
                cases.append(testCase(f))
            }
            totals.tests += counts.tests; totals.failures += counts.failures; totals.skipped += counts.skipped
            var properties: [String] = []
            if let score = report.category(category) {
                if let s = score.score { properties.append(property("score", OutputText.number(s))) }
                if let g = score.grade { properties.append(property("grade", g.rawValue)) }
                properties.append(property("coverage", OutputText.number(score.coverage, decimals: 3)))
            }
            var suite = "  <testsuite name=\"\(attr("aksposture.\(category.rawValue)"))\" tests=\"\(counts.tests)\" failures=\"\(counts.failures)\" errors=\"0\" skipped=\"\(counts.skipped)\" time=\"0\" timestamp=\"\(timestamp)\" hostname=\"\(attr(cluster.name))\">\n"
            if !properties.isEmpty {
                suite += "    <properties>\n" + properties.map { "      \($0)\n" }.joined() + "    </properties>\n"
            }
            suite += cases.joined()
            suite += "  </testsuite>\n"
            suites.append(suite)
        }
        let name = "aksposture \(cluster.resourceGroup ?? "-")/\(cluster.name)"
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(attr(name))\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" errors=\"0\" skipped=\"\(totals.skipped)\" time=\"0\">\n"
        xml += suites.joined()
        xml += "</testsuites>\n"
        return xml
    }

    struct Counts {
        var tests = 0, failures = 0, skipped = 0
        mutating func add(_ s: CheckStatus) {
            tests += 1
            switch s {
            case .fail, .partial: failures += 1
            case .unknown, .notApplicable, .waived: skipped += 1
            case .pass: break
            }
        }
    }

    private static func attr(_ s: String) -> String { XMLText.escape(OutputText.sanitize(s), attribute: true) }
    private static func text(_ s: String) -> String { XMLText.escape(s) }

    private static func property(_ name: String, _ value: String) -> String {
        "<property name=\"\(attr(name))\" value=\"\(attr(value))\"/>"
    }

    private static func testCase(_ f: Finding) -> String {
        let open = "    <testcase classname=\"\(attr("aksposture.\(f.category.rawValue)"))\" name=\"\(attr("\(f.checkID) \(f.title)"))\" time=\"0\""
        switch f.status {
        case .pass:
            return open + "/>\n"
        case .fail, .partial:
            var message = OutputText.sanitize(f.summary)
            if f.status == .partial {
                let credit = f.credit.map { "\(OutputText.number($0 * 100))% credit" } ?? "partial credit"
                message = "partial (\(credit)): " + message
            }
            return open + ">\n      <failure message=\"\(attr(message))\" type=\"\(f.severity.rawValue)\">\(text(failureBody(f)))</failure>\n    </testcase>\n"
        case .unknown:
            return open + ">\n      <skipped message=\"\(attr("not collected: \(f.summary)"))\"/>\n    </testcase>\n"
        case .notApplicable:
            return open + ">\n      <skipped message=\"not applicable\"/>\n    </testcase>\n"
        case .waived:
            var message = "waived"
            if let w = f.waiver { message += ": \(w.reason) (\(w.owner), expires \(w.expires))" }
            return open + ">\n      <skipped message=\"\(attr(message))\"/>\n    </testcase>\n"
        }
    }

    /// Plain text: each cluster-provided field sanitized on its own, joined with our newlines.
    private static func failureBody(_ f: Finding) -> String {
        var lines: [String] = ["\(f.checkID) \(OutputText.sanitize(f.title)) [\(f.severity.rawValue)]", OutputText.sanitize(f.summary)]
        if !f.evidence.isEmpty {
            lines.append("Evidence:")
            lines += f.evidence.map { "  \(OutputText.sanitize($0.path)) = \(OutputText.sanitize($0.value))" }
        }
        if !f.affected.isEmpty {
            lines.append("Affected (\(f.affectedTotal)):")
            lines += f.affected.map { o in
                "  " + OutputText.sanitize(AffectedIdentity.path(o)) + (o.detail.map { " — " + OutputText.sanitize($0) } ?? "")
            }
            if f.affectedTotal > f.affected.count { lines.append("  … and \(f.affectedTotal - f.affected.count) more") }
        }
        lines.append("Remediation: \(OutputText.sanitize(f.remediation))")
        if !f.references.isEmpty { lines.append("References: " + f.references.map(OutputText.sanitize).joined(separator: "; ")) }
        return lines.joined(separator: "\n")
    }
}
