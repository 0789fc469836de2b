import ArgumentParser
import Foundation
import PostureImport
import PostureModel
import PostureOutput
import PostureScoring
import PostureStore
import PostureViews

/// Options every store-reading command shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path of the store file (config key store; default: $AKSPOSTURE_STORE, else $XDG_DATA_HOME/aksposture/store.sqlite).", valueName: "path"))
    var store: String?

    /// Flag values that override the configuration, by setting key.
    var overrides: [String: String] { store.map { ["store": $0] } ?? [:] }
}

/// Options that change how snapshots are scored.
struct ScoringOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Exceptions file (YAML) that waives checks (config key exceptions-file); see README.", valueName: "file"))
    var exceptions: String?

    var overrides: [String: String] { exceptions.map { ["exceptions-file": $0] } ?? [:] }
}

/// A readable failure: printed as one line on stderr, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

enum Duration {
    /// Parses `90s`, `5m`, `1h`, `2d` (a bare number is seconds).
    static func parse(_ text: String) throws -> TimeInterval {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count)), v > 0 { return v * factor }
        }
        if let v = Double(t), v > 0 { return v }
        throw CLIError("invalid duration '\(text)' (use e.g. 30s, 5m, 1h, 2d)")
    }
}

/// Import one bundle directory: parse, score, store, apply retention. One line of output.
struct BundlePipeline {
    let scorer: PostureScorer
    let retention: RetentionPolicy?
    /// Where imports and their failures are recorded (nil: nowhere, e.g. the demo cache).
    var log: LogSink? = nil

    @discardableResult
    func importBundle(_ url: URL, into store: PostureStore, now: Date) throws -> (Snapshot, ScoreReport, SnapshotSummary) {
        do {
            let snapshot = try BundleImporter().load(bundle: url)
            let report = scorer.score(snapshot, now: now)
            let summary = try store.importSnapshot(snapshot, report: report)
            log?.info("import \(url.path): cluster \(snapshot.cluster.name) snapshot #\(summary.id) score \(String(format: "%.1f", report.overall.score)) \(report.overall.grade.rawValue) config \(report.configFingerprint)")
            if let retention {
                let removed = try store.applyRetention(retention, now: now)
                if removed > 0 { log?.info("retention \(retention): removed \(removed) snapshot(s)") }
            }
            return (snapshot, report, summary)
        } catch {
            log?.error("import \(url.path) failed: \(error)")
            throw error
        }
    }

    static func line(_ snapshot: Snapshot, _ report: ScoreReport, _ summary: SnapshotSummary, source: String) -> String {
        let fmt = ISO8601DateFormatter()
        let missing = snapshot.collection.sources.filter { $0.state != .collected }.map(\.source.rawValue)
        var s = "\(TerminalText.sanitize(snapshot.cluster.name)) \(fmt.string(from: snapshot.collection.collectedAt)) snapshot #\(summary.id) score \(String(format: "%.1f", report.overall.score)) \(report.overall.grade.rawValue) (\(summary.objectCount) objects, +\(summary.storedBytes) bytes) from \(source)"
        if !missing.isEmpty { s += " — not collected: \(missing.joined(separator: ", "))" }
        return s
    }
}

