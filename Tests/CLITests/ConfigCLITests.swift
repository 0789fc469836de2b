import Foundation
import XCTest

/// A private home for one test: every XDG directory and the variables aksposture reads point
/// into a temporary directory, so no test sees the developer's configuration, store or log.
struct CLISandbox {
    let root: URL

    init(_ name: String) throws { root = try TestPaths.temporaryDirectory(name) }

    var configDir: URL { root.appendingPathComponent("config") }
    var stateDir: URL { root.appendingPathComponent("state") }
    var dataDir: URL { root.appendingPathComponent("data") }
    var defaultConfigFile: URL { configDir.appendingPathComponent("aksposture/config.yaml") }
    var logFile: URL { stateDir.appendingPathComponent("aksposture/aksposture.log") }
    var defaultStore: URL { dataDir.appendingPathComponent("aksposture/store.sqlite") }

    var environment: [String: String] {
        ["HOME": root.appendingPathComponent("home").path,
         "XDG_CONFIG_HOME": configDir.path, "XDG_STATE_HOME": stateDir.path, "XDG_DATA_HOME": dataDir.path,
         "XDG_CACHE_HOME": root.appendingPathComponent("cache").path,
         // Empty means unset for each of these.
         "AKSPOSTURE_CONFIG": "", "AKSPOSTURE_STORE": "", "NO_COLOR": ""]
    }

    func run(_ args: [String], environment extra: [String: String] = [:]) throws -> ProcessResult {
        try runAksposture(args, environment: environment.merging(extra) { _, new in new }, cwd: root)
    }

    @discardableResult
    func writeConfig(_ yaml: String, to url: URL? = nil) throws -> URL {
        let target = url ?? defaultConfigFile
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try yaml.write(to: target, atomically: true, encoding: .utf8)
        return target
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// The `index`th (oldest first) demo bundle of a demo cluster.
    static func demoBundle(_ cluster: String, _ index: Int = -1) throws -> URL {
        let dir = TestPaths.packageRoot.appendingPathComponent("snapshots").appendingPathComponent(cluster)
        let all = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
        return dir.appendingPathComponent(all[index < 0 ? all.count + index : index])
    }
}

func jsonDictionary(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], file: file, line: line)
}

/// The configuration file, its precedence and its errors, through the real binary.
final class ConfigCLITests: XCTestCase {
    var sandbox: CLISandbox!

    override func setUpWithError() throws { sandbox = try CLISandbox("aksposture-config") }
    override func tearDownWithError() throws { sandbox.remove() }

