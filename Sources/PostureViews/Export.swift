import Foundation
import PostureModel

// One text rendering for the console's `x`/`X` and for `aksposture export`: both call the
// functions below on a ConsoleApp, so the same state at the same size gives the same bytes.

public enum ExportFormat: String, Sendable, CaseIterable {
    case text, markdown, json
}

public enum ExportLayout {
    /// The height `aksposture export` renders a view at when none is given: a common terminal.
    public static let defaultHeight = 40
    public static let defaultWidth = 100

    /// `20261129T030000Z`: sortable, no characters a file system or a shell minds.
    public static func timestamp(_ date: Date) -> String {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        let d = c.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", d.year ?? 0, d.month ?? 0, d.day ?? 0, d.hour ?? 0, d.minute ?? 0, d.second ?? 0)
    }

    /// Plain lines of a screen: trailing spaces trimmed, trailing blank lines dropped,
    /// every cell folded to ASCII when `ascii`.
    static func lines(_ screen: Screen, rows: Int, ascii: Bool) -> [String] {
        var out: [String] = []
        for y in 0..<min(rows, screen.height) {
            var line = ""
            for x in 0..<screen.width {
                let cell = screen[x, y]
                line += ascii ? ASCIIFold.cell(cell) : cell.text
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out.append(line)
        }
        while let last = out.last, last.isEmpty { out.removeLast() }
        return out
    }
}

/// Maps what a cell may hold to printable ASCII of the same width, so `--ascii` exports keep
/// their columns. Sanitizer placeholders (␛, �) become `?`.
enum ASCIIFold {
    static let table: [Character: String] = [
        "…": "~", "–": "-", "—": "-", "─": "-", "│": "|", "·": "-", "→": ">", "←": "<", "›": ">",
        "▲": "^", "▼": "v", "█": "#", "░": ".", "✔": "+", "✘": "x", "◐": "~", "⌀": "w", "Σ": "S", "Δ": "D",
        "▁": "_", "▂": ".", "▃": "-", "▄": "=", "▅": "=", "▆": "^", "▇": "^", "≥": ">", "×": "x",
    ]

    static func cell(_ c: Cell) -> String {
        if c.width == 0 { return "" }
        if c.text.allSatisfy(\.isASCII) { return c.text }
        if c.width == 2 { return "??" }
        if let ch = c.text.first, let m = table[ch] { return m }
        return "?"
    }

    static func string(_ s: String) -> String {
        if s.allSatisfy(\.isASCII) { return s }
        var out = ""
        for ch in s {
            if ch.isASCII { out.append(ch) }
            else if ch == "…" { out += "..." }
            else if let m = table[ch] { out += m }
            else { out += TerminalText.width(of: ch) == 2 ? "??" : "?" }
        }
        return out
    }
}

extension ConsoleApp {
    /// Exactly what the operator sees at `width`×`height`, without the status line (key hints and
    /// messages are not part of the view): what `x` writes and `aksposture export` prints.
    public func exportViewText(width: Int, height: Int) -> String {
        let screen = render(width: width, height: height)
        let rows = (width < options.minimumWidth || height < options.minimumHeight) ? height : height - 1
        return ExportLayout.lines(screen, rows: rows, ascii: options.ascii).joined(separator: "\n") + "\n"
    }

    /// The current pane with every row (same header): what `X` writes.
    public func exportFullText(width: Int) -> String {
        let screen = renderFullPane(width: width)
        return ExportLayout.lines(screen, rows: screen.height, ascii: options.ascii).joined(separator: "\n") + "\n"
    }

    /// The pane in the requested format. Text is `exportViewText` (or `exportFullText` when
    /// `allRows`); Markdown and JSON always carry every row.
    public func export(format: ExportFormat, width: Int, height: Int, allRows: Bool) -> String {
        switch format {
        case .text: return allRows ? exportFullText(width: width) : exportViewText(width: width, height: height)
        case .markdown: return exportMarkdown(width: width)
        case .json: return exportJSON(width: width)
        }
    }

    // MARK: view model

    struct ExportModel {
        var cluster: String
        var view: String
        var title: String
        var snapshotID: Int64?
        var collectedAt: Date?
        var header: [String]
        var columns: [String]
        var rows: [(id: String, cells: [String])]
        var document: [String]?
        var overview: OverviewModel?
    }

