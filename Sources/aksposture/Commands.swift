import ArgumentParser
import Foundation
import PostureImport
import PostureModel
import PostureOutput
import PostureScoring
import PostureStore
import PostureViews

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import snapshot bundles collected elsewhere into the store.",
        discussion: "Each BUNDLE is a directory holding the JSON that az and kubectl print (see README, 'Bundle format'). A bundle that fails to parse is reported with the file and JSON path and nothing of it is stored; bundles already imported stay.")

    @Argument(help: "Bundle directories.") var bundles: [String]
    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions
    @Option(help: ArgumentHelp("Retention policy applied after import, e.g. 48h:all,30d:hourly,365d:daily.", valueName: "policy"))
    var keep: String?

    func run() throws {
        let context = try RunContext.resolve(global, overrides: storeOptions.overrides.merging(scoring.overrides) { a, _ in a })
        let store = try context.openStore(readOnly: false)
        let pipeline = BundlePipeline(scorer: try context.makeScorer(), retention: try keep.map(RetentionPolicy.parse), log: context.log)
        var failures = 0
        for b in bundles {
            let url = URL(fileURLWithPath: b)
            do {
                let (snap, report, summary) = try pipeline.importBundle(url, into: store, now: Date())
                print(BundlePipeline.line(snap, report, summary, source: b))
                fflush(nil)
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

    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions
    @Option(help: "Only this cluster (name or id).") var cluster: String?

    func run() throws {
        let context = try RunContext.resolve(global, overrides: storeOptions.overrides.merging(scoring.overrides) { a, _ in a })
        let store = try context.openStore(readOnly: true)
        var clusters = try store.clusters()
        if let c = cluster {
            clusters = clusters.filter { $0.name == c || $0.key == c.lowercased() }
            if clusters.isEmpty { throw CLIError("no cluster named '\(c)' in \(context.storePath.path)") }
        }
        if let warning = context.staleReportWarning(store: store, scorer: try context.makeScorer()) {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
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
        print("store: \(context.storePath.path), \(ByteCount.format(try store.storeSizeBytes()))")
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the store: SQLite's integrity check, every stored object against its SHA-256, every snapshot's object list.",
        discussion: "Read-only; a collector may import meanwhile. Imports reuse objects already stored by hash without reading them, so damage to stored bodies (a failing disk, a bad copy) shows here or when a snapshot is read, never at import: run it from the collection timer or cron now and then. Exit status 0: the store is sound; 1: damage found (listed) or the store cannot be opened.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let context = try RunContext.resolve(global, overrides: storeOptions.overrides)
        guard FileManager.default.fileExists(atPath: context.storePath.path) else {
            throw CLIError("no store at \(context.storePath.path)")
        }
        let store = try context.openStore(readOnly: true)
        let result = try store.verify()
        print("store: \(context.storePath.path), \(ByteCount.format(try store.storeSizeBytes()))")
        print("SQLite integrity check: " + result.integrity.map(TerminalText.sanitize).joined(separator: "; "))
        if result.damagedObjects.isEmpty {
            print("objects: \(result.objectCount) checked, each matches its SHA-256")
        } else {
            print("objects: \(result.objectCount) checked, \(result.damagedObjects.count) damaged:")
            for o in result.damagedObjects.prefix(50) {
                let problem = o.problem.hasPrefix("object \(o.id) ") ? String(o.problem.dropFirst("object \(o.id) ".count)) : o.problem
                print("  object \(o.id): \(TerminalText.sanitize(problem))")
            }
            if result.damagedObjects.count > 50 { print("  … and \(result.damagedObjects.count - 50) more") }
        }
        if result.damagedSnapshots.isEmpty {
            print("snapshots: \(result.snapshotCount) of \(result.clusterCount) clusters, each complete")
        } else {
            print("snapshots: \(result.snapshotCount) of \(result.clusterCount) clusters, \(result.damagedSnapshots.count) cannot be read:")
            let fmt = ISO8601DateFormatter()
            for s in result.damagedSnapshots {
                print("  \(s.id)  \(TerminalText.sanitize(s.clusterName))  \(fmt.string(from: s.collectedAt))  \(TerminalText.sanitize(s.problem))")
            }
        }
        if result.isSound {
            print("store is sound")
            context.log.info("verify: store sound (\(result.objectCount) objects, \(result.snapshotCount) snapshots)")
        } else {
            print("store is DAMAGED: the snapshots listed cannot be read; import their bundles again into a new store, or restore the store from a backup")
            context.log.error("verify: store damaged: \(result.damagedObjects.count) objects, \(result.damagedSnapshots.count) snapshots, integrity \(result.integrity.joined(separator: "; "))")
            throw ExitCode(1)
        }
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
        Formats: text (default), json, sarif (SARIF 2.1.0 for code scanning), junit (JUnit XML, one test case per check), markdown (a pull-request comment), prometheus (text exposition format for the node_exporter textfile collector; without BUNDLE or --cluster it covers every cluster in the store).

        Stored snapshots are scored again with the current configuration and exceptions; with --rescore, the stored scores themselves are replaced.

        Exit codes:
          0   success
          1   error (unreadable bundle, store or configuration)
          2   threshold not met: the overall score is below --fail-under, or a failing or partial finding is at or above --fail-on
          64  usage error
        """)

    @Argument(help: "A bundle directory. Without it, the latest snapshot in the store is used.") var bundle: String?
    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions
    @Option(help: "Cluster name when the store holds several.") var cluster: String?
    @Option(help: "Output format: text, json, sarif, junit, markdown or prometheus.") var format: ScoreFormat = .text
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the report to FILE (replaced atomically) instead of standard output.", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("Exit with code 2 when the overall score is below N.", valueName: "N")) var failUnder: Double?
    @Option(help: ArgumentHelp("Exit with code 2 when a check at or above this severity fails or partly fails: critical, high, medium or low.", valueName: "severity"))
    var failOn: FailThreshold?
    @Flag(help: "Score every stored snapshot again and store the new scores (after changing exceptions or weights).") var rescore = false

    enum ScoreFormat: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, junit, markdown, prometheus }

    func validate() throws {
        if let n = failUnder, !(0...100).contains(n) { throw ValidationError("--fail-under expects a score between 0 and 100, got \(n)") }
        if rescore, bundle != nil { throw ValidationError("--rescore re-scores the store; it takes no BUNDLE") }
    }

    func run() throws {
        let context = try RunContext.resolve(global, overrides: storeOptions.overrides.merging(scoring.overrides) { a, _ in a })
        let scorer = try context.makeScorer()
        let now = Date()
        if rescore {
            try rescoreStore(context: context, scorer: scorer, now: now)
            return
        }
        var scored: [(snapshot: Snapshot, report: ScoreReport, previous: ScoreReport?)] = []
        if let b = bundle {
            let snapshot = try BundleImporter().load(bundle: URL(fileURLWithPath: b))
            scored.append((snapshot, scorer.score(snapshot, now: now), nil))
        } else {
            let store = try context.openStore(readOnly: true)
            if let warning = context.staleReportWarning(store: store, scorer: scorer) {
                FileHandle.standardError.write(Data((warning + "\n").utf8))
            }
            let clusters: [ClusterSummary]
            if format == .prometheus, cluster == nil {
                clusters = try store.clusters()
            } else {
                clusters = [try chooseCluster(store, context: context)]
            }
            for c in clusters {
                let history = try store.snapshots(clusterID: c.id)
                guard let latest = history.last else { continue }
                let snapshot = try store.snapshot(id: latest.id)
                // The previous snapshot only feeds the markdown delta column.
                var previous: ScoreReport?
                if format == .markdown, history.count > 1 {
                    previous = scorer.score(try store.snapshot(id: history[history.count - 2].id), now: now)
                }
                scored.append((snapshot, scorer.score(snapshot, now: now), previous))
            }
        }

        guard !scored.isEmpty else {
            throw CLIError("the store \(context.storePath.path) holds no snapshots; import or collect one first")
        }
        let text: String
        switch format {
        case .text: text = ScoreReportText.render(report: scored[0].report, snapshot: scored[0].snapshot)
        case .json: text = ScoreReportJSON.render(report: scored[0].report, snapshot: scored[0].snapshot)
        case .sarif: text = SARIFReport.render(scored[0].report, snapshot: scored[0].snapshot)
        case .junit: text = JUnitReport.render(scored[0].report, snapshot: scored[0].snapshot)
        case .markdown: text = MarkdownReport.render(scored[0].report, snapshot: scored[0].snapshot, previous: scored[0].previous)
        case .prometheus: text = PrometheusReport.render(reports: scored.map { PrometheusReport.Entry(snapshot: $0.snapshot, report: $0.report) }, now: now)
        }
        if let output {
            try ReportFile.write(text, to: URL(fileURLWithPath: output))
        } else {
            print(text, terminator: text.hasSuffix("\n") || text.isEmpty ? "" : "\n")
        }

        var breaches: [String] = []
        for (snapshot, report, _) in scored {
            let name = TerminalText.sanitize(snapshot.cluster.name)
            if let t = failUnder, report.overall.score < t {
                breaches.append("\(name): overall score \(String(format: "%.1f", report.overall.score)) is below \(String(format: "%g", t))")
            }
            if let level = failOn {
                let found = level.breaches(in: report)
                if !found.isEmpty {
                    let ids = found.prefix(8).map(\.checkID).joined(separator: ", ") + (found.count > 8 ? ", …" : "")
                    breaches.append("\(name): \(found.count) failing or partial check(s) at or above \(level.rawValue) (\(ids))")
                }
            }
        }
        if !breaches.isEmpty {
            for b in breaches { FileHandle.standardError.write(Data("aksposture: \(b)\n".utf8)) }
            throw ExitCode(2)
        }
    }

    private func rescoreStore(context: RunContext, scorer: PostureScorer, now: Date) throws {
        let store = try context.openStore(readOnly: false)
        var n = 0
        do {
            for c in try store.clusters() {
                for s in try store.snapshots(clusterID: c.id) {
                    try store.replaceReport(snapshotID: s.id, report: scorer.score(try store.snapshot(id: s.id), now: now))
                    n += 1
                }
            }
        } catch {
            context.log.error("rescore \(context.storePath.path) failed after \(n) snapshot(s): \(error)")
            throw error
        }
        context.log.info("rescore \(context.storePath.path): \(n) snapshot(s) with \(scorer.fingerprint)")
        print("rescored \(n) snapshots")
    }

    private func chooseCluster(_ store: PostureStore, context: RunContext) throws -> ClusterSummary {
        let clusters = try store.clusters()
        if let c = cluster {
            guard let found = clusters.first(where: { $0.name == c || $0.key == c.lowercased() }) else {
                throw CLIError("no cluster named '\(c)' in \(context.storePath.path)")
            }
            return found
        }
        if clusters.count == 1 { return clusters[0] }
        if clusters.isEmpty {
            throw CLIError("the store \(context.storePath.path) holds no snapshots; import or collect one first")
        }
        throw CLIError("the store holds \(clusters.count) clusters; pick one with --cluster (\(clusters.map { TerminalText.sanitize($0.name) }.joined(separator: ", ")))")
    }
}

extension FailThreshold: ExpressibleByArgument {}

/// Reports written with `--output`: a temporary file beside the target, renamed over it, so a
/// scraper (the node_exporter textfile collector) never reads half a file.
enum ReportFile {
    static func write(_ text: String, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw CLIError("cannot write \(tmp.path): \(String(cString: strerror(errno)))")
        }
        // createFile's mode is filtered by the umask; reports are meant to be world-readable.
        chmod(tmp.path, 0o644)
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw CLIError("cannot write \(url.path): \(reason)")
        }
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
    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions

    func run() throws {
        let interval = try every.map(Duration.parse)
        let context = try RunContext.resolve(global, overrides: storeOptions.overrides.merging(scoring.overrides) { a, _ in a })
        let store = try context.openStore(readOnly: false)
        let pipeline = BundlePipeline(scorer: try context.makeScorer(), retention: try keep.map(RetentionPolicy.parse), log: context.log)
        let stop = StopSignal.install()
        repeat {
            let started = Date()
            do {
                try collectOnce(store: store, pipeline: pipeline, log: context.log, now: started)
            } catch {
                context.log.error("collect \(resourceGroup)/\(name) failed: \(error)")
                // A repeating collector outlives one failed round (az down, cluster unreachable).
                guard interval != nil else { throw error }
                FileHandle.standardError.write(Data("aksposture: collect failed: \(error)\n".utf8))
            }
            guard let interval else { break }
            while !stop.requested, Date().timeIntervalSince(started) < interval { usleep(200_000) }
        } while !stop.requested
    }

    private func collectOnce(store: PostureStore, pipeline: BundlePipeline, log: LogSink, now: Date) throws {
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
        do {
            try collector.collect(into: dir, now: now)
        } catch {
            CollectionLog.record(bundle: dir, cluster: "\(resourceGroup)/\(name)", to: log)
            throw error
        }
        CollectionLog.record(bundle: dir, cluster: "\(resourceGroup)/\(name)", to: log)
        let (snap, report, summary) = try pipeline.importBundle(dir, into: store, now: now)
        print(BundlePipeline.line(snap, report, summary, source: keepBundles == nil ? "az/kubectl" : dir.path))
        // one line per snapshot reaches journald or `| tee` when it happens, not 4 KB later
        fflush(nil)
    }
}

/// SIGINT/SIGTERM/SIGHUP set a flag so `collect --every` finishes the snapshot in progress and
/// exits (removing its temporary bundle). SIGHUP stays ignored when started under nohup. SIGPIPE
/// is ignored: a closed stdout (a log reader gone) must not kill a collection halfway.
final class StopSignal: @unchecked Sendable {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    var requested: Bool { StopSignal.flag != 0 }
    static func install() -> StopSignal {
        signal(SIGINT) { _ in StopSignal.flag = 1 }
        signal(SIGTERM) { _ in StopSignal.flag = 1 }
        let previousHUP = signal(SIGHUP) { _ in StopSignal.flag = 1 }
        if let previousHUP, unsafeBitCast(previousHUP, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
            signal(SIGHUP, SIG_IGN)
        }
        signal(SIGPIPE, SIG_IGN)
        return StopSignal()
    }
}
