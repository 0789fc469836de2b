import Foundation
import XCTest

/// The real kiosk in tmux: started before the store exists, follows imports made by another
/// process, rotates, shrugs off a key fuzz (Ctrl-C, Ctrl-Z, Ctrl-\, escape sequences,
/// pastes, resizes) without writing anything, and ends only on a signal with the terminal restored.
final class KioskCLITests: XCTestCase {
    var dir: URL!
    var env: [String: String] = [:]

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory("aksposture-kiosk")
        for sub in ["cache", "data", "state", "home", "cwd"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        env = ["XDG_CACHE_HOME": dir.appendingPathComponent("cache").path, "XDG_DATA_HOME": dir.appendingPathComponent("data").path,
               "XDG_STATE_HOME": dir.appendingPathComponent("state").path, "HOME": dir.appendingPathComponent("home").path,
               "AKSPOSTURE_DEMO_DIR": TestPaths.packageRoot.appendingPathComponent("snapshots").path,
               "AKSPOSTURE_STORE": "", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func bundle(_ cluster: String, _ stamp: String) -> String {
        TestPaths.packageRoot.appendingPathComponent("snapshots/\(cluster)/\(stamp)").path
    }

    /// Starts `aksposture kiosk ARGS` under a shell that prints the exit status afterwards.
    func startKiosk(_ args: [String], width: Int = 120, height: Int = 40) throws -> TmuxSession {
        let quoted = ([TestPaths.binary.path, "kiosk"] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try TmuxSession(command: ["/bin/sh", "-c", "cd '\(dir.appendingPathComponent("cwd").path)' && " + quoted + "; echo KIOSK-EXIT=$?; sleep 60"],
                               width: width, height: height, environment: env)
    }

    func kioskPID(_ session: TmuxSession) throws -> pid_t {
        let shell = try session.tmux(["display-message", "-p", "-t", session.name, "#{pane_pid}"], captureOutput: true).trimmingCharacters(in: .whitespacesAndNewlines)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
            for c in children.split(separator: " ") {
                if let pid = pid_t(c), ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").hasPrefix("aksposture") { return pid }
            }
            usleep(100_000)
        }
        XCTFail("no aksposture process under the tmux pane")
        return -1
    }

    func filesUnder(_ url: URL) -> [String] {
        (FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? []).sorted()
    }

    func testKioskFollowsImportsFromAnotherProcessRotatesAndEndsOnSIGTERM() throws {
        let store = dir.appendingPathComponent("data/store.sqlite")
        let session = try startKiosk(["--store", store.path, "--views", "overview,history", "--cycle", "2s", "--poll", "1s", "--stale-after", "5000d"])
        // no store yet: an error banner, not an exit
        try session.waitFor { $0.contains("no store at") && $0.contains("KIOSK") }
        let pid = try kioskPID(session)

        var r = try runAksposture(["import", bundle("prod-hardened", "2026-11-27T0800Z"), "--store", store.path], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        try session.waitFor(timeout: 15) { $0.contains("snapshot 2026-11-27 08:00Z") || $0.contains("2026-11-27 08:00Z") }
        // it rotates: overview, then history, then overview again
        try session.waitFor(timeout: 10) { $0.contains("view 2/2 History") }
        try session.waitFor(timeout: 10) { $0.contains("view 1/2 Overview") }

        r = try runAksposture(["import", bundle("prod-hardened", "2026-11-28T0800Z"), "--store", store.path], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        let fresh = try session.waitFor(timeout: 15) { $0.contains("snapshot 2026-11-28 08:00Z") }
        XCTAssertFalse(fresh.contains("no store at"), "the banner must go once the store is readable")

        XCTAssertEqual(kill(pid, SIGTERM), 0)
        let after = try session.waitFor(timeout: 10) { $0.contains("KIOSK-EXIT=") }
        XCTAssertTrue(after.contains("KIOSK-EXIT=143"), after)
        XCTAssertFalse(after.contains("view 1/2"), "the kiosk's screen must be gone (terminal restored):\n\(after)")
    }

    /// Thousands of keys through the real terminal: the kiosk is still there, in kiosk mode,
    /// the store file is byte-for-byte unchanged and no file appeared anywhere it could write.
    func testKeystrokeFuzzLeavesKioskRunningAndWritesNothing() throws {
        let store = dir.appendingPathComponent("data/store.sqlite")
        for stamp in ["2026-11-27T0830Z", "2026-11-28T0830Z"] {
            let r = try runAksposture(["import", bundle("dev-neglected", stamp), "--store", store.path], environment: env)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let storeBytes = try Data(contentsOf: store)
        let storeModified = try FileManager.default.attributesOfItem(atPath: store.path)[.modificationDate] as? Date
        let before = filesUnder(dir)
        let session = try startKiosk(["--store", store.path, "--cycle", "1s"])
        try session.waitFor { $0.contains("KIOSK") && $0.contains("aks-sandbox-dev") }
        let pid = try kioskPID(session)

        let named = ["C-c", "C-z", "C-\\", "C-d", "C-q", "C-s", "C-x", "C-l", "Escape", "Enter", "Tab", "BTab", "BSpace", "DC", "IC",
                     "Up", "Down", "Left", "Right", "Home", "End", "PPage", "NPage", "M-x", "M-q", "M-:"] + (1...12).map { "F\($0)" }
        let pastes = [":q\r", ":quit\r", ":!sh\r", "/.*\r", "q", "Q", "x", "X", "ZZ", ":wq\r", "\u{1b}[200~:quit\r\u{1b}[201~", "\u{1b}]52;c;Q0FOQVJZ\u{07}",
                      "\u{1b}[2J", "\u{1b}[?1049l", "\u{1b}c", "\u{3}\u{1a}\u{1c}\u{4}", "\u{9b}31m", "日本語🙂\u{202e}"]
        var rng = FuzzRandom(seed: 0x6b696f736b)
        var sent = 0
        for round in 0..<60 {
            var batch: [String] = []
            for _ in 0..<40 { batch.append(named[Int(rng.next() % UInt64(named.count))]) }
            try session.tmux(["send-keys", "-t", session.name] + batch)
            sent += batch.count
            var literal = ""
            for _ in 0..<20 { literal += String(Character(Unicode.Scalar(UInt8(32 + rng.next() % 95)))) }
            literal += pastes[Int(rng.next() % UInt64(pastes.count))]
            try session.sendLiteral(literal)
            sent += literal.count
            if round % 10 == 0 {
                try session.resize(width: 60 + Int(rng.next() % 120), height: 15 + Int(rng.next() % 40))
            }
        }
        try session.resize(width: 120, height: 40)
        XCTAssertGreaterThan(sent, 3000)
        // still the kiosk: its header badge and its status line (stale data: the red banner)
        let screen = try session.waitFor(timeout: 10) { $0.contains("KIOSK") && $0.contains("STALE  newest snapshot is") }
        let rotated = try session.waitFor(timeout: 10) { $0 != screen }
        XCTAssertTrue(rotated.contains("KIOSK"), "still rotating after the fuzz")
        XCTAssertFalse(screen.contains("KIOSK-EXIT"), screen)
        XCTAssertEqual(kill(pid, 0), 0, "the kiosk process is gone")
        XCTAssertEqual(try Data(contentsOf: store), storeBytes, "the store changed")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: store.path)[.modificationDate] as? Date, storeModified)
        XCTAssertEqual(filesUnder(dir).filter { !$0.hasPrefix("data/store.sqlite") }, before.filter { !$0.hasPrefix("data/store.sqlite") },
                       "the kiosk wrote a file")

        // SIGINT from outside (not Ctrl-C from the keyboard) ends it, terminal restored
        XCTAssertEqual(kill(pid, SIGINT), 0)
        let after = try session.waitFor(timeout: 10) { $0.contains("KIOSK-EXIT=") }
        XCTAssertTrue(after.contains("KIOSK-EXIT=130"), after)
    }

    func testExitKeyChosenAtStartIsTheOnlyKeyThatEndsIt() throws {
        let session = try startKiosk(["--exit-key", "ctrl-x", "--cycle", "5s"])
        try session.waitFor { $0.contains("KIOSK") }
        try session.send("q", "C-c", "Escape", ":", "q", "Enter")
        usleep(500_000)
        XCTAssertFalse(try session.capture().contains("KIOSK-EXIT"))
        try session.send("C-x")
        let after = try session.waitFor { $0.contains("KIOSK-EXIT=") }
        XCTAssertTrue(after.contains("KIOSK-EXIT=0"), after)

        let bad = try runAksposture(["kiosk", "--exit-key", "hello"], environment: env)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--exit-key 'hello' is not a key"), bad.stderr)
        let views = try runAksposture(["kiosk", "--views", "overview,nope"], environment: env)
        XCTAssertTrue(views.stderr.contains("unknown view 'nope'"), views.stderr)
    }
}

struct FuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e3779b97f4a7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }
}

