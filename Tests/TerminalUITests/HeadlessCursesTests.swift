#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PostureViews
@testable import TerminalUI
import XCTest

/// Curses running against /dev/null with TERM=xterm-256color: the blitter writes a Screen
/// into curses' grid and the test reads that grid back. No terminal needed.
final class HeadlessCursesTests: XCTestCase {
    private var savedLocale: String?
    private var streams: [UnsafeMutablePointer<FILE>] = []
    private var session: CursesSession?

    override func setUpWithError() throws {
        savedLocale = setlocale(LC_ALL, nil).map { String(cString: $0) }
        guard setlocale(LC_ALL, "C.UTF-8") != nil || setlocale(LC_ALL, "en_US.UTF-8") != nil else {
            throw XCTSkip("no UTF-8 locale installed (C.UTF-8 or en_US.UTF-8); cannot check wide characters")
        }
    }

    override func tearDown() {
        session?.close()
        session = nil
        streams.forEach { fclose($0) }
        streams = []
        if let savedLocale { setlocale(LC_ALL, savedLocale) }
    }

    private func open(rows: Int, columns: Int, theme: TerminalTheme = .default, colors: ColorMode = .auto) throws -> CursesSession {
        guard let out = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else {
            throw XCTSkip("/dev/null is not available")
        }
        streams += [out, input]
        let s = try CursesSession(termType: "xterm-256color", output: out, input: input, utf8: true,
                                  theme: theme, colorMode: colors, rawInput: false,
                                  inputTimeoutMilliseconds: 0, environment: ["TERM": "xterm-256color"])
        s.resize(rows: rows, columns: columns)
        session = s
        return s
    }

    private func trimmed(_ s: String) -> String {
        var t = s
        while t.hasSuffix(" ") { t.removeLast() }
        return t
    }

    private func sampleScreen(width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        screen.put("┌" + String(repeating: "─", count: width - 2) + "┐", x: 0, y: 0, role: .border)
        screen.put("│ AUTH 8/10 ✓ pass", x: 0, y: 1)
        screen.put("│", x: width - 1, y: 1, role: .border)
        screen.put("│ 名前空間 kube-system 中文", x: 0, y: 2, role: .fail, bold: true)
        screen.put("└" + String(repeating: "─", count: width - 2) + "┘", x: 0, y: 3, role: .border)
        screen.put("ops\u{1b}]0;x\u{07}\u{202e}evil", x: 0, y: 4, role: .muted)
        return screen
    }

    func testBlitMatchesScreenTextLines() throws {
        let s = try open(rows: 6, columns: 40)
        XCTAssertEqual(s.rows, 6)
        XCTAssertEqual(s.columns, 40)
        let screen = sampleScreen(width: 40, height: 6)
        var blitter = Blitter(filter: GlyphFilter(ascii: false))
        blitter.blit(screen, to: s)
        let expected = screen.textLines()
        for y in 0..<6 {
            XCTAssertEqual(trimmed(s.rowText(y)), expected[y], "row \(y)")
        }
        // "│ 名前空間 …": each CJK character takes two columns.
        XCTAssertEqual(s.cell(x: 2, y: 2)?.text, "名")
        XCTAssertEqual(s.cell(x: 4, y: 2)?.text, "前")
        XCTAssertEqual(s.cell(x: 8, y: 2)?.text, "間")
        XCTAssertEqual(s.cell(x: 10, y: 2)?.text, " ")
        XCTAssertEqual(s.cell(x: 11, y: 2)?.text, "k")
        XCTAssertEqual(s.cell(x: 39, y: 1)?.text, "│")
    }

    func testOnlyChangedCellsAreWritten() throws {
        let s = try open(rows: 6, columns: 40)
        var screen = sampleScreen(width: 40, height: 6)
        var blitter = Blitter(filter: GlyphFilter(ascii: false))
        let continuationCells = screen.cells.filter { $0.width == 0 }.count
        XCTAssertEqual(blitter.blit(screen, to: s), 40 * 6 - continuationCells, "first frame writes every cell")
        XCTAssertEqual(blitter.blit(screen, to: s), 0, "an identical frame writes nothing")
        screen.put("AUTH 9", x: 2, y: 1)   // only "8" → "9" differs
        XCTAssertEqual(blitter.blit(screen, to: s), 1)
        XCTAssertEqual(trimmed(s.rowText(1)), screen.textLines()[1])
        // A wide character replaced by two narrow ones, and back.
        screen.put("ab", x: 2, y: 2, role: .fail, bold: true)
        XCTAssertEqual(blitter.blit(screen, to: s), 2)
        XCTAssertEqual(trimmed(s.rowText(2)), screen.textLines()[2])
        screen.put("名", x: 2, y: 2, role: .fail, bold: true)
        XCTAssertEqual(blitter.blit(screen, to: s), 1)
        XCTAssertEqual(trimmed(s.rowText(2)), screen.textLines()[2])
        blitter.invalidate()
        XCTAssertEqual(blitter.blit(screen, to: s), 40 * 6 - continuationCells, "after invalidate everything is rewritten")
    }

