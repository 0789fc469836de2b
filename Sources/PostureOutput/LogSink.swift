import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal append-only file logger. It never writes to the terminal (the console owns the
/// screen), keeps the file private to the user (file 0600, directory 0700), and makes control
/// characters visible so one call is always exactly one line. Callers must not pass secrets.
public final class LogSink: @unchecked Sendable {
    public let url: URL
    public let level: LogLevel
    private let clock: @Sendable () -> Date
    private let lock = NSLock()
    private var failure: String?

    public init(url: URL, level: LogLevel, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.url = url; self.level = level; self.clock = clock
    }

    /// `$XDG_STATE_HOME/aksposture/aksposture.log`, else `~/.local/state/aksposture/aksposture.log`.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: BaseDirectories(environment: environment).state + "/aksposture/aksposture.log")
    }

    /// The last reason a line could not be written (the sink stays silent otherwise).
    public var lastFailure: String? { lock.lock(); defer { lock.unlock() }; return failure }

    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }

    public func log(_ messageLevel: LogLevel, _ message: @autoclosure () -> String) {
        guard messageLevel <= level else { return }
        let line = Self.format(date: clock(), level: messageLevel, message: message())
        lock.lock(); defer { lock.unlock() }
        do { try append(line) } catch { failure = "\(error)" }
    }

    static func format(date: Date, level: LogLevel, message: String) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        let tag = level.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)
        return "\(f.string(from: date)) \(tag) \(OutputText.sanitize(message))\n"
    }

    private struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    private func append(_ line: String) throws {
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(dir, 0o700)
        } else if !isDir.boolValue {
            throw WriteError(description: "\(dir) is not a directory")
        }
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw WriteError(description: "cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // A file created earlier with a looser mode (or by another umask) is tightened.
        fchmod(fd, 0o600)
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