    func exportModel(width: Int) -> ExportModel {
        _ = render(width: width, height: max(options.minimumHeight, ExportLayout.defaultHeight))
        let ascii = options.ascii
        let fold: (String) -> String = { ascii ? ASCIIFold.string($0) : $0 }
        let route = stack[stack.count - 1].route
        let cluster = clusters.first { $0.id == clusterID }.map { clean($0.name) } ?? "(no cluster)"
        let viewed = history.last
        var m = ExportModel(cluster: fold(cluster), view: fold(stack.map { crumbText($0.route) }.joined(separator: " > ")), title: "",
                            snapshotID: viewed?.id, collectedAt: viewed?.collectedAt, header: [], columns: [], rows: [], document: nil, overview: nil)
        if route == .overview {
            m.title = "Overview"
            m.overview = overview
            return m
        }
        guard let (header, title, body) = listContent(route) else { return m }
        m.title = fold(title)
        m.header = header.map { fold($0.plain) }
        if body.isDocument {
            m.document = body.rows.map { fold($0.cells.map(\.text).joined()) }
        } else {
            m.columns = body.columns.map { fold($0.title) }
            let list = stack[stack.count - 1].list
            let n = list.visibleCount(body)
            m.rows = (0..<n).map { i in
                let row = body.rows[list.rowIndex(i)]
                return (fold(clean(row.id)), row.cells.map { fold($0.text) })
            }
        }
        return m
    }

    private func crumbText(_ r: Route) -> String {
        switch r {
        case .overview: "Overview"
        case .category(let c): c.rawValue
        case .check(let id): clean(id)
        case .identities: "Identities"
        case .network: "Network"
        case .secrets: "Secrets"
        case .history: "History"
        case .clusters: "Clusters"
        case .help: "Help"
        case .identity(let id), .networkItem(let id), .secretItem(let id): clean(id)
        case .delta(let id): "Delta \(id)"
        }
    }

    // MARK: Markdown