    func testRawUnsafeCellsAreReplacedBeforeCurses() throws {
        let s = try open(rows: 2, columns: 10)
        var screen = Screen(width: 10, height: 2)
        // Bypass Screen.put's sanitizing, as a buggy view could.
        screen[0, 0] = Cell(text: "\u{1b}")
        screen[1, 0] = Cell(text: "\u{9b}")
        screen[2, 0] = Cell(text: "\u{202e}")
        screen[3, 0] = Cell(text: "ab")           // two graphemes in one cell
        screen[4, 0] = Cell(text: "\u{200b}")
        screen[5, 0] = Cell(text: "中", width: 2)  // wide, but no continuation after it
        screen[7, 0] = Cell(text: "", width: 0)    // continuation without a wide cell
        var filter = GlyphFilter(ascii: false)
        filter.assertsOnUnsafeCells = false
        var blitter = Blitter(filter: filter)
        blitter.blit(screen, to: s)
        XCTAssertEqual(trimmed(s.rowText(0)), "??????")
        XCTAssertEqual(s.cell(x: 5, y: 0)?.text, "?")
        XCTAssertEqual(s.cell(x: 7, y: 0)?.text, " ")
    }

    func testAsciiModeStoresOnlyAscii() throws {
        let s = try open(rows: 6, columns: 40)
        let screen = sampleScreen(width: 40, height: 6)
        var blitter = Blitter(filter: GlyphFilter(ascii: true))
        blitter.blit(screen, to: s)
        for y in 0..<6 {
            let row = s.rowText(y)
            XCTAssertTrue(row.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "row \(y): \(row)")
            XCTAssertEqual(row.count, 40, "ASCII fallback keeps every column: row \(y)")
        }
        XCTAssertEqual(trimmed(s.rowText(0)), "+" + String(repeating: "-", count: 38) + "+")
        XCTAssertEqual(trimmed(s.rowText(2)), "| ???????? kube-system ????")
        XCTAssertTrue(s.rowText(1).hasPrefix("| AUTH 8/10 v pass"))
    }

    func testRolesBecomeColourPairsAndAttributes() throws {
        let s = try open(rows: 2, columns: 20)
        XCTAssertEqual(s.palette.depth, .colors256)
        var screen = Screen(width: 20, height: 2)
        screen.put("FAIL", x: 0, y: 0, role: .fail)
        screen.put("row", x: 0, y: 1, role: .selected)
        var blitter = Blitter(filter: GlyphFilter(ascii: false))
        blitter.blit(screen, to: s)
        let fail = try XCTUnwrap(s.cell(x: 0, y: 0))
        XCTAssertEqual(fail.pair, s.palette.pairNumber(.fail))
        XCTAssertNotEqual(fail.pair, 0)
        XCTAssertTrue(fail.attributes.contains(.bold))
        let selected = try XCTUnwrap(s.cell(x: 0, y: 1))
        XCTAssertTrue(selected.attributes.contains(.reverse))
    }

    func testMonochromeUsesAttributesOnly() throws {
        let s = try open(rows: 2, columns: 20, colors: .monochrome)
        XCTAssertEqual(s.palette.theme, .mono)
        var screen = Screen(width: 20, height: 2)
        screen.put("FAIL", x: 0, y: 0, role: .fail)
        screen.put("row", x: 0, y: 1, role: .selected)
        var blitter = Blitter(filter: GlyphFilter(ascii: false))
        blitter.blit(screen, to: s)
        let fail = try XCTUnwrap(s.cell(x: 0, y: 0))
        XCTAssertEqual(fail.pair, 0)
        XCTAssertTrue(fail.attributes.contains(.bold))
        let selected = try XCTUnwrap(s.cell(x: 0, y: 1))
        XCTAssertEqual(selected.pair, 0)
        XCTAssertTrue(selected.attributes.contains(.reverse))
    }

    func testResizeThenFullRepaint() throws {
        let s = try open(rows: 6, columns: 40)
        var blitter = Blitter(filter: GlyphFilter(ascii: false))
        blitter.blit(sampleScreen(width: 40, height: 6), to: s)
        s.resize(rows: 8, columns: 50)
        s.clearAll()
        blitter.invalidate()
        let bigger = sampleScreen(width: 50, height: 8)
        XCTAssertEqual(blitter.blit(bigger, to: s), 50 * 8 - bigger.cells.filter { $0.width == 0 }.count)
        for (y, line) in bigger.textLines().enumerated() {
            XCTAssertEqual(trimmed(s.rowText(y)), line)
        }
        // A program that renders the wrong size is fitted to the terminal, not trusted.
        let wrong = sampleScreen(width: 30, height: 3)
        blitter.blit(wrong, to: s)
        XCTAssertEqual(trimmed(s.rowText(1)), wrong.textLines()[1])
        XCTAssertEqual(trimmed(s.rowText(5)), "")
    }
}
