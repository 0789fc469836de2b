import ArgumentParser
import Foundation
import PostureModel
import PostureOutput
import PostureStore
import PostureViews

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print one pane of the console as plain text, Markdown or JSON, without a terminal.",
        discussion: """
        Text output is byte-identical to what `x` writes in the console for the same snapshot, width and height: the frame the operator sees, without the status line, trailing spaces and blank lines trimmed. --all-rows prints every row of a list (what `X` writes). Markdown and JSON always carry every row.

        With no store configured, the bundled demo snapshots are used, as in the console.
        Testing aid: AKSPOSTURE_NOW=2026-11-29T03:00:00Z (or the hidden --now) fixes the clock that ages and STALE badges are computed against, so exports are reproducible.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Pane: overview, auth, ident, net, sec, hard, identities, network, secrets, history, clusters or a check id (check:AUTH-01 or AUTH-01).", valueName: "view"))
    var view: String
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Cluster (name or id) when the store holds several.") var cluster: String?
    @Option(help: ArgumentHelp("Snapshot id, or latest.", valueName: "id")) var snapshot: String = "latest"
    @Option(help: "Columns.") var width: Int = ExportLayout.defaultWidth
    @Option(help: "Rows of the console frame the text export is cut from.") var height: Int = ExportLayout.defaultHeight
    @Option(help: "text, markdown or json.") var format: ExportFormatOption = .text
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write to FILE (created 0600) instead of standard output ('-').", valueName: "file"))
    var output: String = "-"
    @Flag(help: "Replace namespace, workload, identity, secret and IP names with stable short hashes.") var redact = false
    @Flag(help: "Plain ASCII only (config key ascii).") var ascii = false
    @Flag(help: "Every row of a list, not only those that fit the height (text format).") var allRows = false
    @Option(help: ArgumentHelp("Mark the data STALE when the newest snapshot is older than this (config key stale-after; default 1h).", valueName: "duration"))
    var staleAfter: String?
    @Option(help: .hidden) var now: String?

    enum ExportFormatOption: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    func validate() throws {
        guard ExportCommand.pane(view) != nil else { throw ValidationError("unknown view '\(TerminalText.sanitize(view))'") }
        guard (20...1000).contains(width) else { throw ValidationError("--width must be between 20 and 1000") }
        guard (5...1000).contains(height) else { throw ValidationError("--height must be between 5 and 1000") }
    }

    static func pane(_ name: String) -> PaneID? {
        let n = name.lowercased().hasPrefix("check:") ? String(name.dropFirst(6)) : name
        return PaneID(name: n)
    }

    func run() throws {
        let clock = try FixedClock.resolve(flag: now)
        var overrides = storeOptions.overrides
        if ascii { overrides["ascii"] = "true" }
        if let staleAfter { overrides["stale-after"] = staleAfter }
        let context = try RunContext.resolve(global, overrides: overrides)
        let store = try ViewerStore.open(context)
        var reader: PostureReader = store
        let clusters = try store.clusters()
        var chosenCluster = cluster
        if let c = cluster, !clusters.contains(where: { $0.name == c || $0.key == c.lowercased() || $0.name.lowercased() == c.lowercased() }) {
            throw CLIError("no cluster named '\(TerminalText.sanitize(c))' in the store (have: \(clusters.map { TerminalText.sanitize($0.name) }.joined(separator: ", ")))")
        }
        if snapshot.lowercased() != "latest" {
            guard let id = Int64(snapshot) else { throw ValidationError("--snapshot takes a snapshot id or 'latest'") }
            guard let owner = try clusters.first(where: { c in try store.snapshots(clusterID: c.id).contains { $0.id == id } }) else {
                throw CLIError("no snapshot \(id) in the store (see `aksposture history`)")
            }
            if let c = cluster, owner.name != c, owner.key != c.lowercased() {
                throw CLIError("snapshot \(id) belongs to cluster \(TerminalText.sanitize(owner.name)), not \(TerminalText.sanitize(c))")
            }
            chosenCluster = owner.key
            reader = SnapshotPinnedReader(reader, clusterID: owner.id, snapshotID: id)
        }
        if redact { reader = RedactingReader(reader, key: ProcessInfo.processInfo.environment["AKSPOSTURE_REDACT_KEY"] ?? "") }
        let options = ConsoleOptions(mode: .interactive, ascii: context.configuration.ascii, staleAfter: context.configuration.staleAfter.seconds,
                                     initialCluster: chosenCluster)
        let text = try exportPane(ExportCommand.pane(view)!, reader: reader, options: options, format: ExportFormat(rawValue: format.rawValue)!,
                                  width: width, height: height, allRows: allRows, now: clock ?? Date())
        if output == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            try ExportFiles.write(text, to: URL(fileURLWithPath: (output as NSString).expandingTildeInPath), exclusive: false)
        }
    }
}

/// A fixed clock for reproducible exports and golden tests: `--now` or `AKSPOSTURE_NOW`
/// (ISO 8601, e.g. `2026-11-29T03:00:00Z`). Not for production use.
enum FixedClock {
    static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Date? {
        guard let text = flag ?? environment["AKSPOSTURE_NOW"], !text.isEmpty else { return nil }
        guard let d = ISO8601DateFormatter().date(from: text) else { throw CLIError("invalid time '\(TerminalText.sanitize(text))' (use e.g. 2026-11-29T03:00:00Z)") }
        return d
    }
}

/// Runs a console program against a fixed clock (see `FixedClock`).
final class FixedClockProgram: ConsoleProgram {
    let base: ConsoleProgram
    let now: Date
    init(_ base: ConsoleProgram, now: Date) { self.base = base; self.now = now }
    func handle(_ key: Key, now _: Date) -> [ConsoleEffect] { base.handle(key, now: now) }
    func tick(now _: Date) -> Bool { base.tick(now: now) }
    func render(width: Int, height: Int) -> Screen { base.render(width: width, height: height) }
}

/// Where `x` and `X` put their files, and how: 0600, never over an existing file.
enum ExportFiles {
    /// `--export-dir` or the `export-dir` setting, else `$XDG_STATE_HOME/aksposture/exports`,
    /// else `~/aksposture-exports`.
    static func directory(_ context: RunContext) -> URL {
        if context.effective.source(of: "export-dir") != .default {
            return URL(fileURLWithPath: context.configuration.exportDir)
        }
        return directory(explicit: nil, environment: context.environment)
    }

    static func directory(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let e = explicit, !e.isEmpty { return URL(fileURLWithPath: (e as NSString).expandingTildeInPath) }
        if let s = environment["XDG_STATE_HOME"], s.hasPrefix("/") {
            return URL(fileURLWithPath: s).appendingPathComponent("aksposture/exports")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent("aksposture-exports")
    }

    /// The sink handed to the console: writes `<stem>.txt` (or `<stem>-2.txt`, … when taken)
    /// and returns the path for the status line.
    static func sink(directory: URL) -> ExportSink {
        let dir = directory
        return { stem, text in
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for n in 1...1000 {
                let url = dir.appendingPathComponent(stem + (n == 1 ? "" : "-\(n)") + ".txt")
                do {
                    try write(text, to: url, exclusive: true)
                    return url.path
                } catch let e as ExportFileError where e.exists {
                    continue
                }
            }
            throw CLIError("no free file name for \(stem) in \(dir.path)")
        }
    }

    struct ExportFileError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var exists: Bool { code == EEXIST }
        var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
    }

    /// Creates the file 0600 (`exclusive`: fails when it exists) and writes all of `text`.
    static func write(_ text: String, to url: URL, exclusive: Bool) throws {
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let fd = open(url.path, flags, 0o600)
        guard fd >= 0 else { throw ExportFileError(path: url.path, code: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExportFileError(path: url.path, code: errno)
            }
            written += n
        }
    }
}
