import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a command produced no usable output. `detail` is one line, credentials masked.
struct CommandFailure: Error, Sendable, Equatable {
    var detail: String
}

/// Runs one external program with an argument array (never through a shell), stdin closed,
/// stdout streamed into a file and stderr kept only for the failure detail.
struct CommandRunner: Sendable {
    var environment: [String: String]
    var timeout: TimeInterval
    /// Directory for the runner's own scratch files (stderr captures). Always cleaned up.
    var scratchDirectory: URL
    /// How long `capture` waits, after the tool ended, for whatever it started to close its output.
    var outputGrace: TimeInterval = 10

    /// The executable `name` on the environment's `PATH` (not the collector process's own),
    /// so tests and callers decide which `az`/`kubectl` run.
    func locate(_ name: String) -> URL? {
        let path = environment["PATH"] ?? ""
        for dir in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(dir), isDirectory: true).appendingPathComponent(name)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }

    /// Runs `argv` (argv[0] is looked up on PATH) writing stdout to `stdoutFile`, which the caller
    /// owns and must remove on failure. Succeeds only on exit status 0 within the timeout.
    func run(_ argv: [String], stdoutFile: URL) -> Result<Void, CommandFailure> {
        guard FileManager.default.createFile(atPath: stdoutFile.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let out = try? FileHandle(forWritingTo: stdoutFile) else {
            return .failure(CommandFailure(detail: "cannot create output file in \(stdoutFile.deletingLastPathComponent().path)"))
        }
        defer { try? out.close() }
        return execute(argv, stdout: out)
    }

    /// Runs `argv` with stdout kept in memory, for output that must not touch the disk as printed
    /// (`kubectl get secrets` prints Secret values).
    func capture(_ argv: [String]) -> Result<JSONBuffer, CommandFailure> {
        let pipe = Pipe()
        nonisolated(unsafe) var output: Result<JSONBuffer, any Error> = .failure(CommandFailure(detail: "no output"))
        let drained = DispatchSemaphore(value: 0)
        let abandon = NSLock()
        nonisolated(unsafe) var abandoned = false
        let tool = argv.first ?? "command"
        // Drained while the tool runs: a full pipe would stop it.
        DispatchQueue.global().async {
            output = Result {
                try JSONBuffer.read(fd: pipe.fileHandleForReading.fileDescriptor, displayName: tool,
                                    giveUp: { abandon.withLock { abandoned } })
            }
            drained.signal()
        }
        let result = execute(argv, stdout: pipe)
        try? pipe.fileHandleForWriting.close()
        if drained.wait(timeout: .now() + outputGrace) == .timedOut {
            // Something the tool started still holds the pipe open after the tool ended.
            abandon.withLock { abandoned = true }
            drained.wait()
            try? pipe.fileHandleForReading.close()
            return .failure(CommandFailure(detail: "\(tool) left its output open after exiting"))
        }
        try? pipe.fileHandleForReading.close()
        if case .failure(let f) = result { return .failure(f) }
        switch output {
        case .success(let buffer): return .success(buffer)
        case .failure: return .failure(CommandFailure(detail: "cannot read \(tool) output"))
        }
    }

    /// `stdout` is a FileHandle or a Pipe.
    private func execute(_ argv: [String], stdout: Any) -> Result<Void, CommandFailure> {
        guard let tool = argv.first else { return .failure(CommandFailure(detail: "empty command")) }
        guard let executable = locate(tool) else {
            return .failure(CommandFailure(detail: "\(tool) not found on PATH"))
        }
        let fm = FileManager.default
        let stderrFile = scratchDirectory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        guard fm.createFile(atPath: stderrFile.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let err = try? FileHandle(forWritingTo: stderrFile)
        else {
            try? fm.removeItem(at: stderrFile)
            return .failure(CommandFailure(detail: "cannot create a scratch file in \(scratchDirectory.path)"))
        }
        defer {
            try? err.close()
            try? fm.removeItem(at: stderrFile)
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return .failure(CommandFailure(detail: ErrorText.oneLine("cannot run \(tool): \(error)")))
        }

        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        }
        if timedOut {
            return .failure(CommandFailure(detail: "\(tool) timed out after \(Int(timeout.rounded())) s"))
        }
        let status = process.terminationStatus
        if process.terminationReason == .exit, status == 0 { return .success(()) }

        let stderrText = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        if let line = ErrorText.summary(ofStderr: stderrText) { return .failure(CommandFailure(detail: line)) }
        if process.terminationReason == .uncaughtSignal {
            return .failure(CommandFailure(detail: "\(tool) was killed by signal \(status)"))
        }
        return .failure(CommandFailure(detail: "\(tool) exited with status \(status)"))
    }
}

/// Turns a tool's stderr into the one-line failure detail stored in `collected.json`.
enum ErrorText {
    /// The line that explains the failure: the first line that starts with `error` (az prints
    /// `ERROR: …`, kubectl `error: …` after klog noise), else the first non-empty line.
    static func summary(ofStderr text: String) -> String? {
        let lines = text.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let chosen = lines.first(where: { $0.lowercased().hasPrefix("error") }) ?? lines.first else { return nil }
        return oneLine(chosen)
    }

    /// One line, no control or bidi characters, secrets masked, at most 300 characters.
    static func oneLine(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s == "\n" || s == "\r" || s == "\t" { scalars.append(" "); continue }
            if isControlOrBidi(s) { continue }
            scalars.append(s)
        }
        var line = mask(String(scalars)).trimmingCharacters(in: .whitespaces)
        if line.count > 300 { line = String(line.prefix(299)) + "…" }
        return line
    }

    static func isControlOrBidi(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: return true
        default: return false
        }
    }

    private static let masks: [(pattern: String, template: String)] = [
        // Authorization headers and bearer tokens.
        (#"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"#, "$1 ***"),
        // JSON Web Tokens anywhere.
        (#"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"#, "***"),
        // key=value / key: value for credential-looking keys (quoted or not).
        (#"(?i)\b([A-Za-z0-9_-]*(?:password|passwd|pwd|secret|token|apikey|api[_-]key|accountkey|account[_-]key|sharedaccesskey|sig|signature|credential)s?)("?\s*[=:]\s*"?)[^\s"',;&]+"#, "$1$2***"),
        // Long opaque strings (keys, SAS blobs). GUIDs (36) and ARM ids (contain '/') are kept.
        (#"[A-Za-z0-9+_=-]{40,}"#, "***"),
    ]

    static func mask(_ text: String) -> String {
        var result = text
        for (pattern, template) in masks {
            guard let re = try? NSRegularExpression(pattern: pattern) else { continue }
            let range = NSRange(result.startIndex..., in: result)
            result = re.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }
}
