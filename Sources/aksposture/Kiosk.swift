import ArgumentParser
import Foundation
import PostureModel
import PostureOutput
import PostureScoring
import PostureStore
import PostureViews
import TerminalUI

struct KioskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "A read-only wall screen: rotates through views and clusters, follows new snapshots.",
        discussion: """
        Nothing typed can leave the kiosk or change anything: there are no prompts, exports or cluster switches, and Ctrl-C, Ctrl-\\ and Ctrl-Z are ordinary (ignored) keys. It ends on SIGTERM or SIGINT sent from outside (exit status 128+N, terminal restored), or on the --exit-key chosen at start.
        An unreadable or missing store is shown as an error banner over the last good frame and retried; the kiosk does not exit.
        Example systemd unit line: ExecStart=/usr/local/bin/aksposture kiosk --store /var/lib/aksposture/store.sqlite --cycle 20s --stale-after 30m --redact
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var view: ViewOptions
    @Option(help: ArgumentHelp("How long each view stays on screen, e.g. 20s, 1m (config key kiosk.cycle; default 20s).", valueName: "duration"))
    var cycle: String?
    @Option(help: ArgumentHelp("Views to rotate through, comma-separated: overview, categories, auth, ident, net, sec, hard, identities, network, secrets, history, clusters or check ids (default: the config key kiosk.views, else overview,categories,identities,network,secrets).", valueName: "list"))
    var views: String?
    @Option(help: ArgumentHelp("A key that ends the kiosk: one character, ctrl-<letter> or f<N>. Default: none (signals only).", valueName: "key"))
    var exitKey: String?
    @Flag(help: "Replace namespace, workload, identity, secret and IP names with stable short hashes (for screens visitors see).")
    var redact = false
    @Flag(help: "Stay on one cluster instead of rotating across all clusters of the store.") var singleCluster = false
    @Option(help: ArgumentHelp("How often to look for new snapshots.", valueName: "duration")) var poll: String = "2s"

    static func rotation(_ list: String) throws -> [PaneID] {
        var panes: [PaneID] = []
        for raw in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !raw.isEmpty {
            if raw.lowercased() == "categories" { panes += Category.allCases.map { .category($0) }; continue }
            guard let p = ExportCommand.pane(raw), p != .help else {
                throw ValidationError("unknown view '\(TerminalText.sanitize(raw))' in --views (overview, categories, auth, ident, net, sec, hard, identities, network, secrets, history, clusters, or a check id)")
            }
            panes.append(p)
        }
        if panes.isEmpty { throw ValidationError("--views needs at least one view") }
        return panes
    }

    static let defaultViews = "overview,categories,identities,network,secrets"

    func validate() throws {
        if let views { _ = try KioskCommand.rotation(views) }
        if let k = exitKey, KioskOptions.parseKey(k) == nil {
            throw ValidationError("--exit-key '\(TerminalText.sanitize(k))' is not a key (use one character, ctrl-<letter> or f<N>)")
        }
    }

    func run() throws {
        var overrides = storeOptions.overrides.merging(view.overrides) { a, _ in a }
        if let cycle { overrides["kiosk.cycle"] = cycle }
        let context = try RunContext.resolve(global, overrides: overrides)
        let settings = ViewSettings(context)
        let configuredViews = context.effective.source(of: "kiosk.views") == .default
            ? KioskCommand.defaultViews : context.configuration.kioskViews.map(\.rawValue).joined(separator: ",")
        let reader = try KioskCommand.openReader(context)
        let shown: PostureReader = redact ? RedactingReader(reader, key: context.environment["AKSPOSTURE_REDACT_KEY"] ?? "") : reader
        let options = ConsoleOptions(mode: .kiosk, ascii: settings.ascii, staleAfter: settings.staleAfter,
                                     pollInterval: try Duration.parse(poll), initialCluster: view.cluster)
        let kiosk = KioskOptions(rotation: try KioskCommand.rotation(views ?? configuredViews), interval: context.configuration.kioskCycle.seconds,
                                 acrossClusters: !singleCluster, exitKey: exitKey.flatMap(KioskOptions.parseKey))
        let program = KioskProgram(reader: shown, options: options, kiosk: kiosk, now: Date())
        context.log.info("kiosk: \(context.explicitStorePath?.path ?? "default store or demo"), \(kiosk.rotation.count) views every \(context.configuration.kioskCycle)\(redact ? ", redacted" : "")")
        // Raw input: Ctrl-C/Ctrl-\/Ctrl-Z arrive as keys (ignored), only signals from outside end it.
        let runner = TerminalRunner(options: TerminalOptions(theme: settings.theme, ascii: settings.ascii, rawInput: true))
        do {
            try runner.run(program)
        } catch let exit as TerminalSignalExit {
            throw ExitCode(exit.exitStatus)
        } catch TerminalError.notATerminal {
            throw CLIError("the kiosk needs a terminal on standard input and output; use `aksposture export` for text output")
        }
    }

    /// A configured store is opened lazily and reopened after errors, so a kiosk started
    /// before the first import, or whose store is replaced, keeps running; with none
    /// configured, the demo store.
    static func openReader(_ context: RunContext) throws -> PostureReader {
        if let path = context.explicitStorePath { return RetryingStoreReader(path: path) }
        if FileManager.default.fileExists(atPath: context.storePath.path) { return RetryingStoreReader(path: context.storePath) }
        return try ViewerStore.open(context)
    }
}

/// Opens the store read-only on first use and again after any failure; notices a store file
/// that was deleted or replaced (the open connection would keep reading the old file).
final class RetryingStoreReader: PostureReader {
    let path: URL
    private var store: PostureStore?
    private var inode: UInt64?

    init(path: URL) { self.path = path }

    private func fileIdentity() -> UInt64? {
        var st = stat()
        guard stat(path.path, &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    private func use<T>(_ body: (PostureStore) throws -> T) throws -> T {
        let current = fileIdentity()
        if current == nil || current != inode { store = nil }
        do {
            if store == nil {
                guard current != nil else { throw CLIError("no store at \(path.path) (waiting for the first import)") }
                store = try PostureStore(path: path, readOnly: true)
                inode = current
            }
            return try body(store!)
        } catch {
            store = nil
            throw error
        }
    }

    func clusters() throws -> [ClusterSummary] { try use { try $0.clusters() } }
    func snapshots(clusterID: Int64) throws -> [SnapshotSummary] { try use { try $0.snapshots(clusterID: clusterID) } }
    func snapshot(id: Int64) throws -> Snapshot { try use { try $0.snapshot(id: id) } }
    func snapshotWithoutInventory(id: Int64) throws -> Snapshot { try use { try $0.snapshotWithoutInventory(id: id) } }
    func report(snapshotID: Int64) throws -> ScoreReport? { try use { try $0.report(snapshotID: snapshotID) } }
    func changeToken() throws -> Int64 {
        // a new file is a change even when its counter happens to match
        try use { s in try s.changeToken() &+ Int64(truncatingIfNeeded: inode ?? 0) &* 1_000_003 }
    }
}
