import ArgumentParser
import Foundation
import PostureImport
import PostureModel
import PostureScoring
import PostureStore

extension Bench {
    // MARK: 6. Store growth

    /// Store size after N snapshots ÷ size after the first, measured after a WAL checkpoint.
    mutating func storeGrowthRows(_ table: inout ResultTable) throws {
        let scale = plan.growthScale
        let n = plan.growthSnapshots
        try FileManager.default.createDirectory(atPath: "\(plan.work)/stores", withIntermediateDirectories: true)

        // Unchanged cluster: every snapshot holds the same objects; only collectedAt moves on.
        // The generator would write byte-identical kubernetes.json files (churn 0), so the bundle
        // is parsed and scored once and the same normalized snapshot imported N times.
        do {
            let bundle = try BundleCache.bundle(scale, seed: plan.seed, work: plan.work)
            let path = "\(plan.work)/stores/growth-unchanged-\(scale.name).sqlite"
            removeStore(path)
            var snapshot = try BundleImporter().load(bundle: URL(fileURLWithPath: bundle))
            let report = PostureScorer().score(snapshot, now: snapshot.collection.collectedAt)
            let store = try PostureStore(path: URL(fileURLWithPath: path))
            let t0 = snapshot.collection.collectedAt
            var one = 0
            let started = monotonicSeconds()
            for k in 0..<n {
                snapshot.collection.collectedAt = t0.addingTimeInterval(Double(k) * 300)
                try store.importSnapshot(snapshot, report: report)
                if k == 0 { try store.checkpoint(); one = try store.storeSizeBytes() }
                progress("unchanged history", k + 1, n, started)
            }
            try store.checkpoint()
            let all = try store.storeSizeBytes()
            let ratio = Double(all) / Double(one)
            table.add(ResultRow(number: 6, figure: "store growth, \(n) unchanged snapshots", scale: scale.name,
                                measured: String(format: "%.2f× one (%@ vs %@)", ratio, mb(all), mb(one)),
                                target: n == 288 ? "≤ 1.3× one" : "(≤ 1.3× at 288)", met: n == 288 ? ratio <= 1.3 : nil,
                                note: "\(snapshot.kubernetes?.objectCount ?? 0) objects per snapshot; import loop \(secs(monotonicSeconds() - started))"))
        }

        // 1% of objects change between consecutive snapshots: every snapshot is generated,
        // written, parsed, scored and imported, as the collector and importer would. A
        // background thread writes snapshot k+1 while snapshot k is imported (two slots).
        do {
            let path = "\(plan.work)/stores/growth-churn-\(scale.name).sqlite"
            removeStore(path)
            let producer = HistoryProducer(generator: BundleGenerator(scale: scale, seed: plan.seed, churn: plan.churn),
                                           slots: ["\(plan.work)/growth-tmp-0", "\(plan.work)/growth-tmp-1"], count: n)
            producer.start()
            let store = try PostureStore(path: URL(fileURLWithPath: path))
            var one = 0
            var objects = 0
            let started = monotonicSeconds()
            for k in 0..<n {
                let dir = try producer.take(k)
                let snapshot = try BundleImporter().load(bundle: URL(fileURLWithPath: dir))
                producer.release(k)
                let report = PostureScorer().score(snapshot, now: snapshot.collection.collectedAt)
                try store.importSnapshot(snapshot, report: report)
                objects = snapshot.kubernetes?.objectCount ?? 0
                if k == 0 { try store.checkpoint(); one = try store.storeSizeBytes() }
                progress("1% churn history", k + 1, n, started)
            }
            producer.cleanUp()
            try store.checkpoint()
            let all = try store.storeSizeBytes()
            let ratio = Double(all) / Double(one)
            table.add(ResultRow(number: 6, figure: "store growth, \(n) snapshots at \(Int(plan.churn * 100))% churn", scale: scale.name,
                                measured: String(format: "%.2f× one (%@ vs %@)", ratio, mb(all), mb(one)),
                                target: n == 288 ? "≤ 4× one" : "(≤ 4× at 288)", met: n == 288 ? ratio <= 4 : nil,
                                note: "\(objects) objects per snapshot; generate+import loop \(secs(monotonicSeconds() - started))"))
        }
    }

    // MARK: 7. History

