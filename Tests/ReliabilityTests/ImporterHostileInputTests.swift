import Foundation
import XCTest
import FuzzSupport
import PostureImport
import PostureViews

/// The quick, deterministic variant of the importer fuzzing (the long libFuzzer run is
/// Scripts/reliability/fuzz-importers.sh): the hostile inputs the issue lists through every
/// entry point, then seeded random mutations of the demo and corpus documents. Each input must
/// import or be rejected with an ImportError naming the file and a JSON path; nothing else.
final class ImporterHostileInputTests: XCTestCase {
    /// The large cases (10 MB strings, a million elements, 100,000 levels) take seconds each in a
    /// debug build, so the quick run gives them to one list importer (node pools: arrays and
    /// `value` pages) and gives the Kubernetes importer the ones that exercise its item
    /// streaming. The release-build replay (`aksposture-fuzz-import hostile`, see RELIABILITY.md)
    /// runs every case through every entry.
    static func inQuickRun(_ entry: ImportEntry, _ c: HostileInputs.Case) -> Bool {
        guard c.data.count > 1_000_000 || c.name.contains("100,000") else { return true }
        switch entry {
        case .nodePools: return true
        case .kubernetes, .kubernetesFile, .kubernetesScrub: return c.name.contains("under items")
        default: return false
        }
    }

    private func check(_ entry: ImportEntry, _ c: HostileInputs.Case, scratch: BundleScratch?,
                       file: StaticString = #filePath, line: UInt = #line) {
        let outcome = ImportHarness.run(entry, c.data, scratch: scratch)
        let label = "\(entry.rawValue) / \(c.name)"
        switch (outcome, c.expectation) {
        case (.violation(let problem), _):
            XCTFail("\(label): \(problem)", file: file, line: line)
        case (.rejected(let error), .imported):
            XCTFail("\(label): expected an import, got \(error)", file: file, line: line)
        case (.imported, .rejected):
            XCTFail("\(label): expected a rejection, but it imported", file: file, line: line)
        case (.rejected(let error), .rejected(let prefix, let fragment)):
            XCTAssertTrue(error.path.hasPrefix(prefix), "\(label): path \(error.path)", file: file, line: line)
            if !fragment.isEmpty {
                XCTAssertTrue(error.message.lowercased().contains(fragment.lowercased()),
                              "\(label): message '\(error.message)' lacks '\(fragment)'", file: file, line: line)
            }
        default:
            break
        }
        if case .rejected(let error) = outcome {
            // What an operator sees of a rejection passes the one sanitizer; afterwards no raw
            // control character may remain (the message may quote hostile input).
            // ImportError.description already shows unsafe scalars visibly, the way the one
            // sanitizer does: sanitizing it again changes nothing.
            XCTAssertEqual(TerminalText.sanitize(error.description), error.description, "\(label)", file: file, line: line)
            XCTAssertEqual(ImportHarness.rawControls(in: error.description), [], "\(label): \(error.description.debugDescription)", file: file, line: line)
            XCTAssertLessThan(error.description.utf8.count, 4096, "\(label): an error message should not quote megabytes of input", file: file, line: line)
        }
    }

    func testHostileInputsThroughEveryDocumentImporter() throws {
        var timings: [(String, Double)] = []
        let scratch = try BundleScratch()
        for entry in ImportEntry.allCases where entry != .bundle {
            for c in HostileInputs.cases(for: entry) where Self.inQuickRun(entry, c) {
                let start = Date()
                check(entry, c, scratch: entry.needsScratch ? scratch : nil)
                timings.append(("\(entry.rawValue) / \(c.name)", Date().timeIntervalSince(start)))
            }
        }
        // Reported, not asserted (debug build, shared machine): the 1 s bound is checked on the
        // release build by `aksposture-fuzz-import hostile` and libFuzzer's -timeout=1.
        for (name, seconds) in timings.sorted(by: { $0.1 > $1.1 }).prefix(5) {
            print("slowest hostile input (debug): \(name): \(Int(seconds * 1000)) ms")
        }
    }

