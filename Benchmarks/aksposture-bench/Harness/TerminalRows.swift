#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A program on the slave side of a fresh pseudo-terminal; every byte it writes is counted.
final class PtySession {
    let pid: pid_t
    private var master: Int32
    private(set) var output: [UInt8] = []
    private var exited = false

    init(argv: [String], environment: [String: String], rows: UInt16, columns: UInt16) throws {
        var m: Int32 = -1, s: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&m, &s, nil, nil, &size) == 0 else { throw BenchError("openpty failed") }
        _ = fcntl(m, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] { posix_spawn_file_actions_adddup2(&actions, s, fd) }
        posix_spawn_file_actions_addclose(&actions, s)
        var attrs = posix_spawnattr_t()
        posix_spawnattr_init(&attrs)
        defer { posix_spawnattr_destroy(&attrs) }
        posix_spawnattr_setflags(&attrs, Int16(0x80))  // POSIX_SPAWN_SETSID: the pty becomes its terminal
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, &attrs, cArgs, cEnv)
        close(s)
        guard rc == 0 else { close(m); throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        pid = child
        master = m
    }

    deinit {
        if !exited { kill(pid, SIGKILL); var st: Int32 = 0; waitpid(pid, &st, 0) }
        if master >= 0 { close(master) }
    }

    func send(_ bytes: [UInt8]) { bytes.withUnsafeBytes { _ = write(master, $0.baseAddress, $0.count) } }

    /// Reads what arrives within `ms`; false once the slave side is closed.
    @discardableResult
    func pump(_ ms: Int32) -> Bool {
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, ms) > 0 else { return true }
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if n > 0 { output.append(contentsOf: buf[0..<n]); return true }
        return n < 0 && errno == EINTR
    }

    /// Reads until nothing has arrived for `quiet` seconds (the frame is complete); returns the bytes read.
    func readFrame(quiet: Double = 0.3, timeout: Double = 120) -> Int {
        let start = output.count
        let deadline = monotonicSeconds() + timeout
        var last = output.count, lastChange = monotonicSeconds()
        while monotonicSeconds() < deadline {
            guard pump(50) else { break }
            if output.count != last { last = output.count; lastChange = monotonicSeconds() }
            else if monotonicSeconds() - lastChange >= quiet, output.count > start || monotonicSeconds() - lastChange >= quiet * 3 { break }
        }
        return output.count - start
    }

    func waitExit(timeout: Double = 10) -> Int32? {
        let deadline = monotonicSeconds() + timeout
        var st: Int32 = 0
        while monotonicSeconds() < deadline {
            _ = pump(50)
            if waitpid(pid, &st, WNOHANG) == pid { exited = true; return (st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f) }
        }
        return nil
    }
}

extension Bench {
    // MARK: 5. Terminal bytes

    /// Bytes the real console writes to a 160×48 terminal per one-line scroll of a list, next to
    /// a forced full repaint (Ctrl-L), with the `aksposture` executable under a pseudo-terminal.
    mutating func terminalRows(_ table: inout ResultTable) throws {
        let exe = URL(fileURLWithPath: selfExecutable).deletingLastPathComponent().appendingPathComponent("aksposture").path
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            table.omitted.append("#5 terminal bytes (no aksposture executable next to aksposture-bench; run `swift build -c release --product aksposture`)")
            return
        }
        let store = try viewStore(.S)
        let env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": NSTemporaryDirectory(),
                   "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let pty = try PtySession(argv: [exe, "dashboard", "--store", store, "--pane", "secrets"], environment: env, rows: 48, columns: 160)
        let initial = pty.readFrame(quiet: 0.5)
        guard initial > 0 else { throw BenchError("aksposture dashboard drew nothing under the pseudo-terminal") }
        // Move the selection to the bottom of the visible page first; from there every Down scrolls by one line.
        var perPress: [Int] = []
        for _ in 0..<70 {
            pty.send(Array("j".utf8))
            perPress.append(pty.readFrame(quiet: 0.15, timeout: 10))
        }
        let scrolls = Array(perPress.suffix(20))
        pty.send([0x0C])  // Ctrl-L: forced full repaint
        let repaint = pty.readFrame(quiet: 0.3)
        pty.send(Array("q".utf8))
        let status = pty.waitExit()
        let m = median(scrolls.map(Double.init)), worst = scrolls.max() ?? 0
        table.add(ResultRow(number: 5, figure: "terminal bytes per one-line scroll", scale: "S",
                            measured: String(format: "median %.0f B, max %d B", m, worst), target: "≤ 1.5 KB per scroll",
                            met: Double(worst) <= 1536,
                            note: "aksposture dashboard --pane secrets, 160×48 pty, presses 51-70 of 70 Down; full repaint (Ctrl-L) \(repaint) B, first frame \(initial) B\(status == 0 ? "" : ", exit \(status.map(String.init) ?? "timeout")")"))
    }
}
