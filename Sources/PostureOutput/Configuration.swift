import Foundation
import PostureModel
import Yams

/// Where a configuration value came from.
public enum ConfigSource: Sendable, Hashable, CustomStringConvertible {
    case `default`
    case file(path: String, line: Int)
    case environment(String)
    case flag(String)

    public var description: String {
        switch self {
        case .default: "default"
        case .file(let path, let line): "file:\(path):\(line)"
        case .environment(let name): "env:\(name)"
        case .flag(let name): "flag:\(name)"
        }
    }
}

/// A configuration problem, naming the file and line (or the variable or flag) it came from.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file path, `env:NAME` or `flag:--name`.
    public var origin: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(origin: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.origin = origin; self.line = line; self.column = column; self.message = message
    }

    public var description: String {
        var s = OutputText.sanitize(origin)
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        return s + ": " + message
    }
}

/// A value as written in a file, variable or flag, before it is checked against its setting.
enum RawValue {
    case null
    case scalar(String)
    case list([String])
    case mapping

    var kindName: String {
        switch self {
        case .null: "nothing"
        case .scalar: "a single value"
        case .list: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// One configurable key: how it is parsed and how it is shown.
struct Setting: Sendable {
    struct Problem: Error {
        var message: String
        /// The list element at fault, for lists read from a file.
        var index: Int? = nil
    }
    typealias Apply = @Sendable (inout AppConfiguration) -> Void

    let key: String
    let parse: @Sendable (_ value: RawValue, _ context: ParseContext) throws -> Apply
    let display: @Sendable (AppConfiguration) -> String
}

struct ParseContext {
    var directories: BaseDirectories
    /// Directory that relative paths are resolved against (the config file's, for file values).
    var relativeTo: String?

    func path(_ raw: String) -> String {
        let expanded = directories.expandingTilde(raw)
        if expanded.hasPrefix("/") || relativeTo == nil { return expanded }
        return relativeTo! + "/" + expanded
    }
}

enum Settings {
    static let all: [Setting] = build()

    static func named(_ key: String) -> Setting? { all.first { $0.key == key } }

    /// Keys that hold a nested mapping in the file.
    static let groups: Set<String> = ["kiosk", "severity-weights", "category-weights"]

    private static func build() -> [Setting] {
        var s: [Setting] = []
        s.append(path("store", \.storePath))
        s.append(choice("theme", Theme.self, \.theme))
        s.append(bool("ascii", \.ascii))
        s.append(duration("stale-after", \.staleAfter))
        s.append(duration("kiosk.cycle", \.kioskCycle))
        s.append(Setting(key: "kiosk.views", parse: { raw, _ in
            let items = try list(raw, expected: "a list of views (\(KioskView.allCases.map(\.rawValue).joined(separator: ", ")))")
            guard !items.isEmpty else { throw Setting.Problem(message: "kiosk.views needs at least one view") }
            var views: [KioskView] = []
            for (i, item) in items.enumerated() {
                guard let v = KioskView(rawValue: item.lowercased()) else {
                    throw Setting.Problem(message: "unknown view '\(OutputText.sanitize(item))' (known: \(KioskView.allCases.map(\.rawValue).joined(separator: ", ")))", index: i)
                }
                views.append(v)
            }
            let chosen = views
            return { $0.kioskViews = chosen }
        }, display: { $0.kioskViews.map(\.rawValue).joined(separator: ", ") }))
        for severity in Severity.allCases {
            s.append(weight("severity-weights.\(severity.rawValue)", get: { $0.severityWeights[severity] ?? severity.defaultWeight },
                            set: { $0.severityWeights[severity] = $1 }))
        }
        for category in Category.allCases {
            s.append(weight("category-weights.\(category.rawValue)", get: { $0.categoryWeights[category] ?? 1 },
                            set: { $0.categoryWeights[category] = $1 }))
        }
        s.append(bool("gates", \.gatesEnabled))
        s.append(stringList("system-namespaces", \.systemNamespaces, validate: validName))
        s.append(stringList("approved-registries", \.approvedRegistries, validate: validName))
        s.append(Setting(key: "allowed-public-load-balancers", parse: { raw, _ in
            let items = try list(raw, expected: "a list of namespace/name")
            var refs: [ServiceRef] = []
            for (i, item) in items.enumerated() {
                guard let ref = ServiceRef.parse(item) else {
                    throw Setting.Problem(message: "'\(OutputText.sanitize(item))' is not namespace/name", index: i)
                }
                refs.append(ref)
            }
            let chosen = refs
            return { $0.allowedPublicLoadBalancers = chosen }
        }, display: { listDisplay($0.allowedPublicLoadBalancers.map(\.description)) }))
        s.append(Setting(key: "exceptions-file", parse: { raw, context in
            if case .null = raw { return { $0.exceptionsFile = nil } }
            let p = context.path(try scalar(raw, expected: "a file path"))
            return { $0.exceptionsFile = p }
        }, display: { $0.exceptionsFile ?? "(none)" }))
        s.append(path("export-dir", \.exportDir))
        s.append(choice("log-level", LogLevel.self, \.logLevel))
        return s
    }

    // MARK: kinds

    static func scalar(_ raw: RawValue, expected: String) throws -> String {
        guard case .scalar(let text) = raw else { throw Setting.Problem(message: "expects \(expected), got \(raw.kindName)") }
        return text
    }

    /// A YAML sequence, or one text holding comma-separated items (variables and flags).
    static func list(_ raw: RawValue, expected: String) throws -> [String] {
        switch raw {
        case .list(let items): return items
        case .scalar(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .null: return []
        case .mapping: throw Setting.Problem(message: "expects \(expected), got a mapping")
        }
    }

    static func path(_ key: String, _ kp: WritableKeyPath<AppConfiguration, String> & Sendable) -> Setting {
        Setting(key: key, parse: { raw, context in
            let text = try scalar(raw, expected: "a path")
            guard !text.isEmpty else { throw Setting.Problem(message: "expects a path, got an empty value") }
            let p = context.path(text)
            return { $0[keyPath: kp] = p }
        }, display: { $0[keyPath: kp] })
    }

    static func bool(_ key: String, _ kp: WritableKeyPath<AppConfiguration, Bool> & Sendable) -> Setting {
        Setting(key: key, parse: { raw, _ in
            let text = try scalar(raw, expected: "true or false")
            switch text.lowercased() {
            case "true", "yes", "on", "1": return { $0[keyPath: kp] = true }
            case "false", "no", "off", "0": return { $0[keyPath: kp] = false }
            default: throw Setting.Problem(message: "expects true or false, got '\(OutputText.sanitize(text))'")
            }
        }, display: { $0[keyPath: kp] ? "true" : "false" })
    }

    static func duration(_ key: String, _ kp: WritableKeyPath<AppConfiguration, ConfigDuration> & Sendable) -> Setting {
        Setting(key: key, parse: { raw, _ in
            let text = try scalar(raw, expected: "a duration such as 30s, 5m or 1h")
            do {
                let d = try ConfigDuration.parse(text)
                return { $0[keyPath: kp] = d }
            } catch let e as ConfigDuration.Invalid {
                throw Setting.Problem(message: e.description)
            }
        }, display: { $0[keyPath: kp].text })
    }

    static func choice<E: RawRepresentable & CaseIterable & Sendable>(_ key: String, _ type: E.Type, _ kp: WritableKeyPath<AppConfiguration, E> & Sendable) -> Setting where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        return Setting(key: key, parse: { raw, _ in
            let text = try scalar(raw, expected: "one of \(names.joined(separator: ", "))")
            guard let v = E(rawValue: text.lowercased()) else {
                throw Setting.Problem(message: "expects one of \(names.joined(separator: ", ")), got '\(OutputText.sanitize(text))'")
            }
            return { $0[keyPath: kp] = v }
        }, display: { $0[keyPath: kp].rawValue })
    }

    static func weight(_ key: String, get: @escaping @Sendable (AppConfiguration) -> Double,
                       set: @escaping @Sendable (inout AppConfiguration, Double) -> Void) -> Setting {
        Setting(key: key, parse: { raw, _ in
            let text = try scalar(raw, expected: "a number ≥ 0")
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0 else {
                throw Setting.Problem(message: "expects a number ≥ 0, got '\(OutputText.sanitize(text))'")
            }
            return { set(&$0, v) }
        }, display: { OutputText.number(get($0), decimals: 3) })
    }

    static func stringList(_ key: String, _ kp: WritableKeyPath<AppConfiguration, [String]> & Sendable,
                           validate: @escaping @Sendable (String) -> Bool) -> Setting {
        Setting(key: key, parse: { raw, _ in
            let items = try list(raw, expected: "a list of names")
            for (i, item) in items.enumerated() where !validate(item) {
                throw Setting.Problem(message: "'\(OutputText.sanitize(item))' is not a valid name", index: i)
            }
            return { $0[keyPath: kp] = items }
        }, display: { listDisplay($0[keyPath: kp]) })
    }

    static func listDisplay(_ items: [String]) -> String { items.isEmpty ? "(none)" : items.joined(separator: ", ") }

    /// Namespace names and registry hosts: printable, no spaces or commas.
    @Sendable static func validName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "," }
    }
}

/// Reads the YAML configuration file. Unknown keys, wrong types and bad durations are errors
/// that name the file, line and column.
public enum ConfigurationFile {
    public static func load(path: String, into configuration: inout AppConfiguration, sources: inout [String: ConfigSource],
                            directories: BaseDirectories) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigurationError(origin: path, message: "cannot read the configuration file (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(origin: path, message: "the configuration file is not UTF-8 text")
        }
        try apply(yaml: text, path: path, into: &configuration, sources: &sources, directories: directories)
    }

