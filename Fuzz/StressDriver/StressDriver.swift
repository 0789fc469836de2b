import Foundation
import FuzzSupport
import PostureImport
import PostureModel
import PostureScoring
import PostureStore
import PostureViews

/// Writer and reader loops against one store, run as separate processes by the concurrency
/// test (ReliabilityTests.ConcurrencyTests) and the long run (Scripts/reliability/concurrency.sh).
///
///   aksposture-stress write --store P --seconds N [--interval 0.2] BUNDLE…
///       imports the bundles round-robin (collectedAt = now, so every import is a new snapshot);
///       prints `wrote <id>` per snapshot and a final `writer: …` line.
///   aksposture-stress read --store P --seconds N BUNDLE…
///       like a console: polls changeToken, lists clusters, reads the newest snapshot and report
///       of each and renders the overview; a snapshot must equal one of the bundles (complete);
///       prints a final `reader: …` line. Any error is printed and counted.
///
/// Exit status 0 only when no operation failed.
@main
struct StressDriver {
    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let mode = args.first, mode == "write" || mode == "read" else { usage() }
        args.removeFirst()
        var store: String?
        var seconds = 10.0
        var interval = 0.2
        var bundles: [URL] = []
        while !args.isEmpty {
            let a = args.removeFirst()
            switch a {
            case "--store": store = args.isEmpty ? nil : args.removeFirst()
            case "--seconds": seconds = Double(args.isEmpty ? "" : args.removeFirst()) ?? seconds
            case "--interval": interval = Double(args.isEmpty ? "" : args.removeFirst()) ?? interval
            default: bundles.append(URL(fileURLWithPath: a))
            }
        }
        guard let store, !bundles.isEmpty else { usage() }
        let path = URL(fileURLWithPath: store)
        do {
            let ok = mode == "write"
                ? try write(path, bundles: bundles, seconds: seconds, interval: interval)
                : try read(path, bundles: bundles, seconds: seconds)
            exit(ok ? 0 : 1)
        } catch {
            print("ERROR \(mode): \(error)")
            exit(1)
        }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: aksposture-stress write|read --store PATH --seconds N [--interval S] BUNDLE…\n".utf8))
        exit(2)
    }

    /// The snapshot with its collection time zeroed: equal for every import of one bundle.
    static func normalized(_ s: Snapshot) -> Snapshot {
        var copy = s
        copy.collection.collectedAt = Date(timeIntervalSince1970: 0)
        return copy
    }

    static func write(_ path: URL, bundles: [URL], seconds: Double, interval: Double) throws -> Bool {
        let snapshots = try bundles.map { try BundleImporter().load(bundle: $0) }
        let scorer = PostureScorer()
        let store = try PostureStore(path: path)
        let end = Date().addingTimeInterval(seconds)
        var written = 0, errors = 0, i = 0
        var slowest = 0.0
        while Date() < end {
            let started = Date()
            var snapshot = snapshots[i % snapshots.count]
            snapshot.collection.collectedAt = started
            i += 1
            do {
                let summary = try store.importSnapshot(snapshot, report: scorer.score(snapshot, now: started))
                written += 1
                print("wrote \(summary.id)")
            } catch {
                errors += 1
                print("ERROR write: \(error)")
            }
            let took = Date().timeIntervalSince(started)
            slowest = max(slowest, took)
            if took < interval { usleep(useconds_t((interval - took) * 1_000_000)) }
        }
        print("writer: \(written) snapshots, \(errors) errors, slowest import \(Int(slowest * 1000)) ms")
        return errors == 0
    }

    static func read(_ path: URL, bundles: [URL], seconds: Double) throws -> Bool {
        let known = Set(try bundles.map { normalized(try BundleImporter().load(bundle: $0)) })
        // Wait for the writer to create the store.
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: path.path), Date() < deadline { usleep(50_000) }
        let store = try PostureStore(path: path, readOnly: true)
        let end = Date().addingTimeInterval(seconds)
        var reads = 0, renders = 0, errors = 0, locked = 0, incomplete = 0
        var lastToken: Int64 = -1
        var newest: Int64 = 0
        while Date() < end {
            do {
                let token = try store.changeToken()
                for cluster in try store.clusters() {
                    guard let id = try store.latestSnapshotID(clusterID: cluster.id) else { continue }
                    let snapshot = try store.snapshot(id: id)
                    reads += 1
                    newest = max(newest, id)
                    if !known.contains(normalized(snapshot)) {
                        incomplete += 1
                        print("ERROR snapshot \(id) equals none of the bundles (half-written?)")
                    }
                    if try store.report(snapshotID: id) == nil {
                        incomplete += 1
                        print("ERROR snapshot \(id) has no report")
                    }
                }
                if token != lastToken {
                    // What a console does on a change: rebuild and render the frame.
                    let screen = try renderPane(.overview, reader: store, options: ConsoleOptions(), width: 120, height: 40, now: Date())
                    if screen.plainText().isEmpty { errors += 1 }
                    renders += 1
                    lastToken = token
                }
            } catch {
                errors += 1
                if "\(error)".lowercased().contains("locked") || "\(error)".lowercased().contains("busy") { locked += 1 }
                print("ERROR read: \(error)")
            }
            usleep(20_000)
        }
        print("reader: \(reads) snapshot reads, \(renders) renders, newest id \(newest), \(errors) errors, \(locked) locked/busy, \(incomplete) incomplete")
        return errors == 0 && incomplete == 0
    }
}
