import Foundation
import PostureModel
@testable import PostureOutput
import XCTest

final class ConfigurationTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// An environment whose XDG directories live under the temporary root.
    private func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": root.path + "/home", "XDG_CONFIG_HOME": root.path + "/config"].merging(extra) { _, new in new }
    }

    @discardableResult
    private func writeConfig(_ yaml: String, at path: String? = nil) throws -> String {
        let p = path ?? root.path + "/config/aksposture/config.yaml"
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try yaml.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    private let fullFile = """
    # aksposture configuration
    store: /srv/aksposture/store.sqlite
    theme: colorblind
    ascii: true
    stale-after: 30m
    kiosk:
      cycle: 45s
      views: [overview, auth, net]
    severity-weights:
      critical: 12
      info: 0.5
    category-weights:
      auth: 2
      HARD: 0.5
    gates: false
    system-namespaces:
      - kube-system
      - monitoring
    approved-registries: [acrprod.azurecr.io, mcr.microsoft.com]
    allowed-public-load-balancers:
      - ingress-nginx/ingress-nginx-controller
    exceptions-file: exceptions.yaml
    export-dir: ~/exports
    log-level: debug

    """

    func testDefaultsWithoutFile() throws {
        let effective = try EffectiveConfiguration.resolve(environment: environment(), flags: [:])
        let c = effective.configuration
        XCTAssertFalse(effective.fileFound)
        XCTAssertEqual(effective.filePath, root.path + "/config/aksposture/config.yaml")
        XCTAssertEqual(c.storePath, root.path + "/home/.local/share/aksposture/store.sqlite")
        XCTAssertEqual(c.exportDir, root.path + "/home/.local/state/aksposture/exports")
        XCTAssertEqual(c.theme, .default)
        XCTAssertEqual(c.kioskCycle.seconds, 20)
        XCTAssertEqual(c.severityWeights[.high], 7)
        XCTAssertEqual(c.logLevel, .warning)
        for key in EffectiveConfiguration.keys { XCTAssertEqual(effective.source(of: key), .default, key) }
    }

    func testFullFileIsReadWithLineProvenance() throws {
        let path = try writeConfig(fullFile)
        let effective = try EffectiveConfiguration.resolve(environment: environment(), flags: [:])
        let c = effective.configuration
        XCTAssertTrue(effective.fileFound)
        XCTAssertEqual(c.storePath, "/srv/aksposture/store.sqlite")
        XCTAssertEqual(c.theme, .colorblind)
        XCTAssertTrue(c.ascii)
        XCTAssertEqual(c.staleAfter.seconds, 1800)
        XCTAssertEqual(c.kioskCycle, ConfigDuration(seconds: 45, text: "45s"))
        XCTAssertEqual(c.kioskViews, [.overview, .auth, .net])
        XCTAssertEqual(c.severityWeights[.critical], 12)
        XCTAssertEqual(c.severityWeights[.info], 0.5)
        XCTAssertEqual(c.severityWeights[.high], 7, "unlisted weights keep their default")
        XCTAssertEqual(c.categoryWeights[.auth], 2)
        XCTAssertEqual(c.categoryWeights[.hard], 0.5)
        XCTAssertFalse(c.gatesEnabled)
        XCTAssertEqual(c.systemNamespaces, ["kube-system", "monitoring"])
        XCTAssertEqual(c.approvedRegistries, ["acrprod.azurecr.io", "mcr.microsoft.com"])
        XCTAssertEqual(c.allowedPublicLoadBalancers, [ServiceRef(namespace: "ingress-nginx", name: "ingress-nginx-controller")])
        XCTAssertEqual(c.exceptionsFile, root.path + "/config/aksposture/exceptions.yaml", "relative to the config file")
        XCTAssertEqual(c.exportDir, root.path + "/home/exports")
        XCTAssertEqual(c.logLevel, .debug)

        XCTAssertEqual(effective.source(of: "store").description, "file:\(path):2")
        XCTAssertEqual(effective.source(of: "kiosk.cycle").description, "file:\(path):7")
        XCTAssertEqual(effective.source(of: "kiosk.views").description, "file:\(path):8")
        XCTAssertEqual(effective.source(of: "category-weights.AUTH").description, "file:\(path):13")
        XCTAssertEqual(effective.source(of: "severity-weights.high"), .default)
        XCTAssertEqual(effective.source(of: "log-level").description, "file:\(path):24")
    }

    func testPrecedenceDefaultsFileEnvironmentFlags() throws {
        try writeConfig("store: /from/file.sqlite\ntheme: colorblind\nlog-level: info\nstale-after: 2h\n")
        let env = environment(["AKSPOSTURE_STORE": "/from/env.sqlite", "NO_COLOR": "1"])

        let noFlags = try EffectiveConfiguration.resolve(environment: env, flags: [:])
        XCTAssertEqual(noFlags.configuration.storePath, "/from/env.sqlite")
        XCTAssertEqual(noFlags.source(of: "store"), .environment("AKSPOSTURE_STORE"))
        XCTAssertEqual(noFlags.configuration.theme, .mono)
        XCTAssertEqual(noFlags.source(of: "theme").description, "env:NO_COLOR")
        XCTAssertEqual(noFlags.configuration.logLevel, .info, "file beats default")
        XCTAssertEqual(noFlags.configuration.ascii, false)

        let withFlags = try EffectiveConfiguration.resolve(environment: env, flags: ["store": "/from/flag.sqlite", "theme": "default", "stale-after": "10m", "approved-registries": "a.io, b.io"])
        XCTAssertEqual(withFlags.configuration.storePath, "/from/flag.sqlite")
        XCTAssertEqual(withFlags.source(of: "store").description, "flag:--store")
        XCTAssertEqual(withFlags.configuration.theme, .default)
        XCTAssertEqual(withFlags.source(of: "theme").description, "flag:--theme")
        XCTAssertEqual(withFlags.configuration.staleAfter.seconds, 600)
        XCTAssertEqual(withFlags.source(of: "stale-after").description, "flag:--stale-after")
        XCTAssertEqual(withFlags.configuration.approvedRegistries, ["a.io", "b.io"])

        // NO_COLOR set but empty means colour stays on (no-color.org).
        let emptyNoColor = try EffectiveConfiguration.resolve(environment: environment(["NO_COLOR": ""]), flags: [:])
        XCTAssertEqual(emptyNoColor.configuration.theme, .colorblind)
    }

    func testConfigPathOverrides() throws {
        let custom = try writeConfig("theme: mono\n", at: root.path + "/elsewhere/my.yaml")
        let viaEnv = try EffectiveConfiguration.resolve(environment: environment(["AKSPOSTURE_CONFIG": custom]), flags: [:])
        XCTAssertEqual(viaEnv.filePath, custom)
        XCTAssertEqual(viaEnv.fileSource.description, "env:AKSPOSTURE_CONFIG")
        XCTAssertEqual(viaEnv.configuration.theme, .mono)

        let xdgless = EffectiveConfiguration.configPath(environment: ["HOME": "/home/op", "XDG_CONFIG_HOME": "relative/ignored"])
        XCTAssertEqual(xdgless.path, "/home/op/.config/aksposture/config.yaml")

        XCTAssertThrowsError(try EffectiveConfiguration.resolve(environment: environment(["AKSPOSTURE_CONFIG": root.path + "/missing.yaml"]), flags: [:])) { error in
            XCTAssertTrue("\(error)".hasPrefix("env:AKSPOSTURE_CONFIG: configuration file \(self.root.path)/missing.yaml does not exist"), "\(error)")
        }
    }

    private func loadError(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> ConfigurationError {
        let path = try writeConfig(yaml)
        do {
            _ = try EffectiveConfiguration.resolve(environment: environment(), flags: [:])
            XCTFail("expected an error", file: file, line: line)
            throw XCTSkip("unreachable")
        } catch let e as ConfigurationError {
            XCTAssertEqual(e.origin, path, file: file, line: line)
            return e
        }
    }

    func testUnknownKeyNamesLineAndSuggestion() throws {
        let e = try loadError("theme: mono\ncolour: red\n")
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.column, 1)
        XCTAssertTrue(e.message.contains("unknown key 'colour'"), e.message)
        let nested = try loadError("kiosk:\n  cycle: 20s\n  cylce: 10s\n")
        XCTAssertEqual(nested.line, 3)
        XCTAssertEqual(nested.message, "unknown key 'kiosk.cylce' (did you mean 'kiosk.cycle'?)")
        XCTAssertTrue(try loadError("log-levl: info\n").message.contains("did you mean 'log-level'?"))
    }

    func testTypeErrorsNameLineAndKey() throws {
        let bool = try loadError("store: /x\nascii: maybe\n")
        XCTAssertEqual(bool.line, 2)
        XCTAssertEqual(bool.message, "ascii: expects true or false, got 'maybe'")
        XCTAssertEqual("\(bool)", "\(bool.origin):2:8: ascii: expects true or false, got 'maybe'")

        let listForScalar = try loadError("theme:\n  - mono\n")
        XCTAssertEqual(listForScalar.line, 2)
        XCTAssertTrue(listForScalar.message.hasPrefix("theme: expects one of default, colorblind, mono, got a list"), listForScalar.message)

        let weight = try loadError("severity-weights:\n  high: -3\n")
        XCTAssertEqual(weight.line, 2)
        XCTAssertEqual(weight.message, "severity-weights.high: expects a number ≥ 0, got '-3'")

        let view = try loadError("kiosk:\n  views:\n    - overview\n    - nope\n")
        XCTAssertEqual(view.line, 4, "the offending list element's line")
        XCTAssertTrue(view.message.contains("unknown view 'nope'"), view.message)

        let lb = try loadError("allowed-public-load-balancers: [just-a-name]\n")
        XCTAssertTrue(lb.message.contains("'just-a-name' is not namespace/name"), lb.message)

        let group = try loadError("kiosk: 20s\n")
        XCTAssertEqual(group.message, "'kiosk' expects a mapping, got a single value")

        let severity = try loadError("severity-weights:\n  severe: 3\n")
        XCTAssertTrue(severity.message.hasPrefix("unknown key 'severity-weights.severe'"), severity.message)
    }

    func testBadDurationAndInvalidYAML() throws {
        let d = try loadError("stale-after: 30x\n")
        XCTAssertEqual(d.line, 1)
        XCTAssertEqual(d.message, "stale-after: invalid duration '30x' (use e.g. 30s, 5m, 1h, 1h30m, 2d)")
        XCTAssertTrue(try loadError("kiosk:\n  cycle: -5s\n").message.contains("invalid duration '-5s'"))
        XCTAssertTrue(try loadError("stale-after: 0s\n").message.contains("invalid duration"))

        let yaml = try loadError("theme: mono\n  bad: [indent\n")
        XCTAssertNotNil(yaml.line)
        XCTAssertTrue(yaml.message.hasPrefix("invalid YAML"), yaml.message)

        let dup = try loadError("theme: mono\ntheme: default\n")
        XCTAssertTrue(dup.message.contains("duplicate key 'theme'"), dup.message)

        let top = try loadError("- just\n- a list\n")
        XCTAssertEqual(top.message, "expected a mapping of settings at the top level")
    }

    func testInvalidFileChangesNothingAndBadFlagsNameTheFlag() throws {
        var config = AppConfiguration.defaults(environment: environment())
        var sources: [String: ConfigSource] = [:]
        XCTAssertThrowsError(try ConfigurationFile.apply(yaml: "theme: mono\nascii: maybe\n", path: "/x.yaml", into: &config, sources: &sources, directories: BaseDirectories(environment: environment())))
        XCTAssertEqual(config.theme, .default, "a file with an error applies nothing")
        XCTAssertTrue(sources.isEmpty)

        XCTAssertThrowsError(try EffectiveConfiguration.resolve(environment: environment(), flags: ["kiosk.cycle": "soon"])) { error in
            XCTAssertEqual("\(error)", "flag:--kiosk-cycle: kiosk.cycle: invalid duration 'soon' (use e.g. 30s, 5m, 1h, 1h30m, 2d)")
        }
        XCTAssertThrowsError(try EffectiveConfiguration.resolve(environment: environment(), flags: ["colour": "red"]))
    }

    func testDurations() throws {
        XCTAssertEqual(try ConfigDuration.parse("1h30m").seconds, 5400)
        XCTAssertEqual(try ConfigDuration.parse("500ms").seconds, 0.5)
        XCTAssertEqual(try ConfigDuration.parse("2d").seconds, 172_800)
        XCTAssertEqual(try ConfigDuration.parse("1.5m").seconds, 90)
        for bad in ["", "30", "m", "5 minutes", "1h-5m", "0m", "٣m"] {
            XCTAssertThrowsError(try ConfigDuration.parse(bad), bad)
        }
    }

    func testRenderShowsEveryKeyWithSource() throws {
        let path = try writeConfig(fullFile)
        let effective = try EffectiveConfiguration.resolve(environment: environment(["NO_COLOR": "1"]), flags: ["log-level": "error"])
        let text = effective.render()
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "# configuration file: \(path) (read; default)")
        XCTAssertEqual(lines.count, EffectiveConfiguration.keys.count + 1)
        func line(_ key: String) -> String? { lines.first { $0.hasPrefix(key + " = ") } }
        XCTAssertNotNil(line("theme")?.range(of: #"^theme = mono +# env:NO_COLOR$"#, options: .regularExpression), line("theme") ?? "")
        XCTAssertNotNil(line("log-level")?.range(of: #"^log-level = error +# flag:--log-level$"#, options: .regularExpression))
        XCTAssertNotNil(line("kiosk.views")?.range(of: #"^kiosk\.views = overview, auth, net +# file:.*config\.yaml:8$"#, options: .regularExpression))
        XCTAssertNotNil(line("severity-weights.high")?.range(of: #"^severity-weights\.high = 7 +# default$"#, options: .regularExpression))
        XCTAssertEqual(line("allowed-public-load-balancers")?.contains("ingress-nginx/ingress-nginx-controller"), true)
        // Sources start in one column, except after values longer than the alignment cap.
        let columns = Set(lines.dropFirst().map { $0.range(of: "   # ")!.lowerBound.utf16Offset(in: $0) }.filter { $0 <= 56 })
        XCTAssertEqual(columns, [56])
        let defaults = try EffectiveConfiguration.resolve(environment: environment(["XDG_CONFIG_HOME": root.path + "/empty"]), flags: [:]).render()
        XCTAssertTrue(defaults.contains("\nallowed-public-load-balancers = (none)   "), defaults)
        XCTAssertTrue(defaults.contains("\nexceptions-file = (none)   "), defaults)
    }
}
