import XCTest
import PostureModel
@testable import PostureViews

/// `x`, `X` and the headless export share one renderer: same state and size, same bytes.
final class ExportTests: XCTestCase {
    final class Captured: @unchecked Sendable { var files: [(name: String, text: String)] = [] }

    func console(_ pane: PaneID, cluster: String = "aks-dev-neglected", ascii: Bool = false) -> (ConsoleApp, Captured) {
        let box = Captured()
        let app = ConsoleApp(reader: Fixture.reader(),
                             options: ConsoleOptions(ascii: ascii, initialCluster: cluster, initialPane: pane,
                                                     exportSink: { name, text in box.files.append((name, text)); return "/exports/\(name).txt" }),
                             now: Fixture.now)
        return (app, box)
    }

    func testXWritesWhatHeadlessExportPrints() throws {
        // (not the help pane: it lists the export keys only where an export directory exists)
        for pane in PaneID.topLevel + [.check("IDENT-02")] {
            for (w, h) in [(80, 24), (100, 40), (132, 50)] {
                let (app, box) = console(pane)
                _ = app.render(width: w, height: h)      // the runner renders before any key
                _ = app.handle(.char("x"), now: Fixture.now)
                XCTAssertEqual(box.files.count, 1)
                let headless = try exportPane(pane, reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-dev-neglected"),
                                              format: .text, width: w, height: h, allRows: false, now: Fixture.now)
                XCTAssertEqual(box.files.first?.text, headless, "\(pane) at \(w)x\(h)")
                // what the operator saw, minus the status line
                let seen = app.render(width: w, height: h).textLines().dropLast()
                XCTAssertEqual(headless, Array(seen).joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n")
                XCTAssertTrue(app.render(width: w, height: h).textLines().last!.contains("exported /exports/"), "the status line shows the path")
            }
        }
    }

    func testCapitalXWritesEveryRowWithTheSameHeader() throws {
        let (app, box) = console(.network)
        _ = app.render(width: 100, height: 20)
        _ = app.handle(.char("X"), now: Fixture.now)
        let text = try XCTUnwrap(box.files.first?.text)
        XCTAssertEqual(text, try exportPane(.network, reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-dev-neglected"),
                                            format: .text, width: 100, height: 20, allRows: true, now: Fixture.now))
        XCTAssertTrue(text.contains("17 rows"))
        XCTAssertEqual(text.components(separatedBy: "\n").filter { $0.hasPrefix("medium") }.count, 7)
        XCTAssertTrue(text.hasPrefix(app.render(width: 100, height: 20).textLines()[0]), "same header line as the screen")
        XCTAssertEqual(box.files.first?.name, "aks-dev-neglected-network-all-20261129T030000Z")
        _ = app.handle(.char("x"), now: Fixture.now)
        XCTAssertEqual(box.files.last?.name, "aks-dev-neglected-network-20261129T030000Z")
    }

    func testExportsAreSanitizedAndASCIIWhenAsked() throws {
        let reader = Fixture.reader()
        for ascii in [false, true] {
            for pane in PaneID.topLevel + [.check("IDENT-02")] {
                for format in ExportFormat.allCases {
                    let text = try exportPane(pane, reader: reader, options: ConsoleOptions(ascii: ascii, initialCluster: "aks-dev-neglected"),
                                              format: format, width: 100, height: 40, allRows: true, now: Fixture.now)
                    for u in text.unicodeScalars where u != "\n" {
                        XCTAssertFalse(SafetyAndFilterTests.isForbidden(u), "\(pane) \(format): U+\(String(u.value, radix: 16))")
                        if ascii { XCTAssertTrue(u.isASCII, "\(pane) \(format) ascii: U+\(String(u.value, radix: 16))") }
                    }
                    XCTAssertFalse(text.contains("\u{1b}"))
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                        XCTAssertFalse(line.hasSuffix(" ") && format == .text, "trailing space in \(pane)")
                    }
                }
            }
        }
    }

    func testMarkdownTablesAndJSONModel() throws {
        let md = try exportPane(.identities, reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-dev-neglected"),
                                format: .markdown, width: 100, height: 40, allRows: true, now: Fixture.now)
        let tableLines = md.split(separator: "\n").filter { $0.hasPrefix("|") }
        XCTAssertGreaterThan(tableLines.count, 3)
        func cells(_ l: Substring) -> Int {
            var n = 0, escaped = false
            for ch in l { if ch == "|" && !escaped { n += 1 }; escaped = ch == "\\" && !escaped }
            return n
        }
        XCTAssertEqual(Set(tableLines.map(cells)).count, 1, "every table row has the same number of cells")
        XCTAssertTrue(md.hasPrefix("# aks-dev-neglected — Identities\n"))

        let json = try exportPane(.overview, reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-prod-hardened"),
                                  format: .json, width: 100, height: 40, allRows: true, now: Fixture.now)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(root["cluster"] as? String, "aks-prod-hardened")
        let overall = try XCTUnwrap((root["overview"] as? [String: Any])?["overall"] as? [String: Any])
        XCTAssertNotNil(overall["score"] as? Double)
        XCTAssertEqual(((root["overview"] as? [String: Any])?["categories"] as? [Any])?.count, 5)

        let doc = try exportPane(.check("IDENT-02"), reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-dev-neglected"),
                                 format: .json, width: 100, height: 40, allRows: true, now: Fixture.now)
        let lines = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(doc.utf8)) as? [String: Any])?["lines"] as? [String])
        XCTAssertTrue(lines.contains { $0.contains("IDENT-02") })
    }

    func testPinnedSnapshotIsShownAsTheNewest() throws {
        let reader = SnapshotPinnedReader(Fixture.reader(), clusterID: Fixture.hardenedID, snapshotID: 11)
        let text = try exportPane(.history, reader: reader, options: ConsoleOptions(initialCluster: "aks-prod-hardened"),
                                  format: .text, width: 120, height: 40, allRows: true, now: Fixture.now)
        XCTAssertTrue(text.contains("1 rows"), text)
        XCTAssertEqual(try reader.clusters().first { $0.id == Fixture.hardenedID }?.latest?.id, 11)
    }

    func testTimestampAndASCIIFold() {
        XCTAssertEqual(ExportLayout.timestamp(Fixture.now), "20261129T030000Z")
        XCTAssertEqual(ASCIIFold.string("a … b › c ▲1.0 日"), "a ... b > c ^1.0 ??")
        XCTAssertEqual(ASCIIFold.cell(Cell(text: "日", width: 2)), "??")
        XCTAssertEqual(ASCIIFold.cell(Cell(text: "", width: 0)), "")
    }
}
