#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcurses
import PostureViews

public enum TerminalError: Error, CustomStringConvertible, Equatable {
    /// stdin or stdout is not a terminal (piped, redirected, or run from cron).
    case notATerminal
    /// curses could not set up the terminal, usually an unknown TERM.
    case cannotInitialize(term: String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "the console needs a terminal on stdin and stdout; use the text export when piping"
        case .cannotInitialize(let term):
            return "cannot initialise the terminal (TERM=\(term.isEmpty ? "<unset>" : term)); try TERM=xterm-256color or TERM=vt100"
        }
    }
}

/// The process locale's character set decides whether anything but ASCII may be written.
public enum LocaleProbe {
    /// Adopts the user's locale (LANG/LC_*) for the whole process, as curses requires.
    public static func adoptUserLocale() { _ = setlocale(LC_ALL, "") }

    public static func isUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).lowercased()
        return name == "utf-8" || name == "utf8"
    }
}

/// One curses SCREEN: created with `newterm`, configured once, closed with `endwin`.
/// Curses is global state: only one session may be open at a time, on one thread.
final class CursesSession {
    private var screen: OpaquePointer?
    private let window: aksp_window
    let palette: Palette
    let utf8: Bool
    private(set) var isOpen = true

    /// - Parameters:
    ///   - termType: nil uses $TERM.
    ///   - output, input: the streams curses writes to and reads from.
    ///   - rawInput: raw mode hands Ctrl-C/Ctrl-\/Ctrl-Z to the program as keys; cbreak
    ///     (default) lets them raise signals, which the runner turns into a clean exit.
    init(termType: String?, output: UnsafeMutablePointer<FILE>, input: UnsafeMutablePointer<FILE>,
         utf8: Bool, theme: TerminalTheme, colorMode: ColorMode, rawInput: Bool,
         inputTimeoutMilliseconds: Int32, environment: [String: String]) throws {
        guard let screen = newterm(termType, output, input) else {
            throw TerminalError.cannotInitialize(term: termType ?? environment["TERM"] ?? "")
        }
        self.screen = screen
        _ = set_term(screen)
        self.utf8 = utf8
        window = aksp_stdscr()

        if rawInput { _ = raw() } else { _ = cbreak() }
        _ = noecho()
        _ = nonl()
        _ = aksp_intrflush(window, 0)
        _ = aksp_keypad(window, 1)
        _ = aksp_leaveok(window, 1)
        _ = curs_set(0)
        // Esc is "back"; the 1 s default would stall every Esc, worst over SSH.
        _ = set_escdelay(25)
        aksp_wtimeout(window, inputTimeoutMilliseconds)
        if !rawInput { CursesSession.disableFlowControl(fileno(input)) }

        var canUseDefaultColors = false
        let hasColors = has_colors()
        // start_color itself writes colour resets; a monochrome session sends none at all.
        let wantsColor = ColorDepth.detect(mode: colorMode, hasColors: hasColors, colors: 256, colorPairs: 256,
                                           environment: environment) != .monochrome
        if hasColors && wantsColor {
            _ = start_color()
            canUseDefaultColors = use_default_colors() == OK
        }
        let depth = wantsColor
            ? ColorDepth.detect(mode: colorMode, hasColors: hasColors, colors: Int(aksp_colors()),
                                colorPairs: Int(aksp_color_pairs()), environment: environment)
            : .monochrome
        palette = Palette(theme: theme, depth: depth)
        if palette.depth != .monochrome {
            for role in Role.allCases {
                let style = palette.style(role)
                var fg = style.foreground, bg = style.background
                if !canUseDefaultColors {
                    if fg < 0 { fg = 7 }
                    if bg < 0 { bg = 0 }
                }
                _ = init_pair(palette.pairNumber(role), fg, bg)
            }
        }
        KeyDecoder.defineExtraSequences()
    }

    deinit { close() }

    /// Ctrl-S would otherwise freeze output (XON/XOFF) until Ctrl-Q: confusing on a wall
    /// display. endwin restores the user's original settings.
    private static func disableFlowControl(_ fd: Int32) {
        var tio = termios()
        guard tcgetattr(fd, &tio) == 0 else { return }
        tio.c_iflag &= ~tcflag_t(IXON)
        guard tcsetattr(fd, TCSANOW, &tio) == 0 else { return }
        _ = def_prog_mode()
    }

