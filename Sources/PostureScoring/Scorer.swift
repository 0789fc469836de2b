import Foundation
import PostureModel

/// Turns a snapshot into a `ScoreReport`.
///
/// Score arithmetic:
/// - A finding's weight is its severity weight (critical 10, high 7, medium 4, low 1, info 0;
///   configurable). Only pass/partial/fail findings are scored; not-applicable, unknown and
///   waived findings leave both numerator and denominator.
/// - Category score = 100 × Σ(weight × credit) ÷ Σ(weight) over its scored findings; nil when
///   nothing in the category could be scored.
/// - Coverage = (checks − unknown) ÷ checks, per category and overall. Not-applicable and waived
///   checks count as covered (we know their answer); unknowns — sources not collected — lower it,
///   so a half-collected snapshot shows low coverage rather than a falsely good score.
/// - Overall (uncapped) = weighted mean of the category scores that are not nil (category
///   weights default to 1). Categories with a nil score are left out; their unknown checks
///   already lower the overall coverage.
/// - Gates (`ScoringConfiguration.gates`) then cap the overall score; every triggered gate is
///   listed in `OverallScore.caps`.
/// - Top fixes: each failing or partial check is re-scored as a pass (credit 1, gates
///   re-evaluated); the gain is the difference in the overall score. Sorted by gain
///   (descending), then severity, then id.
public struct PostureScorer: Sendable {
    public let configuration: ScoringConfiguration
    public let exceptions: [ScoringException]

    public init(configuration: ScoringConfiguration = .default, exceptions: [ScoringException] = []) {
        self.configuration = configuration
        self.exceptions = exceptions
    }

    /// The configuration plus the exceptions, hashed: stored reports with another value are stale.
    public var fingerprint: String {
        let ex = exceptions.map { e in
            [e.check, e.cluster, (e.objects ?? []).joined(separator: ","), e.reason, e.owner, e.expires].joined(separator: "|")
        }.sorted().joined(separator: "\n")
        return configuration.fingerprint + (exceptions.isEmpty ? "" : "-x" + String(FNV1a.hex(ex).prefix(8)))
    }

    public func score(_ snapshot: Snapshot, now: Date) -> ScoreReport {
        var notes: [String] = []
        var active: [ScoringException] = []
        var used = Set<Int>()
        for (i, e) in exceptions.enumerated() where e.matches(cluster: snapshot.cluster) {
            if e.isExpired(at: now) {
                notes.append("\(e.label): expired on \(e.expires); no longer applied")
            } else {
                active.append(e); _ = i
            }
        }

        var findings: [Finding] = []
        let index = SnapshotIndex(snapshot: snapshot, configuration: configuration)
        for def in CheckCatalog.all {
            let mine = active.enumerated().filter { $0.element.check == def.id }
            let objectPatterns = mine.flatMap { idx, e in
                (e.objects ?? []).map { ObjectWaiverPattern(pattern: $0, exceptionIndex: idx, waiver: e.waiver) }
            }
            let ctx = EvaluationContext(snapshot: snapshot, configuration: configuration, checkID: def.id, objectWaivers: objectPatterns, index: index)
            var outcome: CheckOutcome
            if let missing = missingSource(def, snapshot) {
                outcome = .unknown(missing)
            } else {
                outcome = def.evaluate(ctx)
            }
            used.formUnion(ctx.usedExceptionIndices)
            for w in ctx.waived {
                let o = w.object
                outcome.evidence.append(Evidence(path: "waived", value: "\(o.kind) \(o.namespace.map { "\($0)/" } ?? "")\(o.name): \(w.waiver.reason) (\(w.waiver.owner), until \(w.waiver.expires))"))
            }
            var waiver: Waiver? = nil
            if let whole = mine.first(where: { $0.element.objects == nil }) {
                if outcome.status == .fail || outcome.status == .partial {
                    waiver = whole.element.waiver
                    used.insert(whole.offset)
                    outcome.evidence.append(Evidence(path: "verdict before waiver", value: "\(outcome.status.rawValue)\(outcome.credit.map { " (credit \(Self.fmt($0)))" } ?? "")"))
                    outcome.status = .waived
                    outcome.credit = nil
                }
            }
            let total = outcome.affected.count
            let weight = configuration.weight(for: def.severity)
            findings.append(Finding(
                checkID: def.id, title: def.title, category: def.category, severity: def.severity,
                status: outcome.status, credit: outcome.status.isScored ? outcome.credit : nil, weight: weight,
                summary: outcome.summary, evidence: outcome.evidence,
                affected: Array(outcome.affected.prefix(max(0, configuration.affectedLimit))), affectedTotal: total,
                rationale: def.rationale, remediation: def.remediation, references: def.references, waiver: waiver))
        }

        for (i, e) in active.enumerated() where !used.contains(i) {
            let status = findings.first { $0.checkID == e.check }?.status.rawValue ?? "?"
            if e.objects == nil {
                notes.append("\(e.label): unused on \(snapshot.cluster.name) (the check is \(status), nothing to waive)")
            } else {
                notes.append("\(e.label): unused on \(snapshot.cluster.name) (no object matched \(e.objects!.joined(separator: ", ")))")
            }
        }

        let (overall, categories) = Self.aggregate(findings, configuration)
        let fixes = Self.topFixes(findings, current: overall.score, configuration)
        return ScoreReport(overall: overall, categories: categories, findings: findings, topFixes: fixes,
                           exceptionNotes: notes, configFingerprint: fingerprint)
    }

