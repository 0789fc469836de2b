import Foundation
import XCTest
import FuzzSupport
import GRDB
import PostureImport
import PostureModel
import PostureStore
#if canImport(Glibc)
import Glibc
#endif

/// The built executables (`aksposture`, `aksposture-stress`) next to the test bundle.
enum Binaries {
    static var packageRoot: URL { SeedSource().packageRoot }

    static func locate(_ name: String) -> URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for b in Bundle.allBundles {
            let candidate = b.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/\(name)")
    }

    static var aksposture: URL { locate("aksposture") }
    static var stress: URL { locate("aksposture-stress") }
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Ended by this signal (nil for a normal exit).
    var signal: Int32?
}

/// Runs a binary without a shell; stdout/stderr captured; stdin is /dev/null.
@discardableResult
func runProcess(_ binary: URL, _ args: [String], environment: [String: String] = [:]) throws -> RunResult {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Read both pipes concurrently so a chatty child cannot block on a full pipe.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    let signalled = p.terminationReason == .uncaughtSignal
    return RunResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self), signal: signalled ? p.terminationStatus : nil)
}

/// Signs of a crash or a stack trace instead of a clear message.
func crashMarkers(_ text: String) -> [String] {
    ["Fatal error", "Stack dump", "Backtrace", "💣", "Program crashed", "Thread 0 crashed", "at /", "SIGSEGV", "SIGILL", "SIGTRAP", "0x0000"]
        .filter { text.contains($0) }
}

func makeTemporaryDirectory(_ label: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-rel-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return dir
}

/// What a store looks like after a fault.
struct StoreVerdict {
    var integrity: String
    var snapshots: Int
    var problems: [String]
    var newestID: Int64 = 0
}

/// Opens the store the way a viewer does, runs `PRAGMA integrity_check`, and reads every
/// snapshot back: each must decode, have its report, and equal the snapshot imported from its
/// bundle (`expected`, keyed by cluster name and collection time) — complete, never partial.
/// `after`: only snapshots with a larger id are decoded (earlier ones were checked already).
func verifyStore(_ path: URL, expected: [String: Snapshot], after: Int64 = 0) throws -> StoreVerdict {
    var configuration = Configuration()
    configuration.readonly = true
    let queue: DatabaseQueue
    do {
        queue = try DatabaseQueue(path: path.path, configuration: configuration)
    } catch {
        // A WAL store on a read-only filesystem opens only as immutable.
        queue = try DatabaseQueue(path: path.absoluteString + "?immutable=1", configuration: configuration)
    }
    let integrity = try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }.joined(separator: "; ")
    try queue.close()
    let store = try PostureStore(path: path, readOnly: true)
    var problems: [String] = []
    var count = 0
    var newest: Int64 = 0
    for cluster in try store.clusters() {
        for summary in try store.snapshots(clusterID: cluster.id) {
            count += 1
            newest = max(newest, summary.id)
            guard summary.id > after else { continue }
            do {
                let snapshot = try store.snapshot(id: summary.id)
                if try store.report(snapshotID: summary.id) == nil { problems.append("snapshot \(summary.id) has no report") }
                let key = snapshotKey(snapshot)
                if let want = expected[key] {
                    if want.kubernetes != snapshot.kubernetes || want.cluster != snapshot.cluster || want.nodePools != snapshot.nodePools
                        || want.roleAssignments != snapshot.roleAssignments || want.keyVaults != snapshot.keyVaults {
                        problems.append("snapshot \(summary.id) (\(key)) differs from its bundle")
                    }
                } else {
                    problems.append("snapshot \(summary.id) (\(key)) matches no imported bundle")
                }
            } catch {
                problems.append("snapshot \(summary.id): \(error)")
            }
        }
    }
    return StoreVerdict(integrity: integrity, snapshots: count, problems: problems, newestID: newest)
}

func snapshotKey(_ s: Snapshot) -> String {
    "\(s.cluster.name)@\(Int(s.collection.collectedAt.timeIntervalSince1970))"
}

/// The demo bundles and what each imports to.
func demoBundlesAndSnapshots() throws -> ([URL], [String: Snapshot]) {
    let bundles = SeedSource().demoBundles()
    guard !bundles.isEmpty else { throw XCTSkip("no demo bundles under snapshots/") }
    var expected: [String: Snapshot] = [:]
    for b in bundles {
        let s = try BundleImporter().load(bundle: b)
        expected[snapshotKey(s)] = s
    }
    return (bundles, expected)
}

/// Mounts a tmpfs of `size` (e.g. "2m") at a new directory; nil (with the reason) when mounting
/// is not permitted here.
func mountTmpfs(size: String, label: String) -> (URL?, String) {
    guard let dir = try? makeTemporaryDirectory(label) else { return (nil, "cannot create a mount point") }
    let r = try? runProcess(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", dir.path])
    guard let r, r.status == 0 else {
        try? FileManager.default.removeItem(at: dir)
        return (nil, "mount -t tmpfs is not permitted here (\(r?.stderr.trimmingCharacters(in: .whitespacesAndNewlines) ?? "mount failed"))")
    }
    return (dir, "")
}

func unmount(_ dir: URL) {
    _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), ["-l", dir.path])
    try? FileManager.default.removeItem(at: dir)
}
