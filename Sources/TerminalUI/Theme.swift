import PostureViews

/// Which role-to-style table the terminal uses. Status is always carried by glyphs and
/// words as well; colour only adds to it.
public enum TerminalTheme: String, Sendable, CaseIterable {
    /// Green for pass, red for fail.
    case `default`
    /// Okabe–Ito style: blue for pass, orange/vermillion for fail, never red against green.
    case colorblind
    /// Attributes only (bold, reverse, underline, dim); also used whenever colour is off.
    case mono
}

/// How many colours to use. `.auto` asks the terminal and honours `NO_COLOR` and `TERM`.
public enum ColorMode: Sendable, Hashable {
    case auto
    case monochrome
    case colors8
    case colors16
    case colors256
}

/// The colour depth actually in use after detection.
enum ColorDepth: Int, Sendable, Hashable, Comparable {
    case monochrome = 0
    case colors8 = 8
    case colors16 = 16
    case colors256 = 256

    static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }

    /// Decides the depth from what curses reports and the environment.
    /// Monochrome when curses has no colour, `NO_COLOR` is set and non-empty
    /// (no-color.org), or TERM names a monochrome terminal.
    static func detect(mode: ColorMode, hasColors: Bool, colors: Int, colorPairs: Int,
                       environment: [String: String]) -> ColorDepth {
        let supported: ColorDepth
        if !hasColors || colorPairs < Role.allCases.count + 1 {
            supported = .monochrome
        } else if colors >= 256 {
            supported = .colors256
        } else if colors >= 16 {
            supported = .colors16
        } else if colors >= 8 {
            supported = .colors8
        } else {
            supported = .monochrome
        }
        switch mode {
        case .monochrome: return .monochrome
        case .colors8: return min(.colors8, supported)
        case .colors16: return min(.colors16, supported)
        case .colors256: return min(.colors256, supported)
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
            if isMonochromeTerm(environment["TERM"] ?? "") { return .monochrome }
            return supported
        }
    }

    static func isMonochromeTerm(_ term: String) -> Bool {
        let t = term.lowercased()
        if t.hasPrefix("vt100") || t.hasPrefix("vt102") || t.hasPrefix("vt220") || t == "dumb" { return true }
        return t.hasSuffix("-mono") || t.hasSuffix("-m")
    }
}

/// Display attributes independent of curses' bit layout.
struct TextAttributes: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let bold = TextAttributes(rawValue: 1 << 0)
    static let reverse = TextAttributes(rawValue: 1 << 1)
    static let underline = TextAttributes(rawValue: 1 << 2)
    static let dim = TextAttributes(rawValue: 1 << 3)
}

/// A named colour; each depth maps it to the nearest palette index it has.
enum Hue: Sendable, Hashable {
    case terminalDefault
    case black, red, green, yellow, blue, magenta, cyan, white, brightWhite, gray
    // Okabe–Ito colours for the colour-blind theme.
    case orange, vermillion, skyBlue, okabeBlue, okabeYellow, reddishPurple

    /// Curses colour number; -1 is the terminal's default colour (use_default_colors).
    /// `nil` means the depth cannot show this hue (only gray on 8 colours) and the
    /// style falls back to the default colour plus `dim`.
    func index(at depth: ColorDepth) -> Int16? {
        switch depth {
        case .monochrome:
            return -1
        case .colors8:
            switch self {
            case .terminalDefault: return -1
            case .black: return 0
            case .red, .vermillion, .orange: return 1
            case .green: return 2
            case .yellow, .okabeYellow: return 3
            case .blue, .okabeBlue: return 4
            case .magenta, .reddishPurple: return 5
            case .cyan, .skyBlue: return 6
            case .white, .brightWhite: return 7
            case .gray: return nil
            }
        case .colors16:
            switch self {
            case .terminalDefault: return -1
            case .black: return 0
            case .red: return 1
            case .vermillion, .orange: return 9
            case .green: return 2
            case .yellow: return 3
            case .okabeYellow: return 11
            case .blue: return 4
            case .okabeBlue: return 12
            case .magenta: return 5
            case .reddishPurple: return 13
            case .cyan: return 6
            case .skyBlue: return 14
            case .white: return 7
            case .brightWhite: return 15
            case .gray: return 8
            }
        case .colors256:
            switch self {
            case .terminalDefault: return -1
            case .black: return 16
            case .red: return 160
            case .green: return 34
            case .yellow: return 178
            case .blue: return 25
            case .magenta: return 170
            case .cyan: return 37
            case .white: return 252
            case .brightWhite: return 231
            case .gray: return 244
            case .orange: return 208        // #ff8700, Okabe–Ito orange #E69F00 / vermillion mix
            case .vermillion: return 166    // #d75f00 ≈ #D55E00
            case .skyBlue: return 74        // #5fafd7 ≈ #56B4E9
            case .okabeBlue: return 32      // #0087d7 ≈ #0072B2, lighter for dark backgrounds
            case .okabeYellow: return 221   // #ffd75f ≈ #F0E442
            case .reddishPurple: return 175 // #d787af ≈ #CC79A7
            }
        }
    }
}

