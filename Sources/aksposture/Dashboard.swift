import ArgumentParser
import Foundation
import PostureModel
import PostureOutput
import PostureScoring
import PostureStore
import PostureViews
import TerminalUI

/// Options shared by the console and the kiosk. Unset, each comes from the configuration.
struct ViewOptions: ParsableArguments {
    @Option(help: "Cluster to show first (name or id).") var cluster: String?
    @Option(help: "Colour theme: default, colorblind or mono (config key theme; NO_COLOR selects mono).") var theme: TerminalTheme?
    @Flag(help: "ASCII glyphs and line drawing (automatic in a non-UTF-8 locale).") var ascii = false
    @Option(help: ArgumentHelp("Show a STALE badge when the newest snapshot is older than this (config key stale-after; default 1h).", valueName: "duration"))
    var staleAfter: String?

    var overrides: [String: String] {
        var o: [String: String] = [:]
        if let theme { o["theme"] = theme.rawValue }
        if ascii { o["ascii"] = "true" }
        if let staleAfter { o["stale-after"] = staleAfter }
        return o
    }
}

/// What a viewer shows with, after flags and configuration are merged.
struct ViewSettings {
    var theme: TerminalTheme
    var ascii: Bool
    var staleAfter: TimeInterval

    init(_ context: RunContext) {
        let c = context.configuration
        theme = TerminalTheme(rawValue: c.theme.rawValue) ?? .default
        ascii = c.ascii || !terminalIsUTF8()
        staleAfter = c.staleAfter.seconds
    }
}

extension TerminalTheme: ExpressibleByArgument {}

/// Where a viewer reads from: the configured store, or the bundled demo when none is configured.
enum ViewerStore {
    static func open(_ context: RunContext) throws -> PostureStore {
        if let path = context.explicitStorePath {
            guard FileManager.default.fileExists(atPath: path.path) else {
                throw CLIError("no store at \(path.path); create one with `aksposture import BUNDLE --store \(path.path)` or `aksposture collect`")
            }
            return try context.openStore(readOnly: true)
        }
        let defaultPath = context.storePath
        if FileManager.default.fileExists(atPath: defaultPath.path) {
            return try context.openStore(readOnly: true)
        }
        guard let demo = DemoStore.locateSnapshots() else {
            throw CLIError("no store at \(defaultPath.path) and no demo snapshots found; run `aksposture collect` or `aksposture import BUNDLE` first")
        }
        return try DemoStore.open(snapshots: demo, scorer: try context.makeScorer())
    }
}

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The interactive console (the default command).",
        discussion: "With no store configured (no --store, no AKSPOSTURE_STORE, no default store file), the bundled demo snapshots are opened. Press ? inside for the keys.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var view: ViewOptions
    @Option(help: ArgumentHelp("Pane to open: overview, auth, ident, net, sec, hard, identities, network, secrets, history, clusters or a check id.", valueName: "pane"))
    var pane: String = "overview"
    @Option(help: ArgumentHelp("Where x and X write (config key export-dir; default: $XDG_STATE_HOME/aksposture/exports, else ~/aksposture-exports).", valueName: "dir"))
    var exportDir: String?

    func run() throws {
        guard let initial = PaneID(name: pane) else { throw ValidationError("unknown pane '\(pane)'") }
        var overrides = storeOptions.overrides.merging(view.overrides) { a, _ in a }
        if let exportDir { overrides["export-dir"] = exportDir }
        let context = try RunContext.resolve(global, overrides: overrides)
        let store = try ViewerStore.open(context)
        let settings = ViewSettings(context)
        var options = ConsoleOptions(mode: .interactive, ascii: settings.ascii, staleAfter: settings.staleAfter,
                                     initialCluster: view.cluster, initialPane: initial,
                                     exportSink: ExportFiles.sink(directory: ExportFiles.directory(context)))
        options.announceSlowLoads = true
        let clock = try FixedClock.resolve(flag: nil)
        let app = ConsoleApp(reader: store, options: options, now: clock ?? Date())
        context.log.info("dashboard: \(context.explicitStorePath?.path ?? "default store or demo")")
        try runInTerminal(clock.map { FixedClockProgram(app, now: $0) } ?? app, theme: settings.theme, ascii: settings.ascii)
    }
}

/// Runs a console program in the terminal; a signal that ended it becomes the exit status.
func runInTerminal(_ program: ConsoleProgram, theme: TerminalTheme, ascii: Bool) throws {
    let runner = TerminalRunner(options: TerminalOptions(theme: theme, ascii: ascii))
    do {
        try runner.run(program)
    } catch let exit as TerminalSignalExit {
        throw ExitCode(exit.exitStatus)
    } catch TerminalError.notATerminal {
        throw CLIError("standard input/output is not a terminal; use `aksposture export` for text output")
    }
}

/// Whether the user's locale can show anything but ASCII (decided before the views pick glyphs).
func terminalIsUTF8() -> Bool {
    LocaleProbe.adoptUserLocale()
    return LocaleProbe.isUTF8()
}
