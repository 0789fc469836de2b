import Foundation
import PostureModel

// Text rules shared by every output format. Finding summaries, evidence values and affected
// object names come from the cluster, so they go through the one sanitizer (TerminalText).

public enum OutputText {
    /// The one sanitizer (`TerminalText.sanitize`): C0 controls become Control Pictures
    /// (`␛` for ESC, `␊` for LF), DEL becomes `␡`, C1, bidi, zero-width and other invisible
    /// format characters become `�`.
    public static func sanitize(_ s: String) -> String { TerminalText.sanitize(s) }

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
