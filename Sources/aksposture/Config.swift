import ArgumentParser
import Foundation
import PostureModel
import PostureOutput
import PostureScoring
import PostureStore

/// Options every command accepts: which configuration file to read and how much to log.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Configuration file (YAML). Default: $AKSPOSTURE_CONFIG, else $XDG_CONFIG_HOME/aksposture/config.yaml, else ~/.config/aksposture/config.yaml.",
        valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp(
        "How much to write to $XDG_STATE_HOME/aksposture/aksposture.log: error, warning, info or debug (config key log-level; default warning).",
        valueName: "level"))
    var logLevel: String?

    /// Moves leading `--config`/`--log-level` (and their values) to the end of the arguments, or
    /// before a `--` terminator, so the subcommand that follows them parses them.
    static func hoisted(_ arguments: [String]) -> [String] {
        let names: Set<String> = ["--config", "--log-level"]
        var leading: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if names.contains(a), i + 1 < arguments.count {
                leading += [a, arguments[i + 1]]; i += 2
            } else if let eq = a.firstIndex(of: "="), names.contains(String(a[..<eq])) {
                leading.append(a); i += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, i < arguments.count else { return arguments }
        var rest = Array(arguments[i...])
        let end = rest.firstIndex(of: "--") ?? rest.count
        rest.insert(contentsOf: leading, at: end)
        return rest
    }
}

/// The configuration in force for one run — defaults < configuration file < environment <
/// flags — with the log it writes to.
struct RunContext {
    let effective: EffectiveConfiguration
    let environment: [String: String]
    let log: LogSink

    var configuration: AppConfiguration { effective.configuration }

