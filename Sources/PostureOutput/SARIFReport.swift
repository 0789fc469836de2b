import Foundation
import PostureModel

/// Who produced a report, as CI formats name it.
public struct ToolIdentity: Sendable, Hashable {
    public var name: String
    public var version: String
    /// Where a reader of a code-scanning alert learns about the tool.
    public var informationURI: String
    public init(name: String = "aksposture", version: String, informationURI: String) {
        self.name = name; self.version = version; self.informationURI = informationURI
    }
    /// The lead sets the project's real home page here when it has one.
    public static let aksposture = ToolIdentity(version: "0.1.0", informationURI: "https://github.com/aksposture/aksposture")
}

/// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one rule per catalog check,
/// one result per failing or partial finding.
public enum SARIFReport {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    /// Key of our entry in `partialFingerprints`; bump the suffix if the recipe changes.
    public static let fingerprintKey = "aksposture/v1"

    public struct Options: Sendable, Hashable {
        public var tool: ToolIdentity
        /// Prepended to bundle file names in `artifactLocation.uri`, e.g. `snapshots/prod/` when
        /// the operator keeps bundles in the scanned repository.
        public var artifactPrefix: String
        public init(tool: ToolIdentity = .aksposture, artifactPrefix: String = "") {
            self.tool = tool; self.artifactPrefix = artifactPrefix
        }
    }

    /// GitHub's `security-severity` per severity (critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4.0).
    public static func securitySeverity(_ s: Severity) -> String? {
        switch s {
        case .critical: "9.5"
        case .high: "7.5"
        case .medium: "5.0"
        case .low: "2.0"
        case .info: nil
        }
    }

    public static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    /// Stable across runs: the same cluster, check and affected objects give the same value,
    /// whatever the order the scorer listed the objects in.
    public static func fingerprint(clusterKey: String, checkID: String, affected: [AffectedObject]) -> String {
        let objects = affected.map(AffectedIdentity.path).sorted()
        let material = ([clusterKey, checkID] + objects).joined(separator: "\u{1F}")
        return SHA256Digest.hex(material)
    }

    public static func render(_ report: ScoreReport, snapshot: Snapshot, options: Options = Options()) -> String {
        document(report, snapshot: snapshot, options: options).serialized()
    }

    static func document(_ report: ScoreReport, snapshot: Snapshot, options: Options) -> JSONValue {
        var rules: [JSONValue] = []
        var ruleIndex: [String: Int] = [:]
        for f in report.findings where ruleIndex[f.checkID] == nil {
            ruleIndex[f.checkID] = rules.count
            rules.append(rule(f))
        }
        let results: [JSONValue] = report.findings
            .filter { $0.status == .fail || $0.status == .partial }
            .map { result($0, ruleIndex: ruleIndex[$0.checkID]!, snapshot: snapshot, options: options) }

        let cluster = snapshot.cluster
        let driver: JSONValue = .object([
            "name": .string(options.tool.name),
            "informationUri": .string(options.tool.informationURI),
            "version": .string(options.tool.version),
            "rules": .array(rules),
        ])
        var runProperties: [String: JSONValue] = [
            "cluster": .string(OutputText.sanitize(cluster.name)),
            "clusterKey": .string(OutputText.sanitize(snapshot.clusterKey)),
            "collectedAt": .string(OutputText.iso8601(snapshot.collection.collectedAt)),
            "overallScore": .double(report.overall.score),
            "grade": .string(report.overall.grade.rawValue),
            "configFingerprint": .string(OutputText.sanitize(report.configFingerprint)),
        ]
        if let rg = cluster.resourceGroup { runProperties["resourceGroup"] = .string(OutputText.sanitize(rg)) }
        let run: JSONValue = .object([
            "tool": .object(["driver": driver]),
            // GitHub keeps one set of alerts per category (the id up to its last slash), so two
            // clusters uploaded from one repository do not close each other's alerts.
            "automationDetails": .object(["id": .string("aksposture/\(categorySegment(snapshot))/")]),
            "results": .array(results),
            "properties": .object(runProperties),
        ])
        return .object([
            "$schema": .string(schemaURI),
            "version": "2.1.0",
            "runs": .array([run]),
        ])
    }

    private static func categorySegment(_ snapshot: Snapshot) -> String {
        let raw = "\(snapshot.cluster.resourceGroup ?? "-")/\(snapshot.cluster.name)"
        return String(OutputText.sanitize(raw).map { ch -> Character in
            ch.isLetter || ch.isNumber || "-_./".contains(ch) ? ch : "_"
        })
    }

