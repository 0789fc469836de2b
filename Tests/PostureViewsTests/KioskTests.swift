import XCTest
import PostureModel
@testable import PostureViews

/// The kiosk program without a terminal: latch, key fuzz, rotation, staleness, live data,
/// unreadable store, big score, sizes.
final class KioskTests: XCTestCase {
    let now = Fixture.now

    func kiosk(_ reader: MemoryReader = Fixture.reader(), rotation: [PaneID] = KioskOptions.defaultRotation, interval: TimeInterval = 10,
               exitKey: Key? = nil, staleAfter: TimeInterval = 3600, acrossClusters: Bool = true) -> KioskProgram {
        KioskProgram(reader: reader, options: ConsoleOptions(staleAfter: staleAfter, initialCluster: "aks-prod-hardened"),
                     kiosk: KioskOptions(rotation: rotation, interval: interval, acrossClusters: acrossClusters, exitKey: exitKey), now: now)
    }

    func testKioskActionTableHoldsNothingThatWritesPromptsSwitchesOrQuits() {
        let table = ActionTable.build(mode: .kiosk, canExport: true)
        for a in table.actions {
            XCTAssertEqual(a.capabilities, .navigates, "\(a.id) does more than navigate")
        }
        for id in [ActionID.save, .saveAll, .quit, .command, .filter, .switchCluster, .viewSnapshot, .drill, .delta, .jumpCategory] {
            XCTAssertFalse(table.contains(id), "\(id) must be absent in kiosk mode")
        }
        // Even a caller that passes an export sink and interactive options gets a kiosk.
        var options = ConsoleOptions(mode: .interactive, exportSink: { _, _ in XCTFail("kiosk wrote a file"); return "" })
        options.initialPane = .help
        let k = KioskProgram(reader: Fixture.reader(), options: options, kiosk: KioskOptions(rotation: [.help]), now: now)
        XCTAssertEqual(k.app.options.mode, .kiosk)
        XCTAssertNil(k.app.options.exportSink)
        let help = k.render(width: 160, height: 48).text.lowercased()
        for word in ["export", "quit", "command", "filter", "switch cluster", "save", "view snapshot"] {
            XCTAssertFalse(help.contains(word), "kiosk help lists '\(word)'")
        }
        XCTAssertTrue(help.contains("next view of the rotation"))
    }

