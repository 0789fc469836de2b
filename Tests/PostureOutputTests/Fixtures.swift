import Foundation
import PostureModel
import XCTest

/// Hand-built reports in the shapes the scorer produces, with hostile cluster text planted in
/// names, summaries and evidence (escape sequences, bidi overrides, markup, mentions).
enum Fixtures {
    static let hostile = "evil\u{1B}]52;c;Q0FOQVJZ\u{07}|`x`<b>&amp;\"q\"\u{202E}@alice"
    static let collectedAt = Date(timeIntervalSince1970: 1_795_914_000) // 2026-11-29T01:00:00Z

    static func snapshot(name: String = "aks-prod", resourceGroup: String? = "rg-prod", id: String? = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod", nodePoolsFromCluster: Bool = false) -> Snapshot {
        var cluster = ManagedCluster(name: name)
        cluster.id = id
        cluster.resourceGroup = resourceGroup
        var snap = Snapshot(collection: CollectionInfo(collectedAt: collectedAt, sources: [
            SourceStatus(source: .cluster, state: .collected),
            SourceStatus(source: .kubernetes, state: .collected),
        ]), cluster: cluster)
        snap.nodePoolsFromCluster = nodePoolsFromCluster
        return snap
    }

    static func finding(_ id: String, _ category: Category, _ severity: Severity, _ status: CheckStatus,
                        credit: Double? = nil, summary: String? = nil, evidence: [Evidence] = [],
                        affected: [AffectedObject] = [], affectedTotal: Int? = nil, waiver: Waiver? = nil,
                        remediation: String = "Fix it.") -> Finding {
        let c: Double? = credit ?? (status == .pass ? 1 : status == .fail ? 0 : nil)
        return Finding(checkID: id, title: "Title of \(id)", category: category, severity: severity, status: status,
                       credit: c, weight: severity.defaultWeight, summary: summary ?? "Summary of \(id)",
                       evidence: evidence, affected: affected, affectedTotal: affectedTotal,
                       rationale: "Why \(id) matters.", remediation: remediation,
                       references: ["CIS 5.5.1", "AP 450d2877"], waiver: waiver)
    }

    /// 12 findings: 3 pass, 2 partial, 3 fail, 2 unknown, 1 not-applicable, 1 waived.
    static func report(capped: Bool = true, authScore: Double? = 62.5) -> ScoreReport {
        let findings: [Finding] = [
            finding("AUTH-01", .auth, .high, .partial, credit: 0.5, summary: "Entra ID with Kubernetes RBAC (not Azure RBAC)",
                    evidence: [Evidence(path: "aadProfile.enableAzureRBAC", value: "false")],
                    remediation: "`az aks update -g rg-prod -n aks-prod --enable-azure-rbac` (KS C-0241)."),
            finding("AUTH-02", .auth, .high, .fail, summary: "Local accounts are enabled",
                    evidence: [Evidence(path: "disableLocalAccounts", value: "(absent)")],
                    remediation: "Run az aks update -g rg-prod -n aks-prod --disable-local-accounts."),
            finding("AUTH-03", .auth, .critical, .pass),
            finding("AUTH-06", .auth, .high, .fail, summary: "cluster-admin bound to User \(hostile)",
                    evidence: [Evidence(path: "clusterrolebindings[\(hostile)].subjects", value: "User \(hostile)")],
                    affected: [AffectedObject(kind: "ClusterRoleBinding", name: hostile, detail: "binds cluster-admin"),
                               AffectedObject(kind: "ClusterRoleBinding", name: "ops-admin")],
                    affectedTotal: 5, remediation: "kubectl delete clusterrolebinding <name>"),
            finding("IDENT-02", .ident, .medium, .pass),
            finding("IDENT-09", .ident, .medium, .fail, summary: "ACR admin user enabled on acrprod",
                    affected: [AffectedObject(kind: "ContainerRegistry", name: "acrprod")]),
            finding("IDENT-03", .ident, .medium, .unknown, summary: "kubernetes.json not collected"),
            finding("NET-01", .net, .high, .partial, credit: 0.9, summary: "Private cluster with a public FQDN"),
            finding("NET-02", .net, .medium, .notApplicable, summary: "private cluster"),
            finding("SEC-01", .sec, .medium, .waived, summary: "Key Vault provider disabled",
                    waiver: Waiver(reason: "migration in Q1", owner: "platform-team", expires: "2027-03-31")),
            finding("HARD-01", .hard, .low, .pass, affected: [AffectedObject(kind: "NodePool", name: "nodepool1")]),
            finding("HARD-12", .hard, .low, .unknown, summary: "maintenance configurations not collected"),
        ]
        let categories: [CategoryScore] = [
            CategoryScore(category: .auth, score: authScore, coverage: 1, earned: 10, possible: 16, counts: [.pass: 1, .partial: 1, .fail: 2]),
            CategoryScore(category: .ident, score: 50, coverage: 2.0 / 3.0, earned: 4, possible: 8, counts: [.pass: 1, .fail: 1, .unknown: 1]),
            CategoryScore(category: .net, score: 90, coverage: 0.5, earned: 6.3, possible: 7, counts: [.partial: 1, .notApplicable: 1]),
            CategoryScore(category: .sec, score: nil, coverage: 0, earned: 0, possible: 0, counts: [.waived: 1]),
            CategoryScore(category: .hard, score: 100, coverage: 0.5, earned: 1, possible: 1, counts: [.pass: 1, .unknown: 1]),
        ]
        let caps = capped ? [ScoreCap(limit: 60, reason: "Local accounts enabled on a public API server", checkIDs: ["AUTH-02", "NET-01"])] : []
        let overall = OverallScore(score: capped ? 60 : 71.25, uncapped: 71.25, caps: caps, coverage: 8.0 / 12.0)
        let fixes = [
            TopFix(checkID: "AUTH-02", title: "Local accounts disabled", category: .auth, severity: .high, gain: 12.5,
                   remediation: "Run az aks update -g rg-prod -n aks-prod --disable-local-accounts."),
            TopFix(checkID: "AUTH-06", title: "cluster-admin bindings minimized", category: .auth, severity: .high, gain: 4,
                   remediation: "kubectl delete clusterrolebinding \(hostile)"),
        ]
        return ScoreReport(overall: overall, categories: categories, findings: findings, topFixes: fixes,
                           exceptionNotes: ["exception for NET-07 matched nothing"], configFingerprint: "cfg-1")
    }
}

/// Runs an independent validator written in Python when its modules are installed; otherwise the
/// test is skipped with the pip line that enables it (CI's `.ci/run` installs them).
enum PythonValidator {
    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    static func require(modules: [String], pip: String) throws -> String {
        guard let python = which("python3") else {
            throw XCTSkip("python3 not found; the independent validator did not run")
        }
        let probe = try run(python, ["-c", modules.map { "import \($0)" }.joined(separator: "; ")])
        if probe.status != 0 {
            throw XCTSkip("Python modules \(modules.joined(separator: ", ")) not importable; run `pip install \(pip)` to validate against them")
        }
        return python
    }

    /// Runs `script` with the document written to a temporary file passed as argv[1].
    static func validate(script: String, document: String, modules: [String], pip: String, suffix: String) throws -> Outcome {
        let python = try require(modules: modules, pip: pip)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptURL = dir.appendingPathComponent("validate.py")
        let docURL = dir.appendingPathComponent("document.\(suffix)")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        try document.write(to: docURL, atomically: true, encoding: .utf8)
        return try run(python, [scriptURL.path, docURL.path])
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    private static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

func jsonObject(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try XCTUnwrap(value as? [String: Any], file: file, line: line)
}
