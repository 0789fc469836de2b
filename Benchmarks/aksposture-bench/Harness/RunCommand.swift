import ArgumentParser
import Foundation
import PostureImport
import PostureModel
import PostureScoring
import PostureStore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure every figure against its target and print one table.")

    @Option(help: "Scales for the import rows, comma-separated (S, M, L, XL).")
    var scales: String = "S,M,L"
    @Option(help: "Also write the table to this file.")
    var outTable: String?
    @Option(help: "Working directory for generated bundles and stores (bundles are cached here per scale and seed).")
    var work: String = "/tmp/aksposture-bench"
    @Option(help: "Generator seed.")
    var seed: UInt64 = 1
    @Flag(help: "CI smoke run: S scale and small counts only; exits 0 whatever the timings (non-zero only on errors).")
    var quick = false
    @Option(help: "Snapshots per store-growth history (row 6).")
    var growthSnapshots: Int = 288
    @Option(help: "Scale of the store-growth histories (row 6).")
    var growthScale: String = "M"
    @Option(help: "Snapshots stored for the history row (row 7).")
    var historySnapshots: Int = 10_000
    @Option(help: "Scale for the open and interaction rows (rows 3-5): the large store is compared with S.")
    var openScale: String = "XL"
    @Option(help: "Scale of the collect row (row 8), collected from stand-in az/kubectl.")
    var collectScale: String = "M"
    @Option(help: "Rows to run, comma-separated numbers (default: all).")
    var rows: String?

    func run() throws {
        var plan = Plan(
            importScales: try scales.split(separator: ",").map { s in
                guard let c = ClusterScale.named(String(s)) else { throw ValidationError("unknown scale \(s)") }
                return c
            },
            seed: seed, work: work, growthSnapshots: growthSnapshots,
            growthScale: try ClusterScale.named(growthScale).orThrow("unknown scale \(growthScale)"),
            historySnapshots: historySnapshots,
            openScale: try ClusterScale.named(openScale).orThrow("unknown scale \(openScale)"),
            quick: quick)
        plan.collectScale = try ClusterScale.named(collectScale).orThrow("unknown scale \(collectScale)")
        if quick {
            plan.importScales = [.S]
            plan.growthScale = .S
            plan.growthSnapshots = min(growthSnapshots, 12)
            plan.historySnapshots = min(historySnapshots, 200)
            plan.openScale = .S
            plan.importRepeats = 1
            plan.scoreRuns = 3
        }
        if let rows { plan.only = Set(rows.split(separator: ",").compactMap { Int($0) }) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

        var table = ResultTable(machine: .current(), started: Date())
        table.outPath = outTable
        FileHandle.standardError.write(Data("machine: \(table.machine.line)\nwork directory: \(work)\n".utf8))
        var bench = Bench(plan: plan)
        try bench.runAll(into: &table)
        let text = table.render()
        print(text, terminator: "")
        if let outTable { try text.write(toFile: outTable, atomically: true, encoding: .utf8) }
    }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let v = self else { throw ValidationError(message) }
        return v
    }
}

struct Plan {
    var importScales: [ClusterScale]
    var seed: UInt64
    var work: String
    var growthSnapshots: Int
    var growthScale: ClusterScale
    var historySnapshots: Int
    var openScale: ClusterScale
    var quick: Bool
    var importRepeats: Int? = nil
    var scoreRuns = 5
    var only: Set<Int>? = nil
    var churn = 0.01
    var collectScale: ClusterScale = .M

    func wants(_ row: Int) -> Bool { only?.contains(row) ?? true }
    /// Repeats of the import measurement: fewer for the big scales, where one run takes long.
    func repeats(_ s: ClusterScale) -> Int {
        if let importRepeats { return importRepeats }
        switch s.name { case "S": return 5; case "M": return 3; default: return 1 }
    }
}

/// Generator output is cached per scale and seed; the marker carries the generator version so
/// a changed generator never measures stale bundles.
enum BundleCache {
    static let generatorVersion = "bench-generator-1"

    /// XL is written in the bundle format's other layout, one file per resource, so the split
    /// path of the importer is measured too (a one-List XL file imports as well); another
    /// scale in the split layout (for the collect row) is cached under its own name.
    static func bundle(_ scale: ClusterScale, seed: UInt64, work: String, layout wanted: BundleGenerator.KubernetesLayout? = nil) throws -> String {
        let natural: BundleGenerator.KubernetesLayout = scale.name == "XL" ? .split : .single
        let layout = wanted ?? natural
        let dir = "\(work)/bundles/\(scale.name)-seed\(seed)" + (layout == natural ? "" : "-\(layout.rawValue)")
        let marker = "\(dir)/.generated"
        if (try? String(contentsOfFile: marker, encoding: .utf8)) == "\(generatorVersion) \(layout.rawValue)" { return dir }
        try? FileManager.default.removeItem(atPath: dir)
        FileHandle.standardError.write(Data("generating \(scale.name) bundle in \(dir)…\n".utf8))
        var gen = BundleGenerator(scale: scale, seed: seed)
        gen.kubernetesLayout = layout
        let (w, t) = try measure { try gen.write(to: dir) }
        FileHandle.standardError.write(Data("  \(w.objects) objects, \(mb(w.totalBytes)) in \(secs(t))\n".utf8))
        // The marker is a hidden file: directoryBytes skips it and the importer ignores it.
        try "\(generatorVersion) \(layout.rawValue)".write(toFile: marker, atomically: true, encoding: .utf8)
        return dir
    }
}

