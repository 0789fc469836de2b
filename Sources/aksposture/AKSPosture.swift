import ArgumentParser
import Foundation

@main
struct AKSPosture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aksposture",
        abstract: "Security posture of Azure Kubernetes Service clusters, in the terminal.",
        discussion: """
        With no subcommand, opens the console (`aksposture dashboard`). With no store configured, the bundled demo snapshots are shown.

        Configuration: $AKSPOSTURE_CONFIG, else $XDG_CONFIG_HOME/aksposture/config.yaml, else ~/.config/aksposture/config.yaml (or --config FILE); command-line flags override it. `aksposture config show` prints every setting and where it came from. The log is $XDG_STATE_HOME/aksposture/aksposture.log.

        Exit codes:
          0      success
          1      error (unreadable bundle, store or configuration; failed collection)
          2      threshold not met (score --fail-under or --fail-on)
          64     usage error
          128+N  ended by signal N
        """,
        version: "0.1.0",
        subcommands: [DashboardCommand.self, ImportCommand.self, ScoreCommand.self, CollectCommand.self, HistoryCommand.self, VerifyCommand.self, ChecksCommand.self, ConfigCommand.self, KioskCommand.self, ExportCommand.self],
        defaultSubcommand: DashboardCommand.self)

    /// Global options may come before the subcommand (`aksposture --config F score`); every
    /// command declares them, so they are moved behind it before parsing.
    static func main() {
        main(GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst())))
    }
}
