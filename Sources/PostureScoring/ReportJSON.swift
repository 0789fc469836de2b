import Foundation
import PostureModel

/// A JSON value with a deterministic writer: keys sorted, numbers rounded as requested,
/// strings escaped per RFC 8259 (control characters as `\u00XX`).
enum JSONValue {
    case string(String)
    case number(Double, decimals: Int)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    static func opt(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    static func num(_ d: Double?, _ decimals: Int = 1) -> JSONValue { d.map { .number($0, decimals: decimals) } ?? .null }

    func render(indent: Int = 0, into out: inout String) {
        let pad = String(repeating: "  ", count: indent), inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .string(let s): out += Self.quote(s)
        case .number(let d, let decimals): out += Self.format(d, decimals)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, v) in a.enumerated() {
                out += inner; v.render(indent: indent + 1, into: &out)
                out += i == a.count - 1 ? "\n" : ",\n"
            }
            out += pad + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = o.keys.sorted()
            for (i, k) in keys.enumerated() {
                out += inner + Self.quote(k) + ": "
                o[k]!.render(indent: indent + 1, into: &out)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += pad + "}"
        }
    }

    static func format(_ d: Double, _ decimals: Int) -> String {
        guard d.isFinite else { return "null" }
        let scale = pow(10.0, Double(decimals))
        var r = (d * scale).rounded() / scale
        if r == 0 { r = 0 } // no "-0"
        if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
        var s = String(format: "%.\(decimals)f", r)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}

/// The machine-readable report printed by `aksposture score --format json`.
///
/// Stable format (schemaVersion 1). Keys are sorted, dates are ISO-8601 UTC, scores and
/// gains are rounded to 1 decimal, coverage is a percentage (0–100, 1 decimal), credit is
/// 0–1 rounded to 2 decimals, and `null` means "no value" (e.g. a category with nothing scored).
///
/// ```json
/// {
///   "categories": [{"coverage": 100, "grade": "C", "id": "AUTH", "score": 72.5, "title": "…",
///                   "counts": {"fail": 2, "pass": 6, …}}],
///   "checks": [{"id": "AUTH-01", "title": "…", "category": "AUTH", "severity": "high",
///               "status": "partial", "credit": 0.5, "weight": 7, "summary": "…",
///               "evidence": [{"path": "aadProfile.enableAzureRBAC", "value": "false"}],
///               "affected": [{"kind": "NodePool", "name": "np1", "namespace": null, "detail": "…"}],
///               "affectedTotal": 1, "rationale": "…", "remediation": "…", "references": ["…"],
///               "waiver": null}],
///   "cluster": {"collectedAt": "2026-11-29T01:00:00Z", "key": "…", "kubernetesVersion": "1.33.2",
///               "location": "westeurope", "name": "prod-aks", "resourceGroup": "rg-prod"},
///   "configFingerprint": "cfg-…",
///   "exceptionNotes": ["…"],
///   "overall": {"caps": [{"checks": ["AUTH-03"], "limit": 40, "reason": "Kubernetes RBAC off"}],
///               "coverage": 90.3, "grade": "D", "score": 40, "uncapped": 71.2},
///   "schemaVersion": 1,
///   "topFixes": [{"category": "AUTH", "gain": 31.2, "id": "AUTH-03", "remediation": "…",
///                 "severity": "critical", "title": "…"}]
/// }
/// ```
public enum ScoreReportJSON {
    public static let schemaVersion = 1

    public static func render(report: ScoreReport, snapshot: Snapshot) -> String {
        var out = ""
        value(report: report, snapshot: snapshot).render(into: &out)
        return out + "\n"
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }

    static func value(report: ScoreReport, snapshot: Snapshot) -> JSONValue {
        let c = snapshot.cluster
        let cluster: JSONValue = .object([
            "name": .string(c.name), "resourceGroup": .opt(c.resourceGroup), "location": .opt(c.location),
            "kubernetesVersion": .opt(c.currentKubernetesVersion ?? c.kubernetesVersion),
            "collectedAt": .string(iso(snapshot.collection.collectedAt)), "key": .string(snapshot.clusterKey),
        ])
        let overall: JSONValue = .object([
            "score": .num(report.overall.score), "uncapped": .num(report.overall.uncapped),
            "grade": .string(report.overall.grade.rawValue), "coverage": .num(report.overall.coverage * 100),
            "caps": .array(report.overall.caps.map { .object(["limit": .num($0.limit), "reason": .string($0.reason), "checks": .array($0.checkIDs.map { .string($0) })]) }),
        ])
        let categories: JSONValue = .array(report.categories.map { cs in
            .object([
                "id": .string(cs.category.rawValue), "title": .string(cs.category.title),
                "score": .num(cs.score), "grade": .opt(cs.grade?.rawValue), "coverage": .num(cs.coverage * 100),
                "counts": .object(Dictionary(uniqueKeysWithValues: cs.counts.map { ($0.key.rawValue, JSONValue.int($0.value)) })),
            ])
        })
        let checks: JSONValue = .array(report.findings.map { f in
            .object([
                "id": .string(f.checkID), "title": .string(f.title), "category": .string(f.category.rawValue),
                "status": .string(f.status.rawValue), "credit": .num(f.credit, 2), "severity": .string(f.severity.rawValue),
                "weight": .num(f.weight), "summary": .string(f.summary),
                "evidence": .array(f.evidence.map { .object(["path": .string($0.path), "value": .string($0.value)]) }),
                "affected": .array(f.affected.map { .object(["kind": .string($0.kind), "namespace": .opt($0.namespace), "name": .string($0.name), "detail": .opt($0.detail)]) }),
                "affectedTotal": .int(f.affectedTotal),
                "rationale": .string(f.rationale), "remediation": .string(f.remediation),
                "references": .array(f.references.map { .string($0) }),
                "waiver": f.waiver.map { .object(["reason": .string($0.reason), "owner": .string($0.owner), "expires": .string($0.expires)]) } ?? .null,
            ])
        })
        let fixes: JSONValue = .array(report.topFixes.map { t in
            .object(["id": .string(t.checkID), "title": .string(t.title), "category": .string(t.category.rawValue),
                     "severity": .string(t.severity.rawValue), "gain": .num(t.gain), "remediation": .string(t.remediation)])
        })
        return .object([
            "schemaVersion": .int(schemaVersion), "cluster": cluster, "overall": overall, "categories": categories,
            "checks": checks, "topFixes": fixes, "exceptionNotes": .array(report.exceptionNotes.map { .string($0) }),
            "configFingerprint": .string(report.configFingerprint),
        ])
    }
}
