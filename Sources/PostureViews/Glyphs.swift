import PostureModel

/// Every symbol the panes draw, in one place, so a non-UTF-8 terminal (or `--ascii`) gets a
/// complete ASCII rendering instead of a mix. Status glyphs always appear next to a word:
/// colour and shape are never the only signal.
public struct GlyphSet: Sendable, Hashable {
    public var pass: String
    public var partial: String
    public var fail: String
    public var unknown: String
    public var notApplicable: String
    public var waived: String
    public var barFilled: String
    public var barEmpty: String
    /// Sparkline levels, lowest first.
    public var spark: [String]
    public var up: String
    public var down: String
    public var vertical: String
    public var horizontal: String
    /// Separates breadcrumbs.
    public var crumb: String
    public var bullet: String
    public var ascii: Bool

    public static let unicode = GlyphSet(
        pass: "✔", partial: "◐", fail: "✘", unknown: "?", notApplicable: "–", waived: "⌀",
        barFilled: "█", barEmpty: "░", spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        up: "▲", down: "▼", vertical: "│", horizontal: "─", crumb: " › ", bullet: "·", ascii: false)

    public static let asciiSet = GlyphSet(
        pass: "+", partial: "~", fail: "x", unknown: "?", notApplicable: "-", waived: "w",
        barFilled: "#", barEmpty: ".", spark: ["_", ".", "-", "=", "^"],
        up: "^", down: "v", vertical: "|", horizontal: "-", crumb: " > ", bullet: "-", ascii: true)

    public static func forOptions(ascii: Bool) -> GlyphSet { ascii ? .asciiSet : .unicode }

    public func glyph(_ s: CheckStatus) -> String {
        switch s {
        case .pass: pass
        case .partial: partial
        case .fail: fail
        case .unknown: unknown
        case .notApplicable: notApplicable
        case .waived: waived
        }
    }

    /// One sparkline character per value, scaled over 0…100 (scores), so two clusters'
    /// trends are comparable at a glance.
    public func sparkline(_ values: [Double?], lowerBound: Double = 0, upperBound: Double = 100) -> String {
        let levels = spark.count
        return values.map { v -> String in
            guard let v else { return " " }
            let t = (min(max(v, lowerBound), upperBound) - lowerBound) / max(upperBound - lowerBound, 1e-9)
            return spark[min(levels - 1, Int((t * Double(levels - 1)).rounded()))]
        }.joined()
    }

    /// A horizontal bar of `width` cells for a 0…100 value.
    public func bar(_ value: Double?, width: Int) -> (filled: String, empty: String) {
        guard width > 0 else { return ("", "") }
        let v = min(max(value ?? 0, 0), 100)
        let n = Int((v / 100 * Double(width)).rounded())
        return (String(repeating: barFilled, count: n), String(repeating: barEmpty, count: width - n))
    }
}

extension CheckStatus {
    /// The word printed next to the glyph.
    public var word: String {
        switch self {
        case .pass: "pass"
        case .partial: "partial"
        case .fail: "fail"
        case .unknown: "unknown"
        case .notApplicable: "n/a"
        case .waived: "waived"
        }
    }
    public var role: Role {
        switch self {
        case .pass: .pass
        case .partial: .partial
        case .fail: .fail
        case .unknown: .unknown
        case .notApplicable: .notApplicable
        case .waived: .waived
        }
    }
}

extension Severity {
    public var role: Role {
        switch self {
        case .critical: .critical
        case .high: .high
        case .medium: .medium
        case .low: .low
        case .info: .muted
        }
    }
}
