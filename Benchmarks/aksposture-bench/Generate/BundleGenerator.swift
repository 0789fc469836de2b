import Foundation

/// Generates one bundle, or a history of bundles, for a scale and seed.
struct BundleGenerator {
    let layout: ClusterLayout
    var state: ChangeState
    /// collectedAt of snapshot 0.
    let t0: Date
    let interval: TimeInterval
    /// One `kubernetes.json`, or `kubernetes/<resource>.json` (the bundle format's two layouts).
    var kubernetesLayout: KubernetesLayout = .single

    enum KubernetesLayout: String, CaseIterable { case single, split }

    struct Written {
        var directory: String
        var objects: Int
        var kubernetesBytes: Int
        var totalBytes: Int
        var collectedAt: Date
    }

    static let defaultStart = Date(timeIntervalSince1970: 1_795_910_400) // 2026-11-29T00:00:00Z

    init(scale: ClusterScale, seed: UInt64, churn: Double = 0, start: Date = BundleGenerator.defaultStart, interval: TimeInterval = 300) {
        layout = ClusterLayout(scale: scale, seed: seed)
        state = ChangeState(layout: layout, churn: churn)
        t0 = start
        self.interval = interval
    }

    var snapshotIndex: Int { state.snapshot }
    var collectedAt: Date { t0.addingTimeInterval(Double(state.snapshot) * interval) }

    /// Moves to the next snapshot of the history (objects change with probability `churn`).
    mutating func advance() { state.advance() }

    /// Writes the current snapshot's bundle into `dir` (created if needed).
    func write(to dir: String) throws -> Written {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try AzureWriter(l: layout, dir: dir).writeAll()
        let kubernetesBytes: Int
        var k: KubernetesWriter
        switch kubernetesLayout {
        case .single:
            let kw = try JSONStreamWriter(path: "\(dir)/kubernetes.json", indent: 4)
            k = KubernetesWriter(layout: layout, state: state, t0: t0, now: collectedAt, interval: interval, writer: kw)
            k.write()
            try kw.close()
            kubernetesBytes = kw.bytesWritten
        case .split:
            k = KubernetesWriter(layout: layout, state: state, t0: t0, now: collectedAt, interval: interval, writer: JSONStreamWriter(compact: ()))
            kubernetesBytes = try k.writeSplit(directory: "\(dir)/kubernetes")
        }
        try writeCollected(dir)
        var total = 0
        if let files = FileManager.default.enumerator(atPath: dir) {
            for case let f as String in files {
                let attrs = try? FileManager.default.attributesOfItem(atPath: "\(dir)/\(f)")
                if attrs?[.type] as? FileAttributeType == .typeRegular, !f.hasPrefix(".") { total += (attrs?[.size] as? Int) ?? 0 }
            }
        }
        return Written(directory: dir, objects: k.objectCount, kubernetesBytes: kubernetesBytes, totalBytes: total, collectedAt: collectedAt)
    }

    private func writeCollected(_ dir: String) throws {
        let w = try JSONStreamWriter(path: "\(dir)/collected.json", indent: 2)
        let rg = layout.resourceGroup, name = layout.clusterName
        let sources: [(String, String, [String])] = [
            ("cluster", "cluster.json", ["az", "aks", "show", "-g", rg, "-n", name, "-o", "json"]),
            ("nodePools", "nodepools.json", ["az", "aks", "nodepool", "list", "-g", rg, "--cluster-name", name, "-o", "json"]),
            ("registries", "acr.json", ["az", "acr", "list", "-o", "json"]),
            ("keyVaults", "keyvaults.json", ["az", "keyvault", "list", "-o", "json"]),
            ("privateEndpoints", "private-endpoints.json", ["az", "network", "private-endpoint", "list", "-o", "json"]),
            ("privateDNSZones", "private-dns-zones.json", ["az", "network", "private-dns", "zone", "list", "-o", "json"]),
            ("roleAssignments", "role-assignments.json", ["az", "role", "assignment", "list", "--all", "-o", "json"]),
            ("diagnosticSettings", "diagnostic-settings.json", ["az", "monitor", "diagnostic-settings", "list", "--resource", "<cluster id>", "-o", "json"]),
            kubernetesLayout == .single
                ? ("kubernetes", "kubernetes.json", ["kubectl", "get", KubernetesWriter.resources.joined(separator: ","), "-A", "-o", "json"])
                : ("kubernetes", "kubernetes/", ["kubectl", "get", "<resource>", "-A", "-o", "json"]),
        ]
        w.object {
            w.field("collectedAt", rfc3339(collectedAt))
            w.field("collector", "aksposture-bench generate")
            w.array("sources") {
                for (source, file, command) in sources {
                    w.object {
                        w.field("source", source); w.field("file", file); w.field("state", "collected")
                        w.stringArray("command", command)
                    }
                }
            }
            w.object("tools") { w.field("az", "2.67.0"); w.field("kubectl", "Client Version: v1.31.2") }
        }
        try w.close()
    }
}
