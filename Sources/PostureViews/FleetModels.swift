import Foundation
import PostureModel

enum HistoryModel {
    static func columns(ascii: Bool) -> [ListColumn] {
        [ListColumn("COLLECTED", min: 17, max: 17),
         ListColumn("SCORE", min: 5, max: 5, right: true),
         ListColumn("GRADE", min: 5, max: 5),
         ListColumn(ascii ? "DELTA" : "Δ", min: 6, max: 6, right: true),
         ] + Category.allCases.map { ListColumn($0.rawValue, min: 5, max: 5, right: true, drop: 2) } + [
         ListColumn("STORED", min: 8, max: 9, right: true, drop: 1),
         ListColumn("OBJECTS", min: 7, max: 8, right: true, drop: 3),
         ListColumn("", min: 0, max: 20, flex: true)]
    }

    /// Newest first.
    static func body(_ history: [SnapshotSummary], liveID: Int64?, glyphs: GlyphSet) -> Body {
        var rows: [BodyRow] = []
        for (i, s) in history.enumerated().reversed() {
            let prev = i > 0 ? history[i - 1].overallScore : nil
            var cells = [Span(Fmt.time(s.collectedAt)), Span(Fmt.scoreASCII(s.overallScore, ascii: glyphs.ascii), .normal, bold: true),
                         Span(s.grade?.rawValue ?? "-", gradeRole(s.grade), bold: true), Fmt.delta(s.overallScore, prev, glyphs: glyphs)]
            cells += Category.allCases.map { Span(Fmt.scoreASCII(s.categoryScores[$0], ascii: glyphs.ascii), .muted) }
            cells += [Span(Fmt.bytes(s.storedBytes), .muted), Span("\(s.objectCount)", .muted), Span(s.id == liveID ? "latest" : "", .info)]
            rows.append(BodyRow(id: "S\(s.id)", cells: cells, target: .snapshot(s.id)))
        }
        return Body(columns: columns(ascii: glyphs.ascii), rows: rows)
    }
}

func gradeRole(_ g: Grade?) -> Role {
    switch g {
    case .A, .B: .pass
    case .C, .D: .partial
    case .E, .F: .fail
    case nil: .unknown
    }
}

enum ClustersModel {
    static let columns = [
        ListColumn("", min: 1, max: 1),
        ListColumn("CLUSTER", min: 12, max: 40),
        ListColumn("RESOURCE GROUP", min: 10, max: 40, drop: 2),
        ListColumn("REGION", min: 6, max: 16, drop: 3),
        ListColumn("SCORE", min: 5, max: 5, right: true),
        ListColumn("GRADE", min: 5, max: 5),
        ListColumn("TREND", min: 5, max: 24),
        ListColumn("SNAPS", min: 5, max: 5, right: true, drop: 1),
        ListColumn("AGE", min: 4, max: 5, right: true),
    ]

    static func body(_ clusters: [ClusterSummary], trends: [Int64: [Double?]], current: Int64?, now: Date, staleAfter: TimeInterval, glyphs: GlyphSet) -> Body {
        let dash = glyphs.ascii ? "-" : "–"
        let rows = clusters.map { c -> BodyRow in
            let age = c.latest.map { now.timeIntervalSince($0.collectedAt) }
            let stale = (age ?? .infinity) > staleAfter
            return BodyRow(id: "C\(c.id)", cells: [
                Span(c.id == current ? "*" : "", .accent, bold: true),
                Span(clean(c.name), .normal, bold: c.id == current),
                Span(clean(c.resourceGroup) ?? dash, .muted),
                Span(clean(c.location) ?? dash, .muted),
                Span(Fmt.scoreASCII(c.latest?.overallScore, ascii: glyphs.ascii), .normal, bold: true),
                Span(c.latest?.grade?.rawValue ?? dash, gradeRole(c.latest?.grade), bold: true),
                Span(glyphs.sparkline(trends[c.id] ?? []), .accent),
                Span("\(c.snapshotCount)", .muted),
                Span(age.map(Fmt.age) ?? dash, stale ? .stale : .normal),
            ], target: .cluster(c.id))
        }
        return Body(columns: columns, rows: rows)
    }
}
