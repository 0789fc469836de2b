import Foundation
import PostureModel

/// Markdown escaping for text that came from a cluster (or may contain cluster names).
enum MarkdownText {
    /// Characters CommonMark lets us backslash-escape that could otherwise start emphasis, links,
    /// images, HTML, entity references (`&#x202E;` would decode to a bidi override), strikethrough,
    /// table cells or code. `@` is escaped so a cluster name cannot mention a user. Our prose never
    /// starts a line, so list and heading markers need no escaping.
    private static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "@", "&"]

    /// Inline prose: sanitized, every special character escaped, never a raw newline.
    static func prose(_ s: String) -> String {
        var out = ""
        for ch in OutputText.sanitize(s) {
            if special.contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// A code span holding `s` verbatim (sanitized). The fence is one backtick longer than the
    /// longest run inside. In a table, `|` is escaped as GFM requires even inside code spans.
    static func code(_ s: String, inTable: Bool = false) -> String {
        var content = OutputText.sanitize(s)
        if inTable { content = content.replacingOccurrences(of: "|", with: "\\|") }
        var longest = 0, run = 0
        for ch in content {
            if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = content.hasPrefix("`") || content.hasSuffix("`") || content.isEmpty ? " " : ""
        return fence + pad + content + pad + fence
    }

    /// Remediation text with its commands in code spans. A backtick pair that opens at a word start
    /// and closes before a word end (`` `az aks update …` (KS C-0241) ``) is kept as a code span;
    /// any other backtick is literal text (cluster names can hold backticks). In the remaining
    /// prose an `az`, `kubectl` or `helm` command is found and runs to the end of its sentence.
    static func remediation(_ text: String, inTable: Bool = false) -> String {
        var out = ""
        var pending = ""
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "`", isWordStart(text, i), let close = closingBacktick(text, after: i) {
                out += commandsInProse(pending, inTable: inTable)
                pending = ""
                out += code(String(text[text.index(after: i)..<close]), inTable: inTable)
                i = text.index(after: close)
                continue
            }
            pending.append(text[i])
            i = text.index(after: i)
        }
        return out + commandsInProse(pending, inTable: inTable)
    }

    private static func isWordStart(_ text: String, _ i: String.Index) -> Bool {
        guard i > text.startIndex else { return true }
        let before = text[text.index(before: i)]
        return before.isWhitespace || before == "("
    }

    private static func closingBacktick(_ text: String, after open: String.Index) -> String.Index? {
        let contentStart = text.index(after: open)
        guard let close = text[contentStart...].firstIndex(of: "`"), close > contentStart else { return nil }
        let next = text.index(after: close)
        if next == text.endIndex || text[next].isWhitespace || ".,;:)!?".contains(text[next]) { return close }
        return nil
    }

    private static func commandsInProse(_ text: String, inTable: Bool) -> String {
        guard let range = commandRange(in: text) else { return prose(text) }
        let after = String(text[range.upperBound...])
        return prose(String(text[..<range.lowerBound])) + code(String(text[range]), inTable: inTable)
            + (after.isEmpty ? "" : commandsInProse(after, inTable: inTable))
    }

    private static func commandRange(in text: String) -> Range<String.Index>? {
        let starters = ["az ", "kubectl ", "helm "]
        var start: String.Index?
        var i = text.startIndex
        while i < text.endIndex {
            let atWordStart = i == text.startIndex || text[text.index(before: i)].isWhitespace || text[text.index(before: i)] == "("
            if atWordStart, starters.contains(where: { text[i...].hasPrefix($0) }) { start = i; break }
            i = text.index(after: i)
        }
        guard let s = start else { return nil }
        let enders = ["; ", " (", ". ", ", then "]
        var end = text.endIndex
        for e in enders {
            if let r = text.range(of: e, range: s..<text.endIndex), r.lowerBound < end { end = r.lowerBound }
        }
        var cmdEnd = end
        // A sentence-final period is not part of the command.
        if cmdEnd == text.endIndex, text.hasSuffix("."), text.index(before: cmdEnd) > s { cmdEnd = text.index(before: cmdEnd) }
        return s..<cmdEnd
    }
}

/// A summary for pull-request comments: overall score, categories, failing checks and top fixes.
public enum MarkdownReport {
    /// - Parameter previous: the report of the previous snapshot, for the Δ column.
    /// - Parameter topFixLimit: how many top fixes to list.
    public static func render(_ report: ScoreReport, snapshot: Snapshot, previous: ScoreReport? = nil, topFixLimit: Int = 5) -> String {
        var lines: [String] = []
        let cluster = snapshot.cluster
        let o = report.overall
        var heading = "## aksposture: \(MarkdownText.prose(cluster.name)) — \(OutputText.number(o.score))/100 (grade \(o.grade.rawValue))"
        if let p = previous { heading += " \(delta(o.score - p.overall.score))" }
        lines.append(heading)
        lines.append("")
        var meta: [String] = []
        if let rg = cluster.resourceGroup { meta.append("resource group \(MarkdownText.code(rg))") }
        meta.append("collected \(OutputText.iso8601(snapshot.collection.collectedAt))")
        meta.append("coverage \(percent(o.coverage))")
        lines.append(meta.joined(separator: " · "))
        if !o.caps.isEmpty {
            lines.append("")
            lines.append("**Score capped** at \(OutputText.number(o.score)) (uncapped \(OutputText.number(o.uncapped))):")
            lines.append("")
            for cap in o.caps {
                let checks = cap.checkIDs.isEmpty ? "" : " (\(cap.checkIDs.map { MarkdownText.prose($0) }.joined(separator: ", ")))"
                lines.append("- limit \(OutputText.number(cap.limit)): \(MarkdownText.prose(cap.reason))\(checks)")
            }
        }

        lines.append("")
        let counts = Dictionary(grouping: report.findings, by: \.status).mapValues(\.count)
        let order: [CheckStatus] = [.pass, .partial, .fail, .unknown, .waived, .notApplicable]
        lines.append("Checks: " + order.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: " · "))

        lines.append("")
        if previous == nil {
            lines.append("| Category | Score | Grade | Coverage |")
            lines.append("|---|---:|:---:|---:|")
        } else {
            lines.append("| Category | Score | Grade | Coverage | Δ |")
            lines.append("|---|---:|:---:|---:|---:|")
        }
        for c in report.categories.sorted(by: { $0.category < $1.category }) {
            var row = "| \(c.category.shortTitle) (\(c.category.rawValue)) | \(c.score.map { OutputText.number($0) } ?? "—") | \(c.grade?.rawValue ?? "—") | \(percent(c.coverage)) |"
            if let p = previous {
                if let now = c.score, let before = p.category(c.category)?.score { row += " \(delta(now - before)) |" } else { row += " — |" }
            }
            lines.append(row)
        }

        let failing = report.findings.enumerated()
            .filter { $0.element.status == .fail || $0.element.status == .partial }
            .sorted { ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset) }
            .map(\.element)
        lines.append("")
        lines.append("### Failing checks (\(failing.count))")
        lines.append("")
        if failing.isEmpty {
            lines.append("No failing or partial checks.")
        } else {
            lines.append("| Check | Severity | Status | Summary |")
            lines.append("|---|---|---|---|")
            for f in failing {
                var status = f.status.rawValue
                if f.status == .partial, let c = f.credit { status += " (\(percent(c)))" }
                lines.append("| \(MarkdownText.prose(f.checkID)) \(MarkdownText.prose(f.title)) | \(f.severity.rawValue) | \(status) | \(MarkdownText.prose(f.summary)) |")
            }
        }

        let fixes = report.topFixes.prefix(topFixLimit)
        if !fixes.isEmpty {
            lines.append("")
            lines.append("### Top fixes")
            lines.append("")
            for (i, fix) in fixes.enumerated() {
                lines.append("\(i + 1). **\(MarkdownText.prose(fix.checkID)) \(MarkdownText.prose(fix.title))** (\(fix.severity.rawValue), +\(OutputText.number(fix.gain)) points): \(MarkdownText.remediation(fix.remediation))")
            }
        }

        if !report.exceptionNotes.isEmpty {
            lines.append("")
            lines.append("### Exception notes")
            lines.append("")
            for note in report.exceptionNotes { lines.append("- \(MarkdownText.prose(note))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func percent(_ ratio: Double) -> String { "\(OutputText.number(ratio * 100))%" }

    private static func delta(_ d: Double) -> String {
        let rounded = (d * 10).rounded() / 10
        if rounded == 0 { return "±0" }
        return rounded > 0 ? "+\(OutputText.number(rounded))" : "−\(OutputText.number(-rounded))"
    }
}
