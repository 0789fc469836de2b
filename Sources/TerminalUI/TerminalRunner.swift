#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PostureViews

/// How the console terminal is set up.
public struct TerminalOptions: Sendable {
    public var theme: TerminalTheme
    /// Write only printable ASCII (box drawing → `+-|`, blocks → `#`, others → `?`).
    /// Forced on when the locale is not UTF-8.
    public var ascii: Bool
    /// `.monochrome` forces attributes only; `.auto` detects (and honours NO_COLOR).
    public var colors: ColorMode
    /// Raw mode: Ctrl-C, Ctrl-\ and Ctrl-Z reach the program as `.ctrl` keys instead of
    /// raising signals (for a kiosk that decides itself what may end it).
    public var rawInput: Bool
    /// How long one wait for a key lasts; bounds the latency of ticks and signal handling.
    public var inputTimeoutMilliseconds: Int32
    /// Where NO_COLOR and TERM are read from.
    public var environment: [String: String]

    public init(theme: TerminalTheme = .default, ascii: Bool = false, colors: ColorMode = .auto,
                rawInput: Bool = false, inputTimeoutMilliseconds: Int32 = 250,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.theme = theme
        self.ascii = ascii
        self.colors = colors
        self.rawInput = rawInput
        self.inputTimeoutMilliseconds = max(10, inputTimeoutMilliseconds)
        self.environment = environment
    }
}

/// Thrown by `TerminalRunner.run` after the terminal was restored because a signal
/// (SIGINT, SIGTERM, SIGHUP, SIGQUIT) ended the session. Exit with `exitStatus`.
public struct TerminalSignalExit: Error, CustomStringConvertible, Equatable {
    public let signal: Int32
    /// The shell convention for "ended by signal N": 128 + N.
    public var exitStatus: Int32 { 128 + signal }
    public var description: String { "terminated by \(SignalTrap.name(of: signal))" }
}

/// Owns the terminal while a ConsoleProgram runs: render, blit the difference, wait for
/// a key (or the timeout), hand it to the program, apply its effects. The terminal is
/// restored on every way out: `.quit`, a thrown error, and the trapped signals.
public final class TerminalRunner {
    public let options: TerminalOptions

    public init(options: TerminalOptions) { self.options = options }

    /// Runs until the program asks to quit. Throws `TerminalError` if there is no usable
    /// terminal and `TerminalSignalExit` if a signal ended the session.
    public func run(_ program: ConsoleProgram) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        LocaleProbe.adoptUserLocale()
        let utf8 = LocaleProbe.isUTF8()
        // Trap before newterm: curses installs its own SIGINT/SIGTERM handlers only where
        // the disposition is still the default.
        let trap = SignalTrap()
        defer { trap.restore() }
        // Own FILE streams on duplicates of fd 0/1: curses buffers its output separately
        // from the process's stdout, and closing them leaves fd 0/1 open.
        guard let output = fdopen(dup(STDOUT_FILENO), "w") else { throw TerminalError.notATerminal }
        defer { fclose(output) }
        guard let input = fdopen(dup(STDIN_FILENO), "r") else { throw TerminalError.notATerminal }
        defer { fclose(input) }
        let session = try CursesSession(
            termType: nil, output: output, input: input, utf8: utf8, theme: options.theme,
            colorMode: options.colors, rawInput: options.rawInput,
            inputTimeoutMilliseconds: options.inputTimeoutMilliseconds, environment: options.environment)
        defer { session.close() }
        var blitter = Blitter(filter: GlyphFilter(ascii: options.ascii || !utf8))
        try Self.loop(program, session: session, blitter: &blitter, trap: trap)
    }

    static func loop(_ program: ConsoleProgram, session: CursesSession, blitter: inout Blitter, trap: SignalTrap) throws {
        var needsRender = true
        while true {
            if let signo = trap.take() { throw TerminalSignalExit(signal: signo) }
            if needsRender {
                let frame = program.render(width: session.columns, height: session.rows)
                blitter.blit(frame, to: session)
                needsRender = false
            }
            let key = session.readKey()
            if let signo = trap.take() { throw TerminalSignalExit(signal: signo) }
            var effects: [ConsoleEffect] = []
            if let key {
                if key == .resize {
                    // curses has already resized stdscr; repaint everything at the new size.
                    session.clearAll()
                    blitter.invalidate()
                }
                effects = program.handle(key, now: Date())
                needsRender = true
            }
            if program.tick(now: Date()) { needsRender = true }
            for effect in effects {
                switch effect {
                case .quit:
                    return
                case .forceRedraw:
                    session.clearAll()
                    blitter.invalidate()
                    needsRender = true
                case .bell:
                    session.beep()
                }
            }
        }
    }
}