    /// Opens the history of a cluster holding many (small, identical) snapshots.
    mutating func historyRow(_ table: inout ResultTable) throws {
        let n = plan.historySnapshots
        let bundle = try BundleCache.bundle(.tiny, seed: plan.seed, work: plan.work)
        let path = "\(plan.work)/stores/history-\(n).sqlite"
        try FileManager.default.createDirectory(atPath: "\(plan.work)/stores", withIntermediateDirectories: true)
        let marker = path + ".complete"
        if !FileManager.default.fileExists(atPath: marker) {
            removeStore(path)
            var snapshot = try BundleImporter().load(bundle: URL(fileURLWithPath: bundle))
            let report = PostureScorer().score(snapshot, now: snapshot.collection.collectedAt)
            let store = try PostureStore(path: URL(fileURLWithPath: path))
            let t0 = snapshot.collection.collectedAt
            let started = monotonicSeconds()
            for k in 0..<n {
                snapshot.collection.collectedAt = t0.addingTimeInterval(Double(k) * 300)
                try store.importSnapshot(snapshot, report: report)
                progress("history store", k + 1, n, started)
            }
            try store.checkpoint()
            try BundleCache.generatorVersion.write(toFile: marker, atomically: true, encoding: .utf8)
        }
        var runs: [HistoryOnceResult] = []
        for _ in 0..<5 {
            let (r, _) = try Child.runJSON([selfExecutable, "history-once", path], as: HistoryOnceResult.self)
            runs.append(r)
        }
        let m = median(runs.map(\.totalSeconds))
        table.add(ResultRow(number: 7, figure: "history: open \(n) snapshots", scale: "tiny",
                            measured: ms(m), target: n == 10_000 ? "≤ 100 ms" : "(≤ 100 ms at 10,000)",
                            met: n == 10_000 ? m <= 0.1 : nil,
                            note: "\(runs[0].what): store open \(ms(median(runs.map(\.openSeconds)))), ConsoleApp+render \(ms(median(runs.compactMap(\.renderSeconds)))); bare snapshots(clusterID:) \(ms(median(runs.map(\.listSeconds)))); median of \(runs.count) fresh processes"))
    }

    func progress(_ what: String, _ k: Int, _ n: Int, _ started: Double) {
        guard k == n || k % max(1, n / 20) == 0 else { return }
        let elapsed = monotonicSeconds() - started
        FileHandle.standardError.write(Data(String(format: "  %@: %d/%d (%.0f s)\n", what, k, n, elapsed).utf8))
    }
}

struct HistoryOnceResult: Codable {
    var openSeconds: Double
    var listSeconds: Double
    var renderSeconds: Double?
    var totalSeconds: Double
    var snapshots: Int
    var what: String
}

/// Writes the bundles of a churning history on a background thread, one snapshot ahead of
/// the importer, alternating between two directories.
final class HistoryProducer: @unchecked Sendable {
    private var generator: BundleGenerator
    private let slots: [String]
    private let count: Int
    private let lock = NSCondition()
    private var written: [Int: Result<String, Error>] = [:]
    private var released = -1

    init(generator: BundleGenerator, slots: [String], count: Int) {
        self.generator = generator; self.slots = slots; self.count = count
    }

    func start() {
        let t = Thread { [self] in self.produce() }
        t.stackSize = 8 << 20
        t.start()
    }

    private func produce() {
        for k in 0..<count {
            // Slot k % 2 is free once snapshot k - 2 has been read by the importer.
            lock.lock()
            while released < k - slots.count { lock.wait() }
            lock.unlock()
            if k > 0 { generator.advance() }
            let dir = slots[k % slots.count]
            let result = Result { () throws -> String in
                try? FileManager.default.removeItem(atPath: dir)
                _ = try generator.write(to: dir)
                return dir
            }
            lock.lock()
            written[k] = result
            lock.broadcast()
            lock.unlock()
            if case .failure = result { return }
        }
    }

    func take(_ k: Int) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        while written[k] == nil { lock.wait() }
        return try written[k]!.get()
    }

    func release(_ k: Int) {
        lock.lock()
        released = k
        written[k] = nil
        lock.broadcast()
        lock.unlock()
    }

    func cleanUp() { for s in slots { try? FileManager.default.removeItem(atPath: s) } }
}
