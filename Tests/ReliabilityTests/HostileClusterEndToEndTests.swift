import Foundation
import XCTest
import FuzzSupport
import PostureImport
import PostureModel
import PostureOutput
import PostureScoring
import PostureStore
import PostureViews

/// A cluster that attacks the operator's terminal (escape sequences, C1 controls, bidi and
/// zero-width characters in every name, label, annotation, image, RBAC subject, tag and Key
/// Vault URI) and carries fake canary secrets (Secret data, ConfigMap values, env literals, an
/// SSH key, a service-principal secret, last-applied annotations). It goes through the real
/// pipeline: importer → scorer → store → every console pane and every export, and through the
/// CLI binary. No unsafe scalar may reach a screen or an export raw, and no canary may reach
/// the store, a screen, an export or the CLI's output.
final class HostileClusterEndToEndTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// The demo bundle with the most findings, made hostile.
    func hostileBundle() throws -> (URL, [String]) {
        let source = SeedSource()
        let demo = try XCTUnwrap(source.demoBundles().last { $0.path.contains("dev-neglected") }, "demo bundle dev-neglected missing")
        let bundle = work.appendingPathComponent("hostile-bundle")
        let places = try HostileBundle.write(from: demo, to: bundle)
        return (bundle, places)
    }

    /// Lines of `text` holding an unsafe scalar (line breaks split lines; tabs are allowed in
    /// exports, never on a screen).
    func unsafeLines(_ text: String, allowTab: Bool) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            let bad = line.unicodeScalars.contains { HostileBundle.isUnsafe($0) && !(allowTab && $0 == "\t") && $0 != "\r" || ($0 == "\r" && !allowTab) }
            return bad ? String(line).debugDescription : nil
        }
    }

    func testHostileTextNeverReachesAScreenOrAnExportRaw() throws {
        let (bundle, _) = try hostileBundle()
        let snapshot = try BundleImporter().load(bundle: bundle)
        // The importer keeps cluster text as it came; otherwise this test would prove nothing.
        let encoded = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        XCTAssertTrue(encoded.contains("\\u001b]52;c;"), "the hostile payload should survive import (it is sanitized at display)")
        XCTAssertTrue(snapshot.cluster.name.contains("\u{202E}"))

        let now = Date()
        let report = PostureScorer().score(snapshot, now: now)
        let store = try PostureStore(path: work.appendingPathComponent("store/store.sqlite"))
        try store.importSnapshot(snapshot, report: report)

        var panes: [PaneID] = PaneID.topLevel + [.help]
        panes += report.findings.map { .check($0.checkID) }
        var placeholdersSeen = 0
        var screens = 0
        for pane in panes {
            for (w, h) in [(160, 48), (80, 24)] {
                let screen = try renderPane(pane, reader: store, options: ConsoleOptions(initialPane: pane), width: w, height: h, now: now)
                screens += 1
                for cell in screen.cells where !cell.text.unicodeScalars.allSatisfy({ !HostileBundle.isUnsafe($0) }) {
                    XCTFail("\(pane) \(w)x\(h): unsafe cell \(cell.text.debugDescription)")
                }
                placeholdersSeen += screen.plainText().filter { $0 == "␛" }.count
            }
            let full = try renderFullPane(pane, reader: store, options: ConsoleOptions(initialPane: pane), width: 160, now: now)
            XCTAssertEqual(unsafeLines(full.plainText(), allowTab: false), [], "\(pane) full pane")
            placeholdersSeen += full.plainText().filter { $0 == "␛" }.count
            screens += 1
        }
        XCTAssertGreaterThan(placeholdersSeen, 10, "hostile names should be on screen, made visible as ␛ placeholders")

        let exports: [(String, String)] = [
            ("score text", ScoreReportText.render(report: report, snapshot: snapshot)),
            ("score json", ScoreReportJSON.render(report: report, snapshot: snapshot)),
            ("markdown", MarkdownReport.render(report, snapshot: snapshot)),
            ("junit", JUnitReport.render(report, snapshot: snapshot)),
            ("sarif", SARIFReport.render(report, snapshot: snapshot)),
            ("prometheus", PrometheusReport.render(reports: [.init(snapshot: snapshot, report: report)], now: now)),
        ]
        for (name, text) in exports {
            XCTAssertEqual(unsafeLines(text, allowTab: true), [], "\(name) export carries raw unsafe characters")
        }
        print("hostile end-to-end: \(screens) screens, \(exports.count) exports checked; \(placeholdersSeen) ␛ placeholders seen")
    }

    /// A bundle whose rejection quotes terminal escapes: what the CLI prints must not carry them.
    func testCLIErrorsAboutAHostileBundleReachTheTerminalSanitized() throws {
        guard FileManager.default.isExecutableFile(atPath: Binaries.aksposture.path) else { throw XCTSkip("aksposture not built") }
        let source = SeedSource()
        let demo = try XCTUnwrap(source.demoBundles().first)
        let bundle = work.appendingPathComponent("evil")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: demo.appendingPathComponent("cluster.json"), to: bundle.appendingPathComponent("cluster.json"))
        try Data(#"{"sources": [{"source": "cluster", "state": "\u001b]0;OWNED\u0007\u001b[2J\u009b2J\u202e"}]}"#.utf8)
            .write(to: bundle.appendingPathComponent("collected.json"))
        for args in [["import", bundle.path, "--store", work.appendingPathComponent("s/store.sqlite").path], ["score", bundle.path]] {
            let r = try runProcess(Binaries.aksposture, args)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains("collected.json"), r.stderr)
            XCTAssertEqual(unsafeLines(r.stdout + r.stderr, allowTab: false), [], "\(args[0]) printed raw escapes")
        }
    }

    func testCanariesNeverReachTheStoreAScreenOrAnExport() throws {
        let (bundle, places) = try hostileBundle()
        XCTAssertGreaterThanOrEqual(places.count, 10, "canaries planted: \(places)")
        // Make sure the canaries are really in the input (else the test proves nothing).
        var planted = 0
        for name in BundleContainer.files {
            if let data = FileManager.default.contents(atPath: bundle.appendingPathComponent(name).path), HostileBundle.containsCanary([UInt8](data)) != nil { planted += 1 }
        }
        XCTAssertGreaterThanOrEqual(planted, 5, "files holding canaries")

        let snapshot = try BundleImporter().load(bundle: bundle)
        let now = Date()
        let report = PostureScorer().score(snapshot, now: now)
        let storePath = work.appendingPathComponent("store/store.sqlite")
        do {
            let store = try PostureStore(path: storePath)
            try store.importSnapshot(snapshot, report: report)
            // A second import of a changed snapshot exercises the delta path too.
            var changed = snapshot
            changed.collection.collectedAt = now.addingTimeInterval(60)
            try store.importSnapshot(changed, report: report)
        }

        var artifacts: [(String, [UInt8])] = []
        artifacts.append(("snapshot JSON", [UInt8](try JSONEncoder().encode(snapshot))))
        artifacts.append(("report JSON", [UInt8](try JSONEncoder().encode(report))))
        let store = try PostureStore(path: storePath, readOnly: true)
        for cluster in try store.clusters() {
            for s in try store.snapshots(clusterID: cluster.id) {
                artifacts.append(("stored snapshot \(s.id)", [UInt8](try JSONEncoder().encode(try store.snapshot(id: s.id)))))
            }
        }
        for pane in PaneID.topLevel + [.help] + report.findings.map({ PaneID.check($0.checkID) }) {
            let full = try renderFullPane(pane, reader: store, options: ConsoleOptions(initialPane: pane), width: 200, now: now)
            artifacts.append(("pane \(pane)", Array(full.plainText().utf8)))
        }
        artifacts.append(("score text", Array(ScoreReportText.render(report: report, snapshot: snapshot).utf8)))
        artifacts.append(("score json", Array(ScoreReportJSON.render(report: report, snapshot: snapshot).utf8)))
        artifacts.append(("markdown", Array(MarkdownReport.render(report, snapshot: snapshot).utf8)))
        artifacts.append(("junit", Array(JUnitReport.render(report, snapshot: snapshot).utf8)))
        artifacts.append(("sarif", Array(SARIFReport.render(report, snapshot: snapshot).utf8)))
        // The store's files as bytes: the database, its WAL and shared memory.
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: storePath.path + suffix) {
                artifacts.append(("store file\(suffix)", [UInt8](data)))
            }
        }
        for (name, bytes) in artifacts {
            if let found = HostileBundle.containsCanary(bytes) { XCTFail("canary \(found) reached \(name)") }
        }
        XCTAssertGreaterThan(artifacts.count, 15)
        print("canaries: \(places.count) planted in \(planted) files; \(artifacts.count) artifacts grepped, none found")
    }

    /// The same canaries through the real binary: `import` at debug log level, then every output
    /// an operator or a pipeline can make of the store. The log file, every stdout/stderr, every
    /// exported file and the store's files are grepped.
    func testCanariesNeverReachTheLogOrAnythingTheCLIWrites() throws {
        guard FileManager.default.isExecutableFile(atPath: Binaries.aksposture.path) else { throw XCTSkip("aksposture not built") }
        let (bundle, places) = try hostileBundle()
        XCTAssertGreaterThanOrEqual(places.count, 10, "canaries planted: \(places)")
        let store = work.appendingPathComponent("cli-store/store.sqlite").path
        let state = work.appendingPathComponent("state")
        let exports = work.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let environment = ["XDG_STATE_HOME": state.path, "HOME": work.path]

        var artifacts: [(String, [UInt8])] = []
        func run(_ args: [String], mayFail: Bool = false) throws {
            let r = try runProcess(Binaries.aksposture, args + ["--log-level", "debug"], environment: environment)
            if !mayFail { XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)") }
            artifacts.append(("\(args.prefix(3).joined(separator: " ")) stdout", Array(r.stdout.utf8)))
            artifacts.append(("\(args.prefix(3).joined(separator: " ")) stderr", Array(r.stderr.utf8)))
        }
        try run(["import", bundle.path, "--store", store])
        try run(["history", "--store", store])
        try run(["verify", "--store", store])
        for format in ["text", "json", "sarif", "junit", "markdown", "prometheus"] {
            // score exits 2 only with --fail-under/--fail-on, which are not given.
            try run(["score", "--store", store, "--format", format])
        }
        try run(["score", bundle.path, "--format", "json"])
        for view in ["overview", "auth", "ident", "net", "sec", "hard", "identities", "network", "secrets", "history", "clusters"] {
            for format in ["text", "markdown", "json"] {
                let out = exports.appendingPathComponent("\(view).\(format)").path
                try run(["export", "--view", view, "--store", store, "--format", format, "--all-rows", "--output", out])
            }
        }
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: exports.path) {
            artifacts.append(("export \(name)", [UInt8](try Data(contentsOf: exports.appendingPathComponent(name)))))
        }
        let log = state.appendingPathComponent("aksposture/aksposture.log")
        let logBytes = [UInt8]((try? Data(contentsOf: log)) ?? Data())
        XCTAssertGreaterThan(logBytes.count, 0, "no log written at \(log.path)")
        artifacts.append(("log file", logBytes))
        let storeDir = URL(fileURLWithPath: store).deletingLastPathComponent()
        for name in try fm.contentsOfDirectory(atPath: storeDir.path) {
            artifacts.append(("store file \(name)", [UInt8](try Data(contentsOf: storeDir.appendingPathComponent(name)))))
        }
        for (name, bytes) in artifacts {
            if let found = HostileBundle.containsCanary(bytes) { XCTFail("canary \(found) reached \(name)") }
        }
        print("canaries through the CLI: \(artifacts.count) artifacts grepped (log \(logBytes.count) bytes), none found")
    }

    /// What `aksposture collect` writes for each `kubectl get` (KubernetesScrubber) holds no
    /// canary, and imports to exactly the inventory kubectl's own output imports to (key names,
    /// credential-like flags and all), for the hostile bundle and every demo bundle.
    func testCollectorScrubDropsEveryKubernetesCanaryAndChangesNoFinding() throws {
        let (hostile, _) = try hostileBundle()
        let bundles = [hostile] + SeedSource().demoBundles()
        var total = KubernetesScrubber.Removed()
        var files = 0
        for bundle in bundles {
            // kubernetes/<resource>.json (what collect writes), or one kubernetes.json List.
            let dir = bundle.appendingPathComponent("kubernetes")
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
                .map { "kubernetes/" + $0 }
                + (FileManager.default.fileExists(atPath: bundle.appendingPathComponent("kubernetes.json").path) ? ["kubernetes.json"] : [])
            for name in names {
                files += 1
                let raw = try Data(contentsOf: bundle.appendingPathComponent(name))
                let kind = name.hasPrefix("kubernetes/") ? KubernetesNormalizer.kind(forResource: String(name.dropFirst(11).dropLast(5))) : nil
                let output = try KubernetesScrubber.scrub(JSONBuffer(copying: raw), file: name, kind: kind)
                let removed = output.removed
                let written = Data(output.bytes)
                let label = "\(bundle.lastPathComponent)/\(name)"
                if let found = HostileBundle.containsCanary([UInt8](written)) { XCTFail("canary \(found) left in \(label)") }
                var before = KubernetesInventory(), after = KubernetesInventory()
                let file = "bundle/\(name)"
                try DocumentImporter.kubernetes(from: raw, file: file, into: &before)
                try DocumentImporter.kubernetes(from: written, file: file, into: &after)
                XCTAssertEqual(after, before, "\(label): the scrubbed list imports differently")
                total.secretValues += removed.secretValues
                total.configMapValues += removed.configMapValues
                total.envValues += removed.envValues
                total.lastAppliedAnnotations += removed.lastAppliedAnnotations
            }
        }
        // The hostile bundle plants canaries in each of these places.
        XCTAssertGreaterThan(total.secretValues, 0)
        XCTAssertGreaterThan(total.configMapValues, 0)
        XCTAssertGreaterThan(total.envValues, 0)
        XCTAssertGreaterThan(total.lastAppliedAnnotations, 0)
        XCTAssertGreaterThan(files, bundles.count)

        // Flags that come from the value alone (a connection string or a private key under an
        // innocent name) must survive the scrub too, not only those a credential-like name carries.
        let valueOnly = Data(#"""
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app", "namespace": "shop"},
           "data": {"app.conf": "Server=db;User=u;Password=p4ss", "tls.pem": "-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----", "mode": "fast"}},
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"containers": [{"name": "web", "image": "nginx", "env": [
             {"name": "STORAGE", "value": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k3y"},
             {"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "LOG_LEVEL", "value": "debug"}],
             "command": ["/app", "--api-key=k3y"]}]}}
        ]}
        """#.utf8)
        let scrubbed = Data(try KubernetesScrubber.scrub(JSONBuffer(copying: valueOnly), file: "kubernetes.json", kind: nil).bytes)
        for secret in ["p4ss", "MIIB", "k3y", "hunter2"] {
            XCTAssertFalse(String(decoding: scrubbed, as: UTF8.self).contains(secret), "\(secret) left in the scrubbed list")
        }
        var before = KubernetesInventory(), after = KubernetesInventory()
        try DocumentImporter.kubernetes(from: valueOnly, file: "bundle/kubernetes.json", into: &before)
        try DocumentImporter.kubernetes(from: scrubbed, file: "bundle/kubernetes.json", into: &after)
        XCTAssertEqual(before.configMaps.first?.credentialLikeKeys, ["app.conf", "tls.pem"])
        XCTAssertEqual(before.workloads.first?.containers.first?.credentialLikeEnvNames, ["STORAGE", "DB_PASSWORD"])
        XCTAssertEqual(after, before, "value-only credential flags were lost by the scrub")
        print("collector scrub: \(files) files of \(bundles.count) bundles; removed \(total.secretValues) Secret values, \(total.configMapValues) ConfigMap values, \(total.envValues) env values, \(total.lastAppliedAnnotations) last-applied annotations; inventories unchanged")
    }
}
