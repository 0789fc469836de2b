import ArgumentParser
import Foundation
import PostureImport
import PostureModel
import PostureScoring
import PostureStore
import PostureViews

/// Figures one `import-once` child reports.
struct ImportOnceResult: Codable {
    var loadSeconds: Double
    var scoreSeconds: Double
    var storeSeconds: Double
    var totalSeconds: Double
    var objects: Int
    var rawBytes: Int
    var peakRSSKB: Int
    var storeBytes: Int
    var snapshotID: Int64
}

/// Bundle → normalized, scored snapshot committed in a fresh store, in its own process so
/// the peak RSS (VmHWM) belongs to this one import.
struct ImportOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-once",
        abstract: "Import one bundle into a store and print the figures as one JSON line (used by `run`).")

    @Argument(help: "Bundle directory.") var bundle: String
    @Argument(help: "Store file (created).") var store: String

    func run() throws {
        let start = monotonicSeconds()
        let (snapshot, load) = try measure { try BundleImporter().load(bundle: URL(fileURLWithPath: bundle)) }
        let (report, score) = measure { PostureScorer().score(snapshot, now: snapshot.collection.collectedAt) }
        let (summary, commit) = try measure { () throws -> SnapshotSummary in
            let s = try PostureStore(path: URL(fileURLWithPath: store))
            return try s.importSnapshot(snapshot, report: report)
        }
        let total = monotonicSeconds() - start
        let hwm = procStatusKB("VmHWM") ?? -1
        let s = try PostureStore(path: URL(fileURLWithPath: store))
        try s.checkpoint()
        try emitJSON(ImportOnceResult(loadSeconds: load, scoreSeconds: score, storeSeconds: commit, totalSeconds: total,
                                      objects: snapshot.kubernetes?.objectCount ?? 0, rawBytes: directoryBytes(bundle),
                                      peakRSSKB: hwm, storeBytes: try s.storeSizeBytes(), snapshotID: summary.id))
    }
}

struct ScoreOnceResult: Codable {
    var runs: [Double]
    var coldRun: Double
    var objects: Int
    var findings: Int
}

/// Scoring alone: the bundle is normalized once, then scored several times.
struct ScoreOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score-once",
        abstract: "Load a bundle, score it N times and print the timings as one JSON line (used by `run`).")

    @Argument(help: "Bundle directory.") var bundle: String
    @Option(help: "Scoring runs.") var runs: Int = 5
    @Option(help: "Also write the report as sorted JSON here (to check that a speed-up changes no verdict).")
    var dumpReport: String?

    func run() throws {
        let snapshot = try BundleImporter().load(bundle: URL(fileURLWithPath: bundle))
        let scorer = PostureScorer()
        var times: [Double] = []
        var findings = 0
        // One unmeasured run first: lazy catalog and configuration setup are not the per-snapshot cost.
        let (_, cold) = measure { scorer.score(snapshot, now: snapshot.collection.collectedAt) }
        for _ in 0..<runs {
            let (r, t) = measure { scorer.score(snapshot, now: snapshot.collection.collectedAt) }
            times.append(t)
            findings = r.findings.count
        }
        if let dumpReport {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .prettyPrinted]
            e.dateEncodingStrategy = .iso8601
            try e.encode(scorer.score(snapshot, now: snapshot.collection.collectedAt)).write(to: URL(fileURLWithPath: dumpReport))
        }
        try emitJSON(ScoreOnceResult(runs: times, coldRun: cold, objects: snapshot.kubernetes?.objectCount ?? 0, findings: findings))
    }
}

/// Opens a store's history pane the way the console does (ConsoleApp on the store, history
/// pane first, one 160×48 frame); also times the bare `snapshots(clusterID:)` query.
struct HistoryOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history-once",
        abstract: "Open a store's history pane and print the timings as one JSON line (used by `run`).")

    @Argument(help: "Store file.") var store: String

    func run() throws {
        let start = monotonicSeconds()
        let (s, open) = try measure { try PostureStore(path: URL(fileURLWithPath: store), readOnly: true) }
        let (screen, render) = try measure {
            try renderPane(.history, reader: s, options: ConsoleOptions(initialPane: .history), width: 160, height: 48, now: Date())
        }
        let total = monotonicSeconds() - start
        _ = screen
        let (list, listTime) = try measure { () throws -> [SnapshotSummary] in
            guard let c = try s.clusters().first else { throw BenchError("no cluster in \(store)") }
            return try s.snapshots(clusterID: c.id)
        }
        try emitJSON(HistoryOnceResult(openSeconds: open, listSeconds: listTime, renderSeconds: render, totalSeconds: total,
                                       snapshots: list.count, what: "store open + renderPane(.history) 160×48"))
    }
}

/// Peak RSS of this executable doing nothing: the floor under every per-process figure.
struct RSSBaseline: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rss-baseline", abstract: "Print this process's VmHWM in kB (used by `run`).")
    func run() throws { print(procStatusKB("VmHWM") ?? -1) }
}