    /// Thousands of random keys, control keys, escape-sequence leftovers, function keys,
    /// pastes and resizes: never a quit, never a prompt, never another mode, reader untouched.
    func testKeyFuzzNeverLeavesTheKioskOrChangesAnything() {
        let reader = Fixture.reader()
        let token = reader.token
        let exit = Key.ctrl("x")
        let k = kiosk(reader, interval: 7, exitKey: exit)
        var rng = SplitMix(seed: 0x6f1d2e)
        let specials: [Key] = [.enter, .escape, .backspace, .delete, .tab, .backTab, .up, .down, .left, .right, .pageUp, .pageDown,
                               .home, .end, .resize, .unknown(0), .unknown(0x1c), .unknown(0x9b), .unknown(-1)]
            + (1...24).map { .function($0) }
            + "abcdefghijklmnopqrstuvwyz".map { .ctrl($0) }     // every Ctrl-letter but the exit key
        let pastes = [":q\n", ":!sh\n", "/x\n", "\u{1b}[201~:quit\r", "X", "x", "q", "Q", "ZZ", ":wq", "\u{1b}]52;c;Q0FOQVJZ\u{07}", "\u{3}\u{1c}\u{1a}"]
        var clock = now
        for i in 0..<6000 {
            var keys: [Key] = []
            switch rng.next() % 10 {
            case 0...3: keys = [specials[Int(rng.next() % UInt64(specials.count))]]
            case 4...6: keys = [.char(Character(Unicode.Scalar(UInt8(32 + rng.next() % 95))))]
            case 7: keys = pastes[Int(rng.next() % UInt64(pastes.count))].map { ch -> Key in
                    if ch == "\n" || ch == "\r" { return .enter }
                    if ch == "\u{1b}" { return .escape }
                    if let v = ch.asciiValue, v < 32 { return .unknown(Int32(v)) }
                    return .char(ch)
                }
            case 8: keys = [.char(["é", "日", "🙂", "\u{202e}"][Int(rng.next() % 4)])]
            default: keys = [.resize]
            }
            for key in keys {
                XCTAssertNotEqual(key, exit)
                let effects = k.handle(key, now: clock)
                XCTAssertFalse(effects.contains(.quit), "key \(key) quit the kiosk at step \(i)")
            }
            clock = clock.addingTimeInterval(Double(rng.next() % 3))
            _ = k.tick(now: clock)
            if i % 25 == 0 {
                let w = 60 + Int(rng.next() % 140), h = 15 + Int(rng.next() % 45)
                let lines = k.render(width: w, height: h).textLines()
                XCTAssertEqual(lines.count, h)
                XCTAssertTrue(lines[0].contains("KIOSK"), "header lost the KIOSK badge at step \(i)")
                let last = lines[h - 1]
                XCTAssertTrue(last.hasPrefix(" KIOSK") || last.hasPrefix(" STALE"), "status line became '\(last)' at step \(i)")
            }
            XCTAssertEqual(k.app.options.mode, .kiosk)
        }
        XCTAssertEqual(reader.token, token, "the kiosk changed the store")
        XCTAssertGreaterThan(k.rotations, 100, "the rotation stopped during the fuzz")
        // the exit key chosen at start is the one way out from the keyboard
        XCTAssertEqual(k.handle(exit, now: clock), [.quit])
    }

    func testRotationCyclesViewsThenClusters() {
        let k = kiosk(rotation: [.overview, .category(.auth), .network], interval: 20)
        var seen: [String] = []
        var t = now
        for _ in 0..<7 {
            let header = k.render(width: 120, height: 40).textLines()[0]
            seen.append("\(k.currentClusterName ?? "-") \(k.currentView.title)")
            XCTAssertTrue(header.contains(k.currentClusterName ?? "?"), header)
            let before = k.rotations
            t = t.addingTimeInterval(19)
            _ = k.tick(now: t)
            XCTAssertEqual(k.rotations, before, "rotated before the interval")
            t = t.addingTimeInterval(1)
            XCTAssertTrue(k.tick(now: t))
            XCTAssertEqual(k.rotations, before + 1)
        }
        XCTAssertEqual(seen, ["aks-prod-hardened Overview", "aks-prod-hardened AUTH", "aks-prod-hardened Network",
                              "aks-dev-neglected Overview", "aks-dev-neglected AUTH", "aks-dev-neglected Network",
                              "aks-prod-hardened Overview"])
        // Tab steps the rotation at once; S-Tab goes back
        XCTAssertEqual(k.currentView, .category(.auth))
        _ = k.handle(.tab, now: t)
        XCTAssertEqual(k.currentView, .network)
        _ = k.handle(.backTab, now: t)
        XCTAssertEqual(k.currentView, .category(.auth))
        // one cluster only when asked
        let single = kiosk(rotation: [.overview], interval: 5, acrossClusters: false)
        for i in 1...3 { _ = single.tick(now: now.addingTimeInterval(Double(5 * i))) }
        XCTAssertEqual(single.currentClusterName, "aks-prod-hardened")
    }

    func testDataAgeAndStaleBanner() {
        let fresh = kiosk(staleAfter: 3 * 3600)
        let ok = fresh.render(width: 120, height: 40)
        XCTAssertTrue(ok.textLines()[39].contains("data age 2h"), ok.textLines()[39])
        XCTAssertFalse(ok.roles(onRow: 39).contains(.stale))
        let stale = kiosk(staleAfter: 1800)
        let s = stale.render(width: 120, height: 40)
        let last = s.textLines()[39]
        XCTAssertTrue(last.hasPrefix(" STALE  newest snapshot is 2h old (limit 30m)"), last)
        XCTAssertEqual(s.roles(onRow: 39), [.stale], "the whole status line is the red banner")
    }

