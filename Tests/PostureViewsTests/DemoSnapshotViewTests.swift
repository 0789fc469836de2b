import XCTest
import PostureModel
import PostureImport
import PostureScoring
@testable import PostureViews

/// The panes over real shapes: the demo bundles in `snapshots/`, imported by the importer and
/// scored by the scorer, served through the in-memory reader. Checks robustness and
/// sanitizing, not exact text (the goldens cover layout with fixed fixtures).
final class DemoSnapshotViewTests: XCTestCase {
    func demoReader() throws -> (MemoryReader, Date) {
        var dir = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        let root = dir.appendingPathComponent("snapshots")
        let fm = FileManager.default
        guard let clusters = try? fm.contentsOfDirectory(atPath: root.path).filter({ !$0.hasSuffix(".md") }).sorted(), !clusters.isEmpty else {
            throw XCTSkip("no demo snapshots under \(root.path): 0 bundles rendered")
        }
        let reader = MemoryReader()
        let scorer = PostureScorer()
        var newest = Date.distantPast
        var nextID: Int64 = 100
        for (ci, name) in clusters.enumerated() {
            let cid = Int64(ci + 1)
            reader.clusterList.append(ClusterSummary(id: cid, key: name, name: name, resourceGroup: nil, location: nil, snapshotCount: 0, latest: nil))
            for bundle in try fm.contentsOfDirectory(atPath: root.appendingPathComponent(name).path).sorted() {
                let snap = try BundleImporter().load(bundle: root.appendingPathComponent(name).appendingPathComponent(bundle))
                let at = snap.collection.collectedAt
                newest = max(newest, at)
                reader.add(clusterID: cid, id: nextID, at: at, snapshot: snap, report: scorer.score(snap, now: at))
                nextID += 1
            }
        }
        return (reader, newest.addingTimeInterval(600))
    }

    func testEveryPaneOfEveryDemoClusterRendersSanitized() throws {
        let (reader, now) = try demoReader()
        var rendered = 0
        for cluster in reader.clusterList {
            let app = ConsoleApp(reader: reader, options: ConsoleOptions(initialCluster: cluster.name), now: now)
            XCTAssertNil(app.banner, cluster.name)
            let panes: [PaneID] = PaneID.topLevel + [.help] + (reader.reports[reader.summaries[cluster.id]!.last!.id]?.findings.map { .check($0.checkID) } ?? [])
            for pane in panes {
                app.open(pane)
                for (w, h) in [(80, 24), (160, 48)] {
                    let s = app.render(width: w, height: h)
                    XCTAssertEqual(s.textLines().count, h)
                    assertClean(s, "\(cluster.name) \(pane)")
                    rendered += 1
                }
                assertClean(app.renderFullPane(width: 160), "\(cluster.name) \(pane) export")
                // drill into the first row of each list and back (Enter in Clusters would switch cluster)
                if pane == .clusters { continue }
                _ = app.handle(.enter, now: now)
                assertClean(app.render(width: 120, height: 40), "\(cluster.name) \(pane) detail")
                _ = app.handle(.escape, now: now)
            }
            app.open(.overview)
            let overview = app.render(width: 160, height: 48).text
            let score = reader.summaries[cluster.id]!.last!.overallScore!
            XCTAssertTrue(overview.contains("Overall  " + String(format: "%.1f", score)), "\(cluster.name) overview shows the stored score")
        }
        XCTAssertGreaterThan(rendered, 50)
    }

    func assertClean(_ s: Screen, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for cell in s.cells {
            for u in cell.text.unicodeScalars where SafetyAndFilterTests.isForbidden(u) {
                XCTFail("\(what): forbidden scalar U+\(String(u.value, radix: 16))", file: file, line: line)
                return
            }
        }
    }
}
