import XCTest
import PostureModel
@testable import PostureViews

/// Scripted key sequences through the console, asserting on the resulting screen text.
final class NavigationTests: XCTestCase {
    var reader: MemoryReader!
    var app: ConsoleApp!
    let now = Fixture.now

    func start(_ cluster: String = "aks-dev-neglected", pane: PaneID = .overview, mode: ConsoleMode = .interactive,
               sink: ExportSink? = nil) {
        reader = Fixture.reader()
        app = ConsoleApp(reader: reader, options: ConsoleOptions(mode: mode, initialCluster: cluster, initialPane: pane, exportSink: sink), now: now)
        _ = app.render(width: 100, height: 30)
    }

    @discardableResult
    func press(_ keys: Key...) -> [ConsoleEffect] { keys.flatMap { app.handle($0, now: now) } }
    func type(_ text: String) { for c in text { _ = app.handle(.char(c), now: now) } }
    func screen(_ w: Int = 100, _ h: Int = 30) -> Screen { app.render(width: w, height: h) }
    var header: String { screen().textLines()[0] }
    func bodyLines(_ s: Screen) -> [String] { Array(s.textLines().dropFirst().dropLast()) }

    func testDrillDownAndBack() {
        start()
        press(.char("1"))
        XCTAssertTrue(header.contains("AUTH"))
        press(.down, .down)
        press(.enter)
        var s = screen()
        XCTAssertTrue(header.contains("AUTH › AUTH-03"), header)
        XCTAssertTrue(s.text.contains("Local accounts disabled"))
        XCTAssertTrue(s.text.contains("Remediation"))
        XCTAssertTrue(s.text.contains("az aks update -g rg -n cluster --fix-auth-03"))
        press(.escape)
        s = screen()
        XCTAssertFalse(header.contains("AUTH-03"))
        // the selection came back with the pane: AUTH-03 is still the selected row
        let row = s.rows(containing: "AUTH-03 ").first!
        XCTAssertTrue(s.roles(onRow: row).contains(.selected))
        // at the top of the stack Esc does nothing harmful
        press(.escape, .escape)
        XCTAssertTrue(header.contains("AUTH"))
    }

    func testTabCyclesTopLevelPanesAndKeepsSelection() {
        start(pane: .overview)
        press(.tab); XCTAssertTrue(header.contains("› AUTH"))
        press(.tab, .tab, .tab, .tab, .tab); XCTAssertTrue(header.contains("› Identities"))
        press(.down, .down)
        let selected = screen().textLines().enumerated().first { screen().roles(onRow: $0.offset).contains(.selected) }!.element
        press(.tab); XCTAssertTrue(header.contains("› Network"))
        press(.backTab); XCTAssertTrue(header.contains("› Identities"))
        let again = screen().textLines().enumerated().first { screen().roles(onRow: $0.offset).contains(.selected) }!.element
        XCTAssertEqual(selected, again)
        press(.backTab, .backTab, .backTab, .backTab, .backTab, .backTab)
        XCTAssertTrue(header.contains("› Overview"))
        press(.backTab); XCTAssertTrue(header.contains("› Clusters"))
    }

