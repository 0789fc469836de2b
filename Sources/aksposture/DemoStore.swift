import Foundation
import PostureImport
import PostureModel
import PostureScoring
import PostureStore

/// The bundled demo: with no store configured, `aksposture` opens the snapshots shipped in
/// `snapshots/`, imported once into a cache store so later starts cost no parsing.
enum DemoStore {
    /// `$AKSPOSTURE_DEMO_DIR`, else `./snapshots`, else `snapshots/` beside the package the
    /// binary was built in (`.build/<config>/aksposture` → `../../snapshots`).
    static func locateSnapshots(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let d = environment["AKSPOSTURE_DEMO_DIR"], !d.isEmpty { candidates.append(URL(fileURLWithPath: d)) }
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("snapshots"))
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("snapshots"))
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { isDirectory($0) && !bundles(under: $0).isEmpty }
    }

    /// Every directory below `root` that holds a `cluster.json`, sorted by path
    /// (bundle folders are named by time, so this is oldest first within a cluster).
    static func bundles(under root: URL) -> [URL] {
        let fm = FileManager.default
        guard let e = fm.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [URL] = []
        for case let url as URL in e where url.lastPathComponent == "cluster.json" {
            found.append(url.deletingLastPathComponent())
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Opens (creating and filling on first use) the cache store for the demo bundles.
    /// The file name carries a fingerprint of the bundle set, so edited demo data is re-imported.
    static func open(snapshots root: URL, scorer: PostureScorer, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostureStore {
        let bundles = bundles(under: root)
        var fingerprint = UInt64(1469598103934665603)
        for b in bundles {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: b.path)) ?? []).sorted() {
                let attrs = try? FileManager.default.attributesOfItem(atPath: b.appendingPathComponent(name).path)
                let size = (attrs?[.size] as? Int) ?? 0
                for byte in "\(b.lastPathComponent)/\(name)/\(size)".utf8 { fingerprint = (fingerprint ^ UInt64(byte)) &* 1099511628211 }
            }
        }
        // Stored scores depend on the scoring configuration too: another configuration gets its own cache.
        for byte in scorer.fingerprint.utf8 { fingerprint = (fingerprint ^ UInt64(byte)) &* 1099511628211 }
        let cacheBase: URL
        if let x = environment["XDG_CACHE_HOME"], !x.isEmpty { cacheBase = URL(fileURLWithPath: x) }
        else { cacheBase = URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache") }
        let path = cacheBase.appendingPathComponent("aksposture")
            .appendingPathComponent("demo-\(String(fingerprint, radix: 16)).sqlite")
        let store = try PostureStore(path: path)
        if try store.clusters().isEmpty {
            let pipeline = BundlePipeline(scorer: scorer, retention: nil)
            for b in bundles { try pipeline.importBundle(b, into: store, now: Date()) }
        }
        return store
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }
}
