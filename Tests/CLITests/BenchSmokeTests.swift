import Foundation
import XCTest

/// The benchmark suite's S-scale smoke run (`aksposture-bench run --quick`): CI checks that every
/// row still runs to the end and prints its figure. Timings are printed, never asserted.
final class BenchSmokeTests: XCTestCase {
    func testQuickBenchmarkRunPrintsEveryRow() throws {
        let bench = TestPaths.binary.deletingLastPathComponent().appendingPathComponent("aksposture-bench")
        guard FileManager.default.isExecutableFile(atPath: bench.path) else {
            return XCTFail("aksposture-bench is not built next to \(TestPaths.binary.path)")
        }
        let dir = try TestPaths.temporaryDirectory("aksposture-bench-smoke")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = dir.appendingPathComponent("table.txt"), log = dir.appendingPathComponent("progress.txt")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let p = Process()
        p.executableURL = bench
        p.arguments = ["run", "--quick", "--work", dir.appendingPathComponent("work").path, "--out-table", table.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: log)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let text = (try? String(contentsOf: table, encoding: .utf8)) ?? ""
        print(text)
        let progress = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertEqual(p.terminationStatus, 0, "aksposture-bench run --quick failed:\n" + progress.suffix(3000))
        XCTAssertTrue(text.contains("machine: "), text)
        let rows = Set(text.split(separator: "\n").compactMap { line -> Int? in
            guard let first = line.split(separator: " ").first, let n = Int(first) else { return nil }
            return n
        })
        XCTAssertEqual(rows, Set(1...8), "every benchmark row prints a figure")
        // only the orjson comparison may be missing (python3 without orjson); it is said in the table
        let omitted = text.split(separator: "\n").filter { $0.hasPrefix("not measured: ") }
            .flatMap { $0.dropFirst("not measured: ".count).components(separatedBy: "; ") }
        XCTAssertEqual(omitted.filter { !$0.hasPrefix("#1 orjson") }, [], text)
    }
}
