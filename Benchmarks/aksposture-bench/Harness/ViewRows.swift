import ArgumentParser
import Foundation
import PostureModel
import PostureStore
import PostureViews

struct OpenOnceResult: Codable {
    var inProcessSeconds: Double
    var peakRSSKB: Int
    var renderedLines: Int
}

/// Store → first rendered overview frame, through PostureViews' headless entry point (what
/// `aksposture export --view overview` will call); the parent times the whole process.
struct OpenOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open-once",
        abstract: "Open a store, render the overview once and print figures as one JSON line (used by `run`).")

    @Argument(help: "Store file.") var store: String
    @Option(help: "Pane to render.") var pane: String = "overview"
    @Option var width = 160
    @Option var height = 48

    func run() throws {
        let start = monotonicSeconds()
        guard let p = PaneID(name: pane) else { throw ValidationError("unknown pane \(pane)") }
        let reader = try PostureStore(path: URL(fileURLWithPath: store), readOnly: true)
        let screen = try renderPane(p, reader: reader, options: ConsoleOptions(initialPane: p), width: width, height: height, now: Date())
        let lines = screen.textLines().filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        try emitJSON(OpenOnceResult(inProcessSeconds: monotonicSeconds() - start, peakRSSKB: procStatusKB("VmHWM") ?? -1, renderedLines: lines))
    }
}

struct InteractOnceResult: Codable {
    struct Series: Codable { var action: String; var samples: [Double] }
    var pane: String
    var openSeconds: Double
    var firstRenderSeconds: Double
    var series: [Series]
    var statusLine: String
    var peakRSSKB: Int
}

/// Keypress → frame on the biggest list of a store's newest snapshot, in-process.
struct InteractOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interact-once",
        abstract: "Drive ConsoleApp on a list pane and print per-keypress render times as one JSON line (used by `run`).")

    @Argument(help: "Store file.") var store: String
    @Option(help: "List pane: secrets, identities or network.") var pane: String = "secrets"
    @Option(help: "Keypresses per action.") var presses = 200

    func run() throws {
        guard let p = PaneID(name: pane) else { throw ValidationError("unknown pane \(pane)") }
        let width = 160, height = 48
        let reader = try PostureStore(path: URL(fileURLWithPath: store), readOnly: true)
        let now = Date()
        let (app, open) = measure { ConsoleApp(reader: reader, options: ConsoleOptions(initialPane: p), now: now) }
        let (first, firstRender) = measure { app.render(width: width, height: height) }
        _ = first
        func frame(_ keys: [Key]) -> Double {
            let t = monotonicSeconds()
            for k in keys { _ = app.handle(k, now: now) }
            _ = app.render(width: width, height: height)
            return monotonicSeconds() - t
        }
        var scroll: [Double] = [], page: [Double] = [], filter: [Double] = [], firstChar: [Double] = [], laterChars: [Double] = []
        for _ in 0..<presses { scroll.append(frame([.down])) }
        for _ in 0..<presses { page.append(frame([.pageDown])) }
        _ = frame([.home])
        // Typing a filter: each sample is one more character (the prompt re-filters the list).
        let words = ["payments", "helm", "release", "checkout", "ledger", "tls", "credentials", "search", "analytics", "settings"]
        var typed = 0
        var w = 0
        while typed < presses {
            _ = frame([.char("/")])
            for (i, ch) in words[w % words.count].enumerated() where typed < presses {
                let t = frame([.char(ch)])
                filter.append(t)
                // The first character filters the whole list; later ones narrow the previous matches.
                if i == 0 { firstChar.append(t) } else { laterChars.append(t) }
                typed += 1
            }
            _ = frame([.enter])
            _ = frame([.escape])
            w += 1
        }
        let last = app.render(width: width, height: height).textLines()
        try emitJSON(InteractOnceResult(pane: pane, openSeconds: open, firstRenderSeconds: firstRender,
                                        series: [.init(action: "scroll by one (Down)", samples: scroll),
                                                 .init(action: "page down (PgDn)", samples: page),
                                                 .init(action: "filter: one more character", samples: filter),
                                                 .init(action: "  of which the first character", samples: firstChar),
                                                 .init(action: "  of which later characters", samples: laterChars)],
                                        statusLine: last.last ?? "", peakRSSKB: procStatusKB("VmHWM") ?? -1))
    }
}

