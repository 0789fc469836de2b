import PostureModel

/// What changed between two reports of the same cluster.
public struct ScoreDelta: Codable, Sendable, Hashable {
    public struct CategoryChange: Codable, Sendable, Hashable {
        public var category: Category
        public var from: Double?
        public var to: Double?
        /// `to − from`; nil when either side has no score.
        public var change: Double?
    }

    public struct CheckChange: Codable, Sendable, Hashable {
        public var checkID: String
        public var title: String
        /// nil when the check was absent from that report (a catalog change).
        public var fromStatus: CheckStatus?
        public var toStatus: CheckStatus?
        public var fromCredit: Double?
        public var toCredit: Double?
    }

    public struct ObjectChanges: Codable, Sendable, Hashable {
        public var checkID: String
        public var appeared: [AffectedObject]
        public var disappeared: [AffectedObject]
        /// Either report capped its affected list, so the diff may miss objects beyond the cap.
        public var incomplete: Bool
    }

    public var overallFrom: Double
    public var overallTo: Double
    public var overallChange: Double
    public var gradeFrom: Grade
    public var gradeTo: Grade
    public var categories: [CategoryChange]
    /// Now fail or partial, and neither before.
    public var newlyFailed: [CheckChange]
    /// Fail or partial before, pass now.
    public var fixed: [CheckChange]
    /// Scored in both with a different credit, and in neither list above (e.g. partial 0.5 → 0.75, fail → partial).
    public var creditChanged: [CheckChange]
    /// Every other status change (e.g. pass → unknown when a source stopped being collected, fail → waived).
    public var statusChanged: [CheckChange]
    /// Per check, affected objects that appeared or disappeared (matched by kind, namespace, name).
    public var objects: [ObjectChanges]
    /// The reports were computed with different configurations or exceptions.
    public var configurationChanged: Bool

    public var isEmpty: Bool {
        overallChange == 0 && newlyFailed.isEmpty && fixed.isEmpty && creditChanged.isEmpty && statusChanged.isEmpty && objects.isEmpty
            && categories.allSatisfy { ($0.change ?? 0) == 0 && ($0.from == nil) == ($0.to == nil) }
    }
}

/// Compares two reports (`from` older, `to` newer).
public func delta(from: ScoreReport, to: ScoreReport) -> ScoreDelta {
    let categories = Category.allCases.map { c -> ScoreDelta.CategoryChange in
        let a = from.category(c)?.score, b = to.category(c)?.score
        return .init(category: c, from: a, to: b, change: (a != nil && b != nil) ? b! - a! : nil)
    }
    let failing: Set<CheckStatus> = [.fail, .partial]
    var newlyFailed: [ScoreDelta.CheckChange] = [], fixed: [ScoreDelta.CheckChange] = []
    var creditChanged: [ScoreDelta.CheckChange] = [], statusChanged: [ScoreDelta.CheckChange] = []
    var objects: [ScoreDelta.ObjectChanges] = []

    var ids = to.findings.map(\.checkID)
    for f in from.findings where !ids.contains(f.checkID) { ids.append(f.checkID) }
    for id in ids {
        let a = from.finding(id), b = to.finding(id)
        let change = ScoreDelta.CheckChange(checkID: id, title: b?.title ?? a?.title ?? id,
                                            fromStatus: a?.status, toStatus: b?.status, fromCredit: a?.credit, toCredit: b?.credit)
        let wasFailing = a.map { failing.contains($0.status) } ?? false
        let isFailing = b.map { failing.contains($0.status) } ?? false
        if isFailing && !wasFailing { newlyFailed.append(change) }
        else if wasFailing && b?.status == .pass { fixed.append(change) }
        else if let a, let b, a.status.isScored, b.status.isScored, a.credit != b.credit { creditChanged.append(change) }
        else if a?.status != b?.status { statusChanged.append(change) }

        func key(_ o: AffectedObject) -> String { "\(o.kind)|\(o.namespace ?? "")|\(o.name)" }
        let before = a?.affected ?? [], after = b?.affected ?? []
        let beforeKeys = Set(before.map(key)), afterKeys = Set(after.map(key))
        let appeared = after.filter { !beforeKeys.contains(key($0)) }
        let disappeared = before.filter { !afterKeys.contains(key($0)) }
        if !appeared.isEmpty || !disappeared.isEmpty {
            let incomplete = (a.map { $0.affectedTotal > $0.affected.count } ?? false) || (b.map { $0.affectedTotal > $0.affected.count } ?? false)
            objects.append(.init(checkID: id, appeared: appeared, disappeared: disappeared, incomplete: incomplete))
        }
    }
    return ScoreDelta(overallFrom: from.overall.score, overallTo: to.overall.score, overallChange: to.overall.score - from.overall.score,
                      gradeFrom: from.overall.grade, gradeTo: to.overall.grade, categories: categories,
                      newlyFailed: newlyFailed, fixed: fixed, creditChanged: creditChanged, statusChanged: statusChanged,
                      objects: objects, configurationChanged: from.configFingerprint != to.configFingerprint)
}