    /// The bundle loader: each hostile document as cluster.json, and as an optional file next to
    /// a valid cluster.json (the error must name that file).
    func testHostileInputsThroughTheBundleLoader() throws {
        let scratch = try BundleScratch()
        let clusterDoc = Data(HostileInputs.document(.cluster, nameValue: Array("\"c1\"".utf8)))
        for c in HostileInputs.cases(for: .cluster) where Self.inQuickRun(.cluster, c) {
            check(.bundle, HostileInputs.Case(name: "cluster.json: " + c.name, data: c.data, expectation: c.expectation), scratch: scratch)
        }
        for (file, entry) in [("nodepools.json", ImportEntry.nodePools), ("kubernetes/pods.json", .kubernetes), ("kubernetes.json", .kubernetes),
                              ("collected.json", .nodePools)] {
            for c in HostileInputs.cases(for: entry) where Self.inQuickRun(.cluster, c) {
                let container = BundleContainer.encode(["cluster.json": clusterDoc, file: c.data])
                let outcome = ImportHarness.run(.bundle, container, scratch: scratch)
                switch outcome {
                case .violation(let problem): XCTFail("\(file) / \(c.name): \(problem)")
                case .rejected(let error):
                    XCTAssertEqual(error.file, "fuzz-bundle/\(file)", "\(file) / \(c.name): \(error)")
                case .imported:
                    if case .rejected = c.expectation, file != "collected.json" { XCTFail("\(file) / \(c.name): imported, expected a rejection") }
                }
            }
        }
    }

