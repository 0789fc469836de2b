import Foundation
import FuzzSupport

// Built two ways:
// - fuzz build (`-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING`): libFuzzer supplies
//   `main` and calls `LLVMFuzzerTestOneInput`; the entry point is chosen with
//   `AKSPOSTURE_FUZZ_ENTRY` (see Scripts/reliability/fuzz-importers.sh).
// - normal build: a small tool that lists entries, writes seed directories from the corpus and
//   the demo bundles, and replays files (crash reproducers) through an entry.

#if FUZZING

private let fuzzEntry: ImportEntry = {
    let name = ProcessInfo.processInfo.environment["AKSPOSTURE_FUZZ_ENTRY"] ?? ""
    guard let entry = ImportEntry(rawValue: name) else {
        let valid = ImportEntry.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("set AKSPOSTURE_FUZZ_ENTRY to one of: \(valid)\n".utf8))
        exit(2)
    }
    return entry
}()

private let fuzzScratch: BundleScratch? = {
    guard fuzzEntry.needsScratch else { return nil }
    do { return try BundleScratch() } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(2)
    }
}()

// SwiftPM links executables on Linux with `--defsym main=<module>_main` (so tests can link
// them), which hides libFuzzer's own `main`. Provide that symbol and hand over to libFuzzer's
// driver, exactly what its `main` does.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("aksposture_fuzz_import_main")
public func fuzzDriverMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(bytes: data, count: size)
    if case .violation(let problem) = ImportHarness.run(fuzzEntry, input, scratch: fuzzScratch) {
        // A trap makes libFuzzer save the input as crash-<sha1>.
        fatalError("contract violation in \(fuzzEntry.rawValue): \(problem)")
    }
    return 0
}

#else

@main
struct ImportFuzzTool {
    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let command = args.first else { usage() }
        args.removeFirst()
        switch command {
        case "entries":
            print(ImportEntry.allCases.map(\.rawValue).joined(separator: "\n"))
        case "seeds":
            guard let out = args.first else { usage() }
            try writeSeeds(to: URL(fileURLWithPath: out, isDirectory: true))
        case "hostile":
            exit(runHostile(limit: Double(args.first ?? "1") ?? 1))
        case "replay":
            guard args.count >= 2, let entry = ImportEntry(rawValue: args[0]) else { usage() }
            exit(replay(entry, files: Array(args.dropFirst())))
        default:
            usage()
        }
    }

    static func usage() -> Never {
        let text = """
        usage: aksposture-fuzz-import entries
               aksposture-fuzz-import seeds OUTDIR        (OUTDIR/<entry>/seed-N from corpus + snapshots/)
               aksposture-fuzz-import replay ENTRY FILE…  (run inputs, e.g. libFuzzer crash files)
               aksposture-fuzz-import hostile [SECONDS]   (every hostile input through every entry; fails
                                                           on a violation or an input slower than SECONDS, default 1;
                                                           SECONDS × passes for the differential entries:
                                                           kubernetesFile 2, kubernetesScrub 3)
        """
        FileHandle.standardError.write(Data((text + "\n").utf8))
        exit(2)
    }

    static func writeSeeds(to out: URL) throws {
        let source = SeedSource()
        let fm = FileManager.default
        for entry in ImportEntry.allCases {
            let dir = out.appendingPathComponent(entry.rawValue, isDirectory: true)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            let seeds = source.seeds(for: entry)
            for (i, seed) in seeds.enumerated() {
                try seed.data.write(to: dir.appendingPathComponent(String(format: "seed-%04d", i)))
            }
            print("\(entry.rawValue): \(seeds.count) seeds")
        }
        if !fm.fileExists(atPath: source.corpusRoot.path) {
            print("note: corpus not found at \(source.corpusRoot.path) (set AKSPOSTURE_CORPUS); seeds come from snapshots/ only")
        }
    }

    static func runHostile(limit: Double) -> Int32 {
        var failures: Int32 = 0
        var timings: [(String, Double)] = []
        let scratch = try? BundleScratch()
        for entry in ImportEntry.allCases {
            for c in HostileInputs.cases(for: entry == .bundle ? .cluster : entry) {
                // The bundle entry gets each case as cluster.json and as kubernetes/pods.json.
                let inputs: [(String, Data)] = entry == .bundle
                    ? [("cluster.json: " + c.name, c.data),
                       ("kubernetes/pods.json: " + c.name, BundleContainer.encode([
                           "cluster.json": Data(HostileInputs.document(.cluster, nameValue: Array("\"c\"".utf8))),
                           "kubernetes/pods.json": c.data]))]
                    : [(c.name, c.data)]
                // The differential entries make several passes per input (see `passes`): each is
                // held to the limit, so the input to that many times it.
                let entryLimit = Double(entry.passes) * limit
                for (name, data) in inputs {
                    // CPU time of this thread: the machine may be shared, and a wall clock would
                    // charge other processes' work to the importer. Wall time is printed too.
                    let start = Date(), cpuStart = threadCPUSeconds()
                    let outcome = ImportHarness.run(entry, data, scratch: scratch)
                    let seconds = threadCPUSeconds() - cpuStart
                    let wall = Date().timeIntervalSince(start)
                    if wall > entryLimit { print("wall \(Int(wall * 1000)) ms (cpu \(Int(seconds * 1000)) ms): \(entry.rawValue) / \(name)") }
                    let label = "\(entry.rawValue) / \(name)"
                    timings.append((label, seconds))
                    if case .violation(let problem) = outcome { print("VIOLATION \(label): \(problem)"); failures += 1 }
                    if seconds > entryLimit { print("SLOW \(label): \(Int(seconds * 1000)) ms"); failures += 1 }
                }
            }
        }
        print("\(timings.count) hostile inputs, \(failures) failures; slowest by CPU time:")
        for (label, seconds) in timings.sorted(by: { $0.1 > $1.1 }).prefix(8) { print("  \(Int(seconds * 1000)) ms  \(label)") }
        return failures == 0 ? 0 : 1
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func replay(_ entry: ImportEntry, files: [String]) -> Int32 {
        let scratch = entry.needsScratch ? try? BundleScratch() : nil
        var violations: Int32 = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file): cannot read"); violations += 1; continue
            }
            let start = Date()
            let outcome = ImportHarness.run(entry, data, scratch: scratch)
            let ms = Int(Date().timeIntervalSince(start) * 1000)
            switch outcome {
            case .imported(let items): print("\(file): imported (\(items) items) in \(ms) ms")
            case .rejected(let error): print("\(file): rejected in \(ms) ms: \(error)")
            case .violation(let problem): print("\(file): VIOLATION: \(problem)"); violations += 1
            }
        }
        return violations == 0 ? 0 : 1
    }
}

#endif
