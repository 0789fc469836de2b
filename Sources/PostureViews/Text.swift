import Foundation
import PostureModel

/// A run of text with one role. Text reaching a span from a cluster was sanitized when the
/// view model was built.
public struct Span: Sendable, Hashable {
    public var text: String
    public var role: Role
    public var bold: Bool
    public init(_ text: String, _ role: Role = .normal, bold: Bool = false) {
        self.text = text; self.role = role; self.bold = bold
    }
}

/// A styled line: spans drawn one after another.
public struct Line: Sendable, Hashable {
    public var spans: [Span]
    public init(_ spans: [Span]) { self.spans = spans }
    public init(_ text: String, _ role: Role = .normal, bold: Bool = false) { spans = [Span(text, role, bold: bold)] }
    public static let empty = Line([])
    public var plain: String { spans.map(\.text).joined() }
}

extension Line {
    /// Splits the line into lines of at most `width` columns, breaking after a space where
    /// one is near; continuation lines are indented two columns past the first line's indent.
    public func wrapped(_ width: Int) -> [Line] {
        guard width >= 8 else { return [self] }
        var chars: [(ch: Character, span: Int, w: Int)] = []
        for (si, sp) in spans.enumerated() { for ch in sp.text { chars.append((ch, si, TerminalText.width(of: ch))) } }
        let total = chars.reduce(0) { $0 + $1.w }
        if total <= width { return [self] }
        let lead = min(chars.prefix { $0.ch == " " }.count, width / 3)
        let indent = lead + 2
        var out: [Line] = []
        var start = 0
        var first = true
        while start < chars.count {
            let avail = first ? width : width - indent
            var col = 0, i = start, lastSpace = -1
            while i < chars.count && col + chars[i].w <= avail {
                if chars[i].ch == " " && i > start { lastSpace = i }
                col += chars[i].w; i += 1
            }
            var end = i
            if i < chars.count && lastSpace > start && lastSpace - start > avail / 2 { end = lastSpace + 1 }
            if end == start { end = start + 1 }
            var built: [Span] = first ? [] : [Span(String(repeating: " ", count: indent))]
            var k = start
            while k < end {
                let si = chars[k].span
                var text = ""
                while k < end && chars[k].span == si { text.append(chars[k].ch); k += 1 }
                built.append(Span(text, spans[si].role, bold: spans[si].bold))
            }
            out.append(Line(built))
            start = end
            while start < chars.count && chars[start].ch == " " { start += 1 }
            first = false
        }
        return out
    }
}

public struct Rect: Sendable, Hashable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxY: Int { y + height }
}

extension Screen {
    /// Draws a styled line clipped to `width` columns; returns the columns used.
    @discardableResult
    mutating func draw(_ line: Line, x: Int, y: Int, width: Int) -> Int {
        var col = 0
        for span in line.spans where col < width {
            col += put(span.text, x: x + col, y: y, role: span.role, bold: span.bold, maxWidth: width - col)
        }
        return col
    }
}

/// Sanitizes text from a cluster, the store or the scorer where it enters a view model.
@inline(__always) func clean(_ s: String) -> String { TerminalText.sanitize(s) }
@inline(__always) func clean(_ s: String?) -> String? { s.map(TerminalText.sanitize) }

