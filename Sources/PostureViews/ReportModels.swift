import Foundation
import PostureModel

/// The overview's content for one snapshot, built once when the report (or snapshot) loads.
/// Age and staleness depend on the clock and are computed when drawing.
struct OverviewModel {
    struct CategoryRow {
        var category: Category
        var score: CategoryScore?
        var previous: Double?
    }
    var clusterName: String
    var facts: [String]          // resource group, region, version, SKU
    var collectedAt: Date?
    var report: ScoreReport?
    var previousOverall: Double?
    var categories: [CategoryRow]
    var trend: [Double?]
    var openBySeverity: [(Severity, Int)]
    var byStatus: [(CheckStatus, Int)]
    var topFixes: [TopFix]
    var caps: [String]
    var sourceProblems: [String]
    var exceptionNotes: [String]
    /// Failing and partial checks, worst severity first.
    var failing: [Finding]

    init(summary: ClusterSummary?, snapshotSummary: SnapshotSummary?, snapshot: Snapshot?, report: ScoreReport?,
         previous: ScoreReport?, history: [SnapshotSummary], upTo snapshotID: Int64?) {
        let cluster = snapshot?.cluster
        clusterName = clean(cluster?.name ?? summary?.name ?? "(no cluster)")
        var f: [String] = []
        if let rg = cluster?.resourceGroup ?? summary?.resourceGroup { f.append("rg " + clean(rg)) }
        if let loc = cluster?.location ?? summary?.location { f.append(clean(loc)) }
        if let v = cluster?.currentKubernetesVersion ?? cluster?.kubernetesVersion { f.append("k8s " + clean(v)) }
        if let c = cluster {
            let sku = [c.skuName, c.skuTier].compactMap { $0 }.map(clean).joined(separator: "/")
            if !sku.isEmpty { f.append(sku) }
        }
        facts = f
        collectedAt = snapshot?.collection.collectedAt ?? snapshotSummary?.collectedAt
        self.report = report
        previousOverall = previous?.overall.score
        categories = Category.allCases.map { c in
            CategoryRow(category: c, score: report?.category(c), previous: previous?.category(c)?.score)
        }
        let shown = history.filter { s in snapshotID.map { s.id <= $0 } ?? true }
        trend = shown.suffix(60).map(\.overallScore)
        let findings = report?.findings ?? []
        openBySeverity = Severity.allCases.map { sev in
            (sev, findings.filter { $0.severity == sev && ($0.status == .fail || $0.status == .partial) }.count)
        }
        byStatus = CheckStatus.allCases.map { st in (st, findings.filter { $0.status == st }.count) }
        topFixes = (report?.topFixes ?? []).map { fix in
            var f = fix
            f.title = clean(f.title); f.remediation = clean(f.remediation); f.checkID = clean(f.checkID)
            return f
        }
        let uncapped = report?.overall.uncapped ?? 0
        caps = (report?.overall.caps ?? []).map { cap in
            (uncapped > cap.limit ? "capped at \(Fmt.num(cap.limit, 0)): " : "cap \(Fmt.num(cap.limit, 0)) (not binding): ") + clean(cap.reason)
                + (cap.checkIDs.isEmpty ? "" : " (\(cap.checkIDs.map(clean).joined(separator: ", ")))")
        }
        if let sources = snapshot?.collection.sources {
            var problems: [String] = []
            for kind in SourceKind.allCases {
                let status = sources.first { $0.source == kind }
                switch status?.state ?? .missing {
                case .collected: continue
                case .missing: problems.append("\(kind.rawValue) not collected")
                case .failed: problems.append("\(kind.rawValue) failed" + (status?.detail.map { ": " + clean($0) } ?? ""))
                }
            }
            sourceProblems = problems
        } else {
            sourceProblems = []
        }
        exceptionNotes = (report?.exceptionNotes ?? []).map(clean)
        failing = findings.filter { $0.status == .fail || $0.status == .partial }
            .sorted { ($0.severity, $0.status == .fail ? 0 : 1, $0.checkID) < ($1.severity, $1.status == .fail ? 0 : 1, $1.checkID) }
            .map { f in var f = f; f.checkID = clean(f.checkID); f.title = clean(f.title); return f }
    }
}

enum CategoryModel {
    static let columns = [
        ListColumn("STATUS", min: 6, max: 9),
        ListColumn("ID", min: 6, max: 10),
        ListColumn("CHECK", min: 12, max: 200, flex: true),
        ListColumn("SEV", min: 3, max: 8, drop: 2),
        ListColumn("CREDIT", min: 6, max: 6, right: true, drop: 3),
        ListColumn("W", min: 4, max: 5, right: true),
        ListColumn("W·C", min: 5, max: 6, right: true),
    ]