    public static func apply(yaml: String, path: String, into configuration: inout AppConfiguration, sources: inout [String: ConfigSource],
                             directories: BaseDirectories) throws {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch let e as YamlError {
            throw yamlError(e, path: path)
        }
        guard let root else { return } // an empty file changes nothing
        guard case .mapping(let top) = root else {
            throw ConfigurationError(origin: path, line: root.mark?.line, column: root.mark?.column, message: "expected a mapping of settings at the top level")
        }
        let context = ParseContext(directories: directories, relativeTo: (path as NSString).deletingLastPathComponent)
        var pending: [(String, Setting.Apply, Int)] = []
        for (keyNode, valueNode) in top {
            let key = try keyText(keyNode, path: path)
            if Settings.groups.contains(key) {
                guard case .mapping(let inner) = valueNode else {
                    throw ConfigurationError(origin: path, line: valueNode.mark?.line ?? keyNode.mark?.line, column: valueNode.mark?.column,
                                             message: "'\(key)' expects a mapping, got \(raw(valueNode).kindName)")
                }
                for (subKeyNode, subValue) in inner {
                    var sub = try keyText(subKeyNode, path: path)
                    if key == "category-weights" { sub = sub.uppercased() } else if key == "severity-weights" { sub = sub.lowercased() }
                    pending.append(try parse(key: "\(key).\(sub)", keyNode: subKeyNode, value: subValue, path: path, context: context))
                }
            } else {
                pending.append(try parse(key: key, keyNode: keyNode, value: valueNode, path: path, context: context))
            }
        }
        // Nothing is applied unless the whole file is valid.
        for (key, apply, line) in pending {
            apply(&configuration)
            sources[key] = .file(path: path, line: line)
        }
    }

