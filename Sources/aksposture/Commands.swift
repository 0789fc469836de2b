import ArgumentParser
import Foundation
import PostureImport
import PostureModel
import PostureScoring
import PostureStore
import PostureViews

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import snapshot bundles collected elsewhere into the store.",
        discussion: "Each BUNDLE is a directory holding the JSON that az and kubectl print (see README, 'Bundle format'). A bundle that fails to parse is reported with the file and JSON path and nothing of it is stored; bundles already imported stay.")

    @Argument(help: "Bundle directories.") var bundles: [String]
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions
    @Option(help: ArgumentHelp("Retention policy applied after import, e.g. 48h:all,30d:hourly,365d:daily.", valueName: "policy"))
    var keep: String?

    func run() throws {
        let store = try PostureStore(path: storeOptions.resolvedPath())
        let pipeline = BundlePipeline(scorer: try scoring.makeScorer(), retention: try keep.map(RetentionPolicy.parse))
        var failures = 0
        for b in bundles {
            let url = URL(fileURLWithPath: b)
            do {
                let (snap, report, summary) = try pipeline.importBundle(url, into: store, now: Date())
                print(BundlePipeline.line(snap, report, summary, source: b))
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("aksposture: import failed: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the stored snapshots of each cluster with score, grade and stored size.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Only this cluster (name or id).") var cluster: String?

    func run() throws {
        let store = try PostureStore(path: storeOptions.resolvedPath(), readOnly: true)
        var clusters = try store.clusters()
        if let c = cluster {
            clusters = clusters.filter { $0.name == c || $0.key == c.lowercased() }
            if clusters.isEmpty { throw CLIError("no cluster named '\(c)' in \(storeOptions.resolvedPath().path)") }
        }
        let fmt = ISO8601DateFormatter()
        for c in clusters {
            print("\(TerminalText.sanitize(c.name))  (\(TerminalText.sanitize(c.resourceGroup ?? "-")), \(c.snapshotCount) snapshots)")
            print("  ID      COLLECTED              SCORE  GRADE  OBJECTS  STORED")
            for s in try store.snapshots(clusterID: c.id) {
                let score = s.overallScore.map { String(format: "%5.1f", $0) } ?? "    -"
                print("  " + [String(s.id).padding(toLength: 6, withPad: " ", startingAt: 0),
                               fmt.string(from: s.collectedAt).padding(toLength: 21, withPad: " ", startingAt: 0),
                               score + " ", (s.grade?.rawValue ?? "-").padding(toLength: 6, withPad: " ", startingAt: 0),
                               String(s.objectCount).padding(toLength: 8, withPad: " ", startingAt: 0),
                               ByteCount.format(s.storedBytes)].joined(separator: " "))
            }
        }
        print("store: \(storeOptions.resolvedPath().path), \(ByteCount.format(try store.storeSizeBytes()))")
    }
}

enum ByteCount {
    static func format(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1024 * 1024 { return String(format: "%.1f KiB", Double(n) / 1024) }
        return String(format: "%.1f MiB", Double(n) / 1048576)
    }
}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Print scores and findings of a bundle (touching no store) or of the latest stored snapshot.",
        discussion: """
        Exit codes: 0 success; 1 error (unreadable bundle or store); 2 the overall score is below --fail-under.
        With --rescore, every stored snapshot is scored again with the current exceptions and weights.
        """)

    @Argument(help: "A bundle directory. Without it, the latest snapshot in the store is used.") var bundle: String?
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions
    @Option(help: "Cluster name when the store holds several.") var cluster: String?
    @Option(help: "Output format: text or json.") var format: ScoreFormat = .text
    @Option(help: ArgumentHelp("Exit with code 2 when the overall score is below N.", valueName: "N")) var failUnder: Double?
    @Flag(help: "Score every stored snapshot again (after changing exceptions or weights).") var rescore = false

    enum ScoreFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        let scorer = try scoring.makeScorer()
        let now = Date()
        if rescore {
            let store = try PostureStore(path: storeOptions.resolvedPath())
            var n = 0
            for c in try store.clusters() {
                for s in try store.snapshots(clusterID: c.id) {
                    try store.replaceReport(snapshotID: s.id, report: scorer.score(try store.snapshot(id: s.id), now: now))
                    n += 1
                }
            }
            print("rescored \(n) snapshots")
            return
        }
        let snapshot: Snapshot
        if let b = bundle {
            snapshot = try BundleImporter().load(bundle: URL(fileURLWithPath: b))
        } else {
            let store = try PostureStore(path: storeOptions.resolvedPath(), readOnly: true)
            snapshot = try store.snapshot(id: try latestSnapshotID(store))
        }
        let report = scorer.score(snapshot, now: now)
        switch format {
        case .text: print(ScoreReportText.render(report: report, snapshot: snapshot), terminator: "")
        case .json: print(ScoreReportJSON.render(report: report, snapshot: snapshot), terminator: "")
        }
        if let t = failUnder, report.overall.score < t {
            FileHandle.standardError.write(Data("aksposture: overall score \(String(format: "%.1f", report.overall.score)) is below \(t)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func latestSnapshotID(_ store: PostureStore) throws -> Int64 {
        let clusters = try store.clusters()
        let chosen: ClusterSummary?
        if let c = cluster {
            chosen = clusters.first { $0.name == c || $0.key == c.lowercased() }
        } else if clusters.count == 1 {
            chosen = clusters[0]
        } else if clusters.isEmpty {
            throw CLIError("the store \(storeOptions.resolvedPath().path) holds no snapshots; import or collect one first")
        } else {
            throw CLIError("the store holds \(clusters.count) clusters; pick one with --cluster (\(clusters.map(\.name).joined(separator: ", ")))")
        }
        guard let c = chosen, let id = c.latest?.id else { throw CLIError("no cluster named '\(cluster ?? "")' in the store") }
        return id
    }
}

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Run az and kubectl against a cluster, write a bundle, and import it.",
        discussion: "Commands that fail (not logged in, forbidden, not installed) are recorded and the snapshot is imported with what was collected. With --every, collection repeats until SIGINT or SIGTERM, stopping cleanly between snapshots.")

    @Option(name: [.customShort("g"), .long], help: "Resource group of the cluster.") var resourceGroup: String
    @Option(name: [.customShort("n"), .long], help: "Cluster name.") var name: String
    @Option(help: "Azure subscription (name or id).") var subscription: String?
    @Option(help: ArgumentHelp("Collect again at this interval (e.g. 5m) until interrupted.", valueName: "interval")) var every: String?
    @Option(help: ArgumentHelp("Keep the bundle directories under this directory instead of deleting them.", valueName: "dir")) var keepBundles: String?
    @Option(help: ArgumentHelp("Retention policy applied after each import.", valueName: "policy")) var keep: String?
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions

    func run() throws {
        let interval = try every.map(Duration.parse)
        let store = try PostureStore(path: storeOptions.resolvedPath())
        let pipeline = BundlePipeline(scorer: try scoring.makeScorer(), retention: try keep.map(RetentionPolicy.parse))
        let stop = StopSignal.install()
        repeat {
            let started = Date()
            try collectOnce(store: store, pipeline: pipeline, now: started)
            guard let interval else { break }
            while !stop.requested, Date().timeIntervalSince(started) < interval { usleep(200_000) }
        } while !stop.requested
    }

    private func collectOnce(store: PostureStore, pipeline: BundlePipeline, now: Date) throws {
        let fm = FileManager.default
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
        let dir: URL
        if let k = keepBundles {
            dir = URL(fileURLWithPath: k).appendingPathComponent("\(name)-\(stamp)")
        } else {
            dir = fm.temporaryDirectory.appendingPathComponent("aksposture-\(getpid())-\(stamp)")
        }
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { if keepBundles == nil { try? fm.removeItem(at: dir) } }
        let collector = Collector(resourceGroup: resourceGroup, clusterName: name, subscription: subscription)
        _ = try collector.collect(into: dir, now: now)
        let (snap, report, summary) = try pipeline.importBundle(dir, into: store, now: now)
        print(BundlePipeline.line(snap, report, summary, source: keepBundles == nil ? "az/kubectl" : dir.path))
    }
}

/// SIGINT/SIGTERM set a flag so `collect --every` finishes the snapshot in progress and exits.
final class StopSignal: @unchecked Sendable {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    var requested: Bool { StopSignal.flag != 0 }
    static func install() -> StopSignal {
        signal(SIGINT) { _ in StopSignal.flag = 1 }
        signal(SIGTERM) { _ in StopSignal.flag = 1 }
        return StopSignal()
    }
}
