import PostureViews
@testable import TerminalUI
import XCTest

final class KeyDecoderTests: XCTestCase {
    private func char(_ v: UInt32) -> Key { KeyDecoder.decodeCharacter(v) }

    func testControlBytes() {
        XCTAssertEqual(char(0x0D), .enter)
        XCTAssertEqual(char(0x0A), .enter)
        XCTAssertEqual(char(0x1B), .escape)
        XCTAssertEqual(char(0x7F), .backspace)
        XCTAssertEqual(char(0x08), .backspace)
        XCTAssertEqual(char(0x09), .tab)
        XCTAssertEqual(char(0x0C), .ctrl("l"))
        XCTAssertEqual(char(0x01), .ctrl("a"))
        XCTAssertEqual(char(0x1A), .ctrl("z"))
        XCTAssertEqual(char(0x00), .unknown(0))
        XCTAssertEqual(char(0x1C), .unknown(0x1C))
    }

    func testPrintableAndUnsafeScalars() {
        XCTAssertEqual(char(0x71), .char("q"))
        XCTAssertEqual(char(0x20), .char(" "))
        XCTAssertEqual(char(0x4E2D), .char("中"))
        XCTAssertEqual(char(0x1F600), .char("😀"))
        XCTAssertEqual(char(0x9B), .unknown(0x9B), "C1 CSI is not typed text")
        XCTAssertEqual(char(0x202E), .unknown(0x202E), "bidi override is not typed text")
        XCTAssertEqual(char(0x200B), .unknown(0x200B))
        XCTAssertEqual(char(0xD800), .unknown(0xD800), "a lone surrogate is not a scalar")
    }

    func testFunctionKeys() {
        // ncurses key codes (curses.h, octal), as wget_wch reports them with KEY_CODE_YES.
        let codeYes: Int32 = 0o400
        func fk(_ code: UInt32) -> Key? { KeyDecoder.decode(status: codeYes, value: code) }
        XCTAssertEqual(fk(0o402), .down)
        XCTAssertEqual(fk(0o403), .up)
        XCTAssertEqual(fk(0o404), .left)
        XCTAssertEqual(fk(0o405), .right)
        XCTAssertEqual(fk(0o406), .home)
        XCTAssertEqual(fk(0o407), .backspace)
        XCTAssertEqual(fk(0o410 + 1), .function(1))
        XCTAssertEqual(fk(0o410 + 12), .function(12))
        XCTAssertEqual(fk(0o512), .delete)
        XCTAssertEqual(fk(0o522), .pageDown)
        XCTAssertEqual(fk(0o523), .pageUp)
        XCTAssertEqual(fk(0o527), .enter)
        XCTAssertEqual(fk(0o541), .backTab)
        XCTAssertEqual(fk(0o550), .end)
        XCTAssertEqual(fk(0o552), .home, "vt220 Find")
        XCTAssertEqual(fk(0o601), .end, "vt220 Select")
        XCTAssertEqual(fk(0o632), .resize)
        XCTAssertEqual(fk(0o631), .unknown(0o631), "KEY_MOUSE is not enabled, so unknown")
        XCTAssertNil(KeyDecoder.decode(status: -1, value: 0), "ERR is a timeout, not a key")
        XCTAssertEqual(KeyDecoder.decode(status: 0, value: 0x71), .char("q"))
    }

