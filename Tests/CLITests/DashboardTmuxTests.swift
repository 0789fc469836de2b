import Foundation
import XCTest

/// The real console in a real terminal (tmux): what an operator over SSH sees and types.
final class DashboardTmuxTests: XCTestCase {
    func testOperatorNavigatesEveryPaneFiltersResizesAndQuits() throws {
        let work = try TestPaths.temporaryDirectory("aksposture-tmux")
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("store.sqlite").path
        let demo = TestPaths.packageRoot.appendingPathComponent("snapshots")
        let bundles = try FileManager.default.subpathsOfDirectory(atPath: demo.path)
            .filter { $0.hasSuffix("/cluster.json") }.sorted()
            .map { demo.appendingPathComponent($0).deletingLastPathComponent().path }
        let imp = try runAksposture(["import"] + bundles + ["--store", store])
        XCTAssertEqual(imp.status, 0, imp.stderr)

        let marker = work.appendingPathComponent("exit-status").path
        let command = "'\(TestPaths.binary.path)' dashboard --store '\(store)' --cluster aks-payments-prod; echo $? > '\(marker)'; printf 'SHELL-BACK\\n'; sleep 30"
        let tmux = try TmuxSession(command: ["sh", "-c", command], width: 120, height: 40,
                                   environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8"])
        defer { tmux.kill() }

        var screen = try tmux.waitFor { $0.contains("Overview") && $0.contains("Overall") }
        XCTAssertTrue(screen.contains("aks-payments-prod"), screen)
        XCTAssertTrue(screen.contains("Top fixes"), screen)

        // Categories by number key, drill into a check and back.
        try tmux.send("1")
        screen = try tmux.waitFor { $0.contains("why this number") && $0.contains("AUTH-01") }
        try tmux.send("Enter")
        screen = try tmux.waitFor { $0.contains("remediation") || $0.contains("Remediation") }
        try tmux.send("Escape")
        try tmux.waitFor { $0.contains("why this number") }

        // The drill-down panes through the command line.
        for (command, expected) in [("identities", "Identities"), ("network", "Network"), ("secrets", "Secrets"), ("history", "History"), ("clusters", "Clusters")] {
            try tmux.sendLiteral(":" + command)
            try tmux.send("Enter")
            screen = try tmux.waitFor { $0.contains("› \(expected)") }
        }
        XCTAssertTrue(screen.contains("aks-shop-staging") && screen.contains("aks-sandbox-dev"), screen)

        // Filter the network list: only matching rows stay.
        try tmux.sendLiteral(":network")
        try tmux.send("Enter")
        try tmux.waitFor { $0.contains("› Network") }
        try tmux.sendLiteral("/payments-api-debug")
        try tmux.send("Enter")
        screen = try tmux.waitFor { $0.contains("payments-api-debug") && !$0.contains("API server ") }

        // Shrinking the window re-lays the screen; too small shows a notice, not garbage.
        try tmux.resize(width: 50, height: 12)
        try tmux.waitFor { $0.lowercased().contains("too small") }
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor { $0.contains("Network") && !$0.lowercased().contains("too small") }

        try tmux.send("q")
        screen = try tmux.waitFor { $0.contains("SHELL-BACK") }
        XCTAssertFalse(screen.contains("Overall"), "the console's screen is gone after quitting:\n\(screen)")
        XCTAssertEqual(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }
}
