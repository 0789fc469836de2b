import Foundation
import PostureModel

/// What every pane renderer may consult besides its own model.
struct RenderContext {
    var glyphs: GlyphSet
    var now: Date
    var options: ConsoleOptions
    /// The refresh epoch whose change marks are still shown.
    var epoch: Int
    /// Full-list export: no selection bar, every row.
    var export: Bool
}

enum ListPane {
    /// Lines the header block and title line need above the table's rows.
    static func chromeHeight(header: [Line], body: Body) -> Int { header.count + 1 + (body.isDocument ? 0 : 1) }

    /// Draws header lines, a title line with position and filter, the column header and
    /// the visible rows. Only the rows on screen are touched, so a 100,000-row body costs
    /// the same per frame as a 20-row one.
    static func render(into s: inout Screen, area: Rect, header: [Line], title: String, body: Body, state: ListState, ctx: RenderContext) -> Int {
        var y = area.y
        // Keep at least three rows for the list; the header block gives way first.
        let headerRoom = max(0, min(header.count, area.height - (body.isDocument ? 1 : 2) - 3))
        for line in header.prefix(headerRoom) { s.draw(line, x: area.x, y: y, width: area.width); y += 1 }
        guard y < area.maxY else { return 0 }

        let n = state.visibleCount(body)
        let rowsTop = y + 1 + (body.isDocument ? 0 : 1)
        let page = max(0, area.maxY - rowsTop)
        // title line
        var right: String
        if body.isDocument {
            let last = min(n, state.top + page)
            right = n == 0 ? "empty" : "\(state.top + 1)-\(last)/\(n)"
        } else {
            right = n == 0 ? "0" : "\(state.cursor + 1)/\(n)"
        }
        if n != body.count { right += " of \(body.count)" }
        if ctx.export { right = body.isDocument ? "\(n) lines" : "\(n) rows" }
        var titleSpans = [Span(title, .title, bold: true)]
        if !state.filter.isEmpty { titleSpans.append(Span("  /" + state.filter, .accent)) }
        s.draw(Line(titleSpans), x: area.x, y: y, width: max(0, area.width - TerminalText.displayWidth(right) - 1))
        s.put(right, x: area.x + area.width - TerminalText.displayWidth(right), y: y, role: .muted, maxWidth: area.width)
        y += 1

        let (widths, gap) = body.layout(width: area.width)
        if !body.isDocument, y < area.maxY {
            s.fill(x: area.x, y: y, width: area.width, height: 1, role: .header)
            var x = area.x
            for (i, col) in body.columns.enumerated() {
                guard let w = widths[i], w > 0 else { continue }
                let t = TerminalText.truncate(col.title, to: w, ascii: ctx.glyphs.ascii)
                let tx = col.alignRight ? x + w - TerminalText.displayWidth(t) : x
                s.put(t, x: tx, y: y, role: .header, bold: true, maxWidth: area.x + area.width - tx)
                x += w + gap
            }
            y += 1
        }
        if n == 0, y < area.maxY {
            s.put(body.count == 0 ? "(nothing to show)" : "(no row matches the filter)", x: area.x + 1, y: y, role: .muted, maxWidth: area.width - 1)
            return page
        }
        let showChanges = body.changedEpoch == ctx.epoch
        var pos = body.isDocument ? state.top : state.top
        while y < area.maxY && pos < n {
            let row = body.rows[state.rowIndex(pos)]
            let selected = !ctx.export && !body.isDocument && pos == state.cursor
            if body.isDocument {
                s.draw(Line(row.cells), x: area.x, y: y, width: area.width)
            } else {
                drawRow(into: &s, row: row, x: area.x, y: y, width: area.width, widths: widths, gap: gap, columns: body.columns,
                        selected: selected, showChanges: showChanges, ascii: ctx.glyphs.ascii)
            }
            y += 1; pos += 1
        }
        return page
    }

