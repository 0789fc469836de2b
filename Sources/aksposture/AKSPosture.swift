import ArgumentParser
import Foundation

@main
struct AKSPosture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aksposture",
        abstract: "Security posture of Azure Kubernetes Service clusters, in the terminal.",
        discussion: """
        With no subcommand, opens the console (`aksposture dashboard`). With no store configured, the bundled demo snapshots are shown.

        Exit codes: 0 success; 1 error; 2 a --fail-under threshold was not met; 64 usage error; 128+N ended by signal N.
        """,
        version: "0.1.0",
        subcommands: [DashboardCommand.self, ImportCommand.self, ScoreCommand.self, CollectCommand.self, HistoryCommand.self],
        defaultSubcommand: DashboardCommand.self)
}
