import Foundation
import XCTest

/// The log file: where it is, who may read it, what goes into it, and that the console never
/// writes log lines to the terminal.
final class ConfigLoggingCLITests: XCTestCase {
    var sandbox: CLISandbox!

    override func setUpWithError() throws { sandbox = try CLISandbox("aksposture-log") }
    override func tearDownWithError() throws { sandbox.remove() }

    private var log: String { (try? String(contentsOf: sandbox.logFile, encoding: .utf8)) ?? "" }

    private func mode(_ url: URL) throws -> Int? {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int).map { $0 & 0o777 }
    }

    func testImportIsLoggedPrivatelyAtInfo() throws {
        let store = sandbox.root.appendingPathComponent("store.sqlite").path
        let bundle = try CLISandbox.demoBundle("prod-hardened")
        // At the default level (warning) a successful import writes nothing.
        XCTAssertEqual(try sandbox.run(["import", "--store", store, try CLISandbox.demoBundle("prod-hardened", 0).path]).status, 0)
        XCTAssertEqual(log, "")

        let r = try sandbox.run(["--log-level", "info", "import", "--store", store, bundle.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let lines = log.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, log)
        XCTAssertNotNil(lines.first?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z INFO +import .*prod-hardened.*: cluster aks-payments-prod snapshot #2 score [0-9.]+ [A-F] config cfg-"#,
                                         options: .regularExpression), log)
        XCTAssertEqual(try mode(sandbox.logFile), 0o600)
        XCTAssertEqual(try mode(sandbox.logFile.deletingLastPathComponent()), 0o700)
    }

    func testLogLevelFromTheFileAndFailuresAtTheDefaultLevel() throws {
        let store = sandbox.root.appendingPathComponent("store.sqlite")
        // A broken bundle: logged as an error even at the default level.
        let broken = sandbox.root.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "{\"name\": ".write(to: broken.appendingPathComponent("cluster.json"), atomically: true, encoding: .utf8)
        let r = try sandbox.run(["import", "--store", store.path, broken.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(log.contains("ERROR   import \(broken.path) failed: "), log)
        XCTAssertTrue(log.contains("cluster.json"), log)

        // A store that cannot be opened.
        let h = try sandbox.run(["history", "--store", sandbox.root.appendingPathComponent("missing/store.sqlite").path])
        XCTAssertNotEqual(h.status, 0)
        XCTAssertTrue(log.contains("ERROR   store \(sandbox.root.path)/missing/store.sqlite"), log)

        // log-level from the configuration file: rescoring is logged at info.
        try sandbox.writeConfig("log-level: info\nstore: \(store.path)\n")
        XCTAssertEqual(try sandbox.run(["import", try CLISandbox.demoBundle("dev-neglected").path]).status, 0)
        XCTAssertEqual(try sandbox.run(["score", "--rescore"]).status, 0)
        XCTAssertTrue(log.contains("INFO    rescore \(store.path): 1 snapshot(s) with cfg-"), log)
    }

    func testCollectLogsEachCommandWithoutTheEnvironment() throws {
        // A fake az that is not logged in, and a canary secret in the environment.
        let bin = sandbox.root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let az = bin.appendingPathComponent("az")
        try "#!/bin/sh\nif [ \"$1\" = version ]; then echo '{\"azure-cli\": \"2.67.0\"}'; exit 0; fi\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n"
            .write(to: az, atomically: true, encoding: .utf8)
        chmod(az.path, 0o755)
        let r = try sandbox.run(["collect", "-g", "rg-canary", "-n", "aks-canary", "--store", sandbox.root.appendingPathComponent("s.sqlite").path],
                                environment: ["PATH": bin.path + ":/usr/bin:/bin", "AZURE_CLIENT_SECRET": "CANARY-6f1d2e"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(log.contains("WARNING collect rg-canary/aks-canary: cluster failed: az aks show"), log)
        XCTAssertTrue(log.contains("Please run 'az login'"), log)
        XCTAssertTrue(log.contains("ERROR   collect rg-canary/aks-canary failed: "), log)
        XCTAssertFalse(log.contains("CANARY-6f1d2e"))
        XCTAssertEqual(try mode(sandbox.logFile), 0o600)
    }

    /// The console draws; log lines go to the file only. Runs the real console on a
    /// pseudo-terminal (util-linux `script`), reads every byte it wrote, and quits it with `q`.
    func testDashboardLogsToTheFileNotTheTerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("util-linux script is not installed") }
        let store = sandbox.root.appendingPathComponent("store.sqlite").path
        XCTAssertEqual(try sandbox.run(["import", "--store", store, try CLISandbox.demoBundle("staging-typical").path]).status, 0)
        var env = sandbox.environment
        env["TERM"] = "xterm-256color"; env["LANG"] = "C.UTF-8"; env["COLUMNS"] = "120"; env["LINES"] = "40"
        env["PATH"] = "/usr/bin:/bin"
        let transcript = sandbox.root.appendingPathComponent("tty.out")
        FileManager.default.createFile(atPath: transcript.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qfec", "\(TestPaths.binary.path) --log-level debug dashboard --store \(store)", "/dev/null"]
        p.environment = env
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = try FileHandle(forWritingTo: transcript)
        p.standardError = p.standardOutput
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        func screen() -> String { String(decoding: (try? Data(contentsOf: transcript)) ?? Data(), as: UTF8.self) }
        var deadline = Date().addingTimeInterval(15)
        while !screen().contains("aks-shop-staging"), p.isRunning, Date() < deadline { usleep(100_000) }
        XCTAssertTrue(screen().contains("aks-shop-staging"), "the console drew the cluster: \(screen().suffix(400))")
        input.fileHandleForWriting.write(Data("q".utf8))
        deadline = Date().addingTimeInterval(10)
        while p.isRunning, Date() < deadline { usleep(100_000) }
        XCTAssertFalse(p.isRunning, "q quits the console")
        try? input.fileHandleForWriting.close()
        XCTAssertTrue(log.contains("INFO    dashboard: \(store)"), log)
        let bytes = screen()
        for marker in ["INFO", "DEBUG", "dashboard: ", "aksposture: "] {
            XCTAssertFalse(bytes.contains(marker), "\(marker) written to the terminal")
        }
    }
}