    public func exportMarkdown(width: Int) -> String {
        let m = exportModel(width: width)
        let ascii = options.ascii
        let fold: (String) -> String = { ascii ? ASCIIFold.string($0) : $0 }
        var out: [String] = []
        out.append("# " + Markdown.inline(m.cluster) + " " + fold("—") + " " + Markdown.inline(m.view))
        out.append("")
        if let at = m.collectedAt {
            out.append("Snapshot " + Fmt.time(at) + " (age " + Fmt.age(now.timeIntervalSince(at)) + " at " + Fmt.time(now) + ")")
            out.append("")
        }
        if let o = m.overview {
            out += overviewMarkdown(o, fold: fold)
        } else {
            for h in m.header { out.append(Markdown.inline(h) + "  ") }
            if !m.header.isEmpty { out.append("") }
            out.append("## " + Markdown.inline(m.title))
            out.append("")
            if let doc = m.document {
                out += Markdown.fenced(doc)
            } else if m.rows.isEmpty {
                out.append("(nothing to show)")
            } else {
                out += Markdown.table(m.columns, m.rows.map(\.cells))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func overviewMarkdown(_ o: OverviewModel, fold: (String) -> String) -> [String] {
        var out: [String] = []
        if !o.facts.isEmpty { out.append(Markdown.inline(fold(o.facts.joined(separator: ", ")))); out.append("") }
        guard let r = o.report else { return out + ["No score report is stored for this snapshot."] }
        out.append("**Overall \(Fmt.num(r.overall.score, 1)) (grade \(r.overall.grade.rawValue))**, coverage \(Fmt.percent(r.overall.coverage))"
                   + (o.previousOverall.map { ", previous \(Fmt.num($0, 1))" } ?? ""))
        for cap in o.caps { out.append("") ; out.append("- " + Markdown.inline(fold(cap))) }
        if !o.sourceProblems.isEmpty { out.append(""); out.append("Sources: " + Markdown.inline(fold(o.sourceProblems.joined(separator: "; ")))) }
        out.append("")
        out += Markdown.table(["Category", "Title", "Score", "Grade", "Coverage", "Previous"], o.categories.map { row in
            [row.category.rawValue, row.category.title, Fmt.scoreASCII(row.score?.score, ascii: true), row.score?.grade?.rawValue ?? "-",
             row.score.map { Fmt.percent($0.coverage) } ?? "-", Fmt.scoreASCII(row.previous, ascii: true)]
        })
        out.append("")
        out.append("## Top fixes")
        out.append("")
        if o.topFixes.isEmpty { out.append("Nothing to fix.") } else {
            out += Markdown.table(["Gain", "Check", "Severity", "Title", "Remediation"], o.topFixes.map { f in
                ["+" + Fmt.num(f.gain, 1), f.checkID, f.severity.rawValue, fold(f.title), fold(f.remediation)]
            })
        }
        out.append("")
        out.append("## Failing checks")
        out.append("")
        if o.failing.isEmpty { out.append("None.") } else {
            out += Markdown.table(["Status", "Severity", "Check", "Title"], o.failing.map { f in
                [f.status.word, f.severity.rawValue, f.checkID, fold(f.title)]
            })
        }
        return out
    }

    // MARK: JSON

    public func exportJSON(width: Int) -> String {
        let m = exportModel(width: width)
        var root: [String: JSONOut] = [
            "format": .string("aksposture-pane"), "version": .int(1),
            "cluster": .string(m.cluster), "view": .string(m.view), "title": .string(m.title),
            "generatedAt": .string(Fmt.iso(now)),
            "snapshot": m.snapshotID.map { id in .object(["id": .int(Int(id)), "collectedAt": m.collectedAt.map { .string(Fmt.iso($0)) } ?? .null]) } ?? .null,
        ]
        if let o = m.overview {
            root["overview"] = overviewJSON(o)
        } else {
            root["header"] = .array(m.header.map(JSONOut.string))
            if let doc = m.document {
                root["lines"] = .array(doc.map(JSONOut.string))
            } else {
                root["columns"] = .array(m.columns.map(JSONOut.string))
                root["rows"] = .array(m.rows.map { r in .object(["cells": .array(r.cells.map(JSONOut.string))]) })
            }
        }
        return JSONOut.object(root).render(indent: 0) + "\n"
    }

    private func overviewJSON(_ o: OverviewModel) -> JSONOut {
        let ascii = options.ascii
        let fold: (String) -> String = { ascii ? ASCIIFold.string($0) : $0 }
        func num(_ v: Double?) -> JSONOut { v.map { .number(($0 * 10).rounded() / 10) } ?? .null }
        var obj: [String: JSONOut] = ["facts": .array(o.facts.map { .string(fold($0)) }),
                                      "sourceProblems": .array(o.sourceProblems.map { .string(fold($0)) })]
        guard let r = o.report else { obj["report"] = .null; return .object(obj) }
        obj["overall"] = .object(["score": num(r.overall.score), "grade": .string(r.overall.grade.rawValue), "uncapped": num(r.overall.uncapped),
                                  "coverage": num(r.overall.coverage * 100), "previous": num(o.previousOverall)])
        obj["caps"] = .array(o.caps.map { .string(fold($0)) })
        obj["categories"] = .array(o.categories.map { row in
            .object(["category": .string(row.category.rawValue), "title": .string(row.category.title), "score": num(row.score?.score),
                     "grade": row.score?.grade.map { .string($0.rawValue) } ?? .null, "coverage": num(row.score.map { $0.coverage * 100 }),
                     "previous": num(row.previous)])
        })
        obj["openBySeverity"] = .object(Dictionary(uniqueKeysWithValues: o.openBySeverity.map { ($0.0.rawValue, JSONOut.int($0.1)) }))
        obj["checksByStatus"] = .object(Dictionary(uniqueKeysWithValues: o.byStatus.map { ($0.0.rawValue, JSONOut.int($0.1)) }))
        obj["trend"] = .array(o.trend.map(num))
        obj["topFixes"] = .array(o.topFixes.map { f in
            .object(["checkID": .string(f.checkID), "title": .string(fold(f.title)), "category": .string(f.category.rawValue),
                     "severity": .string(f.severity.rawValue), "gain": num(f.gain), "remediation": .string(fold(f.remediation))])
        })
        obj["failing"] = .array(o.failing.map { f in
            .object(["checkID": .string(f.checkID), "title": .string(fold(f.title)), "status": .string(f.status.rawValue), "severity": .string(f.severity.rawValue)])
        })
        return .object(obj)
    }
}

/// Renders the pane a caller names without a terminal, as `aksposture export` does.
public func exportPane(_ view: PaneID, reader: PostureReader, options: ConsoleOptions, format: ExportFormat,
                       width: Int, height: Int, allRows: Bool, now: Date) throws -> String {
    var o = options
    o.initialPane = view
    let app = ConsoleApp(reader: reader, options: o, now: now)
    if let banner = app.banner, app.clusters.isEmpty { throw HeadlessRenderError.storeUnreadable(banner) }
    return app.export(format: format, width: width, height: height, allRows: allRows)
}

enum Markdown {
    /// Text inside a paragraph or a table cell: pipes, backslashes and markup characters escaped.
    static func inline(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\|*_`[]<>#".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    static func table(_ columns: [String], _ rows: [[String]]) -> [String] {
        let header = columns.map { $0.isEmpty ? " " : inline($0) }
        var out = ["| " + header.joined(separator: " | ") + " |", "|" + columns.map { _ in "---" }.joined(separator: "|") + "|"]
        for r in rows {
            let cells = (0..<columns.count).map { i in i < r.count ? inline(r[i]) : "" }
            out.append("| " + cells.joined(separator: " | ") + " |")
        }
        return out
    }

    /// A fenced block whose fence is longer than any backtick run inside it.
    static func fenced(_ lines: [String]) -> [String] {
        var longest = 0
        for l in lines {
            var run = 0
            for ch in l { run = ch == "`" ? run + 1 : 0; longest = max(longest, run) }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return [fence + "text"] + lines + [fence]
    }
}

/// A small JSON writer with sorted keys, so exports are deterministic.
indirect enum JSONOut {
    case string(String), int(Int), number(Double), bool(Bool), null
    case array([JSONOut]), object([String: JSONOut])

    func render(indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch self {
        case .string(let s): return JSONOut.quote(s)
        case .int(let i): return String(i)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let a):
            if a.isEmpty { return "[]" }
            return "[\n" + a.map { pad + $0.render(indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "]"
        case .object(let o):
            if o.isEmpty { return "{}" }
            return "{\n" + o.keys.sorted().map { pad + JSONOut.quote($0) + ": " + o[$0]!.render(indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "}"
        }
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}

extension Fmt {
    /// `2026-11-29T03:00:00Z`.
    static func iso(_ d: Date) -> String {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        let x = c.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", x.year ?? 0, x.month ?? 0, x.day ?? 0, x.hour ?? 0, x.minute ?? 0, x.second ?? 0)
    }
}

/// A reader that ends one cluster's history at a chosen snapshot, so the console (and an
/// export) shows that snapshot as the newest: `aksposture export --snapshot ID`.
public final class SnapshotPinnedReader: PostureReader {
    public let base: PostureReader
    public let clusterID: Int64
    public let snapshotID: Int64

    public init(_ base: PostureReader, clusterID: Int64, snapshotID: Int64) {
        self.base = base; self.clusterID = clusterID; self.snapshotID = snapshotID
    }

    public func clusters() throws -> [ClusterSummary] {
        let pinned = try snapshots(clusterID: clusterID)
        return try base.clusters().map { c in
            guard c.id == clusterID else { return c }
            var c = c
            c.snapshotCount = pinned.count
            c.latest = pinned.last
            return c
        }
    }

    public func snapshots(clusterID: Int64) throws -> [SnapshotSummary] {
        let all = try base.snapshots(clusterID: clusterID)
        guard clusterID == self.clusterID, let i = all.firstIndex(where: { $0.id == snapshotID }) else { return all }
        return Array(all[...i])
    }

    public func snapshot(id: Int64) throws -> Snapshot { try base.snapshot(id: id) }
    public func snapshotWithoutInventory(id: Int64) throws -> Snapshot { try base.snapshotWithoutInventory(id: id) }
    public func report(snapshotID: Int64) throws -> ScoreReport? { try base.report(snapshotID: snapshotID) }
    public func changeToken() throws -> Int64 { try base.changeToken() }
}