    static func fmt(_ d: Double) -> String { String(format: "%.2f", d) }

    /// Why a check cannot be evaluated on this snapshot, or nil when all its inputs are there.
    func missingSource(_ def: CheckDefinition, _ s: Snapshot) -> String? {
        for src in def.dataSources {
            switch src {
            case .azure(let kind):
                let present: Bool
                switch kind {
                case .cluster, .nodePools: present = true
                case .registries: present = s.registries != nil
                case .keyVaults: present = s.keyVaults != nil
                case .privateEndpoints: present = s.privateEndpoints != nil
                case .privateDNSZones: present = s.privateDNSZones != nil
                case .roleAssignments: present = s.roleAssignments != nil
                case .diagnosticSettings: present = s.diagnosticSettings != nil
                case .kubernetes: present = s.kubernetes != nil
                }
                if !present { return "not collected (\(sourceState(kind, s)))" }
            case .kubernetes(let kinds):
                guard let k8s = s.kubernetes else { return "not collected (\(sourceState(.kubernetes, s)))" }
                let missing = kinds.filter { !KubeKinds.isCollected($0, in: k8s.collectedKinds) }
                if !missing.isEmpty { return "not collected (kubectl: \(missing.map { KubeKinds.plural($0) }.joined(separator: ", ")) missing)" }
            case .kubernetesWorkloads:
                guard let k8s = s.kubernetes else { return "not collected (\(sourceState(.kubernetes, s)))" }
                if !KubeKinds.workloadKinds.contains(where: { KubeKinds.isCollected($0, in: k8s.collectedKinds) }) {
                    return "not collected (kubectl: no workload kinds)"
                }
            case .notInBundle(let what):
                return "not collected (\(what) are not part of the bundle)"
            }
        }
        return nil
    }

    private func sourceState(_ kind: SourceKind, _ s: Snapshot) -> String {
        let file = kind == .kubernetes ? "kubernetes.json" : kind.fileName
        if let st = s.collection.sources.first(where: { $0.source == kind }), st.state == .failed {
            return "\(file): collection failed" + (st.detail.map { ": \($0)" } ?? "")
        }
        return "\(file) missing"
    }

    // MARK: Arithmetic

    static func aggregate(_ findings: [Finding], _ config: ScoringConfiguration) -> (OverallScore, [CategoryScore]) {
        var categories: [CategoryScore] = []
        for cat in Category.allCases {
            let fs = findings.filter { $0.category == cat }
            var earned = 0.0, possible = 0.0
            var counts: [CheckStatus: Int] = [:]
            for f in fs {
                counts[f.status, default: 0] += 1
                guard f.status.isScored, let credit = f.credit else { continue }
                earned += f.weight * credit
                possible += f.weight
            }
            let score = possible > 0 ? 100 * earned / possible : nil
            let coverage = fs.isEmpty ? 0 : Double(fs.count - (counts[.unknown] ?? 0)) / Double(fs.count)
            categories.append(CategoryScore(category: cat, score: score, coverage: coverage, earned: earned, possible: possible, counts: counts))
        }
        var num = 0.0, den = 0.0
        for c in categories {
            guard let s = c.score else { continue }
            let w = config.weight(for: c.category)
            num += w * s; den += w
        }
        let uncapped = den > 0 ? num / den : 0
        var caps: [ScoreCap] = []
        let status = Dictionary(findings.map { ($0.checkID, $0.status) }, uniquingKeysWith: { a, _ in a })
        for g in config.activeGates where !g.failingChecks.isEmpty && g.failingChecks.allSatisfy({ status[$0] == .fail }) {
            caps.append(ScoreCap(limit: g.limit, reason: g.reason, checkIDs: g.failingChecks))
        }
        let score = caps.reduce(uncapped) { min($0, $1.limit) }
        let unknown = findings.filter { $0.status == .unknown }.count
        let coverage = findings.isEmpty ? 0 : Double(findings.count - unknown) / Double(findings.count)
        return (OverallScore(score: score, uncapped: uncapped, caps: caps, coverage: coverage), categories)
    }

    static func topFixes(_ findings: [Finding], current: Double, _ config: ScoringConfiguration) -> [TopFix] {
        var fixes: [TopFix] = []
        for (i, f) in findings.enumerated() where (f.status == .fail || f.status == .partial) && f.weight > 0 {
            var alt = findings
            alt[i].status = .pass
            alt[i].credit = 1
            let (o, _) = aggregate(alt, config)
            let gain = max(0, o.score - current)
            fixes.append(TopFix(checkID: f.checkID, title: f.title, category: f.category, severity: f.severity,
                                gain: (gain * 1e9).rounded() / 1e9, remediation: f.remediation))
        }
        return fixes.sorted { a, b in
            if a.gain != b.gain { return a.gain > b.gain }
            if a.severity != b.severity { return a.severity < b.severity }
            return a.checkID < b.checkID
        }
    }
}