/// Deterministic, locale-independent formatting (goldens and exports must not depend on the host).
enum Fmt {
    static func score(_ v: Double?) -> String {
        guard let v else { return "–" }
        return fixed(v, 1)
    }
    static func scoreASCII(_ v: Double?, ascii: Bool) -> String {
        guard let v else { return ascii ? "-" : "–" }
        return fixed(v, 1)
    }
    static func num(_ v: Double, _ decimals: Int = 1) -> String { fixed(v, decimals) }
    static func percent(_ v: Double) -> String { "\(Int((v * 100).rounded()))%" }

    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + fixed(v, 1) }

    /// ▲ 4.0 / ▼ 2.5 / = ; nil when there is nothing to compare.
    static func delta(_ now: Double?, _ before: Double?, glyphs: GlyphSet) -> Span {
        guard let now, let before else { return Span("", .muted) }
        let d = now - before
        if abs(d) < 0.05 { return Span("=", .muted) }
        return d > 0 ? Span("\(glyphs.up)\(fixed(d, 1))", .pass) : Span("\(glyphs.down)\(fixed(-d, 1))", .fail)
    }

    /// Exactly what `String(format: "%.Nf", v)` prints (the exact binary value rounded to
    /// nearest, ties to even), at a fraction of its cost: lists of 10,000 rows format every score.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite, (0...6).contains(decimals), abs(v) < 1e9 else { return String(format: "%.\(decimals)f", v) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let a = abs(v)
        // n = a × scale rounded half to even, decided on the exact product: fma rounds once, so
        // the sign of each difference below is the sign of the exact one.
        var low = (a * scale).rounded(.down)
        if fma(a, scale, -low) < 0 { low -= 1 } else if fma(a, scale, -(low + 1)) >= 0 { low += 1 }
        let tie = fma(a, scale, -(low + 0.5))
        let n = Int64(tie > 0 || (tie == 0 && Int64(low) % 2 != 0) ? low + 1 : low)
        var text = v.sign == .minus ? "-" : ""
        if decimals == 0 { return text + String(n) }
        var unit: Int64 = 1
        for _ in 0..<decimals { unit *= 10 }
        text += String(n / unit)
        text.append(".")
        let fraction = String(n % unit)
        text += String(repeating: "0", count: decimals - fraction.count) + fraction
        return text
    }

    /// `629,697`: thousands grouped with commas, whatever the locale.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// Zero-padded decimal, as `%0Nd` prints it for non-negative values.
    static func padded(_ v: Int, _ width: Int) -> String {
        let digits = String(v)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// UTC calendar fields of a date (proleptic Gregorian), without Calendar: a list of 10,000
    /// snapshots formats 10,000 times.
    struct UTCFields: Equatable { var year, month, day, hour, minute, second: Int }
    static func utcFields(_ d: Date) -> UTCFields {
        let t = Int64(d.timeIntervalSince1970.rounded(.down))
        var days = t / 86_400
        var secs = t % 86_400
        if secs < 0 { secs += 86_400; days -= 1 }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return UTCFields(year: Int(year), month: Int(month), day: Int(day),
                         hour: Int(secs / 3600), minute: Int(secs % 3600 / 60), second: Int(secs % 60))
    }

    /// `2026-11-29 01:00Z`.
    static func time(_ d: Date) -> String {
        let f = utcFields(d)
        return "\(padded(f.year, 4))-\(padded(f.month, 2))-\(padded(f.day, 2)) \(padded(f.hour, 2)):\(padded(f.minute, 2))Z"
    }
    static func day(_ d: Date) -> String {
        let f = utcFields(d)
        return "\(padded(f.year, 4))-\(padded(f.month, 2))-\(padded(f.day, 2))"
    }

    /// `45s`, `12m`, `3h`, `4d`, `2y`; negative ages (clock skew) read as `0s`.
    static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 * 2 { return "\(s / 3600)h" }
        if s < 86400 * 365 * 2 { return "\(s / 86400)d" }
        return "\(s / (86400 * 365))y"
    }

    static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var v = Double(n) / 1024
        var i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return fixed(v, v < 10 ? 1 : 0) + " " + units[i]
    }

    /// Parses a Kubernetes `creationTimestamp` (`2024-05-01T10:00:00Z`, fractional seconds and
    /// numeric offsets tolerated).
    static func parseTimestamp(_ s: String?) -> Date? {
        guard let s else { return nil }
        let b = Array(s.utf8)
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[13] == UInt8(ascii: ":") else { return nil }
        func n(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let d = Int(b[i]) - 48; guard d >= 0, d <= 9 else { return nil }; v = v * 10 + d }
            return v
        }
        guard let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13), let mi = n(14..<16), let se = n(17..<19) else { return nil }
        var offset = 0
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1; while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 } }
        if i + 6 <= b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), let oh = n(i + 1..<i + 3), let om = n(i + 4..<i + 6) {
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        }
        guard mo >= 1, mo <= 12, d >= 1, d <= 31, h < 24, mi < 60, se <= 60 else { return nil }
        // days from the civil date (proleptic Gregorian), without a Calendar: this runs once
        // per object when a snapshot's panes are built
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let date = Date(timeIntervalSince1970: TimeInterval(days * 86400 + h * 3600 + mi * 60 + se))
        return date.addingTimeInterval(TimeInterval(-offset))
    }
}
