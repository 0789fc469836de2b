import Foundation
import XCTest

/// The man page `make install` ships: swift-argument-parser's generate-manual run on the real
/// binary, passed through Scripts/man-page.sh, rendered by groff with warnings on.
final class ManPageCLITests: XCTestCase {
    var sandbox: CLISandbox!

    override func setUpWithError() throws { sandbox = try CLISandbox("aksposture-man") }
    override func tearDownWithError() throws { sandbox.remove() }

    /// swift-argument-parser's generate-manual tool, built beside the binary by
    /// `swift package plugin generate-manual --help` (which `make man` runs).
    private func generateManualTool() throws -> URL {
        let binDir = TestPaths.binary.resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [binDir, binDir.deletingLastPathComponent().appendingPathComponent("release"),
                          TestPaths.packageRoot.appendingPathComponent(".build/debug"), TestPaths.packageRoot.appendingPathComponent(".build/release")]
        for dir in candidates {
            let tool = dir.appendingPathComponent("generate-manual-tool")
            if FileManager.default.isExecutableFile(atPath: tool.path) { return tool }
        }
        throw XCTSkip("generate-manual is not built; run `swift package plugin generate-manual --help` (or `make man`) once to build it")
    }

    private func exec(_ path: String, _ args: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try runProcess(path, args, environment: environment)
    }

    private func generatePage() throws -> URL {
        let tool = try generateManualTool()
        let outDir = sandbox.root.appendingPathComponent("man")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let gen = try exec(tool.path, [TestPaths.binary.path, "--output-directory", outDir.path, "--date", "2026-11-29"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let page = sandbox.root.appendingPathComponent("aksposture.1")
        let post = try exec("/bin/sh", [TestPaths.packageRoot.appendingPathComponent("Scripts/man-page.sh").path,
                                        outDir.appendingPathComponent("aksposture.1").path, page.path])
        XCTAssertEqual(post.status, 0, post.stderr)
        return page
    }

    func testManPageRendersWithoutWarnings() throws {
        let page = try generatePage()
        let source = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(source.contains(".Dt AKSPOSTURE 1"), String(source.prefix(300)))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else {
            for section in ["NAME", "SYNOPSIS", "DESCRIPTION"] { XCTAssertTrue(source.contains(".Sh \(section)"), section) }
            throw XCTSkip("groff not installed; checked the mdoc sections only")
        }
        // -P-cbou: plain text, no SGR or overstrike, so the output can be searched.
        let r = try exec("/usr/bin/groff", ["-mandoc", "-Tutf8", "-ww", "-P-cbou", page.path], environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "", "groff warnings")
        let text = r.stdout
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION"] {
            XCTAssertNotNil(text.range(of: "\n\(section)\n"), "section \(section)")
        }
        for sub in ["dashboard", "import", "score", "collect", "history", "config"] {
            XCTAssertNotNil(text.range(of: "\n {5}\(sub)\\b", options: .regularExpression), "subcommand \(sub) is documented")
        }
        // Hyphenation may split long words across lines; these phrases are short enough not to be.
        for phrase in ["--fail-on", "--config", "--log-level", "threshold not met", "usage error"] {
            XCTAssertTrue(text.contains(phrase), phrase)
        }
    }

    func testPostProcessingRemovesTheWarningsItIsFor() throws {
        // Without Scripts/man-page.sh, groff warns about the empty lines between paragraphs; the
        // test above would be vacuous if it did not.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else { throw XCTSkip("groff not installed") }
        let tool = try generateManualTool()
        let outDir = sandbox.root.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        XCTAssertEqual(try exec(tool.path, [TestPaths.binary.path, "--output-directory", outDir.path]).status, 0)
        let r = try exec("/usr/bin/groff", ["-mandoc", "-Tutf8", "-ww", "-z", outDir.appendingPathComponent("aksposture.1").path])
        XCTAssertTrue(r.stderr.contains("Empty input line"), r.stderr)
    }
}
