import ArgumentParser
import Foundation

/// Benchmark suite for aksposture: a synthetic-cluster generator and a harness that measures
/// import, scoring, open, interaction, terminal and store figures against their targets.
struct AKSPostureBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aksposture-bench",
        abstract: "Synthetic AKS bundles and the aksposture performance harness.",
        subcommands: [Generate.self, Run.self, ImportOnce.self, ScoreOnce.self, HistoryOnce.self, OpenOnce.self, InteractOnce.self, StoreReadOnce.self, CollectOnce.self, RSSBaseline.self])
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic bundles (az/kubectl shapes), deterministic from the seed.")

    @Option(help: "Cluster scale: S, M, L or XL (also 'tiny').")
    var scale: String = "S"
    @Option(help: "Output directory: the bundle, or (with --snapshots) the parent of one bundle per snapshot.")
    var out: String
    @Option(help: "Seed; the same seed writes the same bytes.")
    var seed: UInt64 = 1
    @Option(help: "Write a history of N consecutive snapshots, 5 minutes apart.")
    var snapshots: Int?
    @Option(help: "Fraction of objects that change between consecutive snapshots.")
    var churn: Double = 0.01
    @Option(help: "Kubernetes objects as one kubernetes.json List (single) or kubernetes/<resource>.json files (split).")
    var layout: String = "single"

    func run() throws {
        guard let s = ClusterScale.named(scale) else { throw ValidationError("unknown scale '\(scale)' (S, M, L, XL)") }
        guard (0...1).contains(churn) else { throw ValidationError("--churn must be between 0 and 1") }
        var gen = BundleGenerator(scale: s, seed: seed, churn: churn)
        guard let l = BundleGenerator.KubernetesLayout(rawValue: layout) else { throw ValidationError("--layout is single or split") }
        gen.kubernetesLayout = l
        let start = Date()
        if let n = snapshots {
            guard n >= 1 else { throw ValidationError("--snapshots must be at least 1") }
            for k in 0..<n {
                if k > 0 { gen.advance() }
                let dir = "\(out)/\(HistoryNames.directoryName(gen.collectedAt))"
                let r = try gen.write(to: dir)
                print("\(dir)  \(r.objects) objects  \(formatBytes(r.totalBytes))")
            }
        } else {
            let r = try gen.write(to: out)
            print("\(out)  \(r.objects) kubernetes objects  kubernetes.json \(formatBytes(r.kubernetesBytes))  bundle \(formatBytes(r.totalBytes))")
        }
        print(String(format: "generated in %.1f s", Date().timeIntervalSince(start)))
    }
}

enum HistoryNames {
    /// `2026-11-29T0005Z`, the layout the demo bundles use; sorts by time.
    static func directoryName(_ d: Date) -> String {
        let s = rfc3339(d)  // 2026-11-29T00:05:00Z
        let date = s.prefix(10)
        let hh = s.dropFirst(11).prefix(2), mm = s.dropFirst(14).prefix(2)
        return "\(date)T\(hh)\(mm)Z"
    }
}

func formatBytes(_ n: Int) -> String {
    if n >= 1 << 30 { return String(format: "%.2f GB", Double(n) / Double(1 << 30)) }
    if n >= 1 << 20 { return String(format: "%.1f MB", Double(n) / Double(1 << 20)) }
    if n >= 1 << 10 { return String(format: "%.1f KB", Double(n) / Double(1 << 10)) }
    return "\(n) B"
}

AKSPostureBench.main()
