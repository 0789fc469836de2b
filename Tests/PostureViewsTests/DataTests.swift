import XCTest
import PostureModel
@testable import PostureViews

/// Loading, polling, refresh with selection kept by identity, change marks, reader errors,
/// the headless entry points and the full-list export.
final class DataTests: XCTestCase {
    let now = Fixture.now

    func selectedLine(_ s: Screen) -> String? {
        s.textLines().enumerated().first { s.roles(onRow: $0.offset).contains(.selected) }?.element
    }

    func testSnapshotLoadsLazilyOncePerSnapshot() {
        let reader = Fixture.reader()
        let app = ConsoleApp(reader: reader, options: ConsoleOptions(initialCluster: "aks-prod-hardened", initialPane: .history), now: now)
        _ = app.render(width: 80, height: 24)
        XCTAssertEqual(reader.snapshotLoads + reader.clusterSideLoads, 0, "the history pane needs no snapshot")
        for k: Key in [.tab, .tab, .char("j"), .char("k")] { _ = app.handle(k, now: now); _ = app.render(width: 80, height: 24) }
        XCTAssertEqual(reader.snapshotLoads, 0, "the overview and category panes never read the inventory")
        XCTAssertEqual(reader.clusterSideLoads, 1, "the overview reads the cluster side once")
        _ = app.handle(.char(":"), now: now)
        for c in "overview" { _ = app.handle(.char(c), now: now) }
        _ = app.handle(.enter, now: now)
        XCTAssertTrue(app.render(width: 100, height: 30).textLines().joined().contains("aks-prod-hardened"))
        XCTAssertEqual(reader.snapshotLoads, 0)
        XCTAssertEqual(reader.clusterSideLoads, 1)
        for pane in ["identities", "network", "secrets", "identities", "overview", "network"] {
            _ = app.handle(.char(":"), now: now)
            for c in pane { _ = app.handle(.char(c), now: now) }
            _ = app.handle(.enter, now: now)
            for _ in 0..<5 { _ = app.handle(.down, now: now); _ = app.render(width: 120, height: 40) }
        }
        XCTAssertEqual(reader.snapshotLoads, 1, "the drill-down panes load the whole snapshot once")
        XCTAssertEqual(reader.clusterSideLoads, 1)
        // ticks without a store change load nothing
        for i in 1...10 { XCTAssertFalse(app.tick(now: now.addingTimeInterval(Double(i) * 0.25)) && false) }
        XCTAssertEqual(reader.snapshotLoads, 1)
    }

    /// On a terminal, a snapshot of a large cluster is read after a frame saying so is drawn, so the
    /// console never sits frozen on the previous pane; small ones and headless renders read at once.
    func testLargeSnapshotsAreAnnouncedBeforeTheyAreRead() {
        let reader = Fixture.reader()
        let cluster = reader.clusterList.first { $0.name == "aks-dev-neglected" }!.id
        for i in reader.summaries[cluster]!.indices { reader.summaries[cluster]![i].objectCount = 629_697 }
        var options = ConsoleOptions(initialCluster: "aks-dev-neglected", initialPane: .identities)
        options.announceSlowLoads = true
        let app = ConsoleApp(reader: reader, options: options, now: now)
        XCTAssertFalse(app.tick(now: now), "nothing is read before the announcing frame is drawn")
        XCTAssertEqual(reader.snapshotLoads, 0)
        let first = app.render(width: 120, height: 30).textLines().joined(separator: "\n")
        XCTAssertTrue(first.contains("Reading snapshot") && first.contains("(629,697 Kubernetes objects)"), first)
        XCTAssertTrue(app.tick(now: now), "the read happens on the next tick and asks for a new frame")
        XCTAssertEqual(reader.snapshotLoads, 1)
        let second = app.render(width: 120, height: 30).textLines().joined(separator: "\n")
        XCTAssertFalse(second.contains("Reading snapshot"), second)
        XCTAssertTrue(second.contains("support"), second)

        // headless (export, tests): read at once
        let headless = ConsoleApp(reader: reader, options: ConsoleOptions(initialCluster: "aks-dev-neglected", initialPane: .identities), now: now)
        XCTAssertTrue(headless.render(width: 120, height: 30).textLines().joined().contains("support"))
        // a small cluster is not announced
        let small = ConsoleApp(reader: reader, options: options, now: now)
        XCTAssertTrue(small.handle(.tab, now: now).isEmpty)
        _ = small.render(width: 120, height: 30)
    }

