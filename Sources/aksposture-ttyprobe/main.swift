// A minimal ConsoleProgram run through the real TerminalRunner, for the pty tests in
// TerminalUITests. It draws hostile cluster-like text through Screen.put, logs every key
// it receives to --log, and exits with the runner's signal status.
//
//   aksposture-ttyprobe [--log PATH] [--raw] [--ascii] [--mono] [--theme NAME] [--take-ctty]
//
// Keys: q quits, x changes one line, b rings the bell, Ctrl-L forces a redraw.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PostureViews
import TerminalUI

final class ProbeProgram: ConsoleProgram {
    /// Escape sequences a hostile label or annotation could carry: a title change, a
    /// screen clear, an OSC 52 clipboard write, a C1 CSI and a bidi override.
    static let hostileText = "ops\u{1b}]0;x\u{07}\u{1b}[2J\u{202e}evil \u{1b}]52;c;Q0FOQVJZ\u{07} \u{9b}31mred"

    private var changes = 0
    private var lastSize = (0, 0)
    private let log: UnsafeMutablePointer<FILE>?

    init(logPath: String?) {
        log = logPath.flatMap { fopen($0, "w") }
    }

    func record(_ line: String) {
        guard let log else { return }
        fputs(line + "\n", log)
        fflush(log)
    }

    func handle(_ key: Key, now: Date) -> [ConsoleEffect] {
        record("key \(key)")
        switch key {
        case .char("q"): return [.quit]
        case .char("x"): changes += 1; return []
        case .char("b"): return [.bell]
        case .ctrl("l"): return [.forceRedraw]
        default: return []
        }
    }

    func tick(now: Date) -> Bool { false }

    func render(width: Int, height: Int) -> Screen {
        if lastSize != (width, height) {
            lastSize = (width, height)
            record("render \(width)x\(height)")
        }
        var screen = Screen(width: width, height: height)
        screen.fill(x: 0, y: 0, width: width, height: 1, role: .header)
        screen.put("aksposture ttyprobe READY", x: 0, y: 0, role: .header)
        screen.put("hostile: " + ProbeProgram.hostileText, x: 0, y: 1, role: .fail)
        screen.put("┌────┐ 中文 CJK ░▒▓█ ✓", x: 0, y: 2, role: .border)
        screen.put("changes: \(changes)", x: 0, y: 4)
        if height > 6 {
            for row in 5..<(height - 1) {
                screen.put("row \(row) " + String(repeating: "·", count: 30), x: 0, y: row,
                           role: row % 2 == 0 ? .muted : .pass)
            }
        }
        screen.fill(x: 0, y: height - 1, width: width, height: 1, role: .statusLine)
        screen.put("END", x: 0, y: height - 1, role: .statusLine)
        return screen
    }
}

var logPath: String?
var options = TerminalOptions()
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--log": logPath = arguments.next()
    case "--raw": options.rawInput = true
    case "--ascii": options.ascii = true
    case "--mono": options.colors = .monochrome
    case "--theme": options.theme = arguments.next().flatMap(TerminalTheme.init(rawValue:)) ?? .default
    case "--take-ctty":
        // Spawned with setsid but with the pty already open: make it our controlling
        // terminal so hangups and SIGWINCH reach us as they would in a login session.
        _ = ioctl(STDIN_FILENO, UInt(TIOCSCTTY), 0)
    default:
        FileHandle.standardError.write(Data("aksposture-ttyprobe: unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

let program = ProbeProgram(logPath: logPath)
do {
    try TerminalRunner(options: options).run(program)
    program.record("exit quit")
    exit(0)
} catch let signalExit as TerminalSignalExit {
    program.record("exit signal \(signalExit.signal)")
    exit(signalExit.exitStatus)
} catch {
    FileHandle.standardError.write(Data("aksposture-ttyprobe: \(error)\n".utf8))
    exit(1)
}
