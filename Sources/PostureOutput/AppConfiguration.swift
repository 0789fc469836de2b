import Foundation
import PostureModel

public enum Theme: String, Sendable, CaseIterable, Hashable {
    case `default`, colorblind, mono
}

public enum LogLevel: String, Sendable, CaseIterable, Hashable, Comparable {
    case error, warning, info, debug
    /// `error` is the most severe; a sink at level `warning` writes `error` and `warning`.
    public static func < (a: LogLevel, b: LogLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Panes the kiosk can rotate through.
public enum KioskView: String, Sendable, CaseIterable, Hashable {
    case overview, auth, ident, net, sec, hard
}

/// A positive duration written as text: `30s`, `5m`, `1h`, `2d`, `1h30m`, `500ms`.
public struct ConfigDuration: Sendable, Hashable, CustomStringConvertible {
    public var seconds: TimeInterval
    /// The text it was written as, shown back by `config show`.
    public var text: String
    public var description: String { text }

    public init(seconds: TimeInterval, text: String) { self.seconds = seconds; self.text = text }

    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var description: String { "invalid duration '\(OutputText.sanitize(text))' (use e.g. 30s, 5m, 1h, 1h30m, 2d)" }
    }

    public static func parse(_ raw: String) throws -> ConfigDuration {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var rest = Substring(text.lowercased())
        var total = 0.0
        guard !rest.isEmpty else { throw Invalid(text: raw) }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { throw Invalid(text: raw) }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { throw Invalid(text: raw) }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        guard total > 0, total.isFinite else { throw Invalid(text: raw) }
        return ConfigDuration(seconds: total, text: text)
    }
}

/// A Service allowed to be a public LoadBalancer (NET-07), written `namespace/name`.
public struct ServiceRef: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var description: String { "\(namespace)/\(name)" }
    public init(namespace: String, name: String) { self.namespace = namespace; self.name = name }

    public static func parse(_ text: String) -> ServiceRef? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !text.contains(where: { $0.isWhitespace }) else { return nil }
        return ServiceRef(namespace: String(parts[0]), name: String(parts[1]))
    }
}

/// Everything an operator can configure, with its defaults.
public struct AppConfiguration: Sendable, Hashable {
    public var storePath: String
    public var theme: Theme
    public var ascii: Bool
    /// A snapshot older than this is shown as stale.
    public var staleAfter: ConfigDuration
    public var kioskCycle: ConfigDuration
    public var kioskViews: [KioskView]
    public var severityWeights: [Severity: Double]
    public var categoryWeights: [Category: Double]
    /// Whether the overall-score caps (gates) apply.
    public var gatesEnabled: Bool
    public var systemNamespaces: [String]
    /// Registry hosts images may come from (HARD-14), besides the cluster's own ACR.
    public var approvedRegistries: [String]
    /// Services meant to be public LoadBalancers (NET-07).
    public var allowedPublicLoadBalancers: [ServiceRef]
    public var exceptionsFile: String?
    public var exportDir: String
    public var logLevel: LogLevel

    /// Defaults; paths follow the XDG base directories of `environment`.
    public static func defaults(environment: [String: String] = ProcessInfo.processInfo.environment) -> AppConfiguration {
        let dirs = BaseDirectories(environment: environment)
        return AppConfiguration(
            storePath: dirs.data + "/aksposture/store.sqlite",
            theme: .default,
            ascii: false,
            staleAfter: ConfigDuration(seconds: 3600, text: "1h"),
            kioskCycle: ConfigDuration(seconds: 20, text: "20s"),
            kioskViews: KioskView.allCases,
            severityWeights: Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, $0.defaultWeight) }),
            categoryWeights: Dictionary(uniqueKeysWithValues: Category.allCases.map { ($0, 1.0) }),
            gatesEnabled: true,
            // The namespaces Azure Policy's Gatekeeper definitions exclude by default, plus the
            // two Kubernetes creates itself.
            systemNamespaces: ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"],
            approvedRegistries: ["mcr.microsoft.com"],
            allowedPublicLoadBalancers: [],
            exceptionsFile: nil,
            exportDir: dirs.state + "/aksposture/exports",
            logLevel: .warning)
    }
}

/// XDG base directories (relative values are ignored, as the specification says).
public struct BaseDirectories: Sendable, Hashable {
    public var home: String
    public var config: String
    public var data: String
    public var state: String

    public init(environment: [String: String]) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func xdg(_ name: String, _ fallback: String) -> String {
            if let v = environment[name], v.hasPrefix("/") { return v }
            return home + "/" + fallback
        }
        self.home = home
        config = xdg("XDG_CONFIG_HOME", ".config")
        data = xdg("XDG_DATA_HOME", ".local/share")
        state = xdg("XDG_STATE_HOME", ".local/state")
    }

    /// `~` and `~/…` expanded against `home`.
    public func expandingTilde(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}