    func testBOMAndDuplicateKeysKeepTheirMeaning() throws {
        let withBOM = Data([0xEF, 0xBB, 0xBF] + HostileInputs.document(.cluster, nameValue: Array("\"bom\"".utf8)))
        XCTAssertEqual(try DocumentImporter.cluster(from: withBOM, file: "c.json").name, "bom")
        let duplicate = Data(HostileInputs.document(.cluster, nameValue: Array(#""first", "name": "second""#.utf8)))
        XCTAssertEqual(try DocumentImporter.cluster(from: duplicate, file: "c.json").name, "second", "duplicate keys: the last one wins, never a mix")
    }

    func testInvalidEscapeErrorDescribesTheByteInsteadOfEchoingIt() {
        // 0x9B is CSI in the C1 range; a terminal would start a control sequence from it.
        let doc = Array(#"{"name": "a\"#.utf8) + [0xC2, 0x9B] + Array(#"2J"}"#.utf8)
        XCTAssertThrowsError(try DocumentImporter.cluster(from: Data(doc), file: "cluster.json")) { error in
            guard let e = error as? ImportError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.path, "$.name")
            XCTAssertTrue(e.message.contains("invalid escape"), e.message)
            XCTAssertEqual(ImportHarness.rawControls(in: e.description), [], e.description.debugDescription)
        }
    }

    /// Error messages quote input: a hostile `collected.json` state, a hostile key in the path.
    func testErrorTextQuotingHostileInputIsShownSafely() throws {
        let scratch = try BundleScratch()
        let cluster = Data(HostileInputs.document(.cluster, nameValue: Array("\"c\"".utf8)))
        let attacks = [
            ("collected.json", Data(#"{"sources": [{"source": "cluster", "state": "\u001b]0;OWNED\u0007\u001b[2J\u009b31m\u202e"}]}"#.utf8)),
            ("collected.json", Data(#"{"collectedAt": "\u001b]52;c;Q0FOQVJZ\u0007"}"#.utf8)),
            ("nodepools.json", Data("[{\"\u{1B}]0;t\u{07}\u{202E}\": [}]".utf8)),
            ("kubernetes/pods.json", Data(#"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"\u001b[2J": {"name": 7}}, "spec": 5}]}"#.utf8)),
        ]
        for (file, data) in attacks {
            let outcome = ImportHarness.run(.bundle, BundleContainer.encode(["cluster.json": cluster, file: data]), scratch: scratch)
            guard case .rejected(let error) = outcome else { XCTFail("\(file): expected a rejection, got \(outcome)"); continue }
            XCTAssertEqual(ImportHarness.rawControls(in: error.description), [], error.description.debugDescription)
            XCTAssertFalse(error.description.unicodeScalars.contains { HostileBundle.isUnsafe($0) }, error.description.debugDescription)
            XCTAssertEqual(TerminalText.sanitize(error.description), error.description)
        }
    }

    // MARK: Seeded mutations

    /// Mutations per entry for the quick run; the bundle entry writes files, so it gets fewer.
    static func mutationCount(_ entry: ImportEntry) -> Int { entry == .bundle ? 300 : 400 }

    private func runMutations(seeds: [ImportEntry: [(name: String, data: Data)]], seed: UInt64) throws -> Int {
        let scratch = try BundleScratch()
        var total = 0
        for entry in ImportEntry.allCases {
            let pool = (seeds[entry] ?? []).map { [UInt8]($0.data) }
            guard !pool.isEmpty else { continue }
            var mutator = JSONMutator(seed: seed ^ UInt64(ImportEntry.allCases.firstIndex(of: entry)! + 1))
            var mutator2 = SplitMix64(seed: seed &+ 17)
            var failures = 0
            for i in 0..<Self.mutationCount(entry) {
                let base = pool[Int.random(in: 0..<pool.count, using: &mutator2)]
                let other = pool[Int.random(in: 0..<pool.count, using: &mutator2)]
                let input = Data(mutator.mutate(base, splicing: other))
                total += 1
                if case .violation(let problem) = ImportHarness.run(entry, input, scratch: scratch) {
                    failures += 1
                    if failures <= 3 {
                        XCTFail("\(entry.rawValue) mutation \(i) (seed \(seed)): \(problem)")
                    }
                }
            }
        }
        return total
    }

    func testSeededMutationsOfDemoDocuments() throws {
        let source = SeedSource()
        let bundles = source.demoBundles()
        XCTAssertFalse(bundles.isEmpty, "no demo bundles under \(source.snapshotsRoot.path)")
        // Demo documents only: corpus-free, so this part always runs.
        let corpusless = SeedSource(packageRoot: source.packageRoot, corpusRoot: URL(fileURLWithPath: "/nonexistent-corpus"))
        var seeds: [ImportEntry: [(name: String, data: Data)]] = [:]
        for entry in ImportEntry.allCases { seeds[entry] = corpusless.seeds(for: entry) }
        let total = try runMutations(seeds: seeds, seed: 0xA115_0001)
        XCTAssertGreaterThanOrEqual(total, 3_000)
    }

    func testSeededMutationsOfCorpusDocuments() throws {
        let source = SeedSource()
        let docs = source.corpusDocuments()
        if docs.isEmpty {
            throw XCTSkip("corpus not found at \(source.corpusRoot.path) (set AKSPOSTURE_CORPUS): skipped the corpus JSON files (53 at the time of writing) and their mutations")
        }
        var seeds: [ImportEntry: [(name: String, data: Data)]] = [:]
        for entry in ImportEntry.allCases where entry != .bundle { seeds[entry] = docs }
        let total = try runMutations(seeds: seeds, seed: 0xC0DE_0002)
        XCTAssertGreaterThanOrEqual(total, 3_000)
    }
}

/// The windowed-file entry must really reach every window capacity (it picks one by input
/// length) and agree with the whole-buffer import on valid and broken documents alike.
final class WindowedFileEntryTests: XCTestCase {
    func testEveryWindowCapacityAgreesWithTheWholeBufferImport() throws {
        let scratch = try BundleScratch()
        let valid = HostileInputs.document(.kubernetesFile, nameValue: Array("\"cm-1\"".utf8))
        let capacities = ImportEntry.fileWindowCapacities
        var reached = Set<Int>()
        for padding in 0..<capacities.count {
            let input = Data(valid + Array(repeating: UInt8(ascii: " "), count: padding))
            reached.insert(capacities[input.count % capacities.count])
            guard case .imported = ImportHarness.run(.kubernetesFile, input, scratch: scratch) else {
                return XCTFail("padding \(padding): \(ImportHarness.run(.kubernetesFile, input, scratch: scratch))")
            }
            // Cut inside the ConfigMap's name: both paths must give the same truncation error.
            let cut = Data(valid.prefix(valid.count - 8) + Array(repeating: UInt8(ascii: " "), count: padding))
            guard case .rejected(let error) = ImportHarness.run(.kubernetesFile, cut, scratch: scratch) else {
                return XCTFail("padding \(padding): the cut document was not rejected")
            }
            XCTAssertEqual(error.file, "fuzz-bundle/kubernetes.json")
            XCTAssertTrue(error.path.hasPrefix("$.items[0]"), error.path)
        }
        XCTAssertEqual(reached, Set(capacities))
        XCTAssertNotNil(ImportEntry.fileWindow(forInputOf: ImportEntry.smallWindowInputLimit), "libFuzzer's longest input still gets a small window")
        XCTAssertNil(ImportEntry.fileWindow(forInputOf: ImportEntry.smallWindowInputLimit + 1))
        XCTAssertNil(ImportHarness.run(.kubernetesFile, Data(valid), scratch: nil).isViolation ? nil : "no violation",
                     "without a scratch directory the entry must report a harness violation")
    }
}