    static func body(report: ScoreReport, category: Category, glyphs: GlyphSet) -> Body {
        let rows = report.findings.filter { $0.category == category }.map { f -> BodyRow in
            let credit = f.credit.map { Fmt.num($0, 2) } ?? (glyphs.ascii ? "-" : "–")
            let contribution = f.credit.map { Fmt.num($0 * f.weight, 1) } ?? (glyphs.ascii ? "-" : "–")
            return BodyRow(id: f.checkID, cells: [
                Span("\(glyphs.glyph(f.status)) \(f.status.word)", f.status.role, bold: f.status == .fail),
                Span(clean(f.checkID), .accent),
                Span(clean(f.title)),
                Span(f.severity.rawValue, f.severity.role),
                Span(credit),
                Span(Fmt.num(f.weight, 0)),
                Span(contribution, f.status.isScored ? .normal : .muted),
            ], target: .check(f.checkID))
        }
        return Body(columns: columns.map { c in
            var c = c
            if glyphs.ascii && c.title == "W·C" { c.title = "W*C" }
            return c
        }, rows: rows)
    }

    /// "why this number": the category formula with its own numbers.
    static func formula(_ score: CategoryScore?, findings: [Finding], ascii: Bool) -> [Line] {
        guard let s = score else { return [Line("No score for this category in the report.", .muted)] }
        let scored = findings.filter { $0.status.isScored }.count
        let sigma = ascii ? "sum" : "Σ"
        let dot = ascii ? "*" : "·"
        var lines: [Line] = []
        if s.possible > 0, let v = s.score {
            lines.append(Line([Span("why this number: ", .muted),
                               Span("\(sigma) w\(dot)c / \(sigma) w = \(Fmt.num(s.earned, 1)) / \(Fmt.num(s.possible, 1)) = \(Fmt.num(v, 1))", .accent, bold: true)]))
        } else {
            lines.append(Line([Span("why this number: ", .muted), Span("no check could be scored, so there is no score", .accent)]))
        }
        lines.append(Line([Span("coverage ", .muted), Span("\(Fmt.percent(s.coverage))", .normal, bold: true),
                           Span(" (\(scored) of \(findings.count) checks scored; unknown, n/a and waived checks are not counted)", .muted)]))
        return lines
    }

    static func checkDetail(_ f: Finding, glyphs: GlyphSet) -> [Line] {
        var l: [Line] = []
        l.append(Line([Span(clean(f.checkID) + "  ", .accent, bold: true), Span(clean(f.title), .title, bold: true)]))
        l.append(Line([Span("status   ", .muted), Span("\(glyphs.glyph(f.status)) \(f.status.word)", f.status.role, bold: true),
                       Span("   severity ", .muted), Span(f.severity.rawValue, f.severity.role),
                       Span("   category ", .muted), Span(f.category.rawValue),
                       Span("   credit ", .muted), Span(f.credit.map { Fmt.num($0, 2) } ?? "n/a"),
                       Span("   weight ", .muted), Span(Fmt.num(f.weight, 0))]))
        l.append(Line([Span("summary  ", .muted), Span(clean(f.summary))]))
        if let w = f.waiver {
            l.append(Line([Span("waiver   ", .muted), Span("\(clean(w.reason)) (owner \(clean(w.owner)), expires \(clean(w.expires)))", .waived)]))
        }
        l.append(.empty)
        l.append(Line("Evidence", .title, bold: true))
        if f.evidence.isEmpty { l.append(Line("  (none recorded)", .muted)) }
        for e in f.evidence { l.append(Line([Span("  " + clean(e.path), .accent), Span(" = "), Span(clean(e.value))])) }
        l.append(.empty)
        let more = f.affectedTotal > f.affected.count ? " (showing \(f.affected.count) of \(f.affectedTotal))" : ""
        l.append(Line([Span("Affected objects", .title, bold: true), Span(" \(f.affectedTotal)\(more)", .muted)]))
        if f.affected.isEmpty { l.append(Line("  (none)", .muted)) }
        for a in f.affected {
            let name = (a.namespace.map { clean($0) + "/" } ?? "") + clean(a.name)
            var spans = [Span("  " + clean(a.kind) + " ", .muted), Span(name)]
            if let d = a.detail { spans.append(Span("  " + clean(d), .muted)) }
            l.append(Line(spans))
        }
        l.append(.empty)
        l.append(Line("Why it matters", .title, bold: true))
        for part in f.rationale.split(separator: "\n") { l.append(Line("  " + clean(String(part)))) }
        l.append(.empty)
        l.append(Line("Remediation", .title, bold: true))
        for part in f.remediation.split(separator: "\n") { l.append(Line("  " + clean(String(part)), .accent)) }
        if !f.references.isEmpty {
            l.append(.empty)
            l.append(Line("References", .title, bold: true))
            for r in f.references { l.append(Line("  " + clean(r))) }
        }
        return l
    }
}

