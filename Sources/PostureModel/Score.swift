import Foundation

/// The five layers of defence, in the order the dashboard shows them.
public enum Category: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    case auth = "AUTH"
    case ident = "IDENT"
    case net = "NET"
    case sec = "SEC"
    case hard = "HARD"

    public var title: String {
        switch self {
        case .auth: "Authentication & authorization"
        case .ident: "Workload identity"
        case .net: "Network"
        case .sec: "Secrets"
        case .hard: "Node & platform hardening"
        }
    }
    public var shortTitle: String {
        switch self {
        case .auth: "Auth"
        case .ident: "Identity"
        case .net: "Network"
        case .sec: "Secrets"
        case .hard: "Hardening"
        }
    }
    public static func < (a: Category, b: Category) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum Severity: String, Codable, Sendable, CaseIterable, Hashable, Comparable {
    case critical, high, medium, low, info
    /// Default weights; configurable in the scoring configuration.
    public var defaultWeight: Double {
        switch self {
        case .critical: 10
        case .high: 7
        case .medium: 4
        case .low: 1
        case .info: 0
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool {
        // critical sorts first
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum CheckStatus: String, Codable, Sendable, CaseIterable, Hashable {
    case pass
    case partial
    case fail
    case notApplicable = "not-applicable"
    case unknown
    case waived

    /// Whether the check counts toward the score (pass, partial, fail).
    public var isScored: Bool { self == .pass || self == .partial || self == .fail }
}

/// Letter grades on the Popeye scale: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, E ≥ 50, F below.
public enum Grade: String, Codable, Sendable, CaseIterable, Hashable {
    case A, B, C, D, E, F
    public init(score: Double) {
        switch score {
        case 90...: self = .A
        case 80..<90: self = .B
        case 70..<80: self = .C
        case 60..<70: self = .D
        case 50..<60: self = .E
        default: self = .F
        }
    }
}

/// One observed value behind a verdict: where it was read and what it said.
public struct Evidence: Codable, Sendable, Hashable {
    /// Field path in the source document, e.g. `aadProfile.enableAzureRBAC` or
    /// `agentPoolProfiles[nodepool1].securityProfile.sshAccess`.
    public var path: String
    /// The value seen, rendered as text (`true`, `"LocalUser"`, `(absent)`).
    public var value: String
    public init(path: String, value: String) { self.path = path; self.value = value }
}

/// An object a finding is about (a node pool, a registry, a Kubernetes object…).
public struct AffectedObject: Codable, Sendable, Hashable {
    /// `NodePool`, `ContainerRegistry`, `KeyVault`, or a Kubernetes kind.
    public var kind: String
    public var namespace: String?
    public var name: String
    /// Why this object is affected, e.g. `sshAccess=LocalUser` or `binds cluster-admin to User alice`.
    public var detail: String?
    public init(kind: String, namespace: String? = nil, name: String, detail: String? = nil) {
        self.kind = kind; self.namespace = namespace; self.name = name; self.detail = detail
    }
}

/// The waiver that applied to a finding.
public struct Waiver: Codable, Sendable, Hashable {
    public var reason: String
    public var owner: String
    /// `YYYY-MM-DD`.
    public var expires: String
    public init(reason: String, owner: String, expires: String) { self.reason = reason; self.owner = owner; self.expires = expires }
}

public struct Finding: Codable, Sendable, Hashable {
    /// Stable public id from the catalog, e.g. `AUTH-01`.
    public var checkID: String
    public var title: String
    public var category: Category
    public var severity: Severity
    public var status: CheckStatus
    /// 0…1 for scored statuses; nil for not-applicable, unknown and waived.
    public var credit: Double?
    /// The severity weight used in the category score.
    public var weight: Double
    /// One line: what was found, e.g. "Entra ID with Kubernetes RBAC (not Azure RBAC)".
    public var summary: String
    public var evidence: [Evidence]
    /// Affected objects (capped by the scorer; `affectedTotal` has the full count).
    public var affected: [AffectedObject]
    public var affectedTotal: Int
    /// Why it matters, one or two sentences.
    public var rationale: String
    /// What to do, with the `az`/`kubectl` command where one exists.
    public var remediation: String
    /// Anchors: Azure Policy, CIS AKS, Defender, kubescape and checkov ids.
    public var references: [String]
    public var waiver: Waiver?

    public init(checkID: String, title: String, category: Category, severity: Severity, status: CheckStatus,
                credit: Double?, weight: Double, summary: String, evidence: [Evidence] = [],
                affected: [AffectedObject] = [], affectedTotal: Int? = nil, rationale: String,
                remediation: String, references: [String] = [], waiver: Waiver? = nil) {
        self.checkID = checkID; self.title = title; self.category = category; self.severity = severity
        self.status = status; self.credit = credit; self.weight = weight; self.summary = summary
        self.evidence = evidence; self.affected = affected; self.affectedTotal = affectedTotal ?? affected.count
        self.rationale = rationale; self.remediation = remediation; self.references = references; self.waiver = waiver
    }
}

public struct CategoryScore: Codable, Sendable, Hashable {
    public var category: Category
    /// 0…100, nil when no check of the category could be scored.
    public var score: Double?
    public var grade: Grade?
    /// Scored checks ÷ all checks of the category (0…1).
    public var coverage: Double
    /// Σ weight × credit over scored checks.
    public var earned: Double
    /// Σ weight over scored checks.
    public var possible: Double
    public var counts: [CheckStatus: Int]
    public init(category: Category, score: Double?, coverage: Double, earned: Double, possible: Double, counts: [CheckStatus: Int]) {
        self.category = category; self.score = score; self.grade = score.map { Grade(score: $0) }
        self.coverage = coverage; self.earned = earned; self.possible = possible; self.counts = counts
    }
}

/// A gate that capped the overall score.
public struct ScoreCap: Codable, Sendable, Hashable {
    public var limit: Double
    public var reason: String
    public var checkIDs: [String]
    public init(limit: Double, reason: String, checkIDs: [String]) { self.limit = limit; self.reason = reason; self.checkIDs = checkIDs }
}

public struct OverallScore: Codable, Sendable, Hashable {
    /// 0…100 after caps.
    public var score: Double
    /// The weighted combination of the category scores before caps.
    public var uncapped: Double
    public var grade: Grade
    public var caps: [ScoreCap]
    /// Scored checks ÷ all checks (0…1).
    public var coverage: Double
    public init(score: Double, uncapped: Double, caps: [ScoreCap], coverage: Double) {
        self.score = score; self.uncapped = uncapped; self.grade = Grade(score: score); self.caps = caps; self.coverage = coverage
    }
}

/// A failing or partial check ranked by the overall points fixing it would gain.
public struct TopFix: Codable, Sendable, Hashable {
    public var checkID: String
    public var title: String
    public var category: Category
    public var severity: Severity
    /// Overall score if this check passed, minus the current overall score.
    public var gain: Double
    public var remediation: String
    public init(checkID: String, title: String, category: Category, severity: Severity, gain: Double, remediation: String) {
        self.checkID = checkID; self.title = title; self.category = category; self.severity = severity; self.gain = gain; self.remediation = remediation
    }
}

/// Everything the scoring service says about one snapshot.
public struct ScoreReport: Codable, Sendable, Hashable {
    public var overall: OverallScore
    public var categories: [CategoryScore]
    /// One per catalog check, in catalog order.
    public var findings: [Finding]
    public var topFixes: [TopFix]
    /// Exceptions that matched nothing, or expired (shown so stale waivers get cleaned up).
    public var exceptionNotes: [String]
    /// Identifies the scoring configuration (weights, gates, exceptions) the report was computed with,
    /// so stored reports can be told stale after a configuration change.
    public var configFingerprint: String
    public init(overall: OverallScore, categories: [CategoryScore], findings: [Finding], topFixes: [TopFix],
                exceptionNotes: [String] = [], configFingerprint: String) {
        self.overall = overall; self.categories = categories; self.findings = findings; self.topFixes = topFixes
        self.exceptionNotes = exceptionNotes; self.configFingerprint = configFingerprint
    }
    public func category(_ c: Category) -> CategoryScore? { categories.first { $0.category == c } }
    public func finding(_ id: String) -> Finding? { findings.first { $0.checkID == id } }
}
