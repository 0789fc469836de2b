import ArgumentParser
import Foundation
import PostureModel
import PostureScoring
import PostureStore
import PostureViews
import TerminalUI

/// Options shared by the console and the kiosk.
struct ViewOptions: ParsableArguments {
    @Option(help: "Cluster to show first (name or id).") var cluster: String?
    @Option(help: "Colour theme: default, colorblind or mono.") var theme: TerminalTheme = .default
    @Flag(help: "ASCII glyphs and line drawing (automatic in a non-UTF-8 locale).") var ascii = false
    @Option(help: ArgumentHelp("Show a STALE badge when the newest snapshot is older than this.", valueName: "duration"))
    var staleAfter: String = "1h"
}

extension TerminalTheme: ExpressibleByArgument {}

/// Where a viewer reads from: the configured store, or the bundled demo when none is configured.
enum ViewerStore {
    static func open(_ storeOptions: StoreOptions) throws -> PostureStore {
        if let path = storeOptions.explicitPath() {
            guard FileManager.default.fileExists(atPath: path.path) else {
                throw CLIError("no store at \(path.path); create one with `aksposture import BUNDLE --store \(path.path)` or `aksposture collect`")
            }
            return try PostureStore(path: path, readOnly: true)
        }
        let defaultPath = PostureStore.defaultPath()
        if FileManager.default.fileExists(atPath: defaultPath.path) {
            return try PostureStore(path: defaultPath, readOnly: true)
        }
        guard let demo = DemoStore.locateSnapshots() else {
            throw CLIError("no store at \(defaultPath.path) and no demo snapshots found; run `aksposture collect` or `aksposture import BUNDLE` first")
        }
        return try DemoStore.open(snapshots: demo, scorer: PostureScorer())
    }
}

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The interactive console (the default command).",
        discussion: "With no store configured (no --store, no AKSPOSTURE_STORE, no default store file), the bundled demo snapshots are opened. Press ? inside for the keys.")

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var view: ViewOptions
    @Option(help: ArgumentHelp("Pane to open: overview, auth, ident, net, sec, hard, identities, network, secrets, history, clusters or a check id.", valueName: "pane"))
    var pane: String = "overview"

    func run() throws {
        guard let initial = PaneID(name: pane) else { throw ValidationError("unknown pane '\(pane)'") }
        let store = try ViewerStore.open(storeOptions)
        let ascii = view.ascii || !terminalIsUTF8()
        let options = ConsoleOptions(mode: .interactive, ascii: ascii, staleAfter: try Duration.parse(view.staleAfter),
                                     initialCluster: view.cluster, initialPane: initial)
        let app = ConsoleApp(reader: store, options: options, now: Date())
        try runInTerminal(app, theme: view.theme, ascii: ascii)
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