/// What changed between two snapshots' reports. Computed here from the findings, so the
/// views do not depend on the scoring module.
struct DeltaModel {
    struct StatusChange { var checkID: String; var title: String; var from: CheckStatus?; var to: CheckStatus; var severity: Severity }
    var fromTime: Date?
    var toTime: Date
    var overall: (Double?, Double?)
    var categories: [(Category, Double?, Double?)]
    var newlyFailing: [StatusChange]
    var fixed: [StatusChange]
    var otherChanges: [StatusChange]

    init(from old: ScoreReport?, fromTime: Date?, to new: ScoreReport, toTime: Date) {
        self.fromTime = fromTime; self.toTime = toTime
        overall = (old?.overall.score, new.overall.score)
        categories = Category.allCases.map { ($0, old?.category($0)?.score, new.category($0)?.score) }
        var failing: [StatusChange] = [], fixed: [StatusChange] = [], other: [StatusChange] = []
        let before = Dictionary((old?.findings ?? []).map { ($0.checkID, $0) }, uniquingKeysWith: { a, _ in a })
        for f in new.findings {
            let prev = before[f.checkID]?.status
            guard prev != f.status, old != nil else { continue }
            let change = StatusChange(checkID: clean(f.checkID), title: clean(f.title), from: prev, to: f.status, severity: f.severity)
            let bad: Set<CheckStatus> = [.fail, .partial]
            if bad.contains(f.status) && (prev == nil || !bad.contains(prev!) || (prev == .partial && f.status == .fail)) {
                failing.append(change)
            } else if f.status == .pass && (prev == .fail || prev == .partial) {
                fixed.append(change)
            } else {
                other.append(change)
            }
        }
        let order: (StatusChange, StatusChange) -> Bool = { ($0.severity, $0.checkID) < ($1.severity, $1.checkID) }
        newlyFailing = failing.sorted(by: order); self.fixed = fixed.sorted(by: order); otherChanges = other.sorted(by: order)
    }

    func lines(glyphs: GlyphSet) -> [Line] {
        var l: [Line] = []
        let from = fromTime.map(Fmt.time) ?? "(no previous snapshot)"
        l.append(Line([Span("Delta ", .title, bold: true), Span(from, .muted), Span(" → ".replacingOccurrences(of: "→", with: glyphs.ascii ? "->" : "→")), Span(Fmt.time(toTime), .normal, bold: true)]))
        l.append(Line([Span("overall   ", .muted), Span(Fmt.score(overall.0).padded(6)), Span(glyphs.ascii ? "-> " : "→ "),
                       Span(Fmt.score(overall.1).padded(6), .normal, bold: true), Fmt.delta(overall.1, overall.0, glyphs: glyphs)]))
        for (c, a, b) in categories {
            l.append(Line([Span(c.rawValue.padded(10), .accent), Span(Fmt.score(a).padded(6)), Span(glyphs.ascii ? "-> " : "→ "),
                           Span(Fmt.score(b).padded(6), .normal, bold: true), Fmt.delta(b, a, glyphs: glyphs)]))
        }
        func section(_ title: String, _ items: [StatusChange], _ role: Role) {
            l.append(.empty)
            l.append(Line([Span(title, .title, bold: true), Span(" \(items.count)", .muted)]))
            if items.isEmpty { l.append(Line("  (none)", .muted)) }
            for c in items {
                let fromWord = c.from.map { "\(glyphs.glyph($0)) \($0.word)" } ?? "new"
                l.append(Line([Span("  " + c.checkID.padded(9), .accent), Span(c.severity.rawValue.padded(9), c.severity.role),
                               Span(fromWord.padded(11), .muted), Span(glyphs.ascii ? "-> " : "→ "),
                               Span("\(glyphs.glyph(c.to)) \(c.to.word)".padded(11), role), Span(c.title)]))
            }
        }
        if fromTime == nil {
            l.append(.empty); l.append(Line("This is the oldest stored snapshot: there is nothing to compare against.", .muted))
            return l
        }
        section("Newly failing", newlyFailing, .fail)
        section("Fixed", fixed, .pass)
        section("Other status changes", otherChanges, .unknown)
        return l
    }
}

extension String {
    /// Pads (or truncates) to a display width.
    func padded(_ n: Int) -> String { TerminalText.pad(self, to: n) }
}
