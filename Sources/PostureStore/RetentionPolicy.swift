import Foundation

/// Which snapshots to keep as they age.
///
/// Text form: comma-separated rules `AGE:KEEP`, ages strictly increasing:
///
///     policy   = rule *( "," rule )
///     rule     = age ":" keep
///     age      = duration
///     keep     = "all" | "hourly" | "daily" | "weekly" | duration
///     duration = 1*DIGIT unit          ; unit: "m" minutes, "h" hours, "d" days, "w" weeks, "y" 365 days
///
/// A snapshot whose age (`now - collectedAt`) is below a rule's AGE, and not below an earlier
/// rule's, falls under that rule. `all` keeps every such snapshot; `hourly`, `daily`, `weekly` or
/// a duration keep one per time bucket of that width — the newest of the bucket. Buckets are
/// aligned to the Unix epoch (so `daily` means UTC days) and do not move as time passes, so a
/// snapshot kept once stays kept until it ages into a coarser rule. Snapshots older than the last
/// rule's AGE are deleted. Whatever the policy, the newest snapshot of each cluster is kept.
///
/// `48h:all,30d:hourly,365d:daily` (the default) keeps everything from the last two days, one
/// snapshot per hour back to 30 days, one per day back to a year, and nothing older.
/// Spaces around the separators are ignored.
public struct RetentionPolicy: Sendable, Equatable, CustomStringConvertible {
    public enum Keep: Sendable, Equatable {
        case all
        /// One snapshot per bucket of this many seconds.
        case onePer(TimeInterval)
    }

    public struct Rule: Sendable, Equatable {
        /// Seconds; the rule covers snapshots younger than this (and not covered by an earlier rule).
        public var maxAge: TimeInterval
        public var keep: Keep
        public init(maxAge: TimeInterval, keep: Keep) { self.maxAge = maxAge; self.keep = keep }
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        public var text: String
        public var message: String
        public var description: String { "retention policy \"\(text)\": \(message)" }
    }

    public var rules: [Rule]

    public init(rules: [Rule]) { self.rules = rules }

    public static let `default` = RetentionPolicy(rules: [
        Rule(maxAge: 48 * 3600, keep: .all),
        Rule(maxAge: 30 * 86400, keep: .onePer(3600)),
        Rule(maxAge: 365 * 86400, keep: .onePer(86400)),
    ])

    public static func parse(_ text: String) throws -> RetentionPolicy {
        func fail(_ message: String) -> ParseError { ParseError(text: text, message: message) }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !(parts.count == 1 && parts[0].isEmpty) else { throw fail("empty; expected rules like 48h:all,30d:hourly") }
        var rules: [Rule] = []
        for part in parts {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2 else { throw fail("rule \"\(part)\" is not AGE:KEEP (e.g. 30d:hourly)") }
            guard let age = duration(fields[0]) else {
                throw fail("rule \"\(part)\": age \"\(fields[0])\" is not a duration like 48h, 30d, 1y (units m, h, d, w, y)")
            }
            let keep: Keep
            switch fields[1].lowercased() {
            case "all": keep = .all
            case "hourly": keep = .onePer(3600)
            case "daily": keep = .onePer(86400)
            case "weekly": keep = .onePer(7 * 86400)
            default:
                guard let width = duration(fields[1]) else {
                    throw fail("rule \"\(part)\": keep \"\(fields[1])\" is not all, hourly, daily, weekly or a duration like 6h")
                }
                keep = .onePer(width)
            }
            if let previous = rules.last, age <= previous.maxAge {
                throw fail("rule \"\(part)\": ages must increase from rule to rule")
            }
            rules.append(Rule(maxAge: age, keep: keep))
        }
        return RetentionPolicy(rules: rules)
    }

    /// `12h` → 43200. Positive whole numbers only.
    static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0, count < 1_000_000 else { return nil }
        let seconds: TimeInterval
        switch unit {
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86400
        case "w": seconds = 7 * 86400
        case "y": seconds = 365 * 86400
        default: return nil
        }
        return TimeInterval(count) * seconds
    }

    public var description: String {
        rules.map { rule in
            let keep: String
            switch rule.keep {
            case .all: keep = "all"
            case .onePer(3600): keep = "hourly"
            case .onePer(86400): keep = "daily"
            case .onePer(604800): keep = "weekly"
            case .onePer(let width): keep = Self.format(width)
            }
            return "\(Self.format(rule.maxAge)):\(keep)"
        }.joined(separator: ",")
    }

    /// Days from three days up, else hours, else minutes: `48h`, `30d`, `365d`.
    static func format(_ seconds: TimeInterval) -> String {
        if seconds >= 3 * 86400 && seconds.truncatingRemainder(dividingBy: 86400) == 0 { return "\(Int(seconds / 86400))d" }
        if seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        return "\(Int(seconds / 60))m"
    }

    /// The ids to keep among one cluster's snapshots. The newest (by time, then id) is always kept.
    public func survivors(of snapshots: [(id: Int64, collectedAt: Date)], now: Date) -> Set<Int64> {
        guard let newest = snapshots.max(by: { ($0.collectedAt, $0.id) < ($1.collectedAt, $1.id) }) else { return [] }
        var keep: Set<Int64> = [newest.id]
        // Per (rule, bucket): the newest snapshot seen so far.
        var bucketBest: [[Int64]: (id: Int64, collectedAt: Date)] = [:]
        for snapshot in snapshots {
            let age = now.timeIntervalSince(snapshot.collectedAt)
            guard let ruleIndex = rules.firstIndex(where: { age < $0.maxAge }) else { continue }
            switch rules[ruleIndex].keep {
            case .all:
                keep.insert(snapshot.id)
            case .onePer(let width):
                let bucket = Int64((snapshot.collectedAt.timeIntervalSince1970 / width).rounded(.down))
                let key = [Int64(ruleIndex), bucket]
                if let best = bucketBest[key], (best.collectedAt, best.id) > (snapshot.collectedAt, snapshot.id) { continue }
                bucketBest[key] = snapshot
            }
        }
        for best in bucketBest.values { keep.insert(best.id) }
        return keep
    }
}