    func testPollsAtMostAboutOnceASecond() {
        let reader = Fixture.reader()
        let app = ConsoleApp(reader: reader, options: ConsoleOptions(), now: now)
        let start = reader.tokenPolls
        for i in 1...3 { _ = app.tick(now: now.addingTimeInterval(Double(i) * 0.25)) }
        XCTAssertEqual(reader.tokenPolls, start)
        _ = app.tick(now: now.addingTimeInterval(1.0))
        XCTAssertEqual(reader.tokenPolls, start + 1)
        _ = app.tick(now: now.addingTimeInterval(1.5))
        XCTAssertEqual(reader.tokenPolls, start + 1)
        _ = app.tick(now: now.addingTimeInterval(2.1))
        XCTAssertEqual(reader.tokenPolls, start + 2)
    }

    func testRefreshKeepsSelectionByIdentityAndMarksChangesForOneCycle() {
        let reader = Fixture.reader()
        let app = ConsoleApp(reader: reader, options: ConsoleOptions(initialCluster: "aks-dev-neglected", initialPane: .identities), now: now)
        _ = app.render(width: 120, height: 30)
        // select "Group support" (4th row)
        for _ in 0..<3 { _ = app.handle(.down, now: now) }
        XCTAssertTrue(selectedLine(app.render(width: 120, height: 30))!.contains("support"))

        // a new import: a new, riskier subject sorts above, and devs gain a role
        var snap = Fixture.neglected(index: 2, at: now.addingTimeInterval(-60))
        var b = RBACBinding(kind: "ClusterRoleBinding", meta: Fixture.meta("intruder"), roleRefKind: "ClusterRole", roleRefName: "cluster-admin")
        b.subjects = [RBACSubject(kind: "User", name: "intruder@contoso.example")]
        var devs = RBACBinding(kind: "RoleBinding", meta: Fixture.meta("devs-read", "shop"), roleRefKind: "ClusterRole", roleRefName: "secret-reader")
        devs.subjects = [RBACSubject(kind: "Group", name: "devs")]
        snap.kubernetes!.bindings += [b, devs]
        var statuses = Fixture.neglectedStatuses[2]; statuses["NET-02"] = .pass
        reader.add(clusterID: Fixture.neglectedID, id: 24, at: now.addingTimeInterval(-60), snapshot: snap, report: Fixture.report(statuses))
        XCTAssertTrue(app.tick(now: now.addingTimeInterval(2)))
        var s = app.render(width: 120, height: 30)
        XCTAssertTrue(selectedLine(s)!.contains("support"), "selection follows the row, not the index")
        let intruder = s.rows(containing: "intruder@contoso.example").first!
        XCTAssertTrue(s.roles(onRow: intruder).contains(.changed), "a new row is marked")
        let devRow = s.rows(containing: "Group  devs").first ?? s.rows(containing: "devs").first!
        XCTAssertTrue(s.textLines()[devRow].contains("secret-reader@shop"))
        XCTAssertTrue(s.roles(onRow: devRow).contains(.changed), "a changed cell is marked\n" + s.text + "\n\(s.roles(onRow: devRow))")
        let supportRow = s.rows(containing: "support").first!
        XCTAssertFalse(s.roles(onRow: supportRow).contains(.changed))

        // overview: the NET score changed
        _ = app.handle(.char(":"), now: now); for c in "overview" { _ = app.handle(.char(c), now: now) }; _ = app.handle(.enter, now: now)
        s = app.render(width: 120, height: 40)
        let net = s.rows(containing: "NET   Network").first!
        XCTAssertTrue(s.roles(onRow: net).contains(.changed))

        // the next refresh with nothing new clears the marks
        reader.token += 1
        XCTAssertTrue(app.tick(now: now.addingTimeInterval(4)))
        s = app.render(width: 120, height: 40)
        XCTAssertFalse(s.roles(onRow: s.rows(containing: "NET   Network").first!).contains(.changed))
        _ = app.handle(.char(":"), now: now); for c in "identities" { _ = app.handle(.char(c), now: now) }; _ = app.handle(.enter, now: now)
        s = app.render(width: 120, height: 30)
        XCTAssertFalse(s.roles(onRow: s.rows(containing: "intruder@contoso.example").first!).contains(.changed))
        XCTAssertTrue(selectedLine(s)!.contains("support"))
    }

