import Foundation

/// Seed documents, read at run time from the shared corpus and the demo bundles (never copied
/// into the repository).
public struct SeedSource: Sendable {
    public var packageRoot: URL
    public var corpusRoot: URL

    /// The package root is found by walking up from `file` to the directory holding Package.swift;
    /// the corpus is `$AKSPOSTURE_CORPUS` or `<package root>/../shared/corpus`.
    public init(locatingFrom file: String = #filePath) {
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { break }
            dir = dir.deletingLastPathComponent()
        }
        packageRoot = dir
        if let env = ProcessInfo.processInfo.environment["AKSPOSTURE_CORPUS"], !env.isEmpty {
            corpusRoot = URL(fileURLWithPath: env, isDirectory: true)
        } else {
            corpusRoot = dir.deletingLastPathComponent().appendingPathComponent("shared/corpus", isDirectory: true)
        }
    }

    public init(packageRoot: URL, corpusRoot: URL) {
        self.packageRoot = packageRoot
        self.corpusRoot = corpusRoot
    }

    public var snapshotsRoot: URL { packageRoot.appendingPathComponent("snapshots", isDirectory: true) }

    /// Every demo bundle directory (`snapshots/<cluster>/<time>`), sorted.
    public func demoBundles() -> [URL] {
        let fm = FileManager.default
        var result: [URL] = []
        for cluster in (try? fm.contentsOfDirectory(atPath: snapshotsRoot.path))?.sorted() ?? [] {
            let clusterDir = snapshotsRoot.appendingPathComponent(cluster, isDirectory: true)
            for time in (try? fm.contentsOfDirectory(atPath: clusterDir.path))?.sorted() ?? [] {
                let bundle = clusterDir.appendingPathComponent(time, isDirectory: true)
                if fm.fileExists(atPath: bundle.appendingPathComponent("cluster.json").path) { result.append(bundle) }
            }
        }
        return result
    }

    /// Corpus JSON documents: REST API examples contribute their response and request bodies
    /// (what `az`/ARM would hand the importer), everything else is used as is.
    public func corpusDocuments() -> [(name: String, data: Data)] {
        let fm = FileManager.default
        guard let all = try? fm.subpathsOfDirectory(atPath: corpusRoot.path) else { return [] }
        var result: [(String, Data)] = []
        for relative in all.sorted() where relative.lowercased().hasSuffix(".json") {
            guard let data = fm.contents(atPath: corpusRoot.appendingPathComponent(relative).path) else { continue }
            result.append((relative, data))
            guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  top["parameters"] != nil || top["responses"] != nil else { continue }
            var bodies: [Any] = []
            if let responses = top["responses"] as? [String: Any] {
                for (_, r) in responses { if let body = (r as? [String: Any])?["body"] { bodies.append(body) } }
            }
            if let parameters = top["parameters"] as? [String: Any] {
                for (_, p) in parameters where p is [String: Any] { bodies.append(p) }
            }
            for (i, body) in bodies.enumerated() {
                if let encoded = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) {
                    result.append(("\(relative)#body\(i)", encoded))
                }
            }
        }
        return result
    }

    /// Seeds for one entry: the matching file of every demo bundle first, then every corpus document.
    /// For the bundle entry: each demo bundle packed as a container, and containers that put each
    /// corpus document into the file it most resembles next to a demo cluster.json.
    public func seeds(for entry: ImportEntry) -> [(name: String, data: Data)] {
        var result: [(String, Data)] = []
        let bundles = demoBundles()
        if let file = entry.documentFileName {
            for bundle in bundles {
                let name = bundle.path.replacingOccurrences(of: snapshotsRoot.path + "/", with: "")
                if entry == .kubernetes || entry == .kubernetesFile || entry == .kubernetesScrub {
                    // The demo bundles use kubernetes/<resource>.json; each is a valid List on its own.
                    let dir = bundle.appendingPathComponent("kubernetes")
                    for f in (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? [] {
                        if let data = FileManager.default.contents(atPath: dir.appendingPathComponent(f).path) {
                            result.append(("\(name)/kubernetes/\(f)", data))
                        }
                    }
                } else if let data = FileManager.default.contents(atPath: bundle.appendingPathComponent(file).path) {
                    result.append(("\(name)/\(file)", data))
                }
            }
            result += corpusDocuments()
            return result
        }
        for bundle in bundles {
            // Split so each seed stays small enough for a fast exec: the Azure documents together,
            // then cluster.json with one Kubernetes file at a time.
            let name = bundle.path.replacingOccurrences(of: snapshotsRoot.path + "/", with: "")
            let files = BundleContainer.read(bundle: bundle)
            result.append((name + " azure", BundleContainer.encode(files.filter { !$0.key.hasPrefix("kubernetes/") })))
            for (file, data) in files.sorted(by: { $0.key < $1.key }) where file.hasPrefix("kubernetes/") {
                result.append(("\(name) \(file)", BundleContainer.encode(["cluster.json": files["cluster.json"] ?? Data(), file: data])))
            }
        }
        if let first = bundles.first, let cluster = FileManager.default.contents(atPath: first.appendingPathComponent("cluster.json").path) {
            for doc in corpusDocuments() {
                let target = Self.guessFile(doc.name)
                var files = ["cluster.json": cluster]
                files[target] = doc.data
                result.append(("corpus:\(doc.name)→\(target)", BundleContainer.encode(files)))
            }
        }
        return result
    }

    static func guessFile(_ name: String) -> String {
        let n = name.lowercased()
        if n.contains("managedcluster") || n.contains("aks.json") || n.contains("/aks/") { return "cluster.json" }
        if n.contains("agentpool") || n.contains("nodepool") { return "nodepools.json" }
        if n.contains("registry") || n.contains("registries") { return "acr.json" }
        if n.contains("keyvault") || n.contains("vault") { return "keyvaults.json" }
        if n.contains("privateendpoint") { return "private-endpoints.json" }
        if n.contains("privatedns") || n.contains("privatezone") || n.contains("virtualnetworklink") { return "private-dns-zones.json" }
        if n.contains("roleassignment") { return "role-assignments.json" }
        if n.contains("diagnostic") { return "diagnostic-settings.json" }
        return "kubernetes.json"
    }
}