    /// Restores the terminal (normal screen, cursor, cooked mode). Idempotent.
    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = endwin()
        if let screen {
            delscreen(screen)
            self.screen = nil
        }
    }

    var rows: Int { Int(aksp_getmaxy(window)) }
    var columns: Int { Int(aksp_getmaxx(window)) }

    /// Waits up to the input timeout for one key; nil on timeout or interrupted read.
    func readKey() -> Key? {
        var value: wint_t = 0
        let status = aksp_wget_wch(window, &value)
        return KeyDecoder.decode(status: status, value: UInt32(value))
    }

    /// Erases the window and makes the next refresh repaint the terminal from scratch.
    func clearAll() { _ = aksp_wclear(window) }

    func erase() { _ = aksp_werase(window) }

    func beep() { _ = CNcurses.beep() }

    /// Headless tests set the size; a real terminal reports it via KEY_RESIZE.
    func resize(rows: Int, columns: Int) { _ = resizeterm(Int32(rows), Int32(columns)) }

    /// Writes one glyph; returns false if curses rejected it (caller writes a fallback).
    @discardableResult
    func put(_ text: String, x: Int, y: Int, role: Role, bold: Bool) -> Bool {
        let style = palette.style(role)
        var attrs = aksp_a_normal()
        if style.attributes.contains(.bold) || bold { attrs |= aksp_a_bold() }
        if style.attributes.contains(.reverse) { attrs |= aksp_a_reverse() }
        if style.attributes.contains(.underline) { attrs |= aksp_a_underline() }
        if style.attributes.contains(.dim) { attrs |= aksp_a_dim() }
        var wide: [wchar_t] = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        let pair = palette.pairNumber(role)
        let result = wide.withUnsafeBufferPointer { aksp_put_cell(window, Int32(y), Int32(x), $0.baseAddress, attrs, pair) }
        // Writing the bottom-right cell returns ERR (the cursor cannot advance) yet stores it.
        return result == OK || (y == rows - 1 && x >= columns - 2)
    }

    /// Sends everything written since the last flush in one optimised update.
    func flush() {
        _ = aksp_wnoutrefresh(window)
        _ = doupdate()
    }

    /// The text curses holds for row y, one character per grapheme (wide ones once).
    func rowText(_ y: Int) -> String {
        var buffer = [wchar_t](repeating: 0, count: columns * Int(aksp_ccharw_max()) + 1)
        let n = buffer.withUnsafeMutableBufferPointer { aksp_read_row(window, Int32(y), $0.baseAddress, Int32($0.count - 1)) }
        guard n != ERR else { return "" }
        var scalars = String.UnicodeScalarView()
        for w in buffer where w != 0 {
            if let u = Unicode.Scalar(UInt32(bitPattern: w)) { scalars.append(u) }
        }
        return String(scalars)
    }

    /// The grapheme curses stores at (x, y) with its attributes and pair.
    func cell(x: Int, y: Int) -> (text: String, attributes: TextAttributes, pair: Int16)? {
        var buffer = [wchar_t](repeating: 0, count: Int(aksp_ccharw_max()) + 1)
        var attrs: attr_t = 0
        var pair: Int16 = 0
        let status = buffer.withUnsafeMutableBufferPointer {
            aksp_read_cell(window, Int32(y), Int32(x), $0.baseAddress, Int32($0.count), &attrs, &pair)
        }
        guard status != ERR else { return nil }
        var scalars = String.UnicodeScalarView()
        for w in buffer { if w == 0 { break }; if let u = Unicode.Scalar(UInt32(bitPattern: w)) { scalars.append(u) } }
        var decoded: TextAttributes = []
        if attrs & aksp_a_bold() != 0 { decoded.insert(.bold) }
        if attrs & aksp_a_reverse() != 0 { decoded.insert(.reverse) }
        if attrs & aksp_a_underline() != 0 { decoded.insert(.underline) }
        if attrs & aksp_a_dim() != 0 { decoded.insert(.dim) }
        return (String(scalars), decoded, pair)
    }
}