/// How one role looks: colour indices (-1 = terminal default) and attributes.
struct RoleStyle: Sendable, Hashable {
    var foreground: Int16
    var background: Int16
    var attributes: TextAttributes
}

/// The resolved role → style table for one theme at one colour depth.
struct Palette: Sendable {
    let theme: TerminalTheme
    let depth: ColorDepth
    private let styles: [RoleStyle]

    init(theme requested: TerminalTheme, depth: ColorDepth) {
        let theme: TerminalTheme = depth == .monochrome ? .mono : requested
        self.theme = theme
        self.depth = theme == .mono ? .monochrome : depth
        let d = self.depth
        styles = Role.allCases.map { role in
            if theme == .mono { return RoleStyle(foreground: -1, background: -1, attributes: Palette.monoAttributes(role)) }
            let (fg, bg, attrs) = Palette.colorSpec(role, colorblind: theme == .colorblind)
            var attributes = attrs
            let fgIndex = fg.index(at: d)
            let bgIndex = bg.index(at: d)
            if fgIndex == nil { attributes.insert(.dim) }
            return RoleStyle(foreground: fgIndex ?? -1, background: bgIndex ?? -1, attributes: attributes)
        }
    }

    func style(_ role: Role) -> RoleStyle { styles[Int(role.rawValue)] }

    /// Curses colour pair number for a role: one pair per role, 0 in monochrome.
    func pairNumber(_ role: Role) -> Int16 { depth == .monochrome ? 0 : Int16(role.rawValue) + 1 }

    /// Monochrome: what distinguishes roles without colour. Status words and glyphs carry
    /// the meaning; these keep selection, failures and alerts visibly apart.
    static func monoAttributes(_ role: Role) -> TextAttributes {
        switch role {
        case .normal, .border, .pass, .partial, .medium: return []
        case .muted, .notApplicable, .waived, .unknown, .low, .barEmpty: return [.dim]
        case .header: return [.reverse, .bold]
        case .title: return [.bold, .underline]
        case .selected, .statusLine: return [.reverse]
        case .accent, .prompt, .high, .barFilled: return [.bold]
        case .fail: return [.bold]
        case .critical: return [.bold, .underline]
        case .stale: return [.reverse, .bold]
        case .info, .changed: return [.underline]
        }
    }

    static func colorSpec(_ role: Role, colorblind cb: Bool) -> (Hue, Hue, TextAttributes) {
        switch role {
        case .normal: return (.terminalDefault, .terminalDefault, [])
        case .muted: return (.gray, .terminalDefault, [])
        case .header: return (.brightWhite, .blue, [.bold])
        case .title: return (.cyan, .terminalDefault, [.bold])
        case .border: return (.gray, .terminalDefault, [])
        // Reverse works on light and dark backgrounds alike and keeps the row's text colour.
        case .selected: return (.terminalDefault, .terminalDefault, [.reverse])
        case .accent: return (cb ? .okabeYellow : .yellow, .terminalDefault, [.bold])
        case .pass: return (cb ? .okabeBlue : .green, .terminalDefault, [])
        case .partial: return (cb ? .okabeYellow : .yellow, .terminalDefault, [])
        case .fail: return (cb ? .orange : .red, .terminalDefault, [.bold])
        case .unknown: return (cb ? .reddishPurple : .magenta, .terminalDefault, [])
        case .notApplicable: return (.gray, .terminalDefault, [])
        case .waived: return (cb ? .skyBlue : .cyan, .terminalDefault, [])
        case .critical: return (.brightWhite, cb ? .vermillion : .red, [.bold])
        case .high: return (cb ? .orange : .red, .terminalDefault, [])
        case .medium: return (cb ? .okabeYellow : .yellow, .terminalDefault, [])
        case .low: return (cb ? .skyBlue : .cyan, .terminalDefault, [])
        case .barFilled: return (cb ? .okabeBlue : .green, .terminalDefault, [])
        case .barEmpty: return (.gray, .terminalDefault, [])
        case .stale: return (.black, cb ? .okabeYellow : .yellow, [.bold])
        case .info: return (.black, .cyan, [])
        case .statusLine: return (.black, .white, [])
        case .prompt: return (.terminalDefault, .terminalDefault, [.bold])
        case .changed: return (cb ? .reddishPurple : .magenta, .terminalDefault, [.bold])
        }
    }
}