    func testReaderErrorsKeepLastGoodDataAndShowABanner() {
        let reader = Fixture.reader()
        let app = ConsoleApp(reader: reader, options: ConsoleOptions(initialCluster: "aks-prod-hardened"), now: now)
        XCTAssertTrue(app.render(width: 80, height: 24).text.contains("Overall  97.6"))
        reader.failing = true
        XCTAssertTrue(app.tick(now: now.addingTimeInterval(2)))
        var s = app.render(width: 100, height: 24)
        XCTAssertTrue(s.textLines()[1].contains("store unreadable: database disk image is malformed"), s.text)
        XCTAssertTrue(s.roles(onRow: 1).contains(.stale))
        XCTAssertTrue(s.text.contains("Overall  97.6"), "last good data stays on screen")
        // panes whose snapshot was never loaded say so instead of crashing
        _ = app.handle(.char(":"), now: now); for c in "network" { _ = app.handle(.char(c), now: now) }; _ = app.handle(.enter, now: now)
        s = app.render(width: 100, height: 24)
        XCTAssertTrue(s.text.contains("Exposure") || s.text.contains("not loaded") || s.text.contains("unreadable"))
        reader.failing = false
        XCTAssertTrue(app.tick(now: now.addingTimeInterval(4)))
        s = app.render(width: 100, height: 24)
        XCTAssertFalse(s.text.contains("unreadable"))
        XCTAssertTrue(s.text.contains("acrprod"))
    }

    func testUnreadableStoreFromTheStart() {
        let reader = Fixture.reader()
        reader.failing = true
        let app = ConsoleApp(reader: reader, options: ConsoleOptions(), now: now)
        let s = app.render(width: 80, height: 24)
        XCTAssertTrue(s.text.contains("store unreadable"))
        for k: Key in [.tab, .enter, .down, .char("d"), .escape, .char("?"), .end] { _ = app.handle(k, now: now); _ = app.render(width: 80, height: 24) }
        XCTAssertThrowsError(try renderPane(.overview, reader: reader, options: ConsoleOptions(), width: 80, height: 24, now: now))
    }

    func testEmptyStore() {
        let app = ConsoleApp(reader: MemoryReader(), options: ConsoleOptions(), now: now)
        let s = app.render(width: 80, height: 24)
        XCTAssertTrue(s.text.contains("holds no cluster yet"))
        for k: Key in [.tab, .tab, .tab, .tab, .tab, .tab, .tab, .tab, .tab, .tab, .enter, .char("d"), .end] {
            _ = app.handle(k, now: now); _ = app.render(width: 80, height: 24)
        }
    }

    func testHeadlessRenderPane() throws {
        let reader = Fixture.reader()
        let s = try renderPane(.check("AUTH-03"), reader: reader, options: ConsoleOptions(initialCluster: "aks-dev-neglected"), width: 80, height: 24, now: now)
        XCTAssertEqual(s.textLines().count, 24)
        XCTAssertTrue(s.textLines()[0].contains("AUTH › AUTH-03"))
        XCTAssertTrue(s.text.contains("Local accounts disabled"))
        XCTAssertEqual(PaneID(name: "auth-03"), .check("AUTH-03"))
        XCTAssertEqual(PaneID(name: "NET"), .category(.net))
        XCTAssertEqual(PaneID(name: "secrets"), .secrets)
        XCTAssertNil(PaneID(name: "auth-"))
        XCTAssertNil(PaneID(name: "bogus"))
    }

