import Foundation
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
    let p = Process()
    p.executableURL = TestPaths.binary
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    if let cwd { p.currentDirectoryURL = cwd }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
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

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "-S", socket, "-f", "/dev/null"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }
    func sendLiteral(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }
    func capture() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }
    func resize(width: Int, height: Int) throws { try tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)]) }

    var isAlive: Bool { sessionExists() }

    private func sessionExists() -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tmux", "-S", socket, "has-session", "-t", name]
        p.standardOutput = Pipe(); p.standardError = Pipe()
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
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
