import Foundation
import XCTest
import FuzzSupport
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The real console (`aksposture dashboard`) in a terminal (tmux) on stores that went wrong:
/// on a read-only filesystem it still shows the snapshots; on a damaged store it shows a clear
/// message, never a stack trace, and quits normally.
final class ConsoleFaultTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        guard FileManager.default.isExecutableFile(atPath: Binaries.aksposture.path) else { throw XCTSkip("aksposture not built") }
        work = try makeTemporaryDirectory("console")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// One console in a detached tmux session; the shell line after it reports the exit status.
    final class Console {
        let socket: String
        let name = "rel-\(UUID().uuidString.prefix(8))"

        let outputFile: String

        init(store: URL, work: URL) throws {
            socket = work.appendingPathComponent("tmux.sock").path
            outputFile = work.appendingPathComponent("tmux.out").path
            let command = "\(Binaries.aksposture.path) dashboard --store '\(store.path)'; echo \"CONSOLE-EXIT=$?\"; sleep 30"
            try tmux(["new-session", "-d", "-s", name, "-x", "120", "-y", "40", "-e", "TERM=xterm-256color", "-e", "LANG=C.UTF-8", "bash", "-c", command])
        }

        /// posix_spawn + waitpid with output to a file: Foundation's Process does not notice the
        /// tmux client exiting once it has forked the server (the client stays a zombie and
        /// waitUntilExit never returns), and the server would hold a pipe open forever.
        @discardableResult
        func tmux(_ args: [String]) throws -> String {
            let argv = ["/usr/bin/tmux", "-S", socket, "-f", "/dev/null"] + args
            var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            defer { for p in cargs { free(p) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
            guard rc == 0 else { throw NSError(domain: "tmux", code: Int(rc)) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        }

        func capture() -> String { (try? tmux(["capture-pane", "-p", "-t", name])) ?? "" }

        func waitFor(_ timeout: TimeInterval, _ predicate: (String) -> Bool) -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = capture()
                if predicate(last) { return last }
                usleep(100_000)
            }
            return last
        }

        deinit { _ = try? tmux(["kill-server"]) }
    }

    func testConsoleOnAReadOnlyFilesystemShowsTheSnapshots() throws {
        let (mount, reason) = mountTmpfs(size: "8m", label: "console-ro")
        guard let mount else { throw XCTSkip(reason) }
        defer { unmount(mount) }
        let (bundles, _) = try demoBundlesAndSnapshots()
        let store = mount.appendingPathComponent("store/store.sqlite")
        let r = try runProcess(Binaries.aksposture, ["import", bundles[0].path, bundles[1].path, "--store", store.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let remount = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,ro", mount.path])
        guard remount.status == 0 else { throw XCTSkip("remount read-only not permitted: \(remount.stderr)") }

        let console = try Console(store: store, work: work)
        let screen = console.waitFor(15) { $0.contains("aks-sandbox-dev") }
        XCTAssertTrue(screen.contains("aks-sandbox-dev"), "the console should show the stored cluster:\n\(screen)")
        try console.tmux(["send-keys", "-t", console.name, "q"])
        let after = console.waitFor(10) { $0.contains("CONSOLE-EXIT=") }
        XCTAssertTrue(after.contains("CONSOLE-EXIT=0"), after)
        XCTAssertEqual(crashMarkers(after), [], after)
    }

    func testConsoleOnADamagedStoreShowsAMessageNotAStackTrace() throws {
        let (bundles, _) = try demoBundlesAndSnapshots()
        let store = work.appendingPathComponent("store/store.sqlite")
        let r = try runProcess(Binaries.aksposture, ["import", bundles[0].path, "--store", store.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let q = try DatabaseQueue(path: store.path)
        try q.write { try $0.execute(sql: "UPDATE object SET body = randomblob(length(body))") }
        try q.close()

        let console = try Console(store: store, work: work)
        let screen = console.waitFor(15) { $0.lowercased().contains("damaged") || $0.contains("CONSOLE-EXIT=") }
        XCTAssertEqual(crashMarkers(screen), [], screen)
        XCTAssertTrue(screen.lowercased().contains("damaged"), "the console should say the store is damaged:\n\(screen)")
        if !screen.contains("CONSOLE-EXIT=") { try console.tmux(["send-keys", "-t", console.name, "q"]) }
        let after = console.waitFor(10) { $0.contains("CONSOLE-EXIT=") }
        XCTAssertTrue(after.contains("CONSOLE-EXIT="), after)
        XCTAssertEqual(crashMarkers(after), [], after)
        XCTAssertFalse(after.contains("CONSOLE-EXIT=13") || after.contains("CONSOLE-EXIT=134"), "crashed: \(after)")
    }
}
