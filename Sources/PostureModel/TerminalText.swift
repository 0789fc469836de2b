// The one sanitizer for text that came from a cluster. Names, labels, annotations, image
// names and RBAC subjects can hold escape sequences (OSC 52 clipboard writes, title changes,
// screen clears), bidi overrides and zero-width characters; ncurses passes C1, bidi and
// zero-width characters through unchanged, so they are made visible here, before a cell
// or an export line is built.

public enum TerminalText {
    /// Replaces every unsafe scalar with a visible placeholder:
    /// C0 controls become Control Pictures (`␛` for ESC), DEL becomes `␡`,
    /// C1 controls, bidi controls, zero-width and other invisible format characters become `�`.
    public static func sanitize(_ s: String) -> String {
        // Fast path: plain printable ASCII needs no work.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if let p = placeholderScalar(u) { out.append(p) } else { out.append(u) }
        }
        return String(out)
    }

    /// Whether every scalar of the grapheme is safe to hand to a terminal.
    public static func isSafe(_ ch: Character) -> Bool {
        ch.unicodeScalars.allSatisfy { placeholderScalar($0) == nil }
    }

    /// The placeholder drawn for an unsafe grapheme.
    public static func placeholder(for ch: Character) -> String {
        sanitize(String(ch))
    }

    private static func placeholderScalar(_ u: Unicode.Scalar) -> Unicode.Scalar? {
        let v = u.value
        switch v {
        case 0x00...0x1F: return Unicode.Scalar(0x2400 + v)          // ␀…␟
        case 0x7F: return "\u{2421}"                                  // ␡
        case 0x80...0x9F: return "\u{FFFD}"                           // C1 (CSI 0x9B, OSC 0x9D …)
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E,
             0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0x3164, 0xFEFF, 0xFFA0,
             0xFFF9...0xFFFB, 0x1D173...0x1D17A, 0xE0000...0xE007F:
            return "\u{FFFD}"                                         // bidi, zero-width, invisible
        case 0xD800...0xDFFF, 0xFFFE, 0xFFFF: return "\u{FFFD}"
        default:
            return nil
        }
    }

    /// Display columns of a string: 2 for East Asian wide and emoji-presentation graphemes,
    /// 0 for combining marks, 1 otherwise. Independent of the process locale, so goldens,
    /// exports and the terminal agree.
    public static func displayWidth(_ s: String) -> Int {
        var total = 0
        for ch in s { total += width(of: ch) }
        return total
    }

    public static func width(of ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        if ch.unicodeScalars.count == 1, first.value < 0x7F { return first.value >= 0x20 ? 1 : 0 }
        var base: Unicode.Scalar? = nil
        for u in ch.unicodeScalars {
            switch u.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: continue
            default: base = u
            }
            break
        }
        guard let b = base else { return 0 }
        if b.properties.isEmojiPresentation { return 2 }
        if ch.unicodeScalars.contains(where: { $0.value == 0xFE0F }) && b.properties.isEmoji { return 2 }
        return isWide(b.value) ? 2 : 1
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1AFF0...0x1B2FF,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F251, 0x1F260...0x1F265, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        var lo = 0, hi = wideRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = wideRanges[mid]
            if v < r.lowerBound { hi = mid - 1 } else if v > r.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// Truncates to `columns` display columns, ending in `…` (or `~` when `ascii`) if cut.
    public static func truncate(_ s: String, to columns: Int, ascii: Bool = false) -> String {
        guard columns > 0 else { return "" }
        if displayWidth(s) <= columns { return s }
        var out = ""
        var used = 0
        for ch in s {
            let w = width(of: ch)
            if used + w > columns - 1 { break }
            out.append(ch); used += w
        }
        return out + (ascii ? "~" : "…")
    }

    /// Pads with spaces (or truncates) to exactly `columns` display columns.
    public static func pad(_ s: String, to columns: Int, ascii: Bool = false) -> String {
        let t = truncate(s, to: columns, ascii: ascii)
        let w = displayWidth(t)
        return w < columns ? t + String(repeating: " ", count: columns - w) : t
    }
}

/// JSON string literals for every JSON we print (score reports, CI formats, view exports).
/// Control characters, DEL, C1, bidi controls, zero-width and other invisible format
/// characters are `\u`-escaped: the string decodes the same, but `cat report.json` cannot
/// reorder, hide or inject anything.
public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || invisible(u.value) {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    private static func invisible(_ v: UInt32) -> Bool {
        switch v {
        case 0x00AD, 0x061C, 0x180E, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF, 0xFFF9...0xFFFB: true
        default: false
        }
    }
}
