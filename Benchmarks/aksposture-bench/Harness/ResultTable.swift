import Foundation

/// One measured figure next to its target.
struct ResultRow {
    var number: Int
    var figure: String
    var scale: String
    var measured: String
    var target: String
    /// nil when the figure has no target at this scale (informational).
    var met: Bool?
    var note: String = ""
}

/// The one table `run` prints: every figure with its target and verdict, plus the machine.
struct ResultTable {
    var machine: MachineInfo
    var started: Date
    var rows: [ResultRow] = []
    var omitted: [String] = []
    var loadAtStart = MachineInfo.loadAverage()
    /// Rewritten after every row, so a long run that is stopped still leaves the rows it measured.
    var outPath: String?

    mutating func add(_ r: ResultRow) {
        rows.append(r)
        FileHandle.standardError.write(Data("  #\(r.number) \(r.figure) [\(r.scale)] = \(r.measured) (target \(r.target))\n".utf8))
        if let outPath { try? render().write(toFile: outPath, atomically: true, encoding: .utf8) }
    }

    func render() -> String {
        let headers = ["#", "figure", "scale", "measured", "target", "met", "note"]
        var cells = rows.map { r in
            [String(r.number), r.figure, r.scale, r.measured, r.target, r.met.map { $0 ? "met" : "NOT MET" } ?? "-", r.note]
        }
        cells.insert(headers, at: 0)
        var widths = [Int](repeating: 0, count: headers.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = "aksposture benchmarks, \(rfc3339(started))\n"
        out += "machine: \(machine.line)\n"
        out += "load average (1/5/15 min): \(loadAtStart) at start, \(MachineInfo.loadAverage()) at end\n\n"
        for (k, row) in cells.enumerated() {
            out += row.enumerated().map { i, c in i == row.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
            if k == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        let missed = rows.filter { $0.met == false }
        out += "\n\(rows.filter { $0.met == true }.count) met, \(missed.count) not met, \(rows.filter { $0.met == nil }.count) informational"
        if !omitted.isEmpty { out += "\nnot measured: " + omitted.joined(separator: "; ") }
        return out + "\n"
    }
}

func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
func ms(_ s: Double) -> String { s < 0.01 ? String(format: "%.2f ms", s * 1000) : String(format: "%.0f ms", s * 1000) }
func secs(_ s: Double) -> String { s < 1 ? ms(s) : String(format: "%.2f s", s) }
