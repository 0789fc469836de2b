import Foundation
import PostureModel

/// Prometheus text exposition format 0.0.4, for the node_exporter textfile collector.
///
/// Every per-cluster series carries `cluster` and `resource_group`: cluster names are unique only
/// within a resource group, and two series differing in nothing else would be rejected.
public enum PrometheusReport {
    /// One cluster's newest report.
    public struct Entry: Sendable, Hashable {
        public var cluster: String
        public var resourceGroup: String?
        public var report: ScoreReport
        /// When the snapshot behind the report was collected.
        public var collectedAt: Date
        public init(cluster: String, resourceGroup: String?, report: ScoreReport, collectedAt: Date) {
            self.cluster = cluster; self.resourceGroup = resourceGroup; self.report = report; self.collectedAt = collectedAt
        }
        public init(summary: ClusterSummary, report: ScoreReport, collectedAt: Date) {
            self.init(cluster: summary.name, resourceGroup: summary.resourceGroup, report: report, collectedAt: collectedAt)
        }
        public init(snapshot: Snapshot, report: ScoreReport) {
            self.init(cluster: snapshot.cluster.name, resourceGroup: snapshot.cluster.resourceGroup,
                      report: report, collectedAt: snapshot.collection.collectedAt)
        }
    }

    private struct Family {
        var name: String
        var help: String
        var samples: [(labels: [(String, String)], value: String)] = []
    }

    public static func render(reports: [Entry], now: Date) -> String {
        let entries = reports.sorted {
            ($0.cluster, $0.resourceGroup ?? "") < ($1.cluster, $1.resourceGroup ?? "")
        }
        var overall = Family(name: "aksposture_overall_score", help: "Overall posture score (0-100) after caps.")
        var grade = Family(name: "aksposture_overall_grade_info", help: "Overall letter grade of the cluster; the value is always 1.")
        var category = Family(name: "aksposture_category_score", help: "Category score (0-100); absent when no check of the category could be scored.")
        var coverage = Family(name: "aksposture_category_coverage_ratio", help: "Scored checks divided by all checks of the category (0-1).")
        var findings = Family(name: "aksposture_findings", help: "Number of checks per status.")
        var failed = Family(name: "aksposture_failed_checks", help: "Checks failing or partially passing, per severity.")
        var timestamp = Family(name: "aksposture_snapshot_timestamp_seconds", help: "Unix time the scored snapshot was collected.")
        var age = Family(name: "aksposture_snapshot_age_seconds", help: "Seconds between the snapshot's collection and the time this file was written.")
        var capped = Family(name: "aksposture_score_capped", help: "1 when a gate capped the overall score, else 0.")

        for e in entries {
            let base = [("cluster", e.cluster), ("resource_group", e.resourceGroup ?? "")]
            let r = e.report
            if r.overall.score.isFinite { overall.samples.append((base, value(r.overall.score))) }
            grade.samples.append((base + [("grade", r.overall.grade.rawValue)], "1"))
            for c in r.categories.sorted(by: { $0.category < $1.category }) {
                let labels = base + [("category", c.category.rawValue)]
                if let s = c.score, s.isFinite { category.samples.append((labels, value(s))) }
                if c.coverage.isFinite { coverage.samples.append((labels, value(c.coverage))) }
            }
            for status in CheckStatus.allCases {
                let n = r.findings.filter { $0.status == status }.count
                findings.samples.append((base + [("status", status.rawValue)], String(n)))
            }
            for severity in Severity.allCases {
                let n = r.findings.filter { ($0.status == .fail || $0.status == .partial) && $0.severity == severity }.count
                failed.samples.append((base + [("severity", severity.rawValue)], String(n)))
            }
            let collected = e.collectedAt.timeIntervalSince1970
            timestamp.samples.append((base, value(collected)))
            age.samples.append((base, value(max(0, now.timeIntervalSince(e.collectedAt)))))
            let isCapped = !r.overall.caps.isEmpty && r.overall.score < r.overall.uncapped
            capped.samples.append((base, isCapped ? "1" : "0"))
        }

        var out = ""
        for family in [overall, grade, category, coverage, findings, failed, timestamp, age, capped] where !family.samples.isEmpty {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) gauge\n"
            for s in family.samples {
                let labels = s.labels.map { "\($0.0)=\"\(escapeLabelValue(OutputText.sanitize($0.1)))\"" }.joined(separator: ",")
                out += "\(family.name){\(labels)} \(s.value)\n"
            }
        }
        return out
    }

    /// Label values escape backslash, double quote and line feed (`\\`, `\"`, `\n`).
    public static func escapeLabelValue(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// HELP text escapes backslash and line feed.
    static func escapeHelp(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Plain decimal, no exponent for the magnitudes used here; integers without a fraction.
    static func value(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return String(format: "%.6f", v).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
