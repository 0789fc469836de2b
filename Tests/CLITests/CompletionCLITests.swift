import Foundation
import XCTest

/// Shell integration: version, help with exit codes, and completion scripts.
final class CompletionCLITests: XCTestCase {
    var sandbox: CLISandbox!

    override func setUpWithError() throws { sandbox = try CLISandbox("aksposture-completion") }
    override func tearDownWithError() throws { sandbox.remove() }

    private let subcommands = ["dashboard", "import", "score", "collect", "history", "config"]

    func testVersion() throws {
        let r = try sandbox.run(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertNotNil(r.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression), r.stdout)
    }

    func testHelpOfRootAndScoreListExitCodes() throws {
        for args in [["--help"], ["score", "--help"]] {
            let r = try sandbox.run(args)
            XCTAssertEqual(r.status, 0, r.stderr)
            for code in ["0 ", "1 ", "2 ", "64 "] {
                XCTAssertNotNil(r.stdout.range(of: "\n +\(code) +[a-z]", options: .regularExpression), "\(args) lists exit code \(code): \(r.stdout)")
            }
        }
        let score = try sandbox.run(["score", "--help"]).stdout
        for option in ["--format", "--output", "--fail-under", "--fail-on", "--config", "--log-level", "prometheus", "sarif", "junit", "markdown"] {
            XCTAssertTrue(score.contains(option), option)
        }
    }

    private func completion(_ shell: String) throws -> String {
        let r = try sandbox.run(["--generate-completion-script", shell])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertGreaterThan(r.stdout.count, 500)
        for name in subcommands { XCTAssertTrue(r.stdout.contains(name), "\(shell) completion mentions \(name)") }
        // fish names long options without their dashes (`-l 'fail-on'`, `'fail-on='`).
        for option in ["fail-on", "config", "format", "log-level"] {
            XCTAssertTrue(r.stdout.contains(shell == "fish" ? "'\(option)" : "--\(option)"), "\(shell) completion mentions \(option)")
        }
        return r.stdout
    }

    private func shell(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `SHELL -n` parses without running; nil when that shell is not installed.
    private func syntaxCheck(_ shellName: String, _ script: String) throws -> ProcessResult? {
        guard let sh = shell(shellName) else { return nil }
        let file = sandbox.root.appendingPathComponent("completion.\(shellName)")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sh)
        p.arguments = ["-n", file.path]
        let err = Pipe()
        p.standardError = err; p.standardOutput = FileHandle.nullDevice
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ProcessResult(status: p.terminationStatus, stdout: "", stderr: String(decoding: e, as: UTF8.self))
    }

    func testBashCompletionParses() throws {
        let script = try completion("bash")
        let check = try XCTUnwrap(try syntaxCheck("bash", script), "bash is installed on every machine that builds this")
        XCTAssertEqual(check.status, 0, check.stderr)
        // The check can fail: a truncated script does not parse.
        let broken = try XCTUnwrap(try syntaxCheck("bash", String(script.prefix(script.count / 2))))
        XCTAssertNotEqual(broken.status, 0)
    }

    func testZshCompletion() throws {
        let script = try completion("zsh")
        XCTAssertTrue(script.hasPrefix("#compdef aksposture"), String(script.prefix(40)))
        guard let check = try syntaxCheck("zsh", script) else { throw XCTSkip("zsh not installed; `zsh -n` not run (the script was generated and checked for content)") }
        XCTAssertEqual(check.status, 0, check.stderr)
    }

    func testFishCompletion() throws {
        let script = try completion("fish")
        XCTAssertTrue(script.contains("complete -c 'aksposture'"), String(script.prefix(200)))
        guard let check = try syntaxCheck("fish", script) else { throw XCTSkip("fish not installed; `fish -n` not run (the script was generated and checked for content)") }
        XCTAssertEqual(check.status, 0, check.stderr)
    }
}