    func testFilterLiteralRegexInvertAndInvalid() {
        start(pane: .network)
        let all = screen().rows(containing: "Namespace").count
        XCTAssertEqual(all, 4)
        press(.char("/")); type("no networkpolicy")
        var s = screen()
        XCTAssertTrue(s.textLines().last!.hasPrefix("/no networkpolicy"))
        XCTAssertEqual(s.rows(containing: "NodePool").count, 0)
        XCTAssertEqual(s.rows(containing: "Namespace").count, 4)
        XCTAssertTrue(s.text.contains("1/4 of 17"), s.text)
        press(.enter)
        // reopening the prompt edits the committed filter; regex, case-insensitive
        press(.char("/")); for _ in 0..<"no networkpolicy".count { press(.backspace) }
        type("^(HIGH|critical) +acr")
        s = screen()
        XCTAssertEqual(bodyLines(s).filter { $0.hasPrefix("critical") || $0.hasPrefix("high") || $0.hasPrefix("medium") || $0.hasPrefix("low") }.count, 1)
        XCTAssertTrue(s.text.contains("acrdevshared"))
        press(.enter)
        // inverted
        press(.char("/")); for _ in 0..<"^(HIGH|critical) +acr".count { press(.backspace) }
        type("!no networkpolicy")
        s = screen()
        XCTAssertEqual(s.rows(containing: "no NetworkPolicy").count, 0)
        XCTAssertTrue(s.text.contains("acrdevshared"))
        XCTAssertTrue(s.text.contains("13 of 17"), s.text)
        press(.escape)
        // Esc in the prompt clears the filter
        s = screen()
        XCTAssertEqual(s.rows(containing: "no NetworkPolicy").count, 4)
        // invalid regex: shown as an error in the prompt, matched literally
        press(.char("/")); type("([")
        s = screen()
        XCTAssertTrue(s.textLines().last!.contains("invalid regex"), s.textLines().last!)
        XCTAssertTrue(s.text.contains("(no row matches the filter)"))
        press(.enter)
        // committed filter: first Esc clears it, second goes back (nothing below: stays)
        XCTAssertTrue(screen().text.contains("/(["))
        press(.escape)
        XCTAssertFalse(screen().text.contains("/(["))
        XCTAssertEqual(screen().rows(containing: "no NetworkPolicy").count, 4)
    }

    func testCommandLineWithCompletionAndAliases() {
        start()
        press(.char(":")); type("ide")
        press(.tab)
        var s = screen()
        XCTAssertTrue(s.textLines().last!.hasPrefix(":ident"), s.textLines().last!)
        XCTAssertTrue(s.textLines().last!.contains("ident identities"))
        press(.tab)
        XCTAssertTrue(screen().textLines().last!.hasPrefix(":identities"))
        press(.enter)
        XCTAssertTrue(header.contains("› Identities"))
        press(.char(":")); type("netw"); press(.enter)
        XCTAssertTrue(header.contains("› Network"))
        press(.char(":")); type("id"); press(.enter)
        XCTAssertTrue(header.contains("› Identities"))
        press(.char(":")); type("ident"); press(.enter)
        XCTAssertTrue(header.contains("› IDENT"))
        press(.char(":")); type("his"); press(.tab); press(.enter)
        XCTAssertTrue(header.contains("› History"))
        press(.char(":")); type("bogus"); press(.enter)
        s = screen()
        XCTAssertTrue(s.textLines().last!.contains("unknown command :bogus"))
        press(.char(":")); type("zz"); XCTAssertEqual(press(.tab), [.bell])
        press(.escape)
        XCTAssertFalse(screen().textLines().last!.hasPrefix(":"))
        press(.char(":")); type("q")
        XCTAssertEqual(press(.enter), [.quit])
    }

    func testHistoryPastSnapshotAndBack() {
        start("aks-prod-hardened", pane: .history)
        XCTAssertFalse(header.contains("PAST"))
        press(.down, .enter)
        var s = screen()
        XCTAssertTrue(s.textLines()[0].contains("PAST"))
        XCTAssertTrue(s.textLines()[1].contains("VIEWING PAST SNAPSHOT 2026-11-28 01:00Z"))
        XCTAssertTrue(s.text.contains("Overall  96.9"), s.text)
        // the past view is a whole dashboard: categories and panes read that snapshot
        press(.char("5"))
        XCTAssertTrue(screen().text.contains("HARD-04") && screen().text.contains("✘ fail"))
        press(.char(":")); type("net"); press(.enter)
        XCTAssertTrue(screen().text.contains("score 100.0"))
        press(.escape)
        s = screen()
        XCTAssertFalse(s.textLines()[0].contains("PAST"))
        XCTAssertTrue(header.contains("› History"))
        press(.char("1")); press(.char(":")); type("ov"); press(.enter)
        XCTAssertTrue(screen().text.contains("Overall  97.6"))
        // Enter on the newest snapshot is the live view, not a past one
        press(.char(":")); type("history"); press(.enter)
        press(.home, .enter)
        XCTAssertFalse(screen().textLines()[0].contains("PAST"))
        XCTAssertTrue(screen().textLines().last!.contains("this is the live snapshot"))
    }

