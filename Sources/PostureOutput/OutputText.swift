import Foundation

// Text rules shared by every output format. Finding summaries, evidence values and affected
// object names come from the cluster, so they can hold escape sequences, bidi overrides and
// invisible characters. PostureOutput does not depend on PostureViews (where the console's
// `TerminalText.sanitize` lives), so `OutputText.sanitize` applies the very same scalar policy;
// the two must stay identical.

public enum OutputText {
    /// Replaces every unsafe scalar with a visible placeholder, exactly as `TerminalText.sanitize`:
    /// C0 controls become Control Pictures (`␛` for ESC, `␊` for LF), DEL becomes `␡`,
    /// C1, bidi, zero-width and other invisible format characters become `�`.
    public static func sanitize(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if let p = placeholder(u) { out.append(p) } else { out.append(u) }
        }
        return String(out)
    }

    private static func placeholder(_ u: Unicode.Scalar) -> Unicode.Scalar? {
        let v = u.value
        switch v {
        case 0x00...0x1F: return Unicode.Scalar(0x2400 + v)
        case 0x7F: return "\u{2421}"
        case 0x80...0x9F: return "\u{FFFD}"
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E,
             0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0x3164, 0xFEFF, 0xFFA0,
             0xFFF9...0xFFFB, 0x1D173...0x1D17A, 0xE0000...0xE007F:
            return "\u{FFFD}"
        case 0xD800...0xDFFF, 0xFFFE, 0xFFFF: return "\u{FFFD}"
        default: return nil
        }
    }

    /// A number with at most `decimals` decimals and no trailing zeros: `87.5`, `90`.
    static func number(_ v: Double, decimals: Int = 1) -> String {
        // Half away from zero (71.25 → 71.3), not printf's binary rounding.
        let scale = pow(10, Double(decimals))
        let s = String(format: "%.\(decimals)f", (v * scale).rounded(.toNearestOrAwayFromZero) / scale)
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return t == "-0" ? "0" : String(t)
    }

    static func iso8601(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }
}

/// XML 1.0 text and attribute escaping.
enum XMLText {
    /// Whether a scalar may appear in an XML 1.0 document at all
    /// (`#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`).
    static func isLegal(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Escapes `& < > " '` and drops scalars that are illegal in XML 1.0. Inside attributes,
    /// tab and newlines are written as character references so parsers do not normalize them away.
    static func escape(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            guard isLegal(u) else { continue }
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
