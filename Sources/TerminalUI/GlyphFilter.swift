#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcurses
import PostureViews

/// One thing to draw in one terminal column (or two, for a wide grapheme).
struct ColumnGlyph: Equatable, Sendable {
    var text: String
    var columns: Int
}

/// Decides exactly what text reaches curses for a cell. The views sanitize, but this
/// module does not trust that: unsafe scalars become `?`, graphemes curses cannot store
/// or whose width the C library disagrees with are replaced so the grid never drifts,
/// and in ASCII mode nothing outside printable ASCII is written at all.
struct GlyphFilter: Sendable {
    var ascii: Bool
    /// Debug builds trap on a cell holding a control/bidi scalar, because that means a
    /// view bypassed `Screen.put`. Tests that feed raw cells on purpose turn it off.
    var assertsOnUnsafeCells: Bool = true
    /// Whether to consult the C library's `wcwidth` (the process locale must be UTF-8).
    var checksLocaleWidth: Bool = true

    /// The glyphs for a cell with width 1 or 2; a continuation cell (width 0) yields [].
    /// The returned columns always add up to the cell's width.
    func glyphs(for cell: Cell) -> [ColumnGlyph] {
        if cell.width == 0 { return [] }
        let columns = cell.width >= 2 ? 2 : 1
        let text = cell.text.isEmpty ? " " : cell.text
        if text.count != 1 { return replacement(columns) }
        let ch = text.first!
        if !TerminalText.isSafe(ch) {
            if assertsOnUnsafeCells {
                assertionFailure("unsanitized cell text \(text.unicodeScalars.map { String($0.value, radix: 16) }) reached the terminal backend")
            }
            return replacement(columns)
        }
        if ascii {
            if ch.isASCII { return columns == 2 ? [ColumnGlyph(text: text, columns: 1), ColumnGlyph(text: " ", columns: 1)] : [ColumnGlyph(text: text, columns: 1)] }
            if columns == 2 { return [ColumnGlyph(text: "?", columns: 1), ColumnGlyph(text: "?", columns: 1)] }
            return [ColumnGlyph(text: GlyphFilter.asciiFallback(ch), columns: 1)]
        }
        guard checksLocaleWidth else { return [ColumnGlyph(text: text, columns: columns)] }
        let scalars = Array(ch.unicodeScalars)
        if scalars.count > Int(aksp_ccharw_max()) { return replacement(columns) }
        let baseWidth = aksp_wcwidth(wchar_t(bitPattern: scalars[0].value))
        for mark in scalars.dropFirst() where aksp_wcwidth(wchar_t(bitPattern: mark.value)) != 0 {
            return replacement(columns)   // e.g. a flag: two spacing scalars in one grapheme
        }
        switch (Int(baseWidth), columns) {
        case (1, 1), (2, 2): return [ColumnGlyph(text: text, columns: columns)]
        case (1, 2): return [ColumnGlyph(text: text, columns: 1), ColumnGlyph(text: " ", columns: 1)]
        default: return replacement(columns)
        }
    }

    private func replacement(_ columns: Int) -> [ColumnGlyph] {
        Array(repeating: ColumnGlyph(text: "?", columns: 1), count: columns)
    }

    /// One printable ASCII character standing in for a non-ASCII grapheme of width 1.
    static func asciiFallback(_ ch: Character) -> String {
        guard let v = ch.unicodeScalars.first?.value else { return "?" }
        switch v {
        case 0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254C, 0x254D, 0x2550,
             0x2574, 0x2576, 0x2578, 0x257A, 0x257C, 0x257E:
            return "-"
        case 0x2502, 0x2503, 0x2506, 0x2507, 0x250A, 0x250B, 0x254E, 0x254F, 0x2551,
             0x2575, 0x2577, 0x2579, 0x257B, 0x257D, 0x257F:
            return "|"
        case 0x2571: return "/"
        case 0x2572: return "\\"
        case 0x2573: return "X"
        case 0x2500...0x257F: return "+"        // corners, tees, crosses
        case 0x2591: return "."                 // light shade: the empty part of a bar
        case 0x2580...0x259F: return "#"        // blocks
        case 0x00A0: return " "
        case 0x2010...0x2015, 0x2212: return "-"
        case 0x2018, 0x2019: return "'"
        case 0x201C, 0x201D: return "\""
        case 0x2022, 0x25CF: return "*"
        case 0x00B7: return "."
        case 0x2026: return "~"                 // matches TerminalText.truncate(ascii: true)
        case 0x2190, 0x25C0, 0x25C2: return "<"
        case 0x2192, 0x25B6, 0x25B8: return ">"
        case 0x2191, 0x25B2, 0x25B4: return "^"
        case 0x2193, 0x25BC, 0x25BE: return "v"
        case 0x2713, 0x2714: return "v"
        case 0x2717, 0x2718, 0x00D7: return "x"
        case 0x25CB: return "o"
        default: return "?"
        }
    }
}