    func testDeltaAgainstPreviousSnapshot() {
        start("aks-prod-hardened", pane: .history)
        press(.char("d"))
        var s = screen()
        XCTAssertTrue(header.contains("Delta 2026-11-29 01:00Z"))
        let newly = s.rows(containing: "Newly failing 1").first!
        XCTAssertTrue(s.textLines()[newly + 1].contains("NET-04"))
        XCTAssertTrue(s.textLines()[newly + 1].contains("✔ pass") && s.textLines()[newly + 1].contains("◐ partial"))
        let fixed = s.rows(containing: "Fixed 1").first!
        XCTAssertTrue(s.textLines()[fixed + 1].contains("HARD-04"))
        XCTAssertTrue(s.text.contains("NET       100.0 → 92.0  ▼8.0"), s.text)
        press(.escape, .end, .char("d"))
        s = screen()
        XCTAssertTrue(s.text.contains("oldest stored snapshot"))
    }

    func testClusterSwitch() {
        start("aks-prod-hardened", pane: .clusters)
        XCTAssertTrue(header.contains("aks-prod-hardened"))
        press(.char("j"), .enter)
        let s = screen()
        XCTAssertTrue(s.textLines()[0].contains("aks-dev-neglected › Overview"))
        XCTAssertTrue(s.text.contains("Overall  20.0"))
        XCTAssertFalse(s.textLines()[0].contains("STALE"))
        press(.char(":")); type("cl"); press(.enter)
        XCTAssertTrue(screen().text.contains("* aks-dev-neglected") || screen().textLines().contains { $0.hasPrefix("*") && $0.contains("aks-dev-neglected") })
    }

    func testHelpIsGeneratedFromTheActionTable() {
        start()
        press(.char("?"))
        let s = app.renderFullPane(width: 240).text
        for a in app.actions.actions { XCTAssertTrue(s.contains(a.help), "help lacks \(a.id)") }
        XCTAssertTrue(s.contains(":identities"))
        XCTAssertTrue(s.contains("(:id :ids :rbac)"))
        press(.escape)
        XCTAssertTrue(header.contains("› Overview"))
    }

    func testResizeBelowMinimumShowsNotice() {
        start()
        XCTAssertEqual(press(.resize), [])
        let s = app.render(width: 40, height: 10)
        XCTAssertTrue(s.text.contains("terminal too small"))
        XCTAssertTrue(s.text.contains("need ≥ 60×15, have 40×10"))
        let line = s.rows(containing: "terminal too small").first!
        XCTAssertTrue(line >= 3 && line <= 5, "centred vertically")
        // never garbles: a 1×1 and 0×0 terminal render without trapping
        XCTAssertEqual(app.render(width: 1, height: 1).width, 1)
        XCTAssertEqual(app.render(width: 0, height: 0).cells.count, 0)
        XCTAssertTrue(app.render(width: 80, height: 24).text.contains("Overall"))
    }

    func testRedrawQuitAndUnknownKeys() {
        start()
        XCTAssertEqual(press(.ctrl("l")), [.forceRedraw])
        XCTAssertEqual(press(.unknown(999), .function(7), .left), [])
        XCTAssertEqual(press(.char("q")), [.quit])
    }

    func testPagingAndEnds() {
        start(pane: .network)
        press(.end)
        var s = screen(100, 20)
        XCTAssertTrue(s.text.contains("17/17"))
        XCTAssertTrue(s.roles(onRow: s.rows(containing: "Namespace   kube-system").first!).contains(.selected))
        press(.char("g"))
        s = screen(100, 20)
        XCTAssertTrue(s.text.contains("1/17"))
        press(.pageDown)
        XCTAssertFalse(screen(100, 20).text.contains(" 1/17"))
        press(.pageUp)
        XCTAssertTrue(screen(100, 20).text.contains("1/17"))
        press(.char("G"), .up, .char("k"))
        XCTAssertTrue(screen(100, 20).text.contains("15/17"))
    }