extension Bench {
    /// A store holding one imported snapshot of `scale` (kept between runs; keyed by generator version).
    func viewStore(_ scale: ClusterScale) throws -> String {
        let path = "\(plan.work)/stores/view-\(scale.name)-seed\(plan.seed).sqlite"
        let marker = path + ".complete"
        if (try? String(contentsOfFile: marker, encoding: .utf8)) == BundleCache.generatorVersion { return path }
        let bundle = try BundleCache.bundle(scale, seed: plan.seed, work: plan.work)
        try FileManager.default.createDirectory(atPath: "\(plan.work)/stores", withIntermediateDirectories: true)
        removeStore(path)
        FileHandle.standardError.write(Data("importing \(scale.name) bundle into \(path)…\n".utf8))
        let (r, _) = try Child.runJSON([selfExecutable, "import-once", bundle, path], as: ImportOnceResult.self)
        FileHandle.standardError.write(Data("  \(r.objects) objects in \(secs(r.totalSeconds)), peak RSS \(mb(r.peakRSSKB * 1024))\n".utf8))
        try BundleCache.generatorVersion.write(toFile: marker, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: 3. Open

    mutating func openRows(_ table: inout ResultTable) throws {
        let small = try viewStore(.S)
        let large = try viewStore(plan.openScale)
        // The real command when it is built next to this executable, else PostureViews' headless
        // entry point (what the command calls) in a child of our own.
        let exe = URL(fileURLWithPath: selfExecutable).deletingLastPathComponent().appendingPathComponent("aksposture").path
        let useExport = FileManager.default.isExecutableFile(atPath: exe)
            && ((try? Child.run([exe, "export", "--help"]))?.status == 0)
        struct Open { var wall: Double; var peakKB: Int }
        func runs(_ store: String) throws -> [Open] {
            try (0..<5).map { _ in
                if useExport {
                    let r = try Child.run([exe, "export", "--view", "overview", "--store", store, "--width", "160", "--height", "48"])
                    guard r.status == 0, !r.stdout.isEmpty else { throw BenchError("aksposture export exited \(r.status): \(r.stderr.suffix(500))") }
                    return Open(wall: r.seconds, peakKB: r.maxRSSKB)
                }
                let (o, r) = try Child.runJSON([selfExecutable, "open-once", store], as: OpenOnceResult.self)
                return Open(wall: r.seconds, peakKB: o.peakRSSKB)
            }
        }
        let s = try runs(small), l = try runs(large)
        let sWall = median(s.map(\.wall)), lWall = median(l.map(\.wall))
        let ratio = lWall / sWall
        let how = useExport
            ? "process start → exit of `aksposture export --view overview --width 160 --height 48`; peak RSS from wait4; median of 5"
            : "process start → first 160×48 overview Screen (PostureViews renderPane; no `aksposture` executable built); median of 5"
        table.add(ResultRow(number: 3, figure: "open: start → overview", scale: "S", measured: ms(sWall), target: "-", met: nil, note: how))
        table.add(ResultRow(number: 3, figure: "open: start → overview", scale: plan.openScale.name, measured: String(format: "%@ = %.2f× S", secs(lWall), ratio),
                            target: "≤ 1.2× S", met: plan.openScale.name == "S" ? nil : ratio <= 1.2))
        let peak = l.map(\.peakKB).max()! * 1024
        table.add(ResultRow(number: 3, figure: "open: peak RSS", scale: plan.openScale.name, measured: mb(peak),
                            target: "≤ 100 MB", met: plan.openScale.name == "S" ? nil : peak <= 100_000_000,
                            note: "S: \(mb(s.map(\.peakKB).max()! * 1024))"))
    }

    // MARK: 4. Interaction

    mutating func interactionRows(_ table: inout ResultTable) throws {
        let store = try viewStore(plan.openScale)
        // The Secrets pane is the longest list of a generated snapshot (every Secret, plus
        // SecretProviderClasses, vaults and secret-reading workloads).
        let (r, _) = try Child.runJSON([selfExecutable, "interact-once", store, "--pane", "secrets", "--presses", plan.quick ? "50" : "300"],
                                       as: InteractOnceResult.self)
        for s in r.series {
            let p50 = percentile(s.samples, 50), p99 = percentile(s.samples, 99)
            let breakdown = s.action.hasPrefix(" ")
            let over = s.samples.filter { $0 > 0.010 }.count
            table.add(ResultRow(number: 4, figure: "keypress → frame: \(s.action)", scale: plan.openScale.name,
                                measured: "p50 \(ms(p50)), p99 \(ms(p99))", target: breakdown ? "-" : "p99 ≤ 10 ms",
                                met: breakdown || plan.openScale.name == "S" ? nil : p99 <= 0.010,
                                note: "\(s.samples.count) presses, max \(ms(s.samples.max() ?? .nan)), \(over) over 10 ms"))
        }
        table.add(ResultRow(number: 4, figure: "secrets pane: open + first frame", scale: plan.openScale.name,
                            measured: "\(secs(r.openSeconds)) + \(secs(r.firstRenderSeconds))", target: "-", met: nil,
                            note: "ConsoleApp init on the store, then the first render (which builds the pane's rows); peak RSS \(mb(r.peakRSSKB * 1024))"))
    }
}
