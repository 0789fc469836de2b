import ArgumentParser
import Foundation
import PostureImport
import PostureModel
import PostureScoring
import PostureStore

/// Figures one `collect-once` child reports.
struct CollectOnceResult: Codable {
    var collectSeconds: Double
    var importSeconds: Double
    var peakRSSKB: Int
    var kubectlBytes: Int
    var objects: Int
}

/// `Collector.collect` against stand-in `az` and `kubectl` that print a generated bundle's files,
/// then the import of what it wrote, in its own process so VmHWM belongs to this one run. The
/// stand-ins only `cat` files, so the figure is aksposture's side of a collection: reading
/// kubectl's output, emptying Secret/ConfigMap/env values, writing the bundle.
struct CollectOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect-once",
        abstract: "Collect from stand-in az/kubectl serving a split bundle, import it, print the figures as one JSON line (used by `run`).")

    @Argument(help: "A bundle in the split layout (kubernetes/<resource>.json).") var source: String
    @Argument(help: "Scratch directory (created; stand-ins, the collected bundle and the store go here).") var scratch: String

    func run() throws {
        let fm = FileManager.default
        let bin = "\(scratch)/bin"
        try fm.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let az = """
        #!/bin/bash
        case "$*" in
          "version -o json") echo '{"azure-cli": "2.80.0"}' ;;
          "aks show "*) cat '\(source)/cluster.json' ;;
          "aks nodepool list "*) cat '\(source)/nodepools.json' ;;
          *) echo "ERROR: (ResourceNotFound) not served by the benchmark stand-in" >&2; exit 3 ;;
        esac
        """
        let kubectl = """
        #!/bin/bash
        if [[ "$*" == "version --client -o json" ]]; then echo '{"clientVersion": {"gitVersion": "v1.34.2"}}'; exit 0; fi
        if [[ "$1" == "get" && -f '\(source)/kubernetes/'"$2.json" ]]; then cat '\(source)/kubernetes/'"$2.json"; exit 0; fi
        echo "error: the server doesn't have a resource type \\"$2\\"" >&2; exit 1
        """
        for (name, text) in [("az", az), ("kubectl", kubectl)] {
            try text.write(toFile: "\(bin)/\(name)", atomically: true, encoding: .utf8)
            chmod("\(bin)/\(name)", 0o755)
        }
        let bundle = URL(fileURLWithPath: "\(scratch)/bundle")
        var collector = Collector(resourceGroup: "rg-bench", clusterName: "aks-bench", subscription: nil,
                                  environment: ["PATH": "\(bin):/usr/bin:/bin", "HOME": scratch])
        collector.commandTimeout = 600
        let start = monotonicSeconds()
        let (info, collect) = try measure { try collector.collect(into: bundle, now: Date()) }
        guard info.state(of: .kubernetes) == .collected else { throw BenchError("the stand-in kubectl collected nothing") }
        let (snapshot, _) = try measure { try BundleImporter().load(bundle: bundle) }
        let report = PostureScorer().score(snapshot, now: snapshot.collection.collectedAt)
        let store = try PostureStore(path: URL(fileURLWithPath: "\(scratch)/store/store.sqlite"))
        try store.importSnapshot(snapshot, report: report)
        let total = monotonicSeconds() - start
        try emitJSON(CollectOnceResult(collectSeconds: collect, importSeconds: total - collect, peakRSSKB: procStatusKB("VmHWM") ?? -1,
                                       kubectlBytes: directoryBytes("\(source)/kubernetes"), objects: snapshot.kubernetes?.objectCount ?? 0))
    }
}

extension Bench {
    // MARK: 8. Collect

    mutating func collectRow(_ table: inout ResultTable) throws {
        let scale: ClusterScale = plan.quick ? .S : plan.collectScale
        let source = try BundleCache.bundle(scale, seed: plan.seed, work: plan.work, layout: .split)
        let scratch = "\(plan.work)/collect-\(scale.name)"
        try? FileManager.default.removeItem(atPath: scratch)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (r, _) = try Child.runJSON([selfExecutable, "collect-once", source, scratch], as: CollectOnceResult.self)
        table.add(ResultRow(number: 8, figure: "collect: kubectl output → bundle", scale: scale.name, measured: secs(r.collectSeconds),
                            target: "-", met: nil,
                            note: "\(mb(r.kubectlBytes)) of kubectl JSON from stand-ins that cat files; values emptied, bundle written; \(r.objects) objects"))
        table.add(ResultRow(number: 8, figure: "collect + import: peak RSS (VmHWM)", scale: scale.name,
                            measured: String(format: "%@ = %.2f× kubectl output", mb(r.peakRSSKB * 1024), Double(r.peakRSSKB * 1024) / Double(r.kubectlBytes)),
                            target: "-", met: nil, note: "import of the collected bundle \(secs(r.importSeconds))"))
    }
}
