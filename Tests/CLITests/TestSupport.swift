import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Locates the package root and the built `aksposture` binary for end-to-end tests.
enum TestPaths {
    static var packageRoot: URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }

    /// The `aksposture` executable built next to the test bundle.
    static var binary: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("aksposture")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for b in Bundle.allBundles {
            let candidate = b.bundleURL.deletingLastPathComponent().appendingPathComponent("aksposture")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/aksposture")
    }

    static func temporaryDirectory(_ name: String = "aksposture-test") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return dir
    }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the real binary with arguments (no shell) and an environment.
func runAksposture(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    return try runProcess(TestPaths.binary.path, args, environment: env, cwd: cwd)
}

/// Runs an executable (no shell) with stdin closed and collects its output; nil environment
/// inherits the test's.
func runProcess(_ path: String, _ args: [String], environment: [String: String]? = nil, cwd: URL? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let environment { p.environment = environment }
    if let cwd { p.currentDirectoryURL = cwd }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Both pipes at once: a child that fills the stderr pipe (64 KB) while stdout is being read
    // to its end would block forever.
    nonisolated(unsafe) var e = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { e = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// Drives the real program inside tmux: `send-keys` to type, `capture-pane -p` to read.
final class TmuxSession {
    let name: String
    let socket: String

    init(command: [String], width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        guard TmuxSession.available else { throw XCTSkip("tmux is not installed") }
        name = "aksp-\(UUID().uuidString.prefix(8))"
        socket = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(name)").path
        var envArgs: [String] = []
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { envArgs += ["-e", "\(k)=\(v)"] }
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height)] + envArgs + command)
    }

    static var available: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tmux client command. posix_spawn + waitpid rather than Foundation.Process: the
    /// first command starts the tmux server, which inherits the client's descriptors, and
    /// Process was seen to leave that client unreaped (waitUntilExit never returned).
    @discardableResult
    func tmux(_ args: [String], captureOutput: Bool = false) throws -> String {
        try spawnAndWait(["/usr/bin/env", "tmux", "-S", socket, "-f", "/dev/null"] + args, captureOutput: captureOutput)
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }
    func sendLiteral(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }
    func capture() throws -> String { try tmux(["capture-pane", "-p", "-t", name], captureOutput: true) }
    func resize(width: Int, height: Int) throws { try tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)]) }

    var isAlive: Bool { sessionExists() }

    private func sessionExists() -> Bool {
        (try? spawnAndWait(["/usr/bin/env", "tmux", "-S", socket, "has-session", "-t", name], captureOutput: false, requireSuccess: true)) != nil
    }

    /// Polls the pane until `predicate` holds, up to `timeout` seconds; returns the last capture.
    @discardableResult
    func waitFor(timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try capture()
            if predicate(last) { return last }
            usleep(100_000)
        }
        XCTFail("timed out waiting for the screen; last capture:\n\(last)", file: file, line: line)
        return last
    }

    func kill() { _ = try? tmux(["kill-server"]) }
    deinit { kill(); try? FileManager.default.removeItem(atPath: socket) }
}

struct SpawnError: Error, CustomStringConvertible {
    var description: String
}

/// Runs a program (no shell) with stdin and stderr on /dev/null; returns stdout when captured
/// (into a temporary file, so a daemon that keeps the descriptor open cannot block the read).
@discardableResult
func spawnAndWait(_ argv: [String], captureOutput: Bool, requireSuccess: Bool = false) throws -> String {
    let outPath = captureOutput ? FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString)").path : "/dev/null"
    defer { if captureOutput { unlink(outPath) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for a in cargs { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
    guard rc == 0 else { throw SpawnError(description: "cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exited = (status & 0x7f) == 0
    let code = (status >> 8) & 0xff
    if requireSuccess && !(exited && code == 0) { throw SpawnError(description: "\(argv.joined(separator: " ")) exited \(code)") }
    return captureOutput ? ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "") : ""
}