    static func drawRow(into s: inout Screen, row: BodyRow, x x0: Int, y: Int, width: Int, widths: [Int?], gap: Int, columns: [ListColumn],
                        selected: Bool, showChanges: Bool, ascii: Bool) {
        if selected { s.fill(x: x0, y: y, width: width, height: 1, role: .selected) }
        var x = x0
        for (i, col) in columns.enumerated() {
            guard let w = widths[i], w > 0 else { continue }
            guard i < row.cells.count else { x += w + gap; continue }
            let cell = row.cells[i]
            let t = TerminalText.truncate(cell.text, to: w, ascii: ascii)
            let tx = col.alignRight ? x + w - TerminalText.displayWidth(t) : x
            var role = cell.role
            if showChanges && i < 64 && row.changedMask & (1 << UInt64(i)) != 0 { role = .changed }
            if selected { role = .selected }
            s.put(t, x: tx, y: y, role: role, bold: cell.bold, maxWidth: max(0, x0 + width - tx))
            x += w + gap
        }
    }
}

enum OverviewPane {
    static func render(into s: inout Screen, area: Rect, model m: OverviewModel, live: SnapshotSummary?, changed: Set<String>, ctx: RenderContext) {
        let g = ctx.glyphs
        let w = area.width
        var lines: [Line] = []
        var optional: Set<Int> = []  // blank lines that may go when space is short
        func blank() { optional.insert(lines.count); lines.append(.empty) }

        lines.append(Line([Span(m.clusterName, .title, bold: true)] + m.facts.map { Span(" " + g.bullet + " " + $0, .muted) }))
        var snap: [Span] = [Span("snapshot ", .muted)]
        if let at = m.collectedAt {
            snap.append(Span(Fmt.time(at)))
            snap.append(Span(" (\(Fmt.age(ctx.now.timeIntervalSince(at))) ago)", .muted))
        } else {
            snap.append(Span("none stored", .unknown))
        }
        if let live, ctx.now.timeIntervalSince(live.collectedAt) > ctx.options.staleAfter {
            snap.append(Span("  STALE ", .stale, bold: true))
            snap.append(Span(" newest snapshot is older than \(Fmt.age(ctx.options.staleAfter))", .stale))
        }
        lines.append(Line(snap))
        if !m.sourceProblems.isEmpty {
            lines += Line([Span("sources: ", .unknown, bold: true), Span(m.sourceProblems.joined(separator: "; "), .unknown)]).wrapped(w).prefix(3)
        }
        blank()
        guard let report = m.report else {
            lines.append(Line("No score report is stored for this snapshot.", .unknown))
            draw(lines, into: &s, area: area)
            return
        }
        let o = report.overall
        var overall: [Span] = [Span("Overall  ", .title, bold: true),
                               Span(Fmt.num(o.score, 1), changed.contains("overall") ? .changed : gradeRole(o.grade), bold: true),
                               Span("  "), Span("grade \(o.grade.rawValue)", gradeRole(o.grade), bold: true)]
        let d = Fmt.delta(o.score, m.previousOverall, glyphs: g)
        if !d.text.isEmpty { overall += [Span("  "), d, Span(" since previous", .muted)] }
        overall.append(Span("   coverage \(Fmt.percent(o.coverage))", .muted))
        if abs(o.uncapped - o.score) >= 0.05 { overall.append(Span("   uncapped \(Fmt.num(o.uncapped, 1))", .muted)) }
        lines.append(Line(overall))
        // A wall screen large enough gets the score in a block font (kiosk only).
        let big = Fmt.num(o.score, 1) + "  " + o.grade.rawValue
        if ctx.options.mode == .kiosk, area.height >= 34, w >= BigDigits.width(big) + 4 {
            lines.append(.empty)
            for row in BigDigits.lines(big, block: g.barFilled) { lines.append(Line([Span("  "), Span(row, gradeRole(o.grade), bold: true)])) }
        }
        for cap in m.caps { lines.append(Line([Span("  " + cap, .fail)])) }
        blank()

        let barWidth = max(8, min(40, w - 52))
        lines.append(Line([Span("CATEGORY".padded(20), .header, bold: true), Span("".padded(barWidth + 2), .header),
                           Span("SCORE".padded(7), .header, bold: true), Span("GRADE".padded(6), .header, bold: true),
                           Span("COVER".padded(7), .header, bold: true), Span("CHANGE".padded(7), .header, bold: true)]))
        for row in m.categories {
            let sc = row.score?.score
            let bar = g.bar(sc, width: barWidth)
            let changed = changed.contains(row.category.rawValue)
            lines.append(Line([Span(row.category.rawValue.padded(6), .accent, bold: true), Span(row.category.shortTitle.padded(14)),
                               Span(bar.filled, .barFilled), Span(bar.empty, .barEmpty), Span("  "),
                               Span(String(repeating: " ", count: max(0, 5 - Fmt.scoreASCII(sc, ascii: g.ascii).count)) + Fmt.scoreASCII(sc, ascii: g.ascii) + "  ", changed ? .changed : .normal, bold: true),
                               Span((row.score?.grade?.rawValue ?? "-").padded(6), gradeRole(row.score?.grade), bold: true),
                               Span((row.score.map { Fmt.percent($0.coverage) } ?? "-").padded(7), .muted),
                               Fmt.delta(sc, row.previous, glyphs: g)]))
        }
        blank()
        let spark = g.sparkline(m.trend)
        lines.append(Line([Span("trend    ", .muted), Span(spark, .accent), Span("  \(m.trend.count) snapshot\(m.trend.count == 1 ? "" : "s")", .muted)]))
        var sev: [Span] = [Span("open     ", .muted)]
        for (sv, n) in m.openBySeverity where sv != .info {
            sev.append(Span("\(sv.rawValue) ", .muted)); sev.append(Span("\(n)", n > 0 ? sv.role : .muted, bold: n > 0)); sev.append(Span("  "))
        }
        lines.append(Line(sev))
        var st: [Span] = [Span("checks   ", .muted)]
        for (status, n) in m.byStatus {
            st.append(Span("\(g.glyph(status)) \(status.word) ", n > 0 ? status.role : .muted)); st.append(Span("\(n)", .normal, bold: n > 0)); st.append(Span("  "))
        }
        lines.append(Line(st))
        if !m.exceptionNotes.isEmpty {
            lines.append(Line([Span("waivers  ", .muted), Span(m.exceptionNotes.joined(separator: "; "), .waived)]))
        }
        blank()
        let fixesTitle = lines.count
        lines.append(Line([Span("Top fixes", .title, bold: true), Span("  by overall points gained", .muted)]))
        var fixLines: [[Line]] = []
        for f in m.topFixes {
            fixLines.append([Line([Span("  +" + Fmt.num(f.gain, 1).padded(5), .pass, bold: true), Span(f.checkID.padded(9), .accent),
                                   Span(f.severity.rawValue.padded(9), f.severity.role), Span(f.title)])]
                            + Line([Span("         " + f.remediation, .muted)]).wrapped(w))
        }
        if fixLines.isEmpty { fixLines.append([Line("  nothing to fix", .muted)]) }

        // Fit: drop optional blank lines first, then fixes from the end.
        var budget = area.height
        var kept = lines
        if kept.count + fixLines.count * 2 > budget {
            kept = lines.enumerated().filter { !optional.contains($0.offset) }.map(\.element)
        }
        _ = fixesTitle
        budget -= kept.count
        for fix in fixLines {
            if budget >= fix.count { kept += fix; budget -= fix.count }
            else if budget >= 1 { kept.append(fix[0]); budget -= 1 }
        }
        // Whatever room is left lists the failing checks themselves.
        if budget >= 3 && !m.failing.isEmpty {
            kept.append(.empty)
            kept.append(Line([Span("Failing checks", .title, bold: true), Span("  worst severity first", .muted)]))
            budget -= 2
            for f in m.failing.prefix(budget) {
                kept.append(Line([Span("  " + "\(g.glyph(f.status)) \(f.status.word)".padded(11), f.status.role), Span(f.severity.rawValue.padded(9), f.severity.role),
                                  Span(f.checkID.padded(9), .accent), Span(f.title)]))
            }
            if m.failing.count > budget && budget > 0 { kept[kept.count - 1] = Line("  … \(m.failing.count - budget + 1) more: press 1-5 for the categories".replacingOccurrences(of: "…", with: g.ascii ? "..." : "…"), .muted) }
        }
        draw(kept, into: &s, area: area)
    }

    static func draw(_ lines: [Line], into s: inout Screen, area: Rect) {
        for (i, l) in lines.prefix(area.height).enumerated() { s.draw(l, x: area.x, y: area.y + i, width: area.width) }
    }
}
