import XCTest
import PostureModel
@testable import PostureViews

final class SafetyAndFilterTests: XCTestCase {
    let now = Fixture.now

    static func isForbidden(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F, 0x80...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: true
        default: false
        }
    }

    /// Every screen of the neglected cluster, including the details of the hostile subject,
    /// holds no control, bidi or zero-width scalar in any cell.
    func testHostileNamesRenderWithoutControlOrBidiScalars() {
        let app = ConsoleApp(reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-dev-neglected"), now: now)
        var screens: [Screen] = []
        for pane in PaneID.topLevel + [.help, .check("IDENT-02")] {
            app.open(pane)
            screens.append(app.render(width: 160, height: 48))
            screens.append(app.renderFullPane(width: 200))
        }
        app.open(.identities)
        for c in "/ops" { _ = app.handle(.char(c), now: now) }
        _ = app.handle(.enter, now: now); _ = app.handle(.enter, now: now)
        let detail = app.render(width: 160, height: 48)
        XCTAssertTrue(detail.textLines()[0].contains("User ops␛]0;x␇␛[2J�evil"), detail.textLines()[0])
        screens.append(detail)
        app.open(.network); _ = app.handle(.char("G"), now: now); _ = app.handle(.enter, now: now)
        screens.append(app.render(width: 160, height: 48))
        var sawHostile = 0
        for s in screens {
            for cell in s.cells {
                for u in cell.text.unicodeScalars where Self.isForbidden(u) {
                    XCTFail("forbidden scalar U+\(String(u.value, radix: 16)) in a cell")
                    return
                }
            }
            for u in s.plainText().unicodeScalars where u != "\n" && Self.isForbidden(u) { XCTFail("forbidden scalar in text"); return }
            if s.text.contains("␛") { sawHostile += 1 }
        }
        XCTAssertGreaterThan(sawHostile, 4, "the hostile names were actually on screen")
    }

    /// Sanitizing happens where text enters the view models, not only at the cell buffer.
    func testViewModelsHoldOnlySanitizedText() throws {
        let snap = Fixture.neglected(index: 2, at: now)
        let g = GlyphSet.unicode
        let ids = IdentitiesModel(snapshot: snap, glyphs: g)
        let net = NetworkModel.build(snapshot: snap, glyphs: g)
        let sec = SecretsModel.build(snapshot: snap, glyphs: g)
        var texts: [String] = []
        for body in [ids.body, net.body, sec.body] { texts += body.rows.flatMap { $0.cells.map(\.text) } }
        let documents = [ids.header, net.header, sec.header] + net.entries.keys.compactMap({ net.detail($0) }) + sec.entries.keys.compactMap({ sec.detail($0) })
        for lines in documents { texts += lines.map(\.plain) }
        for id in ids.subjects.keys { texts += ids.detail(id, glyphs: g).map(\.plain) }
        XCTAssertTrue(texts.contains { $0.contains("ops␛]0;x␇") })
        XCTAssertTrue(texts.contains { $0.contains("nginx\u{FFFD}\u{FFFD}:latest") }, "image names are shown, zero-width characters made visible")
        XCTAssertTrue(texts.contains { $0.contains("mallory\u{FFFD}31m") })
        for t in texts { for u in t.unicodeScalars where Self.isForbidden(u) { XCTFail("unsanitized text in a view model: \(t.debugDescription)"); return } }
    }

    func testWidthsCountCJKAsTwoColumns() {
        let app = ConsoleApp(reader: Fixture.reader(), options: ConsoleOptions(initialCluster: "aks-dev-neglected", initialPane: .secrets), now: now)
        let s = app.render(width: 100, height: 30)
        let row = s.rows(containing: "秘密-config").first!
        // the TYPE column starts at the same display column on every row
        func typeColumn(_ line: Int) -> Int {
            var col = 0
            for x in 0..<s.width { if s[x, line].text == "O" && (x + 5 < s.width) && (x...x + 5).map({ s[$0, line].text }).joined() == "Opaque" { return col }; col += 1 }
            return -1
        }
        let other = s.rows(containing: "shop/db-creds").first!
        XCTAssertEqual(typeColumn(row), typeColumn(other))
        XCTAssertGreaterThan(typeColumn(row), 0)
    }

    func testFilterQueryParsing() {
        XCTAssertTrue(FilterQuery("abc").isLiteral)
        XCTAssertTrue(FilterQuery("ABC").matches("xxabcxx"))
        XCTAssertFalse(FilterQuery("!abc").matches("xxabcxx"))
        XCTAssertTrue(FilterQuery("! abc").matches("zzz"))
        XCTAssertTrue(FilterQuery("^a.c$").matches("abc"))
        XCTAssertFalse(FilterQuery("^a.c$").matches("xabc"))
        XCTAssertTrue(FilterQuery("A|Z").matches("z"))
        let bad = FilterQuery("a[")
        XCTAssertNotNil(bad.error)
        XCTAssertTrue(bad.matches("xa[y"), "an invalid regex is matched literally")
        XCTAssertFalse(bad.matches("xay"))
        XCTAssertTrue(FilterQuery("").isEmpty)
    }

    /// Incremental filtering over 100,000 rows returns exactly what a brute-force scan does,
    /// while narrowing, widening (backspace), with regex and inverted.
    func testIncrementalFilterMatchesBruteForceOn100kRows() {
        var rows: [BodyRow] = []
        rows.reserveCapacity(100_000)
        let words = ["alpha", "beta", "gamma", "delta", "kube-system", "payments", "web", "秘密"]
        for i in 0..<100_000 {
            let a = words[i % words.count], b = words[(i / 8) % words.count]
            rows.append(BodyRow(id: "r\(i)", cells: [Span("\(a)-\(i)"), Span(b.uppercased()), Span("row \(i % 977)")]))
        }
        let body = Body(columns: [ListColumn("A", min: 4, max: 20), ListColumn("B", min: 4, max: 20), ListColumn("C", min: 4, max: 20, flex: true)], rows: rows)
        var state = ListState()
        state.sync(body)
        XCTAssertEqual(state.visibleCount(body), 100_000)
        // select a row, then filter around it
        state.selectedID = "r4242"; state.filter = ""; state.sync(body)
        func brute(_ q: String) -> [Int] {
            let fq = FilterQuery(q)
            return (0..<rows.count).filter { fq.matches(body.haystack($0)) }
        }
        for q in ["p", "pa", "pay", "paym", "pay", "", "alpha-0 ", "99999", "-99999 ", "be", "beta-4", "beta-42", "!beta", "^gamma-1[0-9]+ ", "秘密", "ROW 9", "(("] {
            state.filter = q
            state.sync(body)
            let expected = q.isEmpty ? Array(0..<rows.count) : brute(q)
            let got = (0..<state.visibleCount(body)).map { state.rowIndex($0) }
            XCTAssertEqual(got, expected, "filter \(q)")
        }
        // the selection survives a filter that keeps its row
        state.filter = ""; state.sync(body)
        state.selectedID = "r4242"; state.sync(body)
        XCTAssertEqual(state.cursor, 4242)
        state.filter = "-4242"; state.sync(body)
        XCTAssertEqual(state.selectedRow(body)?.id, "r4242")
        state.filter = "-42"; state.sync(body)
        XCTAssertEqual(state.selectedRow(body)?.id, "r4242")
        state.filter = ""; state.sync(body)
        XCTAssertEqual(state.selectedRow(body)?.id, "r4242")
        XCTAssertEqual(state.cursor, 4242)
    }

    func testLayoutNeverExceedsTheWidth() {
        let body = IdentitiesModel(snapshot: Fixture.neglected(index: 2, at: now), glyphs: .unicode).body
        for w in stride(from: 20, through: 220, by: 7) {
            let (widths, gap) = body.layout(width: w)
            let shown = widths.compactMap { $0 }
            let total = shown.reduce(0, +) + gap * max(0, shown.count - 1)
            if w >= 60 { XCTAssertLessThanOrEqual(total, w, "width \(w)") }
            XCTAssertTrue(widths[1] != nil, "the subject column is never dropped")
        }
    }

    func testLineWrapping() {
        let line = Line([Span("  remediation: ", .muted), Span("az aks update --resource-group rg-prod --name aks-prod --disable-local-accounts", .accent)])
        let wrapped = line.wrapped(30)
        XCTAssertGreaterThan(wrapped.count, 2)
        for l in wrapped { XCTAssertLessThanOrEqual(TerminalText.displayWidth(l.plain), 30, l.plain) }
        XCTAssertTrue(wrapped.dropFirst().allSatisfy { $0.plain.hasPrefix("    ") }, "continuations are indented")
        XCTAssertEqual(wrapped.map(\.plain).joined().filter { $0 != " " }, line.plain.filter { $0 != " " })
        let cjk = Line("設定設定設定設定設定設定設定設定").wrapped(9)
        for l in cjk { XCTAssertLessThanOrEqual(TerminalText.displayWidth(l.plain), 9) }
    }

    func testCIDRWidths() {
        XCTAssertEqual(cidrWidth("203.0.113.7/32")?.text, "/32 = 1 address")
        XCTAssertEqual(cidrWidth("10.0.0.0/8")?.text, "/8 = 16M addresses")
        XCTAssertEqual(cidrWidth("0.0.0.0/0")?.prefix, 0)
        XCTAssertEqual(cidrWidth("203.0.113.7")?.prefix, 32)
        XCTAssertEqual(cidrWidth("2001:db8::/32")?.text, "/32 = 2^96 addresses")
        XCTAssertNil(cidrWidth("10.0.0.0/99"))
    }

    func testRiskFlags() {
        let f = RiskFlags.of([PolicyRule(apiGroups: [""], resources: ["pods", "pods/exec"], verbs: ["create"])], clusterScope: false)
        XCTAssertEqual(f, [.createPods, .podsExec])
        let all = RiskFlags.of([PolicyRule(apiGroups: ["*"], resources: ["*"], verbs: ["*"])], clusterScope: true)
        XCTAssertTrue(all.contains([.clusterAdmin, .wildcard, .secretsRead, .bind, .escalate, .impersonate, .nodesProxy]))
        XCTAssertFalse(RiskFlags.of([PolicyRule(apiGroups: ["*"], resources: ["*"], verbs: ["*"])], clusterScope: false).contains(.clusterAdmin))
        XCTAssertEqual(RiskFlags.of([PolicyRule(apiGroups: [""], resources: ["configmaps"], verbs: ["get"])], clusterScope: true), [])
    }
}