    private static func parse(key: String, keyNode: Node, value: Node, path: String, context: ParseContext) throws -> (String, Setting.Apply, Int) {
        let line = keyNode.mark?.line ?? 0
        guard let setting = Settings.named(key) else {
            var message = "unknown key '\(OutputText.sanitize(key))'"
            if let near = suggestion(for: key) { message += " (did you mean '\(near)'?)" }
            throw ConfigurationError(origin: path, line: keyNode.mark?.line, column: keyNode.mark?.column, message: message)
        }
        do {
            return (key, try setting.parse(raw(value), context), line)
        } catch let problem as Setting.Problem {
            var mark = value.mark ?? keyNode.mark
            if let i = problem.index, case .sequence(let seq) = value, i < seq.count, let m = seq[i].mark { mark = m }
            throw ConfigurationError(origin: path, line: mark?.line, column: mark?.column, message: "\(key): \(problem.message)")
        }
    }

    private static func keyText(_ node: Node, path: String) throws -> String {
        guard case .scalar(let s) = node else {
            throw ConfigurationError(origin: path, line: node.mark?.line, column: node.mark?.column, message: "keys must be plain names")
        }
        return s.string
    }

    static func raw(_ node: Node) -> RawValue {
        switch node {
        case .scalar(let s):
            if s.style == .plain, node.null != nil { return .null }
            return .scalar(s.string)
        case .sequence(let seq):
            return .list(seq.map { ($0.scalar?.string) ?? "" })
        case .mapping: return .mapping
        case .alias: return .null
        }
    }

    private static func yamlError(_ e: YamlError, path: String) -> ConfigurationError {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigurationError(origin: path, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(origin: path, line: context.mark.line, column: context.mark.column,
                                      message: "duplicate key '\(duplicates.map(OutputText.sanitize).joined(separator: "', '"))'")
        default:
            return ConfigurationError(origin: path, message: "invalid YAML: \(OutputText.sanitize(String(describing: e)))")
        }
    }