    /// - Parameter overrides: setting key → flag value (`["theme": "mono"]`) for the flags this
    ///   command has; `GlobalOptions` adds `config` and `log-level`.
    static func resolve(_ global: GlobalOptions, overrides: [String: String] = [:],
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RunContext {
        var flags = overrides
        if let c = global.config { flags["config"] = c }
        if let l = global.logLevel { flags["log-level"] = l }
        var effective: EffectiveConfiguration
        do {
            effective = try EffectiveConfiguration.resolve(environment: environment, flags: flags)
        } catch let e as ConfigurationError {
            // A bad flag value is a usage error (64); a bad file or variable is an error (1).
            if e.origin.hasPrefix("flag:"), e.origin != "flag:--config" { throw ValidationError(e.description) }
            throw CLIError(e.description)
        }
        // Where the scorer's own default differs from the generic configuration default, show and
        // use the scorer's, so `config show` prints what scoring actually does.
        if effective.source(of: "system-namespaces") == .default {
            effective.configuration.systemNamespaces = ScoringConfiguration.defaultSystemNamespaces.sorted()
        }
        let log = LogSink(url: LogSink.defaultURL(environment: environment), level: effective.configuration.logLevel)
        return RunContext(effective: effective, environment: environment, log: log)
    }

    // MARK: store

    /// The store the user configured (flag, `$AKSPOSTURE_STORE` or the `store` key), or nil when
    /// only the default location applies.
    var explicitStorePath: URL? {
        effective.source(of: "store") == .default ? nil : URL(fileURLWithPath: configuration.storePath)
    }

    var storePath: URL { URL(fileURLWithPath: configuration.storePath) }

    func openStore(readOnly: Bool) throws -> PostureStore {
        do {
            return try PostureStore(path: storePath, readOnly: readOnly)
        } catch {
            log.error("store \(storePath.path): \(error)")
            throw error
        }
    }

    // MARK: scoring

    /// The configuration keys scoring depends on, as the scorer takes them.
    var scoringConfiguration: ScoringConfiguration {
        let c = configuration
        var s = ScoringConfiguration.default
        s.severityWeights = c.severityWeights
        s.categoryWeights = c.categoryWeights
        s.gatesEnabled = c.gatesEnabled
        s.systemNamespaces = Set(c.systemNamespaces)
        // Unconfigured, HARD-14 allows the cluster's ACR login servers (from acr.json) plus MCR;
        // a configured list replaces that default entirely.
        if effective.source(of: "approved-registries") != .default { s.approvedRegistries = c.approvedRegistries }
        s.allowedPublicLoadBalancers = Set(c.allowedPublicLoadBalancers.map(\.description))
        return s
    }

    func makeScorer() throws -> PostureScorer {
        var exceptions: [ScoringException] = []
        if let path = configuration.exceptionsFile {
            do {
                exceptions = try ExceptionsFile.load(url: URL(fileURLWithPath: path))
            } catch {
                log.error("exceptions file: \(error)")
                throw CLIError("\(error)")
            }
        }
        return PostureScorer(configuration: scoringConfiguration, exceptions: exceptions)
    }

    /// A warning for stderr when the newest stored report of a cluster was scored under another
    /// configuration than `scorer`'s (scores are computed at import and stored).
    func staleReportWarning(store: PostureStore, scorer: PostureScorer) -> String? {
        guard let clusters = try? store.clusters() else { return nil }
        var stale: [String] = []
        for c in clusters {
            guard let id = c.latest?.id, let report = try? store.report(snapshotID: id) else { continue }
            if report.configFingerprint != scorer.fingerprint { stale.append(c.name) }
        }
        guard !stale.isEmpty else { return nil }
        let names = stale.prefix(5).map { OutputText.sanitize($0) }.joined(separator: ", ") + (stale.count > 5 ? ", …" : "")
        return "aksposture: stored scores of \(names) were computed with another configuration (now \(scorer.fingerprint)); run `aksposture score --rescore` to update them"
    }
}

/// `aksposture config …`: inspect the configuration.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the configuration in force and where each value came from.",
        discussion: """
        The configuration file is YAML with these keys (all optional):

          store: ~/aks/store.sqlite
          theme: colorblind            # default, colorblind, mono
          stale-after: 1h
          kiosk: {cycle: 20s, views: [overview, auth, net]}
          severity-weights: {critical: 10, high: 7, medium: 4, low: 1, info: 0}
          category-weights: {AUTH: 1, IDENT: 1, NET: 1, SEC: 1, HARD: 1}
          gates: true
          system-namespaces: [kube-system, gatekeeper-system]
          approved-registries: [myacr.azurecr.io, mcr.microsoft.com]
          allowed-public-load-balancers: [ingress-nginx/ingress-nginx-controller]
          exceptions-file: exceptions.yaml   # relative to the configuration file
          export-dir: ~/aksposture-exports
          log-level: info

        Command-line flags override the environment ($AKSPOSTURE_STORE, $NO_COLOR), which overrides the file.
        """,
        subcommands: [ConfigShowCommand.self, ConfigPathCommand.self],
        defaultSubcommand: ConfigShowCommand.self)
}

struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print every setting with its value and source (default, file:PATH:LINE, env:NAME or flag:--NAME).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scoring: ScoringOptions
    @OptionGroup var view: ViewOptions

    func validate() throws {
        if view.cluster != nil { throw ValidationError("--cluster does not change the configuration; `config show` takes no --cluster") }
    }

    func run() throws {
        let context = try RunContext.resolve(global, overrides: storeOptions.overrides.merging(scoring.overrides) { a, _ in a }
            .merging(view.overrides) { a, _ in a })
        print(context.effective.render(), terminator: "")
        print("# scoring fingerprint: \(try context.makeScorer().fingerprint)")
        print("# log file: \(context.log.url.path)")
    }
}

struct ConfigPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Print the path of the configuration file that is read (whether or not it exists).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var flags: [String: String] = [:]
        if let c = global.config { flags["config"] = c }
        print(EffectiveConfiguration.configPath(environment: ProcessInfo.processInfo.environment, flags: flags).path)
    }
}