struct Bench {
    var plan: Plan
    /// Median whole-import seconds per scale, for the orjson ratio.
    var importSeconds: [String: Double] = [:]

    mutating func runAll(into table: inout ResultTable) throws {
        if plan.wants(1) { try importRows(&table) }
        if plan.wants(2) { try scoringRow(&table) }
        if plan.wants(3) { try openRows(&table) }
        if plan.wants(4) { try interactionRows(&table) }
        if plan.wants(5) { try terminalRows(&table) }
        if plan.wants(6) { try storeGrowthRows(&table) }
        if plan.wants(7) { try historyRow(&table) }
        if plan.wants(8) { try collectRow(&table) }
    }

    // MARK: 1. Import

    mutating func importRows(_ table: inout ResultTable) throws {
        let orjson = (try? Child.run(["python3", "-c", "import orjson"]))?.status == 0
        if !orjson { table.omitted.append("#1 orjson ratio (python3 cannot import orjson)") }
        let baselineKB = Int((try Child.run([selfExecutable, "rss-baseline"])).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        for scale in plan.importScales {
            let bundle = try BundleCache.bundle(scale, seed: plan.seed, work: plan.work)
            let store = "\(plan.work)/stores/import-\(scale.name).sqlite"
            try FileManager.default.createDirectory(atPath: "\(plan.work)/stores", withIntermediateDirectories: true)
            var results: [ImportOnceResult] = []
            for _ in 0..<plan.repeats(scale) {
                removeStore(store)
                let (r, _) = try Child.runJSON([selfExecutable, "import-once", bundle, store], as: ImportOnceResult.self)
                results.append(r)
            }
            let total = median(results.map(\.totalSeconds))
            importSeconds[scale.name] = total
            let raw = results[0].rawBytes
            let objects = results[0].objects
            let peak = results.map(\.peakRSSKB).max()! * 1024
            let phases = String(format: "load %@, score %@, store %@; median of %d",
                                secs(median(results.map(\.loadSeconds))), secs(median(results.map(\.scoreSeconds))),
                                secs(median(results.map(\.storeSeconds))), results.count)
            table.add(ResultRow(number: 1, figure: "import: whole import time", scale: scale.name, measured: secs(total),
                                target: "-", met: nil, note: "\(mb(raw)) raw JSON, \(objects) k8s objects; \(phases)"))
            table.add(ResultRow(number: 1, figure: "import: raw JSON throughput", scale: scale.name,
                                measured: String(format: "%.1f MB/s", Double(raw) / 1e6 / total), target: "-", met: nil))
            table.add(ResultRow(number: 1, figure: "import: objects per second", scale: scale.name,
                                measured: String(format: "%.0f objects/s", Double(objects) / total), target: "-", met: nil))
            let rssRatio = Double(peak) / Double(raw)
            table.add(ResultRow(number: 1, figure: "import: peak RSS (VmHWM)", scale: scale.name,
                                measured: String(format: "%@ = %.2f× raw", mb(peak), rssRatio), target: "≤ 1.5× raw bundle",
                                met: rssRatio <= 1.5, note: "store file \(mb(results[0].storeBytes)); an idle aksposture-bench process peaks at \(mb(baselineKB * 1024))"))
            if orjson {
                // The brief's one-liner, applied to each Kubernetes file in turn (one file unless split).
                let k8s = FileManager.default.fileExists(atPath: "\(bundle)/kubernetes.json") ? ["\(bundle)/kubernetes.json"]
                    : ((try? FileManager.default.contentsOfDirectory(atPath: "\(bundle)/kubernetes")) ?? []).sorted().map { "\(bundle)/kubernetes/\($0)" }
                var parses: [Double] = []
                for _ in 0..<max(1, min(3, plan.repeats(scale))) {
                    let r = try Child.run(["python3", "-c", "import orjson,sys,time\ns=0.0\nfor p in sys.argv[1:]:\n d=open(p,'rb').read(); t=time.perf_counter(); orjson.loads(d); s+=time.perf_counter()-t; del d\nprint(s)"] + k8s)
                    guard r.status == 0, let t = Double(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                        throw BenchError("orjson run failed: \(r.stderr.suffix(500))")
                    }
                    parses.append(t)
                }
                let p = median(parses)
                let ratio = total / p
                let atL = scale.name == "L"
                table.add(ResultRow(number: 1, figure: "import ÷ orjson bare parse", scale: scale.name,
                                    measured: String(format: "%.2f×", ratio), target: atL ? "≤ 1.0 at L" : "(≤ 1.0 at L)",
                                    met: atL ? ratio <= 1.0 : nil, note: "orjson.loads(\(k8s.count == 1 ? "kubernetes.json" : "each of kubernetes/*.json")) \(secs(p)), median of \(parses.count)"))
            }
        }
    }

    // MARK: 2. Scoring

    mutating func scoringRow(_ table: inout ResultTable) throws {
        let scale: ClusterScale = plan.quick ? .S : .L
        let bundle = try BundleCache.bundle(scale, seed: plan.seed, work: plan.work)
        let (r, _) = try Child.runJSON([selfExecutable, "score-once", bundle, "--runs", String(plan.scoreRuns)], as: ScoreOnceResult.self)
        let m = median(r.runs)
        table.add(ResultRow(number: 2, figure: "scoring alone (median)", scale: scale.name, measured: ms(m), target: "≤ 250 ms at L",
                            met: scale.name == "L" ? m <= 0.25 : nil,
                            note: "\(r.objects) objects, \(r.findings) checks; runs \(r.runs.map { ms($0) }.joined(separator: ", ")); first (cold) run \(ms(r.coldRun))"))
    }
}