    /// `key = value   # source` lines of `config show`, by key.
    private func shown(_ stdout: String) -> [String: (value: String, source: String)] {
        var out: [String: (String, String)] = [:]
        for line in stdout.split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.range(of: " = "), let hash = line.range(of: "   # ", options: .backwards) else { continue }
            let key = String(line[..<eq.lowerBound])
            out[key] = (line[eq.upperBound..<hash.lowerBound].trimmingCharacters(in: .whitespaces), String(line[hash.upperBound...]))
        }
        return out
    }

    func testShowWithoutAFileIsAllDefaults() throws {
        let r = try sandbox.run(["config", "show"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("# configuration file: \(sandbox.defaultConfigFile.path) (not found; default)"), r.stdout)
        let rows = shown(r.stdout)
        XCTAssertEqual(rows["store"]?.value, sandbox.defaultStore.path)
        XCTAssertEqual(rows["log-level"]?.value, "warning")
        XCTAssertGreaterThan(rows.count, 20)
        XCTAssertEqual(rows.values.filter { $0.source != "default" }.count, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("# log file: \(sandbox.logFile.path)"), r.stdout)
    }

    func testFileThenEnvironmentThenFlagsWithProvenance() throws {
        let file = try sandbox.writeConfig("""
        # comment line
        theme: colorblind
        stale-after: 30m
        store: stores/main.sqlite
        category-weights:
          net: 2
        log-level: info

        """)
        var r = try sandbox.run(["config", "show"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var rows = shown(r.stdout)
        XCTAssertEqual(rows["theme"]?.value, "colorblind")
        XCTAssertEqual(rows["theme"]?.source, "file:\(file.path):2")
        XCTAssertEqual(rows["stale-after"]?.source, "file:\(file.path):3")
        // Relative paths in the file are relative to the file.
        XCTAssertEqual(rows["store"]?.value, file.deletingLastPathComponent().appendingPathComponent("stores/main.sqlite").path)
        XCTAssertEqual(rows["category-weights.NET"]?.value, "2")
        XCTAssertEqual(rows["category-weights.NET"]?.source, "file:\(file.path):6")
        XCTAssertEqual(rows["category-weights.AUTH"]?.source, "default")

        // Environment beats the file, flags beat both; a global option may precede the subcommand.
        r = try sandbox.run(["--log-level", "debug", "config", "show", "--theme", "mono", "--store", "/srv/s.sqlite"],
                            environment: ["AKSPOSTURE_STORE": "/env/store.sqlite"])
        XCTAssertEqual(r.status, 0, r.stderr)
        rows = shown(r.stdout)
        XCTAssertEqual(rows["theme"]?.value, "mono")
        XCTAssertEqual(rows["theme"]?.source, "flag:--theme")
        XCTAssertEqual(rows["store"]?.value, "/srv/s.sqlite")
        XCTAssertEqual(rows["store"]?.source, "flag:--store")
        XCTAssertEqual(rows["log-level"]?.value, "debug")
        XCTAssertEqual(rows["log-level"]?.source, "flag:--log-level")
        XCTAssertEqual(rows["stale-after"]?.value, "30m")

        r = try sandbox.run(["config", "show"], environment: ["AKSPOSTURE_STORE": "/env/store.sqlite", "NO_COLOR": "1"])
        rows = shown(r.stdout)
        XCTAssertEqual(rows["store"]?.value, "/env/store.sqlite")
        XCTAssertEqual(rows["store"]?.source, "env:AKSPOSTURE_STORE")
        XCTAssertEqual(rows["theme"]?.source, "env:NO_COLOR")
    }

    func testConfigFileLocationOrder() throws {
        let other = try sandbox.writeConfig("theme: mono\n", to: sandbox.root.appendingPathComponent("elsewhere.yaml"))
        try sandbox.writeConfig("theme: colorblind\n")
        XCTAssertEqual(try sandbox.run(["config", "path"]).stdout, sandbox.defaultConfigFile.path + "\n")
        XCTAssertEqual(try sandbox.run(["config", "path"], environment: ["AKSPOSTURE_CONFIG": other.path]).stdout, other.path + "\n")
        let viaEnv = shown(try sandbox.run(["config", "show"], environment: ["AKSPOSTURE_CONFIG": other.path]).stdout)
        XCTAssertEqual(viaEnv["theme"]?.value, "mono")
        let viaFlag = shown(try sandbox.run(["--config", other.path, "config", "show"]).stdout)
        XCTAssertEqual(viaFlag["theme"]?.source, "file:\(other.path):1")
        // Without XDG_CONFIG_HOME: ~/.config.
        let home = sandbox.root.appendingPathComponent("home").path
        XCTAssertEqual(try sandbox.run(["config", "path"], environment: ["XDG_CONFIG_HOME": ""]).stdout, home + "/.config/aksposture/config.yaml\n")
    }

    /// One line on stderr naming the file and line, exit 1, nothing that looks like a crash.
    private func assertConfigError(_ yaml: String, line: Int, mentions: String, file: StaticString = #filePath, lineNo: UInt = #line) throws {
        let path = try sandbox.writeConfig(yaml)
        for args in [["config", "show"], ["score", try CLISandbox.demoBundle("prod-hardened").path], ["history"]] {
            let r = try sandbox.run(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stdout)\(r.stderr)", file: file, line: lineNo)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr, file: file, line: lineNo)
            XCTAssertTrue(r.stderr.contains("\(path.path):\(line):"), r.stderr, file: file, line: lineNo)
            XCTAssertTrue(r.stderr.contains(mentions), r.stderr, file: file, line: lineNo)
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump") || r.stderr.contains("Usage:"), r.stderr, file: file, line: lineNo)
            XCTAssertEqual(r.stdout, "", file: file, line: lineNo)
        }
    }

    func testInvalidFilesNameTheLine() throws {
        try assertConfigError("theme: mono\nstale-after: 10m\nthemes: colorblind\n", line: 3, mentions: "did you mean 'theme'")
        try assertConfigError("gates: true\n\nseverity-weights:\n  high: lots\n", line: 4, mentions: "severity-weights.high")
        try assertConfigError("approved-registries:\n  - myacr.azurecr.io\n  - bad registry\n", line: 3, mentions: "not a valid name")
        try assertConfigError("theme: [mono\n", line: 2, mentions: "invalid YAML")
        try assertConfigError("allowed-public-load-balancers: [ingress-nginx]\n", line: 1, mentions: "namespace/name")
    }

    func testMissingNamedFileAndBadFlagValues() throws {
        let missing = sandbox.root.appendingPathComponent("nope.yaml").path
        var r = try sandbox.run(["--config", missing, "history"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(missing) does not exist"), r.stderr)
        r = try sandbox.run(["config", "show"], environment: ["AKSPOSTURE_CONFIG": missing])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("env:AKSPOSTURE_CONFIG"), r.stderr)

        // A bad value on the command line is a usage error.
        r = try sandbox.run(["config", "show", "--log-level", "loud"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("log-level"), r.stderr)
        r = try sandbox.run(["config", "show", "--stale-after", "soon"])
        XCTAssertEqual(r.status, 64, r.stderr)
    }

    // MARK: the configuration reaches scoring

    private func scoreJSON(_ bundle: URL, _ extra: [String] = []) throws -> [String: Any] {
        let r = try sandbox.run(["score", bundle.path, "--format", "json"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try jsonDictionary(r.stdout)
    }

    private func check(_ json: [String: Any], _ id: String) -> [String: Any]? {
        (json["checks"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    private func overall(_ json: [String: Any]) -> Double? { (json["overall"] as? [String: Any])?["score"] as? Double }

    func testWeightsAndGatesFromTheFileChangeTheScore() throws {
        let bundle = try CLISandbox.demoBundle("dev-neglected")
        let baseline = try scoreJSON(bundle)
        XCTAssertNotNil(overall(baseline))

        // Only HARD counts and no gate caps: the overall score is the HARD category score.
        try sandbox.writeConfig("category-weights: {AUTH: 0, IDENT: 0, NET: 0, SEC: 0, HARD: 1}\ngates: false\n")
        let weighted = try scoreJSON(bundle)
        let categories = try XCTUnwrap(weighted["categories"] as? [[String: Any]])
        let hard = try XCTUnwrap(categories.first { $0["id"] as? String == "HARD" }?["score"] as? Double)
        XCTAssertEqual(try XCTUnwrap(overall(weighted)), hard, accuracy: 0.001)
        XCTAssertNotEqual(baseline["configFingerprint"] as? String, weighted["configFingerprint"] as? String)
        XCTAssertEqual(((weighted["overall"] as? [String: Any])?["caps"] as? [Any])?.count ?? 0, 0)
    }

    func testRegistriesLoadBalancersNamespacesAndExceptionsReachTheChecks() throws {
        let bundle = try CLISandbox.demoBundle("dev-neglected")
        let before = try scoreJSON(bundle)
        XCTAssertEqual(check(before, "NET-07")?["status"] as? String, "fail", "the demo's default/grafana is a public LoadBalancer")

        try sandbox.writeConfig("""
        approved-registries: [docker.io, "*.azurecr.io", mcr.microsoft.com, ghcr.io, quay.io]
        allowed-public-load-balancers: [default/grafana]
        exceptions-file: waivers.yaml

        """)
        try """
        exceptions:
          - check: AUTH-02
            cluster: "*"
            reason: Local accounts kept for break-glass, reviewed monthly
            owner: platform@example.com
            expires: 2099-12-31

        """.write(to: sandbox.configDir.appendingPathComponent("aksposture/waivers.yaml"), atomically: true, encoding: .utf8)
        let after = try scoreJSON(bundle)
        let net07 = try XCTUnwrap(check(after, "NET-07"))
        XCTAssertNotEqual(net07["status"] as? String, "fail", "\(net07)")
        XCTAssertTrue("\(net07)".contains("default/grafana"), "the allow-listed service is named in the evidence: \(net07)")
        let hard14 = try XCTUnwrap(check(after, "HARD-14"))
        XCTAssertTrue("\(hard14)".contains("approvedRegistries (configuration)"), "\(hard14)")
        XCTAssertEqual(check(after, "AUTH-02")?["status"] as? String, "waived")

        // The --exceptions flag overrides the file's exceptions-file.
        let none = sandbox.root.appendingPathComponent("empty-exceptions.yaml")
        try "exceptions: []\n".write(to: none, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(check(try scoreJSON(bundle, ["--exceptions", none.path]), "AUTH-02")?["status"] as? String, "waived")
    }

    func testSystemNamespacesFromTheFileHideWorkloads() throws {
        let bundle = try CLISandbox.demoBundle("dev-neglected")
        let before = try scoreJSON(bundle)
        let hard15 = try XCTUnwrap(check(before, "HARD-15"))
        XCTAssertEqual(hard15["status"] as? String, "fail", "\(hard15)")
        // Every namespace the failing workloads live in becomes a system namespace.
        let affected = try XCTUnwrap(hard15["affected"] as? [[String: Any]])
        let namespaces = Set(affected.compactMap { $0["namespace"] as? String })
        XCTAssertFalse(namespaces.isEmpty)
        try sandbox.writeConfig("system-namespaces: [kube-system, \(namespaces.sorted().joined(separator: ", "))]\n")
        XCTAssertNotEqual(check(try scoreJSON(bundle), "HARD-15")?["status"] as? String, "fail")
    }

    // MARK: the configuration reaches the store and the stored scores

    func testStoreFromTheFileAndStaleScoresAreFlaggedUntilRescored() throws {
        let store = sandbox.root.appendingPathComponent("fleet/store.sqlite")
        try sandbox.writeConfig("store: \(store.path)\n")
        let imp = try sandbox.run(["import", try CLISandbox.demoBundle("staging-typical").path])
        XCTAssertEqual(imp.status, 0, imp.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.defaultStore.path))

        var hist = try sandbox.run(["history"])
        XCTAssertEqual(hist.status, 0, hist.stderr)
        XCTAssertEqual(hist.stderr, "", "same configuration: no warning")
        XCTAssertTrue(hist.stdout.contains("store: \(store.path)"), hist.stdout)

        // Changing a weight makes the stored score stale.
        try sandbox.writeConfig("store: \(store.path)\nseverity-weights: {low: 3}\n")
        hist = try sandbox.run(["history"])
        XCTAssertEqual(hist.status, 0)
        XCTAssertTrue(hist.stderr.contains("computed with another configuration") && hist.stderr.contains("--rescore"), hist.stderr)
        let score = try sandbox.run(["score", "--format", "json"])
        XCTAssertEqual(score.status, 0, score.stderr)
        XCTAssertTrue(score.stderr.contains("another configuration"), score.stderr)

        let rescore = try sandbox.run(["score", "--rescore"])
        XCTAssertEqual(rescore.status, 0, rescore.stderr)
        XCTAssertEqual(rescore.stdout, "rescored 1 snapshots\n")
        hist = try sandbox.run(["history"])
        XCTAssertEqual(hist.stderr, "", hist.stderr)
    }
}