    func testPicksUpNewSnapshotsAndSurvivesAnUnreadableStore() {
        let reader = Fixture.reader()
        let k = kiosk(reader, rotation: [.overview], interval: 3600)
        XCTAssertTrue(k.render(width: 120, height: 40).text.contains("3 snapshots"))
        let at = now.addingTimeInterval(-60)
        reader.add(clusterID: Fixture.hardenedID, id: 99, at: at, snapshot: Fixture.hardened(index: 2, at: at),
                   report: Fixture.report(["NET-01": .fail]))
        XCTAssertTrue(k.tick(now: now.addingTimeInterval(5)))
        let fresh = k.render(width: 120, height: 40).text
        XCTAssertTrue(fresh.contains("4 snapshots") && fresh.contains("data age 1m"), fresh)

        reader.failing = true
        _ = k.tick(now: now.addingTimeInterval(10))
        _ = k.tick(now: now.addingTimeInterval(40))   // rotation and polls go on
        let broken = k.render(width: 120, height: 40)
        XCTAssertTrue(broken.text.contains("store unreadable: database disk image is malformed (showing the last good data)"), broken.text)
        XCTAssertTrue(broken.text.contains("4 snapshots"), "the last good frame stays")
        XCTAssertNotNil(k.banner)

        reader.failing = false
        _ = k.tick(now: now.addingTimeInterval(50))
        XCTAssertNil(k.banner, "the kiosk retries and recovers")
    }

    func testBigScoreOnlyWhenTheScreenIsLargeEnough() {
        let k = kiosk(rotation: [.overview])
        XCTAssertEqual(BigDigits.lines("0.5 A", block: "#")[4], "##### #  #####     #   # ")
        func blockRows(_ screen: Screen) -> Bool {
            let lines = screen.textLines()
            guard let overall = lines.first(where: { $0.hasPrefix("Overall") }) else { return false }
            let words = overall.split(separator: " ")
            let expected = BigDigits.lines(words[1] + "  " + words[3], block: "█").map { "  " + $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
            guard let i = lines.firstIndex(of: expected[0]) else { return false }
            return Array(lines[i..<min(lines.count, i + expected.count)]) == expected
        }
        XCTAssertTrue(blockRows(k.render(width: 120, height: 40)), k.render(width: 120, height: 40).text)
        XCTAssertFalse(blockRows(k.render(width: 80, height: 24)))
        // the interactive console never draws it
        let console = ConsoleApp(reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-prod-hardened"), now: now)
        XCTAssertFalse(blockRows(console.render(width: 120, height: 40)))
    }

    func testEverySizeAndResize() {
        let k = kiosk(interval: 1)
        var t = now
        for w in stride(from: 1, through: 220, by: 13) {
            for h in stride(from: 1, through: 70, by: 7) {
                _ = k.handle(.resize, now: t)
                let s = k.render(width: w, height: h)
                XCTAssertEqual(s.width, w); XCTAssertEqual(s.height, h)
                t = t.addingTimeInterval(1)
                _ = k.tick(now: t)
            }
        }
    }

    func testExitKeyParsing() {
        XCTAssertEqual(KioskOptions.parseKey("Q"), .char("Q"))
        XCTAssertEqual(KioskOptions.parseKey("ctrl-x"), .ctrl("x"))
        XCTAssertEqual(KioskOptions.parseKey("^G"), .ctrl("g"))
        XCTAssertEqual(KioskOptions.parseKey("F10"), .function(10))
        XCTAssertNil(KioskOptions.parseKey("ctrl-"))
        XCTAssertNil(KioskOptions.parseKey("\u{1b}"))
        XCTAssertNil(KioskOptions.parseKey("hello"))
    }
}

/// Deterministic random numbers for fuzzing (same keys on every run).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e3779b97f4a7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}
