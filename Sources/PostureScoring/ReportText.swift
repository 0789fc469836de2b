import Foundation
import PostureModel

/// Cluster-sourced text in reports goes through the one sanitizer.
enum ExportText {
    static func clean(_ s: String) -> String { TerminalText.sanitize(s) }
}

/// The compact plain-text report of `aksposture score --format text`: overall score, category
/// table, failing and partial checks (worst first) with evidence and remediation, top fixes,
/// then what could not be evaluated. Every cluster-sourced string is sanitized.
public enum ScoreReportText {
    public static func render(report: ScoreReport, snapshot: Snapshot, maxEvidence: Int = 4, maxAffected: Int = 5, maxFixes: Int = 5) -> String {
        let t = ExportText.clean
        var lines: [String] = []
        let c = snapshot.cluster
        var where_ = [c.resourceGroup, c.location].compactMap { $0 }.joined(separator: ", ")
        if !where_.isEmpty { where_ = " (\(where_))" }
        lines.append(t("Cluster \(c.name)\(where_) · Kubernetes \(c.currentKubernetesVersion ?? c.kubernetesVersion ?? "?") · collected \(ScoreReportJSON.iso(snapshot.collection.collectedAt))"))
        let o = report.overall
        var head = "Overall \(fmt(o.score)) \(o.grade.rawValue)   coverage \(pct(o.coverage))"
        if o.score < o.uncapped { head += "   (uncapped \(fmt(o.uncapped)))" }
        lines.append(head)
        for cap in o.caps { lines.append("  capped at \(fmt(cap.limit)): \(cap.reason) [\(cap.checkIDs.joined(separator: ", "))]") }
        lines.append("")
        lines.append("Categories")
        for cs in report.categories {
            let score = cs.score.map { pad(fmt($0), 5, left: true) + " " + (cs.grade?.rawValue ?? " ") } ?? "    – –"
            let counts = [CheckStatus.pass, .partial, .fail, .notApplicable, .unknown, .waived]
                .compactMap { s in cs.counts[s].flatMap { $0 > 0 ? "\($0) \(label(s))" : nil } }.joined(separator: " · ")
            lines.append("  \(pad(cs.category.rawValue, 5)) \(pad(cs.category.title, 31)) \(score)  coverage \(pad(pct(cs.coverage), 4, left: true))  \(counts)")
        }

        let failing = report.findings.filter { $0.status == .fail || $0.status == .partial }
            .sorted { a, b in
                if a.severity != b.severity { return a.severity < b.severity }
                if (a.credit ?? 0) != (b.credit ?? 0) { return (a.credit ?? 0) < (b.credit ?? 0) }
                return a.checkID < b.checkID
            }
        lines.append("")
        lines.append(failing.isEmpty ? "No failing checks" : "Failing checks (\(failing.count))")
        for f in failing {
            let tag = f.status == .fail ? "FAIL" : "PART \(String(format: "%.2f", f.credit ?? 0))"
            lines.append("  [\(tag)] \(f.checkID) \(f.severity.rawValue) · \(f.title)")
            lines.append("      " + t(f.summary))
            for e in f.evidence.prefix(maxEvidence) { lines.append("      \(t(e.path)) = \(t(e.value))") }
            if f.evidence.count > maxEvidence { lines.append("      … \(f.evidence.count - maxEvidence) more evidence line(s)") }
            if f.affectedTotal > 0 {
                lines.append("      affected (\(f.affectedTotal)):")
                for a in f.affected.prefix(maxAffected) {
                    let name = a.namespace.map { "\($0)/\(a.name)" } ?? a.name
                    lines.append("        \(t(a.kind)) \(t(name))" + (a.detail.map { " — " + t($0) } ?? ""))
                }
                if f.affectedTotal > min(maxAffected, f.affected.count) { lines.append("        … and \(f.affectedTotal - min(maxAffected, f.affected.count)) more") }
            }
            lines.append("      fix: " + f.remediation)
        }

        let fixes = report.topFixes.filter { $0.gain > 0 }.prefix(maxFixes)
        if !fixes.isEmpty {
            lines.append("")
            lines.append("Top fixes")
            for (i, fx) in fixes.enumerated() {
                lines.append("  \(i + 1). +\(fmt(fx.gain))  \(fx.checkID) \(fx.title)")
                lines.append("       \(fx.remediation)")
            }
        }

        let unknown = report.findings.filter { $0.status == .unknown }
        if !unknown.isEmpty {
            lines.append("")
            lines.append("Not evaluated (\(unknown.count))")
            var bySummary: [String: [String]] = [:]
            var order: [String] = []
            for f in unknown {
                if bySummary[f.summary] == nil { order.append(f.summary) }
                bySummary[f.summary, default: []].append(f.checkID)
            }
            for s in order { lines.append("  \(bySummary[s]!.joined(separator: ", ")): \(t(s))") }
        }
        let waived = report.findings.filter { $0.status == .waived }
        if !waived.isEmpty {
            lines.append("")
            lines.append("Waived (\(waived.count))")
            for f in waived {
                let w = f.waiver
                lines.append("  \(f.checkID) \(f.title): \(t(w?.reason ?? "")) (\(t(w?.owner ?? "")), until \(t(w?.expires ?? "")))")
            }
        }
        if !report.exceptionNotes.isEmpty {
            lines.append("")
            lines.append("Exceptions")
            for n in report.exceptionNotes { lines.append("  " + t(n)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func fmt(_ d: Double) -> String { JSONValue.format(d, 1) }
    static func pct(_ d: Double) -> String { "\(Int((d * 100).rounded()))%" }
    static func label(_ s: CheckStatus) -> String {
        switch s {
        case .pass: "pass"
        case .partial: "partial"
        case .fail: "fail"
        case .notApplicable: "n/a"
        case .unknown: "unknown"
        case .waived: "waived"
        }
    }
    static func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
        s.count >= n ? s : (left ? String(repeating: " ", count: n - s.count) + s : s + String(repeating: " ", count: n - s.count))
    }
}
