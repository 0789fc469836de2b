import Foundation
import PostureModel
import Yams

/// One accepted risk from an exceptions file.
///
/// Exceptions file format (YAML). The top level is either a list of entries or a mapping with
/// an `exceptions:` list:
///
/// ```yaml
/// exceptions:
///   # Whole check: AUTH-06 becomes `waived` on cluster prod-aks and leaves the score.
///   - check: AUTH-06
///     cluster: prod-aks            # cluster name, resourceGroup/name, ARM id, or a glob ("*", "prod-*")
///     reason: Break-glass binding reviewed quarterly
///     owner: platform-team@example.com
///     expires: 2027-03-31          # YYYY-MM-DD; the exception applies through that day (UTC)
///   # Object level: only these objects leave HARD-15's evaluation; the check is still scored.
///   - check: HARD-15
///     cluster: "*"
///     objects: ["monitoring/node-exporter", "falco/*"]
///     reason: Node agents need host access
///     owner: sre@example.com
///     expires: 2026-12-31
/// ```
///
/// `check`, `cluster`, `reason`, `owner` and `expires` are mandatory; `objects` is optional
/// (absent = the whole check). Object patterns are `namespace/name` for namespaced Kubernetes
/// objects and plain `name` for cluster-scoped objects, node pools, registries and key vaults;
/// `*` matches any run of characters.
public struct ScoringException: Codable, Sendable, Hashable {
    public var check: String
    public var cluster: String
    /// nil = the whole check.
    public var objects: [String]?
    public var reason: String
    public var owner: String
    /// `YYYY-MM-DD`.
    public var expires: String
    /// 1-based position in the file, for messages.
    public var entry: Int
    public var file: String?

    public init(check: String, cluster: String = "*", objects: [String]? = nil, reason: String, owner: String,
                expires: String, entry: Int = 1, file: String? = nil) {
        self.check = check.uppercased(); self.cluster = cluster; self.objects = objects
        self.reason = reason; self.owner = owner; self.expires = expires; self.entry = entry; self.file = file
    }

    public var waiver: Waiver { Waiver(reason: reason, owner: owner, expires: expires) }

    /// Whether the exception has expired at `now`: it applies through the whole `expires` day (UTC).
    /// An unparsable date counts as expired.
    public func isExpired(at now: Date) -> Bool {
        guard let day = ExceptionsFile.parseDay(expires) else { return true }
        return now >= day.addingTimeInterval(86_400)
    }

    public func matches(cluster c: ManagedCluster) -> Bool {
        let pattern = cluster.lowercased()
        var names = [c.name.lowercased()]
        if let rg = c.resourceGroup { names.append("\(rg)/\(c.name)".lowercased()) }
        if let id = c.id { names.append(id.lowercased()) }
        return names.contains { Glob.matches(pattern, $0) }
    }

    var label: String { "\(file.map { "\($0): " } ?? "")entry \(entry) (\(check))" }
}

public struct ExceptionsFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// 1-based entry number, nil for errors about the whole file.
    public var entry: Int?
    public var line: Int?
    public var message: String
    public var description: String {
        var s = file
        if let entry { s += ": entry \(entry)" }
        if let line { s += " (line \(line))" }
        return s + ": " + message
    }
}

public enum ExceptionsFile {
    public static func load(url: URL) throws -> [ScoringException] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ExceptionsFileError(file: url.path, entry: nil, line: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, file: url.path)
    }

    public static func parse(yaml: String, file: String = "exceptions.yaml") throws -> [ScoringException] {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw ExceptionsFileError(file: file, entry: nil, line: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { return [] }
        let list: Node.Sequence
        if let seq = root.sequence { list = seq }
        else if let map = root.mapping {
            guard let node = map["exceptions"] else {
                throw ExceptionsFileError(file: file, entry: nil, line: root.mark?.line, message: "expected a list of exceptions or a mapping with an 'exceptions' list")
            }
            if node.scalar?.string == "" || node.tag.rawValue == Tag.Name.null.rawValue { return [] }
            guard let seq = node.sequence else {
                throw ExceptionsFileError(file: file, entry: nil, line: node.mark?.line, message: "'exceptions' must be a list")
            }
            list = seq
        } else {
            throw ExceptionsFileError(file: file, entry: nil, line: root.mark?.line, message: "expected a list of exceptions")
        }

        var out: [ScoringException] = []
        for (i, node) in list.enumerated() {
            let n = i + 1
            func err(_ m: String, _ at: Node? = nil) -> ExceptionsFileError {
                ExceptionsFileError(file: file, entry: n, line: (at ?? node).mark?.line, message: m)
            }
            guard let map = node.mapping else { throw err("expected a mapping with check, cluster, reason, owner, expires") }
            let known: Set<String> = ["check", "cluster", "objects", "reason", "owner", "expires"]
            for (k, _) in map {
                guard let key = k.scalar?.string, known.contains(key) else { throw err("unknown field '\(k.scalar?.string ?? "?")'", k) }
            }
            func field(_ name: String) throws -> String {
                guard let v = map[name] else { throw err("missing field '\(name)'") }
                guard let s = v.scalar?.string.trimmingCharacters(in: .whitespaces), !s.isEmpty, v.tag.rawValue != Tag.Name.null.rawValue else {
                    throw err("field '\(name)' must be a non-empty string", v)
                }
                return s
            }
            let check = try field("check").uppercased()
            guard CheckCatalog.definition(check) != nil else { throw err("unknown check '\(check)'", map["check"]) }
            let cluster = try field("cluster")
            let reason = try field("reason")
            let owner = try field("owner")
            let expires = try field("expires")
            guard parseDay(expires) != nil else { throw err("field 'expires' must be a date YYYY-MM-DD, got '\(expires)'", map["expires"]) }
            var objects: [String]? = nil
            if let o = map["objects"] {
                guard let seq = o.sequence else { throw err("field 'objects' must be a list of \"namespace/name\" patterns", o) }
                objects = try seq.map { item in
                    guard let s = item.scalar?.string.trimmingCharacters(in: .whitespaces), !s.isEmpty else { throw err("'objects' entries must be non-empty strings", item) }
                    return s
                }
                if objects!.isEmpty { throw err("field 'objects' is empty (omit it to waive the whole check)", o) }
            }
            out.append(ScoringException(check: check, cluster: cluster, objects: objects, reason: reason, owner: owner,
                                        expires: expires, entry: n, file: file))
        }
        return out
    }

    static func parseDay(_ s: String) -> Date? {
        let parts = s.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let comps = DateComponents(year: y, month: m, day: d)
        guard let date = cal.date(from: comps) else { return nil }
        let back = cal.dateComponents([.year, .month, .day], from: date)
        guard back.year == y, back.month == m, back.day == d else { return nil }
        return date
    }
}