    func testKioskHasNoPromptsWritesOrStoreSwitches() {
        let kiosk = ActionTable.build(mode: .kiosk, canExport: true)
        for a in kiosk.actions {
            XCTAssertTrue(a.capabilities.isDisjoint(with: [.opensPrompt, .writesFile, .switchesStore]), "\(a.id) must not be in kiosk")
        }
        XCTAssertFalse(kiosk.contains(.command))
        XCTAssertFalse(kiosk.contains(.filter))
        XCTAssertFalse(kiosk.contains(.save))
        XCTAssertFalse(kiosk.contains(.switchCluster))
        XCTAssertTrue(!kiosk.contains(.quit) && kiosk.contains(.nextPane), "no key quits a kiosk")
        // and the console built in kiosk mode ignores those keys
        start("aks-prod-hardened", pane: .clusters, mode: .kiosk, sink: { _, _ in XCTFail("kiosk wrote a file"); return "" })
        press(.char(":")); press(.char("/")); press(.ctrl("s")); press(.char("x")); press(.char("X"))
        XCTAssertFalse(screen().textLines().last!.hasPrefix(":") || screen().textLines().last!.hasPrefix("/"))
        press(.char("j"), .enter)
        XCTAssertTrue(header.contains("aks-prod-hardened"), "kiosk must not switch clusters")
        XCTAssertTrue(header.contains("KIOSK"))
        // interactive without a sink has no save action either
        XCTAssertFalse(ActionTable.build(mode: .interactive, canExport: false).contains(.save))
        XCTAssertTrue(ActionTable.build(mode: .interactive, canExport: true).contains(.save))
    }

    func testSaveSendsTheFullPaneToTheSink() {
        final class Box: @unchecked Sendable { var name = ""; var text = "" }
        let box = Box()
        start(pane: .network, sink: { name, text in box.name = name; box.text = text; return "/tmp/\(name).txt" })
        press(.char("X"))
        XCTAssertTrue(box.name.hasPrefix("aks-dev-neglected-network-all-"))
        XCTAssertEqual(box.text.components(separatedBy: "\n").filter { $0.hasPrefix("medium") }.count, 7)
        XCTAssertTrue(box.text.contains("17 rows"))
        XCTAssertTrue(screen().textLines().last!.contains("exported /tmp/"))
    }

    /// Every pane at many sizes from the minimum up, and a long deterministic key fuzz:
    /// nothing traps, the header always names the app, and the frame is exactly the size asked.
    func testEveryPaneAtEverySizeAndKeyFuzz() {
        start()
        let panes: [PaneID] = PaneID.topLevel + [.help, .check("NET-01"), .check("NOPE-99")]
        for pane in panes {
            app.open(pane)
            for (w, h) in [(60, 15), (61, 16), (79, 23), (80, 24), (97, 31), (120, 40), (160, 48), (233, 70)] {
                let s = app.render(width: w, height: h)
                XCTAssertEqual(s.textLines().count, h)
                XCTAssertTrue(s.textLines()[0].hasPrefix(" aksposture"), "\(pane) at \(w)x\(h)")
                XCTAssertTrue(s.textLines().allSatisfy { TerminalText.displayWidth($0) <= w })
            }
        }
        let keys: [Key] = [.up, .down, .pageUp, .pageDown, .home, .end, .enter, .escape, .tab, .backTab, .char("j"), .char("k"),
                           .char("g"), .char("G"), .char("d"), .char("1"), .char("3"), .char("5"), .char("?"), .char("/"), .char(":"),
                           .char("x"), .char("|"), .char("("), .backspace, .ctrl("l"), .resize, .unknown(4242), .left]
        var seed: UInt64 = 0x6f1d2e
        var time = now
        for i in 0..<3000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let key = keys[Int(seed >> 33) % keys.count]
            time = time.addingTimeInterval(0.05)
            let effects = app.handle(key, now: time)
            XCTAssertFalse(effects.contains(.quit), "only q or :q quit")
            if i % 7 == 0 { _ = app.tick(now: time) }
            let (w, h) = i % 11 == 0 ? (60, 15) : (100, 30)
            let s = app.render(width: w, height: h)
            XCTAssertTrue(s.textLines()[0].hasPrefix(" aksposture"))
        }
    }
}
