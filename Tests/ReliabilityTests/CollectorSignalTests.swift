import Foundation
import XCTest
import FuzzSupport
import PostureModel
import PostureStore
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT, SIGHUP and SIGPIPE reaching `aksposture collect --every` at a random moment
/// of a collection, with stand-in `az`/`kubectl` that print a demo bundle slowly. Afterwards the
/// store is intact with only complete snapshots and no temporary bundle directory is left.
///
/// The console and kiosk restore the terminal on SIGHUP/SIGTERM/SIGINT/SIGQUIT: that is
/// TerminalUITests.PtyRunnerTests (the real runner under a pseudo-terminal), not repeated here.
final class CollectorSignalTests: XCTestCase {
    var work: URL!
    var standIns: URL!
    var tmp: URL!
    var demo: URL!

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("signals")
        guard FileManager.default.isExecutableFile(atPath: Binaries.aksposture.path) else {
            throw XCTSkip("aksposture binary not built at \(Binaries.aksposture.path)")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/jq") else { throw XCTSkip("the stand-in az needs /usr/bin/jq") }
        demo = try XCTUnwrap(SeedSource().demoBundles().last { $0.path.contains("dev-neglected") })
        standIns = work.appendingPathComponent("bin")
        tmp = work.appendingPathComponent("tmp")
        for d in [standIns!, tmp!] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        try write(Self.az, "az")
        try write(Self.kubectl, "kubectl")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    func write(_ script: String, _ name: String) throws {
        let url = standIns.appendingPathComponent(name)
        try script.write(to: url, atomically: true, encoding: .utf8)
        chmod(url.path, 0o755)
    }

    /// Prints the demo bundle's documents, each after a short delay, so a collection takes about
    /// a second and a signal can land inside it.
    static let az = #"""
    #!/bin/bash
    sleep "${STANDIN_DELAY:-0.04}"
    B="$STANDIN_BUNDLE"
    name=""; prev=""
    for a in "$@"; do [ "$prev" = "-n" ] && name="$a"; prev="$a"; done
    case "$1 $2 $3" in
      "version "*) echo '{"azure-cli": "2.67.0"}' ;;
      "aks show "*) cat "$B/cluster.json" ;;
      "aks nodepool list") cat "$B/nodepools.json" ;;
      "acr list "*|"acr list") cat "$B/acr.json" ;;
      "keyvault list "*|"keyvault list") cat "$B/keyvaults.json" ;;
      "keyvault show "*) /usr/bin/jq --arg n "$name" '.[] | select(.name == $n)' "$B/keyvaults.json" ;;
      "network private-endpoint list") cat "$B/private-endpoints.json" ;;
      "network private-dns zone") cat "$B/private-dns-zones.json" ;;
      "monitor diagnostic-settings list") cat "$B/diagnostic-settings.json" ;;
      "role assignment list") cat "$B/role-assignments.json" 2>/dev/null || echo '[]' ;;
      *) echo '[]' ;;
    esac
    """#

    static let kubectl = #"""
    #!/bin/bash
    sleep "${STANDIN_DELAY:-0.04}"
    if [ "$1" = "version" ]; then echo '{"clientVersion": {"gitVersion": "v1.31.2"}}'; exit 0; fi
    res=""; prev=""
    for a in "$@"; do [ "$prev" = "get" ] && res="$a"; prev="$a"; done
    f="$STANDIN_BUNDLE/kubernetes/$res.json"
    if [ -f "$f" ]; then cat "$f"; else echo '{"apiVersion": "v1", "kind": "List", "items": []}'; fi
    """#

    final class Collect: @unchecked Sendable {
        let process = Process()
        let out = Pipe()
        let lock = NSLock()
        // Guarded by lock: appended by the reader thread, read by the test.
        private var text = ""
        let done = DispatchGroup()

        /// `closedStdout`: the read end of the collector's stdout is closed at once, so anything
        /// it prints meets a broken pipe (EPIPE / SIGPIPE).
        init(_ args: [String], environment: [String: String], closedStdout: Bool = false) throws {
            process.executableURL = Binaries.aksposture
            process.arguments = args
            process.environment = environment
            process.standardOutput = out
            process.standardError = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            if closedStdout {
                try out.fileHandleForReading.close()
                return
            }
            done.enter()
            let handle = out.fileHandleForReading
            DispatchQueue.global().async { [self] in
                while true {
                    guard let chunk = try? handle.read(upToCount: 4096) else { break }
                    if chunk.isEmpty { break }
                    lock.withLock { text += String(decoding: chunk, as: UTF8.self) }
                }
                done.leave()
            }
        }

        var output: String { lock.withLock { text } }

        func waitForExit(timeout: TimeInterval) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            return !process.isRunning
        }
    }

    struct Outcome {
        var signal: Int32
        var exitStatus: Int32
        var killedBySignal: Bool
        var snapshots: Int
        var leftovers: [String]
        var output: String
    }

    func collectAndSignal(_ signo: Int32, delay: Double, closeStdout: Bool = false) throws -> Outcome {
        let store = work.appendingPathComponent("store-\(signo)-\(Int(delay * 1000))/store.sqlite")
        let env = ["PATH": "\(standIns.path):/usr/bin:/bin", "TMPDIR": tmp.path, "HOME": work.path,
                   "STANDIN_BUNDLE": demo.path, "STANDIN_DELAY": "0.04"]
        let c = try Collect(["collect", "-g", "rg-sandbox-dev", "-n", "aks-sandbox-dev", "--store", store.path, "--every", "1s"],
                            environment: env, closedStdout: closeStdout)
        // The first snapshot lands (watched in the store: the collector's stdout is a pipe, so
        // its lines arrive in blocks); the signal arrives `delay` seconds into a later collection.
        let firstDeadline = Date().addingTimeInterval(30)
        var landed = 0
        while landed == 0, c.process.isRunning, Date() < firstDeadline {
            usleep(50_000)
            if FileManager.default.fileExists(atPath: store.path), let s = try? PostureStore(path: store, readOnly: true) {
                landed = (try? s.clusters().map(\.snapshotCount).reduce(0, +)) ?? 0
            }
        }
        XCTAssertGreaterThan(landed, 0, "no first snapshot: \(c.output)")
        usleep(useconds_t((0.7 + delay) * 1_000_000))
        kill(c.process.processIdentifier, signo)
        // SIGPIPE need not stop the collector (ignoring it is fine); then it must still stop the
        // documented way, with SIGTERM.
        let exited = c.waitForExit(timeout: signo == SIGPIPE ? 2 : 20)
        if !exited {
            XCTAssertEqual(signo, SIGPIPE, "collect did not stop within 20 s")
            kill(c.process.processIdentifier, SIGTERM)
            XCTAssertTrue(c.waitForExit(timeout: 20), "collect did not stop on SIGTERM")
        }
        c.done.wait()
        let verdict = try verifyCollectedStore(store)
        XCTAssertEqual(verdict.integrity, "ok")
        XCTAssertEqual(verdict.problems, [])
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []).sorted()
        let storeFiles = try FileManager.default.contentsOfDirectory(atPath: store.deletingLastPathComponent().path)
        XCTAssertEqual(Set(storeFiles).subtracting(["store.sqlite", "store.sqlite-wal", "store.sqlite-shm"]), [], "store directory: \(storeFiles)")
        for f in leftovers { try? FileManager.default.removeItem(at: tmp.appendingPathComponent(f)) }
        return Outcome(signal: signo, exitStatus: c.process.terminationStatus, killedBySignal: c.process.terminationReason == .uncaughtSignal,
                       snapshots: verdict.snapshots, leftovers: leftovers, output: c.output)
    }

    /// Every snapshot decodes, has its report and is the whole demo cluster (same object count
    /// as a straight import of the bundle).
    func verifyCollectedStore(_ path: URL) throws -> StoreVerdict {
        let store = try PostureStore(path: path, readOnly: true)
        var problems: [String] = []
        var count = 0
        var objectCounts = Set<Int>()
        for cluster in try store.clusters() {
            for s in try store.snapshots(clusterID: cluster.id) {
                count += 1
                objectCounts.insert(s.objectCount)
                do {
                    let snapshot = try store.snapshot(id: s.id)
                    if snapshot.kubernetes == nil { problems.append("snapshot \(s.id) lacks its Kubernetes inventory") }
                    if try store.report(snapshotID: s.id) == nil { problems.append("snapshot \(s.id) has no report") }
                } catch { problems.append("snapshot \(s.id): \(error)") }
            }
        }
        if objectCounts.count > 1 { problems.append("snapshots of one unchanged cluster differ in size: \(objectCounts.sorted())") }
        return StoreVerdict(integrity: try verifyIntegrity(path), snapshots: count, problems: problems)
    }

    static var runsPerSignal: Int { Int(ProcessInfo.processInfo.environment["AKSPOSTURE_SIGNAL_RUNS"] ?? "") ?? 1 }

    func run(signal signo: Int32, name: String) throws {
        var rng = SplitMix64(seed: UInt64(signo) * 7919)
        for i in 0..<Self.runsPerSignal {
            let delay = Double.random(in: 0...0.9, using: &rng)
            let o = try collectAndSignal(signo, delay: delay, closeStdout: signo == SIGPIPE)
            print("\(name) run \(i) at +\(Int(delay * 1000)) ms: \(o.killedBySignal ? "killed by signal \(o.exitStatus)" : "exit \(o.exitStatus)"), \(o.snapshots) snapshots, leftovers \(o.leftovers)")
            XCTAssertEqual(o.leftovers, [], "\(name): temporary files left behind")
            XCTAssertFalse(o.killedBySignal, "\(name): the collector died of the signal instead of stopping cleanly")
            XCTAssertEqual(crashMarkers(o.output), [], o.output)
        }
    }

    func testSIGTERMFinishesTheSnapshotInProgress() throws { try run(signal: SIGTERM, name: "SIGTERM") }
    func testSIGINTFinishesTheSnapshotInProgress() throws { try run(signal: SIGINT, name: "SIGINT") }
    func testSIGHUPFinishesTheSnapshotInProgress() throws { try run(signal: SIGHUP, name: "SIGHUP") }
    func testSIGPIPEOnStdoutStopsCleanly() throws { try run(signal: SIGPIPE, name: "SIGPIPE") }
}