    func testExtraSequencesAreWellFormedEscapes() {
        for (sequence, _) in KeyDecoder.extraSequences {
            XCTAssertTrue(sequence.hasPrefix("\u{1b}[") || sequence.hasPrefix("\u{1b}O"), sequence.debugDescription)
            XCTAssertTrue(sequence.unicodeScalars.dropFirst().allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
        }
        XCTAssertEqual(Set(KeyDecoder.extraSequences.map(\.0)).count, KeyDecoder.extraSequences.count, "no sequence bound twice")
    }
}

final class ThemeTests: XCTestCase {
    func testDetection() {
        let env = ["TERM": "xterm-256color"]
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: true, colors: 256, colorPairs: 65536, environment: env), .colors256)
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: true, colors: 8, colorPairs: 64, environment: ["TERM": "xterm"]), .colors8)
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: true, colors: 16, colorPairs: 256, environment: env), .colors16)
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: false, colors: 0, colorPairs: 0, environment: env), .monochrome)
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: true, colors: 256, colorPairs: 65536,
                                         environment: ["TERM": "xterm-256color", "NO_COLOR": "1"]), .monochrome)
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: true, colors: 256, colorPairs: 65536,
                                         environment: ["TERM": "xterm-256color", "NO_COLOR": ""]), .colors256,
                       "an empty NO_COLOR does not count (no-color.org)")
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: true, colors: 8, colorPairs: 64, environment: ["TERM": "vt100"]), .monochrome)
        XCTAssertEqual(ColorDepth.detect(mode: .monochrome, hasColors: true, colors: 256, colorPairs: 65536, environment: env), .monochrome)
        XCTAssertEqual(ColorDepth.detect(mode: .colors256, hasColors: true, colors: 8, colorPairs: 64, environment: env), .colors8,
                       "an override cannot exceed what the terminal has")
        XCTAssertEqual(ColorDepth.detect(mode: .colors16, hasColors: true, colors: 256, colorPairs: 65536,
                                         environment: ["TERM": "xterm-256color", "NO_COLOR": "1"]), .colors16,
                       "an explicit colour choice wins over NO_COLOR")
        XCTAssertEqual(ColorDepth.detect(mode: .auto, hasColors: true, colors: 8, colorPairs: 8, environment: env), .monochrome,
                       "too few pairs for one per role")
    }

    func testMonoThemeUsesNoColourAndKeepsKeyRolesApart() {
        let mono = Palette(theme: .mono, depth: .colors256)
        XCTAssertEqual(mono.depth, .monochrome)
        for role in Role.allCases {
            XCTAssertEqual(mono.style(role).foreground, -1, "\(role)")
            XCTAssertEqual(mono.style(role).background, -1, "\(role)")
            XCTAssertEqual(mono.pairNumber(role), 0)
        }
        let a = { (r: Role) in mono.style(r).attributes }
        XCTAssertTrue(a(.selected).contains(.reverse))
        XCTAssertTrue(a(.fail).contains(.bold))
        XCTAssertNotEqual(a(.selected), a(.normal))
        XCTAssertNotEqual(a(.fail), a(.pass))
        XCTAssertNotEqual(a(.critical), a(.low))
        XCTAssertNotEqual(a(.critical), a(.medium))
        XCTAssertNotEqual(a(.stale), a(.normal))
        XCTAssertNotEqual(a(.header), a(.normal))
        XCTAssertNotEqual(a(.muted), a(.normal))
        XCTAssertNotEqual(a(.changed), a(.normal))
        XCTAssertFalse(a(.barFilled).contains(.reverse), "reverse would hide a full-block bar glyph")
    }

    func testMonochromeDepthForcesMonoTheme() {
        XCTAssertEqual(Palette(theme: .colorblind, depth: .monochrome).theme, .mono)
    }

    func testColorblindThemeNeverPairsRedWithGreen() {
        for depth in [ColorDepth.colors8, .colors16, .colors256] {
            let cb = Palette(theme: .colorblind, depth: depth)
            let greens: Set<Int16> = [2, 10, 34]
            let reds: Set<Int16> = [1, 9, 160]
            let pass = cb.style(.pass).foreground
            XCTAssertFalse(greens.contains(pass), "pass is not green at \(depth)")
            if depth == .colors256 { XCTAssertFalse(reds.contains(cb.style(.fail).foreground), "fail is orange, not red, at 256 colours") }
            XCTAssertNotEqual(cb.style(.pass).foreground, cb.style(.fail).foreground)
            XCTAssertNotEqual(cb.style(.pass).foreground, cb.style(.partial).foreground)
            XCTAssertNotEqual(cb.style(.fail).foreground, cb.style(.partial).foreground)
            XCTAssertFalse(greens.contains(cb.style(.barFilled).foreground))
        }
        let standard = Palette(theme: .default, depth: .colors256)
        XCTAssertEqual(standard.style(.pass).foreground, 34)
        XCTAssertEqual(standard.style(.fail).foreground, 160)
    }

    func testEveryRoleHasItsOwnPairInColour() {
        let p = Palette(theme: .default, depth: .colors8)
        let pairs = Role.allCases.map(p.pairNumber)
        XCTAssertEqual(Set(pairs).count, Role.allCases.count)
        XCTAssertFalse(pairs.contains(0))
        XCTAssertTrue(p.style(.muted).attributes.contains(.dim), "gray does not exist in 8 colours; dim stands in")
        XCTAssertEqual(p.style(.muted).foreground, -1)
    }
}

final class GlyphFilterTests: XCTestCase {
    func testAsciiFallbacks() {
        let f = GlyphFilter.asciiFallback
        XCTAssertEqual(["─", "━", "═"].map { f($0) }, ["-", "-", "-"])
        XCTAssertEqual(["│", "┃", "║"].map { f($0) }, ["|", "|", "|"])
        XCTAssertEqual(["┌", "┐", "└", "┘", "├", "┼", "╭", "╯"].map { f($0) }, Array(repeating: "+", count: 8))
        XCTAssertEqual(["█", "▓", "▒", "▌"].map { f($0) }, ["#", "#", "#", "#"])
        XCTAssertEqual(f("░"), ".")
        XCTAssertEqual(f("…"), "~")
        XCTAssertEqual(f("é"), "?")
        XCTAssertEqual(f("\u{241b}"), "?", "the sanitizer's ␛ placeholder")
    }

    func testAsciiModeKeepsColumns() {
        let filter = GlyphFilter(ascii: true)
        XCTAssertEqual(filter.glyphs(for: Cell(text: "中", width: 2)), [ColumnGlyph(text: "?", columns: 1), ColumnGlyph(text: "?", columns: 1)])
        XCTAssertEqual(filter.glyphs(for: Cell(text: "┼")), [ColumnGlyph(text: "+", columns: 1)])
        XCTAssertEqual(filter.glyphs(for: Cell(text: "a")), [ColumnGlyph(text: "a", columns: 1)])
        XCTAssertEqual(filter.glyphs(for: Cell(text: "", width: 0)), [])
    }

    func testUnsafeCellTextIsReplaced() {
        var filter = GlyphFilter(ascii: false)
        filter.assertsOnUnsafeCells = false
        filter.checksLocaleWidth = false
        for hostile in ["\u{1b}", "\u{9b}", "\u{202e}", "\u{2066}", "\u{200b}", "\u{07}", "\u{7f}", "ab"] {
            XCTAssertEqual(filter.glyphs(for: Cell(text: hostile)), [ColumnGlyph(text: "?", columns: 1)], hostile.debugDescription)
        }
        XCTAssertEqual(filter.glyphs(for: Cell(text: "\u{1b}", width: 2)).map(\.text), ["?", "?"])
        XCTAssertEqual(filter.glyphs(for: Cell(text: "", width: 1)), [ColumnGlyph(text: " ", columns: 1)])
    }
}
