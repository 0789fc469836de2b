#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import XCTest

/// Runs an executable on the slave side of a fresh pseudo-terminal and records every byte
/// it writes. posix_spawn (not fork) keeps the multi-threaded test process safe.
final class PtyProcess {
    let pid: pid_t
    private(set) var master: Int32
    private(set) var output: [UInt8] = []
    private(set) var reachedEOF = false
    private var exitStatus: Int32?

    init(executable: String, arguments: [String], environment: [String: String],
         rows: UInt16 = 24, columns: UInt16 = 80) throws {
        var masterFD: Int32 = -1, slaveFD: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&masterFD, &slaveFD, nil, nil, &size) == 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        _ = fcntl(masterFD, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for target in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            posix_spawn_file_actions_adddup2(&actions, slaveFD, target)
        }
        posix_spawn_file_actions_addclose(&actions, slaveFD)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc ≥ 2.26; hidden behind _GNU_SOURCE in the Swift
        // overlay): a new session, so the probe can take the pty as controlling terminal.
        posix_spawnattr_setflags(&attributes, Int16(0x80))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        close(slaveFD)
        guard rc == 0 else {
            close(masterFD)
            throw POSIXError(.init(rawValue: rc) ?? .EIO)
        }
        pid = child
        master = masterFD
    }

    deinit {
        if exitStatus == nil { kill(pid, SIGKILL); _ = waitForExit(timeout: 2) }
        if master >= 0 { close(master) }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(master, $0.baseAddress, $0.count) }
    }

    func resize(rows: UInt16, columns: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Closing the master is what sshd does when the connection drops: the kernel hangs
    /// up the slave and sends SIGHUP to the session's controlling process.
    func closeMaster() {
        if master >= 0 { close(master); master = -1 }
    }

    /// Reads what is available within `milliseconds`; false once the slave side is gone.
    @discardableResult
    func pump(milliseconds: Int32) -> Bool {
        guard master >= 0, !reachedEOF else { return false }
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, milliseconds)
        guard ready > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
        if n > 0 { output.append(contentsOf: buffer[0..<n]); return true }
        if n < 0 && errno == EINTR { return true }
        reachedEOF = true   // EIO once every slave descriptor is closed
        return false
    }

    /// Reads until `condition` holds or the deadline passes; returns whether it held.
    @discardableResult
    func read(until condition: () -> Bool, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            if !pump(milliseconds: 50) { return condition() }
        }
        return true
    }

    /// Reads until nothing arrives for `quiet` seconds (the frame is complete).
    func readUntilQuiet(_ quiet: TimeInterval = 0.4, timeout: TimeInterval = 10) {
        let deadline = Date().addingTimeInterval(timeout)
        var lastCount = output.count
        var lastChange = Date()
        while Date() < deadline {
            guard pump(milliseconds: 50) else { return }
            if output.count != lastCount {
                lastCount = output.count
                lastChange = Date()
            } else if Date().timeIntervalSince(lastChange) >= quiet {
                return
            }
        }
    }

    func readToEOF(timeout: TimeInterval = 10) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, pump(milliseconds: 50) {}
    }

    /// The raw wait status, or nil if the process is still running after `timeout`.
    func waitForExit(timeout: TimeInterval = 10) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { exitStatus = status; return status }
            if r < 0 { return nil }
            // Keep draining so a full pty buffer cannot block the child's exit.
            if master >= 0 && !reachedEOF { pump(milliseconds: 20) } else { usleep(20_000) }
        } while Date() < deadline
        return nil
    }

    func contains(_ needle: String) -> Bool { output.firstRange(of: Array(needle.utf8)) != nil }
}

/// Decoded wait status.
enum ExitKind: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus s: Int32) {
        if s & 0x7f == 0 { self = .exited((s >> 8) & 0xff) } else { self = .signaled(s & 0x7f) }
    }

    var description: String {
        switch self {
        case .exited(let c): return "exited with \(c)"
        case .signaled(let s): return "killed by signal \(s), so nothing restored the terminal"
        }
    }
}

extension Array where Element == UInt8 {
    func firstRange(of needle: [UInt8], from start: Int = 0) -> Range<Int>? {
        guard !needle.isEmpty, count >= needle.count, start <= count - needle.count else { return nil }
        var i = start
        while i <= count - needle.count {
            if self[i] == needle[0] && self[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }

    func lastRange(of needle: [UInt8]) -> Range<Int>? {
        var found: Range<Int>?
        var from = 0
        while let r = firstRange(of: needle, from: from) {
            found = r
            from = r.lowerBound + 1
        }
        return found
    }
}

struct ProbeNotBuilt: Error, CustomStringConvertible {
    let description: String
}

/// Locates the probe executable SwiftPM builds next to the test bundle.
enum ProbeLocator {
    static let name = "aksposture-ttyprobe"

    static func probePath() throws -> String { try executablePath(name) }

    /// `aksposture import BUNDLE --store STORE` with the built binary; its exit status.
    static func importBundle(_ bundle: URL, store: String) throws -> Int32 {
        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: try executablePath("aksposture"))
        importer.arguments = ["import", bundle.path, "--store", store]
        importer.standardOutput = FileHandle.nullDevice
        importer.standardError = FileHandle.nullDevice
        try importer.run()
        importer.waitUntilExit()
        return importer.terminationStatus
    }

    static var packageRoot: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir.deleteLastPathComponent()
        }
        return dir
    }

    /// An executable of this package, built next to the test bundle.
    static func executablePath(_ name: String) throws -> String {
        var candidates: [URL] = [
            Bundle.main.bundleURL,
            URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent(),
        ]
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        for c in candidates {
            let p = c.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw ProbeNotBuilt(description: "\(name) not found (swift test builds it; or run `swift build --product \(name)`); looked in \(candidates.map(\.path))")
    }

    static var environment: [String: String] {
        [
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
    }
}