    func testFullListExportHasEveryRow() throws {
        let reader = Fixture.reader()
        var snap = reader.snapshotsByID[23]!
        for i in 0..<300 {
            var m = SecretMeta(meta: Fixture.meta(String(format: "bulk-%03d", i), "bulk"), type: "Opaque"); m.keys = ["k"]
            snap.kubernetes!.secrets.append(m)
        }
        reader.snapshotsByID[23] = snap
        let opts = ConsoleOptions(initialCluster: "aks-dev-neglected")
        let screen = try renderPane(.secrets, reader: reader, options: opts, width: 100, height: 24, now: now)
        XCTAssertFalse(screen.text.contains("bulk-299"))
        let full = try renderFullPane(.secrets, reader: reader, options: opts, width: 100, now: now)
        XCTAssertGreaterThan(full.height, 300)
        for i in [0, 150, 299] { XCTAssertTrue(full.text.contains(String(format: "bulk/bulk-%03d", i))) }
        XCTAssertTrue(full.text.contains("306 rows"))
        XCTAssertFalse(full.cells.contains { $0.role == .selected }, "an export has no selection bar")
        XCTAssertFalse(full.textLines().last!.contains("? help"), "an export has no status line")
    }

    func testAsciiModeUsesNoNonASCIIGlyphs() {
        let app = ConsoleApp(reader: Fixture.reader(), options: ConsoleOptions(ascii: true, initialCluster: "aks-prod-hardened"), now: now)
        for pane in PaneID.topLevel + [.help] {
            app.open(pane)
            let s = app.render(width: 120, height: 40)
            // cluster data may hold any script; the console's own chrome and glyphs must be ASCII
            for line in s.textLines() {
                for u in line.unicodeScalars where u.value > 0x7E {
                    XCTFail("non-ASCII U+\(String(u.value, radix: 16)) in \(pane): \(line)")
                    return
                }
            }
        }
    }

    /// On a large list a regex waits for a pause in typing (time comes from `tick`), while a
    /// literal filters at once; Enter applies a pending regex immediately.
    func testRegexOnALargeListWaitsForAPauseInTyping() {
        let reader = Fixture.reader()
        var snap = reader.snapshotsByID[23]!
        for i in 0..<ConsoleApp.deferredRegexRows {
            var m = SecretMeta(meta: Fixture.meta(String(format: "bulk-%06d", i), "ns-\(i % 50)"), type: "Opaque"); m.keys = ["k"]
            snap.kubernetes!.secrets.append(m)
        }
        reader.snapshotsByID[23] = snap
        let app = ConsoleApp(reader: reader, options: ConsoleOptions(initialCluster: "aks-dev-neglected", initialPane: .secrets), now: now)
        _ = app.render(width: 120, height: 30)
        for c in "/bulk-00001" { _ = app.handle(.char(c), now: now) }
        XCTAssertTrue(app.render(width: 120, height: 30).text.contains("1/10 of"), "a literal filters at once")
        for c in "|bulk-00002" { _ = app.handle(.char(c), now: now) }
        var s = app.render(width: 120, height: 30)
        XCTAssertTrue(s.text.contains("1/10 of"), "the regex is not applied yet")
        XCTAssertTrue(s.textLines().last!.contains("regex applies when typing pauses"))
        _ = app.tick(now: now.addingTimeInterval(0.1))
        XCTAssertTrue(app.render(width: 120, height: 30).text.contains("1/10 of"))
        XCTAssertTrue(app.tick(now: now.addingTimeInterval(0.5)))
        s = app.render(width: 120, height: 30)
        XCTAssertTrue(s.text.contains("1/20 of"), s.text)
        _ = app.handle(.char("0"), now: now.addingTimeInterval(0.6))
        XCTAssertTrue(app.render(width: 120, height: 30).text.contains("1/20 of"))
        _ = app.handle(.enter, now: now.addingTimeInterval(0.6))
        XCTAssertTrue(app.render(width: 120, height: 30).text.contains("1/11 of"))
    }
}