    private static func rule(_ f: Finding) -> JSONValue {
        let title = OutputText.sanitize(f.title)
        let remediation = OutputText.sanitize(f.remediation)
        let references = f.references.map(OutputText.sanitize)
        var helpText = "Remediation: \(remediation)"
        var helpMarkdown = "**Remediation:** \(MarkdownText.prose(remediation))"
        if !references.isEmpty {
            helpText += "\n\nReferences:\n" + references.map { "- \($0)" }.joined(separator: "\n")
            helpMarkdown += "\n\n**References:**\n\n" + references.map { "- \(MarkdownText.prose($0))" }.joined(separator: "\n")
        }
        var properties: [String: JSONValue] = [
            "tags": .array(["security", .string(f.category.rawValue), .string(f.severity.rawValue)]),
            "category": .string(f.category.rawValue),
            "severity": .string(f.severity.rawValue),
        ]
        if let s = securitySeverity(f.severity) { properties["security-severity"] = .string(s) }
        return .object([
            "id": .string(f.checkID),
            "name": .string(ruleName(f.checkID)),
            "shortDescription": .object(["text": .string(title)]),
            "fullDescription": .object(["text": .string(OutputText.sanitize(f.rationale))]),
            "help": .object(["text": .string(helpText), "markdown": .string(helpMarkdown)]),
            "defaultConfiguration": .object(["level": .string(level(f.severity))]),
            "properties": .object(properties),
        ])
    }

    /// SARIF asks for an identifier-like `name`; `AUTH-01` becomes `AUTH01`.
    private static func ruleName(_ id: String) -> String {
        String(id.filter { $0.isLetter || $0.isNumber })
    }

    private static func result(_ f: Finding, ruleIndex: Int, snapshot: Snapshot, options: Options) -> JSONValue {
        var message = OutputText.sanitize(f.summary)
        while message.hasSuffix(".") { message.removeLast() }
        if f.status == .partial, let credit = f.credit {
            message += " (partial: \(OutputText.number(credit * 100))% credit)"
        }
        if !f.evidence.isEmpty {
            message += ". Evidence: " + f.evidence.map {
                "\(OutputText.sanitize($0.path)) = \(OutputText.sanitize($0.value))"
            }.joined(separator: "; ")
        }
        let ids = f.affectedIdentities
        if !ids.isEmpty {
            message += ". Affected: " + ids.joined(separator: ", ")
            if f.affectedTotal > ids.count { message += " and \(f.affectedTotal - ids.count) more" }
        }
        message += "."

        let cluster = snapshot.cluster
        var logical: [String: JSONValue] = [
            "name": .string(OutputText.sanitize(cluster.name)),
            "kind": "resource",
        ]
        logical["fullyQualifiedName"] = .string(OutputText.sanitize(cluster.id ?? "\(cluster.resourceGroup ?? "-")/\(cluster.name)"))
        let location: JSONValue = .object([
            "physicalLocation": .object([
                "artifactLocation": .object(["uri": .string(options.artifactPrefix + EvidenceSource.fileName(of: f, in: snapshot))]),
                "region": .object(["startLine": 1]),
            ]),
            "logicalLocations": .array([.object(logical)]),
        ])
        var properties: [String: JSONValue] = [
            "status": .string(f.status.rawValue),
            "category": .string(f.category.rawValue),
            "severity": .string(f.severity.rawValue),
            "affected": .array(ids.map { .string($0) }),
            "affectedTotal": .int(f.affectedTotal),
            "evidence": .array(f.evidence.map {
                .object(["path": .string(OutputText.sanitize($0.path)), "value": .string(OutputText.sanitize($0.value))])
            }),
        ]
        if let credit = f.credit { properties["credit"] = .double(credit) }
        return .object([
            "ruleId": .string(f.checkID),
            "ruleIndex": .int(ruleIndex),
            "level": .string(level(f.severity)),
            "kind": "fail",
            "message": .object(["text": .string(message)]),
            "locations": .array([location]),
            "partialFingerprints": .object([
                fingerprintKey: .string(fingerprint(clusterKey: snapshot.clusterKey, checkID: f.checkID, affected: f.affected)),
            ]),
            "properties": .object(properties),
        ])
    }
}