    /// The known key closest to a misspelt one (edit distance ≤ 2), full dotted key.
    static func suggestion(for key: String) -> String? {
        let candidates = Settings.all.map(\.key) + Array(Settings.groups)
        let scored = candidates.map { ($0, editDistance($0, key)) }.filter { $0.1 <= 2 }
        return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// The configuration in force, merged defaults < file < environment < flags, remembering where
/// each value came from (for `aksposture config show`).
public struct EffectiveConfiguration: Sendable {
    public var configuration: AppConfiguration
    /// Setting key → source; keys not present came from the defaults.
    public var sources: [String: ConfigSource]
    /// The configuration file consulted, and whether it existed.
    public var filePath: String
    public var fileSource: ConfigSource
    public var fileFound: Bool

    /// All setting keys in display order (`kiosk.cycle`, `severity-weights.high`, …).
    public static var keys: [String] { Settings.all.map(\.key) }

    public func source(of key: String) -> ConfigSource { sources[key] ?? .default }

    /// The configuration file path: `flags["config"]`, else `$AKSPOSTURE_CONFIG`, else
    /// `$XDG_CONFIG_HOME/aksposture/config.yaml`, else `~/.config/aksposture/config.yaml`.
    public static func configPath(environment: [String: String], flags: [String: String] = [:]) -> (path: String, source: ConfigSource) {
        let dirs = BaseDirectories(environment: environment)
        if let f = flags["config"], !f.isEmpty { return (dirs.expandingTilde(f), .flag("--config")) }
        if let e = environment["AKSPOSTURE_CONFIG"], !e.isEmpty { return (dirs.expandingTilde(e), .environment("AKSPOSTURE_CONFIG")) }
        return (dirs.config + "/aksposture/config.yaml", .default)
    }

    /// - Parameter flags: setting key → value from the command line (`["theme": "mono",
    ///   "stale-after": "10m"]`); lists are comma-separated. The key `config` names the file.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               flags: [String: String] = [:]) throws -> EffectiveConfiguration {
        let dirs = BaseDirectories(environment: environment)
        var config = AppConfiguration.defaults(environment: environment)
        var sources: [String: ConfigSource] = [:]

        let (path, pathSource) = configPath(environment: environment, flags: flags)
        let found = FileManager.default.fileExists(atPath: path)
        if found {
            try ConfigurationFile.load(path: path, into: &config, sources: &sources, directories: dirs)
        } else if pathSource != .default {
            // A file the user named must exist; only the default location may be absent.
            throw ConfigurationError(origin: pathSource.description, message: "configuration file \(OutputText.sanitize(path)) does not exist")
        }

        let cwd = FileManager.default.currentDirectoryPath
        let plainContext = ParseContext(directories: dirs, relativeTo: cwd)
        if let store = environment["AKSPOSTURE_STORE"], !store.isEmpty {
            try applyText(store, key: "store", source: .environment("AKSPOSTURE_STORE"), context: plainContext, to: &config, sources: &sources)
        }
        // https://no-color.org: present and not empty disables colour.
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            config.theme = .mono
            sources["theme"] = .environment("NO_COLOR")
        }

        for key in flags.keys.sorted() where key != "config" {
            let flag = "--" + key.replacingOccurrences(of: ".", with: "-")
            try applyText(flags[key]!, key: key, source: .flag(flag), context: plainContext, to: &config, sources: &sources)
        }
        return EffectiveConfiguration(configuration: config, sources: sources, filePath: path, fileSource: pathSource, fileFound: found)
    }

    private static func applyText(_ text: String, key: String, source: ConfigSource, context: ParseContext,
                                  to config: inout AppConfiguration, sources: inout [String: ConfigSource]) throws {
        guard let setting = Settings.named(key) else {
            throw ConfigurationError(origin: source.description, message: "unknown setting '\(OutputText.sanitize(key))'")
        }
        do {
            try setting.parse(.scalar(text), context)(&config)
            sources[key] = source
        } catch let problem as Setting.Problem {
            throw ConfigurationError(origin: source.description, message: "\(key): \(problem.message)")
        }
    }

    /// One line per key: `key = value   # source`, sources aligned.
    public func render() -> String {
        var rows: [(String, String)] = []
        for setting in Settings.all {
            rows.append(("\(setting.key) = \(OutputText.sanitize(setting.display(configuration)))", source(of: setting.key).description))
        }
        // Sources line up in one column, except after values too long to be worth padding for.
        let width = min(rows.map { $0.0.count }.max() ?? 0, 56)
        var out = "# configuration file: \(OutputText.sanitize(filePath)) (\(fileFound ? "read" : "not found"); \(fileSource))\n"
        for (left, src) in rows {
            out += left + String(repeating: " ", count: max(0, width - left.count)) + "   # " + OutputText.sanitize(src) + "\n"
        }
        return out
    }
}
